#!/usr/bin/env python3
"""Kill -9 the engine at every boundary of a rebalance, restart it, and audit what it left behind.

Each scenario runs `mammon --no-ui --once` on a fresh simulated database with MAMMON_FAILPOINT set,
so the process SIGKILLs itself at exactly that boundary; then runs it again without the failpoint and
checks, from the database and the simulated chain's ledger:
  - the first run really died by SIGKILL, the restart exited 0;
  - every execution ended in a clear state (none left running) and all succeeded;
  - funds are conserved (wallet + every market = the opening 4000 USDC; gas is paid in ETH);
  - every transaction step was mined exactly once (its final hash has exactly one receipt, no
    receipt belongs to nothing) and nonces have no gap (nonce == number of mined transactions);
  - today's rebalance count equals the executions that sent a transaction.
Prints a table of faults x outcomes; exits 1 if any check failed.
"""
import argparse, json, os, sqlite3, subprocess, sys, tempfile

OPENING_USDC = 4_000_000_000  # 1500 idle + 2500 in Aave V3, in base units

SHORT = [
    ("journaled:withdraw", None), ("broadcast:withdraw", None), ("mined:withdraw", None),
    ("mined:approve", None), ("verification", None), ("replacement-journaled:deposit", "congestion:deposit:1"),
]
FULL = [(f"{p}:{s}", None) for s in ("withdraw", "approve", "deposit") for p in ("journaled", "broadcast", "mined")] + [
    ("verification", None),
    ("replacement-journaled:withdraw", "congestion:withdraw:1"),
    ("replacement-journaled:deposit", "congestion:deposit:2"),
    ("broadcast:deposit", "congestion:deposit:1"),
]


def run(binary, db, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAX_", "MIN_", "MAMMON_FAILPOINT", "MAMMON_SIMULATED"))}
    # Each case kills the move its first scan proposes: the market guards' rate window and patience
    # (tested on their own) would hold a fresh database's first move for 12 h.
    env.update({"APY_WINDOW_HOURS": "0", "MIN_HOURS_BETWEEN_MOVES": "0"})
    env.update(env_extra)
    return subprocess.run([binary, "--no-ui", "--once", "--db", db], env=env, capture_output=True, text=True, timeout=120)


def audit(db):
    con = sqlite3.connect(db)
    q = lambda sql, *a: con.execute(sql, a).fetchall()
    ledger = dict(q("SELECT account, value FROM simulated_ledger"))
    statuses = [s for (s,) in q("SELECT status FROM execution")]
    receipts = {k.split(":", 1)[1] for k in ledger if k.startswith("receipt:")}
    step_hashes = [h for (h,) in q("SELECT tx_hash FROM step WHERE step IN ('withdraw','approve','deposit') AND status = 'succeeded'")]
    funds = int(ledger["wallet"]) + sum(int(v) for k, v in ledger.items() if k.startswith("deposit:"))
    # The simulated markets pay interest per block (ledger "interest:<market>"): conserved means nothing
    # appeared or vanished beyond what the markets credited.
    interest = sum(int(v) for k, v in ledger.items() if k.startswith("interest:"))
    sent = q("SELECT COUNT(DISTINCT execution_id) FROM step WHERE tx_hash IS NOT NULL")[0][0]
    today = q("SELECT COALESCE(SUM(rebalances), 0) FROM daily_budget")[0][0]
    con.close()
    checks = {
        "clear states": "running" not in statuses,
        "all succeeded": bool(statuses) and all(s == "succeeded" for s in statuses),
        "funds conserved": funds == OPENING_USDC + interest,
        "mined once": sorted(step_hashes) == sorted(receipts) and len(set(step_hashes)) == len(step_hashes),
        "no nonce gap": int(ledger["nonce"]) == len(receipts),
        "counters": today == sent,
    }
    return checks, len(statuses), len(receipts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.environ.get("MAMMON_BINARY", ".build/debug/mammon"))
    ap.add_argument("--short", action="store_true", help="the subset make test runs")
    args = ap.parse_args()
    scenarios = SHORT if args.short else FULL
    rows, failed = [], 0
    with tempfile.TemporaryDirectory(prefix="mammon-chaos-") as tmp:
        for i, (failpoint, fault) in enumerate(scenarios):
            db = os.path.join(tmp, f"{i}.sqlite")
            env = {"MAMMON_FAILPOINT": failpoint}
            if fault:
                env["MAMMON_SIMULATED_FAULTS"] = fault
            first = run(args.binary, db, env)
            second = run(args.binary, db, {})
            checks, executions, mined = audit(db)
            checks = {"killed -9": first.returncode == -9, "restart ok": second.returncode == 0, **checks}
            ok = all(checks.values())
            failed += not ok
            rows.append((failpoint + (f" [{fault}]" if fault else ""), executions, mined,
                         "ok" if ok else "FAILED: " + ", ".join(k for k, v in checks.items() if not v)))
            if not ok:
                sys.stderr.write(f"--- {failpoint}: first run stderr:\n{first.stderr[-2000:]}\n--- restart stderr:\n{second.stderr[-2000:]}\n")
    width = max(len(r[0]) for r in rows)
    print(f"{'fault (kill -9 at)'.ljust(width)}  executions  mined txs  outcome")
    for name, executions, mined, outcome in rows:
        print(f"{name.ljust(width)}  {str(executions).rjust(10)}  {str(mined).rjust(9)}  {outcome}")
    print(f"chaos: {len(rows) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
