#!/usr/bin/env bash
# Makes screenshots/*.png from the real console: mammon runs in tmux on the simulated network, each
# scene is driven with keys, captured with `tmux capture-pane -e`, and rendered to PNG.
# usage: scripts/screenshots.sh [MAMMON_BINARY]   (make screenshots builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-${MAMMON_BINARY:-.build/release/mammon}}")
PY=${PYTHON:-python3}
$PY -c 'import PIL' 2>/dev/null || PY=/usr/bin/python3   # Debian's python3-pil as a fallback
OUT=screenshots
WORK=$(mktemp -d)
SOCK="mammon-shots-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/mammon-shots-$$"*; rm -rf "$WORK"' EXIT

# Starts a scene: NAME COLS ROWS then environment assignments and mammon arguments after "--".
start() {
    local name=$1 cols=$2 rows=$3; shift 3
    local envs=() args=()
    while [[ $# -gt 0 && $1 != -- ]]; do envs+=("$1"); shift; done
    [[ ${1:-} == -- ]] && shift
    args=("$@")
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    # A server of its own per scene: a new session sent to a server still shutting down fails.
    SOCK="mammon-shots-$$-$name"
    [[ -n ${KEEP_DB:-} ]] || rm -f "$WORK/$name.sqlite"*
    tmux -L "$SOCK" -f /dev/null new-session -d -s main -x "$cols" -y "$rows" \
        env -i PATH=/usr/bin:/bin HOME="$WORK" TERM=xterm-256color LANG=C.UTF-8 XDG_CONFIG_HOME="$WORK" "${envs[@]}" \
        "$BIN" --db "$WORK/$name.sqlite" "${args[@]}"
}

keys() { tmux -L "$SOCK" send-keys -t main "$@"; }

# Waits (at most 30 s) until the screen shows TEXT.
wait_for() {
    local deadline=$((SECONDS + 30))
    until tmux -L "$SOCK" capture-pane -p -t main | grep -qF -- "$1"; do
        if ((SECONDS > deadline)); then
            echo "screenshots: timed out waiting for '$1'; the screen shows:" >&2
            tmux -L "$SOCK" capture-pane -p -t main >&2
            exit 1
        fi
        sleep 0.1
    done
}

# Waits (at most 30 s) until no scan is running.
wait_idle() {
    local deadline=$((SECONDS + 30))
    while tmux -L "$SOCK" capture-pane -p -t main | grep -qF "scanning (cycle"; do
        ((SECONDS > deadline)) && { echo "screenshots: a scan did not finish" >&2; exit 1; }
        sleep 0.1
    done
}

shoot() {
    local name=$1 cols=$2 rows=$3
    tmux -L "$SOCK" capture-pane -e -p -t main > "$WORK/$name.ans"
    $PY scripts/screenshots-render.py "$WORK/$name.ans" "$OUT/$name.png" "$cols" "$rows"
    echo "screenshots/$name.png"
}

# Several scans so the sparklines and the opportunity table have history.
scans() { for i in $(seq "$1"); do wait_idle; keys r; wait_for "scans $((i + ${2:-0}))"; done; wait_idle; }

mkdir -p "$OUT"

# 1. Normal running: automatic approval, a few scans, executions done.
start running 120 36 APPROVAL_MODE=auto MAMMON_SIM_BLOCK_SECONDS=0 --
wait_for "scans 1"; scans 5 1; wait_for "Recent"
keys 2; sleep 0.3
shoot running 120 36

# 2. The approval dialog: manual approval, a recommendation waiting.
start approval 120 40 APPROVAL_MODE=manual --
wait_for "awaiting approval"; scans 3 1
# The dialog's last line: a frame reaches tmux in several writes, and its title is drawn first.
keys a; wait_for "[ Cancel (Esc) ]"
shoot approval 120 40

# 3. An execution in progress: three seconds per mined transaction.
start execution 120 36 APPROVAL_MODE=manual MAMMON_SIM_BLOCK_SECONDS=3 --
wait_for "awaiting approval"; scans 2 1
keys a; wait_for "Approve this move?"; keys y
wait_for "◐ approve"
keys 3; sleep 0.3
shoot execution 120 36

# 4. The narrow layout: panes become tabs below 80 columns.
start narrow 64 22 APPROVAL_MODE=manual --
wait_for "Opportunities ●"; keys 2; sleep 0.3
shoot narrow 64 22

# 5. The light theme.
start light 120 36 APPROVAL_MODE=manual -- --theme light
wait_for "awaiting approval"; scans 3 1
keys 2; sleep 0.3
shoot light 120 36

# 6. The portfolio view on a month of simulated history (made with a hand-moved clock).
rm -f "$WORK/portfolio.sqlite"*
"$BIN" simulate-history --days 30 --db "$WORK/portfolio.sqlite" > /dev/null
KEEP_DB=1 start portfolio 160 48 MAMMON_SIM_BLOCK_SECONDS=0 -- --stopped
wait_for "blended"; keys p; wait_for "Scorecard"; keys j Enter; wait_for "decided:"
shoot portfolio 160 48
