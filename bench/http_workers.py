"""Moves per second over signed HTTP with `deliverybot run` on 1 and on 2 worker processes
(DELIVERYBOT_WEB_WORKERS), each a real server process, measured side by side in one run.

    .venv/bin/python bench/http_workers.py                 # 600 commands per server, 3 interleaved rounds
    .venv/bin/python bench/http_workers.py --requests 300 --workers 1 2 3

Each server is `python -m bot.cli run` in HTTP mode on its own SQLite file holding a generated
2,000-story plan whose entry gate 1.1 is done (hundreds of stories startable), its Slack pointed
at the FakeSlack of bench/http_latency.py's load process. That process also runs the 20 clients
(closed loop): each moves its own stories `/start` -> `/review LINK @other` -> `/done LINK` (four
eyes) with genuinely signed requests, and a command counts when its reply reaches the
response_url. The servers are measured in interleaved rounds; the anchor is the single-worker
server of the same run, so the ratio says what a second process buys on this machine (whose two
cores the load process shares). Goal (issue 13): >= 100 transitions/s, reply p99 < 1 s.
Asserts nothing; ends with one SUMMARY line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_latency as H  # noqa: E402  (the load process, signing and the plan preparation)

ROOT = H.ROOT
GOAL_TPS, GOAL_P99_S = 100.0, 1.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ready(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server on :{port} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server on :{port} was not ready within {timeout:.0f} s")


def _prepare(tmp: Path, workers: int, plan_file: Path) -> tuple[str, list[str]]:
    """A database holding the plan with 1.1 done; returns (DATABASE_URL, startable stories)."""
    from bot.bootstrap import import_plan
    from storage.store import Store

    url = f"sqlite:///{tmp}/workers-{workers}.db"
    store = Store(url)
    import_plan(store, plan_file, slug="big-progress", channel="C0BIGP")
    stories = H._prepare_progress(store, "big-progress", "C0BIGP")
    store.engine.dispose()
    return url, stories


async def _run(args) -> int:
    from gen_plan import generate_plan

    child = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "http_latency.py"), "--worker",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=64 * 2**20, cwd=str(ROOT),
    )  # fmt: skip

    async def read_message(timeout: float) -> dict:
        return await H.read_marked(child, timeout)

    servers: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            api_url = (await read_message(30))["api_url"]
            plan_file = tmp / f"plan-{args.stories}.md"
            plan_file.write_text(generate_plan(args.stories, seed=1), encoding="utf-8")
            targets = []
            for n in args.workers:
                url, stories = _prepare(tmp, n, plan_file)
                port = _free_port()
                env = {k: v for k, v in os.environ.items()
                       if not k.startswith(("DELIVERYBOT_", "SLACK_")) and k != "DATABASE_URL"}
                env.update(SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=H.SECRET, SLACK_API_URL=api_url,
                           SLACK_RESPONSE_URL_HOSTS="127.0.0.1", PORT=str(port), DATABASE_URL=url,
                           DELIVERYBOT_WEB_WORKERS=str(n), DELIVERYBOT_LOG_LEVEL="WARNING")  # fmt: skip
                proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=env, cwd=str(ROOT),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
                servers.append(proc)
                _ready(port, proc)
                targets.append({"name": f"workers-{n}", "label": f"deliverybot run, {n} worker process(es)",
                                "url": f"http://127.0.0.1:{port}/slack/events", "channel": "C0BIGP",
                                "replies": True, "command": "/unblocked", "text": "", "workload": "writes",
                                "stories": stories})  # fmt: skip
            job = {"targets": targets, "requests": args.requests, "warmup": args.warmup, "rounds": args.rounds,
                   "concurrency": args.concurrency, "max_seconds": args.max_seconds, "rate": 0, "seed": 1,
                   "busy_text": "deliverybot is busy right now", "settle_url": None}  # fmt: skip
            child.stdin.write((json.dumps(job) + "\n").encode())
            await child.stdin.drain()
            results = (await read_message(args.max_seconds + 120))["results"]
        finally:
            for proc in servers:
                proc.terminate()
            for proc in servers:
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
            if child.returncode is None:
                child.kill()
    return _report(args, targets, results)


def _report(args, targets, results) -> int:
    print(f"HTTP writes (start -> review -> done), signed, {args.concurrency} clients (closed loop), {args.requests}"
          f" commands per server in {args.rounds} interleaved rounds after {args.warmup} warm-up;"
          f" {args.stories} stories with 1.1 done; {os.cpu_count()} CPUs (shared with the load process)")  # fmt: skip
    print(f"  {'server':<42} {'n':>5} {'moved':>6} {'moved/s':>8} {'reply p50':>9} {'reply p99':>9} {'refused':>7}"
          f" {'busy':>5} {'err':>4}   (ms)")  # fmt: skip
    rates = {}
    for t in targets:
        r = results[t["name"]]
        tps = r["moved"] / r["busy_s"] if r["busy_s"] else float("nan")
        rates[t["name"]] = (tps, H._percentile(r["e2e"], 99) if r["e2e"] else float("nan"))
        refused = sum(k["refused"] for k in r["kinds"].values())
        print(f"  {t['label']:<42} {len(r['ack']):>5} {r['moved']:>6} {tps:>8.1f} {H._ms(H._percentile(r['e2e'], 50) if r['e2e'] else None):>9}"
              f" {H._ms(rates[t['name']][1]):>9} {refused:>7} {r['busy']:>5} {len(r['errors']):>4}")  # fmt: skip
    anchor = rates[targets[0]["name"]][0]
    parts = []
    for t in targets:
        tps, p99 = rates[t["name"]]
        verdict = "PASS" if tps >= GOAL_TPS and p99 < GOAL_P99_S else "FAIL"
        parts.append(f"{t['name']} {tps:.1f}/s (x{tps / anchor:.2f} of {targets[0]['name']}), p99 {p99 * 1000:.0f} ms:"
                     f" {verdict}")  # fmt: skip
    print(f"\nSUMMARY http_workers: {'; '.join(parts)} (goal >= {GOAL_TPS:.0f} transitions/s and reply p99 < 1 s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts, one server each")
    parser.add_argument("--requests", type=int, default=600, help="measured commands per server")
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--max-seconds", type=float, default=240.0)
    return asyncio.run(_run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
