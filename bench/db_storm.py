"""SQLite contention: 50 `/start` of different stories plus 30 readers on one file, each a separate
`deliverybot cmd` process, all started at once; repeated (default 3 rounds, a fresh file each).

    .venv/bin/python bench/db_storm.py                 # 3 rounds of 50 writers + 30 readers
    .venv/bin/python bench/db_storm.py --rounds 1 --writers 20 --readers 10

Per round it prints the exit codes, the processes that printed a Python traceback (goal: 0),
the writes that were acknowledged (exit 0) against the `start` events stored (goal: equal),
the writes refused with a sentence (exit 3: the database was busy beyond the retry budget) and
the wall time. A refused write must have left no event: events == acknowledged writes.
Ends with one `SUMMARY ...` line, PASS or FAIL.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gen_plan import generate_plan  # noqa: E402


def one_round(workdir: Path, writers: int, readers: int) -> dict:
    from bot.bootstrap import import_plan
    from storage.store import Store

    url = f"sqlite:///{workdir / 'deliverybot.db'}"
    plan_file = workdir / "storm.md"
    plan_file.write_text(generate_plan(max(writers + 10, 40)), encoding="utf-8")
    store = Store(url)
    record, plan = import_plan(store, plan_file, slug="storm")
    store.add_lead("lead", "bench")
    stories = [s for s in plan.story_ids][:writers]
    store.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DELIVERYBOT_"))}
    env["DATABASE_URL"] = url
    cmd = [sys.executable, "-m", "bot.cli", "cmd", "--plan", "storm"]
    started = time.monotonic()
    procs = [("write", subprocess.Popen([*cmd, "--as", "lead", f"/start {sid} force storm"], env=env, cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
             for sid in stories]
    procs += [("read", subprocess.Popen([*cmd, "--as", f"reader{i}", "/board"], env=env, cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
              for i in range(readers)]
    results = []
    for kind, p in procs:
        out, err = p.communicate(timeout=600)
        results.append((kind, p.returncode, out, err))
    wall = time.monotonic() - started
    import sqlite3  # counted with plain SQL: no schema check, no migration, nothing written

    with sqlite3.connect(workdir / "deliverybot.db") as db:
        events = db.execute("SELECT id FROM events WHERE action IN ('start', 'force_start')").fetchall()
    tracebacks = [(k, code, err) for k, code, _, err in results if "Traceback" in err or "Traceback" in _]
    codes: dict[str, dict[int, int]] = {"write": {}, "read": {}}
    for kind, code, _, _ in results:
        codes[kind][code] = codes[kind].get(code, 0) + 1
    refused_lines = sorted({err.strip().splitlines()[-1] for k, code, _, err in results if code == 3 and err.strip()})
    return {"wall": wall, "codes": codes, "tracebacks": tracebacks, "acked": codes["write"].get(0, 0),
            "events": len(events), "refused_lines": refused_lines}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--readers", type=int, default=30)
    args = parser.parse_args()
    ok = True
    total_tb = 0
    for n in range(1, args.rounds + 1):
        with tempfile.TemporaryDirectory(prefix="dbt-storm-") as tmp:
            r = one_round(Path(tmp), args.writers, args.readers)
        good = not r["tracebacks"] and r["events"] == r["acked"]
        ok &= good
        total_tb += len(r["tracebacks"])
        print(f"round {n}: {args.writers} writers + {args.readers} readers in {r['wall']:.1f} s; "
              f"exit codes writers {dict(sorted(r['codes']['write'].items()))} "
              f"readers {dict(sorted(r['codes']['read'].items()))}; tracebacks {len(r['tracebacks'])}; "
              f"acknowledged writes {r['acked']}, start events {r['events']} -> {'ok' if good else 'MISMATCH'}")
        for line in r["refused_lines"]:
            print(f"  refused with: {line}")
        for kind, code, err in r["tracebacks"][:3]:
            print(f"  {kind} exit {code}: {err.strip().splitlines()[-1] if err.strip() else '?'}")
    print(f"SUMMARY db_storm rounds={args.rounds} tracebacks={total_tb} "
          f"events==acknowledged {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
