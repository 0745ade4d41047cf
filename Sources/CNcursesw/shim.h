#ifndef MAMMON_CNCURSESW_SHIM_H
#define MAMMON_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config -D flags for system modules, so wide-character ncurses is selected here.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

// Mutable globals and macros Swift cannot import, as inline getters.
static inline WINDOW *mammon_stdscr(void) { return stdscr; }
static inline int mammon_cols(void) { return COLS; }
static inline int mammon_lines(void) { return LINES; }
static inline int mammon_colors(void) { return COLORS; }
static inline int mammon_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t mammon_attr_normal(void) { return A_NORMAL; }
static inline attr_t mammon_attr_bold(void) { return A_BOLD; }
static inline attr_t mammon_attr_dim(void) { return A_DIM; }
static inline attr_t mammon_attr_italic(void) { return A_ITALIC; }
static inline attr_t mammon_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t mammon_attr_reverse(void) { return A_REVERSE; }

static inline int mammon_key_resize(void) { return KEY_RESIZE; }
static inline int mammon_key_f0(void) { return KEY_F0; }

/// Writes one cell: up to 4 scalars (a base and combining marks), attributes and an extended pair.
static inline int mammon_put_cell(int y, int x, const wchar_t *chars, attr_t attrs, int pair) {
    cchar_t cell;
    if (setcchar(&cell, chars, attrs, 0, &pair) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

/// The string capability `name`, or NULL when the terminal has none.
static inline const char *mammon_tigetstr(const char *name) {
    char *s = tigetstr((char *)name);
    return (s == NULL || s == (char *)-1) ? NULL : s;
}

// Signal handling. Terminating signals (TERM, INT, HUP) only wake the console's loop, which then quits
// in order. Crashes restore the terminal with async-signal-safe calls only (write, tcsetattr), then
// die with the original signal.
static int mammon_wake_fd = -1;
static int mammon_tty_fd = -1;
static volatile sig_atomic_t mammon_signal = 0;
static struct termios mammon_saved_termios;
static int mammon_have_termios = 0;
static char mammon_restore_seq[512];
static size_t mammon_restore_len = 0;

static inline void mammon_emergency_restore(void) {
    if (mammon_tty_fd >= 0 && mammon_restore_len > 0) { ssize_t r = write(mammon_tty_fd, mammon_restore_seq, mammon_restore_len); (void)r; }
    if (mammon_tty_fd >= 0 && mammon_have_termios) tcsetattr(mammon_tty_fd, TCSANOW, &mammon_saved_termios);
}

static inline void mammon_on_terminate(int sig) {
    mammon_signal = sig;
    if (mammon_wake_fd >= 0) { char c = 's'; ssize_t r = write(mammon_wake_fd, &c, 1); (void)r; }
}

static inline void mammon_on_crash(int sig) {
    mammon_emergency_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

/// Saves the shell's terminal mode of `tty_fd` (call before newterm).
static inline void mammon_save_tty(int tty_fd) {
    mammon_tty_fd = tty_fd;
    mammon_have_termios = tcgetattr(tty_fd, &mammon_saved_termios) == 0;
}

/// Installs the handlers; `restore` is what to write to the terminal on a crash (leave the alternate
/// screen, show the cursor, reset attributes).
static inline void mammon_install_signal_handlers(int wake_fd, const char *restore) {
    mammon_wake_fd = wake_fd;
    size_t n = strlen(restore);
    if (n >= sizeof mammon_restore_seq) n = sizeof mammon_restore_seq - 1;
    memcpy(mammon_restore_seq, restore, n);
    mammon_restore_len = n;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = mammon_on_terminate;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = mammon_on_crash;
    sa.sa_flags = SA_RESETHAND;
    int crashes[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    for (unsigned i = 0; i < sizeof crashes / sizeof crashes[0]; i++) sigaction(crashes[i], &sa, NULL);
}

/// Puts the default handlers back once the terminal is restored.
static inline void mammon_reset_signal_handlers(void) {
    int all[] = { SIGTERM, SIGINT, SIGHUP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++) signal(all[i], SIG_DFL);
    mammon_wake_fd = -1;
    mammon_restore_len = 0;
}

static inline int mammon_pending_signal(void) { return mammon_signal; }
#endif
