"""Latency of signed `/unblocked` slash commands over real HTTP (DESIGN §8).

    .venv/bin/python bench/http_latency.py                 # 400 requests per target (~1-2 min)
    .venv/bin/python bench/http_latency.py --quick         # 100 per target, a smoke run
    .venv/bin/python bench/http_latency.py --requests 1000

Two processes, so the load does not share a core and an event loop with what it measures:

* this process serves, each on 127.0.0.1 with an OS-chosen port and the same aiohttp front
  (bot.slack.web.build_web_app): the real app (build_app) on the seed plan; the real app on a
  generated 2,000-story plan, on two channels — "fresh" (nothing done: only the entry gate is
  startable) and "progress" (entry gate done: hundreds of stories startable); a do-nothing Bolt
  AsyncApp whose `/unblocked` only awaits ack(); and the same do-nothing app that also answers
  "ok" through respond() (the fair end-to-end floor);
* a child process runs a FakeSlack (the Web API and the response_urls) and 20 concurrent aiohttp
  clients that send genuinely signed, form-encoded slash commands, like Slack does.

Per request: "ack" is the time until the HTTP 200 (what Slack's 3 s budget applies to); "e2e" is
the time until the reply reached the response_url on the fake. A client waits for the reply (when
the target sends one) before its next command, as a person does. Targets are measured in
interleaved rounds so that noise on the machine hits all of them alike. The ratios app/baseline
come from this one run; absolute figures move with the machine.

Also printed: the serving process's peak RSS (goal under 150 MB) and a cProfile of one warm
`/unblocked` on the 2,000-story plan.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import hashlib
import hmac
import io
import json
import logging
import math
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests", ROOT / "bench"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

SECRET = "bench-signing-secret-not-real"
SEED = ROOT / "plans" / "k3s-mono-pgsql.md"
BIG_STORIES = 2000
CONCURRENCY = 20
REPLY_TIMEOUT_S = 15
MARK = "BENCH-JSON "
GOAL_RATIO, GOAL_RSS_MB, SLACK_BUDGET_S = 1.5, 150, 3.0
EVIDENCE = "https://github.com/acme/infra/pull/1"


def sign(body: str, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def _emit(message: dict) -> None:
    sys.stdout.write(MARK + json.dumps(message) + "\n")
    sys.stdout.flush()


def _rss_mb() -> float:
    """Current resident set size (Linux /proc), in MB."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


# ================================================================== the load (child process)


def _timed_fake_class():
    from fakeslack import FakeSlack

    class TimedFakeSlack(FakeSlack):
        """FakeSlack that wakes the waiting client the moment a response_url post arrives."""

        def __init__(self) -> None:
            super().__init__()
            self.waiters: dict[str, asyncio.Future] = {}

        async def _handle_response(self, request):
            arrived = time.perf_counter()
            response = await super()._handle_response(request)
            waiter = self.waiters.pop(request.match_info["rid"], None)
            if waiter is not None and not waiter.done():
                waiter.set_result((arrived, response.status))
            return response

    return TimedFakeSlack


async def _one(session, slack, target: dict, user: str) -> tuple[float, float | None, str | None]:
    """One signed slash command: (ack seconds, e2e seconds or None, error or None)."""
    payload = slack.slash_command(target["command"], target["text"], user_id=user, user_name=user.lower(),
                                  channel_id=target["channel"])  # fmt: skip
    body = urlencode(payload)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
    rid = payload["response_url"].rsplit("/", 1)[-1]
    waiter = None
    if target["replies"]:
        waiter = asyncio.get_running_loop().create_future()
        slack.waiters[rid] = waiter
    started = time.perf_counter()
    try:
        async with session.post(target["url"], data=body.encode(), headers=headers) as resp:
            await resp.read()
            status = resp.status
    except (OSError, TimeoutError) as err:  # aiohttp.ClientError is an OSError
        slack.waiters.pop(rid, None)
        return time.perf_counter() - started, None, f"{type(err).__name__}"
    ack = time.perf_counter() - started
    if status != 200:
        slack.waiters.pop(rid, None)
        return ack, None, f"HTTP {status}"
    if waiter is None:
        return ack, None, None
    try:
        arrived, reply_status = await asyncio.wait_for(waiter, REPLY_TIMEOUT_S)
    except TimeoutError:
        slack.waiters.pop(rid, None)
        return ack, None, f"no reply within {REPLY_TIMEOUT_S} s"
    if reply_status != 200:
        return ack, arrived - started, f"reply refused by the fake (HTTP {reply_status})"
    return ack, arrived - started, None


async def _batch(
    sessions, slack, target: dict, count: int, deadline: float, out: dict, rate: float = 0
) -> None:
    """`count` requests. Closed loop (rate 0): len(sessions) clients, each sending its next command
    once the previous one was answered. Open loop: one command every 1/rate s, whatever is pending."""
    remaining = [count]

    def record(result: tuple[float, float | None, str | None]) -> None:
        ack, e2e, error = result
        if error:
            out["errors"].append(error)
            return
        out["ack"].append(ack)
        if e2e is not None:
            out["e2e"].append(e2e)

    async def client(index: int, session) -> None:
        user = f"U0BENCH{index:02d}"
        while remaining[0] > 0 and time.monotonic() < deadline:
            remaining[0] -= 1
            record(await _one(session, slack, target, user))

    async def paced() -> None:
        tasks, start = [], time.perf_counter()
        for i in range(count):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if time.monotonic() >= deadline:
                break
            remaining[0] -= 1
            session = sessions[i % len(sessions)]
            tasks.append(asyncio.create_task(_one(session, slack, target, f"U0BENCH{i % len(sessions):02d}")))
            tasks[-1].add_done_callback(lambda t: record(t.result()))
        await asyncio.gather(*tasks)

    started = time.perf_counter()
    if rate > 0:
        await paced()
    else:
        await asyncio.gather(*(client(i, s) for i, s in enumerate(sessions)))
    out["busy_s"] += time.perf_counter() - started
    out["skipped"] += max(0, remaining[0])


async def _worker() -> None:
    import aiohttp

    loop = asyncio.get_running_loop()
    async with _timed_fake_class()() as slack:
        _emit({"api_url": slack.api_url})
        job = json.loads(await loop.run_in_executor(None, sys.stdin.readline))
        deadline = time.monotonic() + job["max_seconds"]
        timeout = aiohttp.ClientTimeout(total=REPLY_TIMEOUT_S)
        sessions = [aiohttp.ClientSession(timeout=timeout) for _ in range(job["concurrency"])]
        try:
            results = {
                t["name"]: {"ack": [], "e2e": [], "errors": [], "busy_s": 0.0, "skipped": 0, "first": None}
                for t in job["targets"]
            }
            for target in job["targets"]:  # the very first request: cold caches, alone
                ack, e2e, error = await _one(sessions[0], slack, target, "U0FIRST")
                results[target["name"]]["first"] = {"ack": ack, "e2e": e2e, "error": error}
            for target in job["targets"]:  # warm-up, not recorded
                scratch = {"ack": [], "e2e": [], "errors": [], "busy_s": 0.0, "skipped": 0}
                await _batch(sessions, slack, target, job["warmup"], deadline, scratch, job["rate"])
                if scratch["errors"]:
                    results[target["name"]]["errors"] += [f"warm-up: {e}" for e in scratch["errors"]]
            rounds, per_target = job["rounds"], job["requests"]
            targets = job["targets"]
            for r in range(rounds):
                share = per_target // rounds + (1 if r < per_target % rounds else 0)
                order = targets[r % len(targets) :] + targets[: r % len(targets)]
                for target in order:
                    await _batch(
                        sessions, slack, target, share, deadline, results[target["name"]], job["rate"]
                    )
        finally:
            for session in sessions:
                await session.close()
    results_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _emit({"results": results, "worker_peak_rss_mb": results_peak})


# ================================================================== the servers (this process)


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None or math.isnan(seconds) else f"{seconds * 1000:.1f}"


async def _start(web_app):
    from aiohttp import web

    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/slack/events"


def _noop_bolt(settings, *, respond_too: bool):
    from slack_bolt.async_app import AsyncApp

    from bot.slack.app import build_client

    app = AsyncApp(client=build_client(settings), signing_secret=SECRET, request_verification_enabled=True,
                   logger=logging.getLogger("bench.noop"))  # fmt: skip

    if respond_too:

        @app.command("/unblocked")
        async def ack_and_respond(ack, respond):
            await ack()
            await respond(text="ok")

    else:

        @app.command("/unblocked")
        async def ack_only(ack):
            await ack()

    return app


def _prepare_progress(store, slug: str, channel: str) -> int:
    """Finish the entry gate 1.1 through the service (its rules included), so hundreds of stories
    become startable. A separate service instance, so the app's plan cache stays cold."""
    from bot.service.delivery import DeliveryService

    service = DeliveryService(store)
    for actor, command in (
        ("U0ALICE", "/start 1.1"),
        ("U0ALICE", f"/review 1.1 {EVIDENCE} @U0BOB"),
        ("U0BOB", f"/done 1.1 {EVIDENCE}"),
    ):
        reply = service.handle(actor, command, channel=channel, plan=slug)
        if not reply.ok:
            raise SystemExit(f"could not prepare {slug}: {command!r} refused: {reply.text}")
    return len(service.handle("U0ALICE", "/unblocked", channel=channel, plan=slug).data["startable"])


def _profile_unblocked(service, channel: str, top: int) -> str:
    from bot.slack.blocks.replies import reply_blocks

    def one() -> None:
        reply = service.handle("U0PROFILE", "/unblocked", channel=channel)
        reply_blocks(reply)

    one()  # warm: the plan is parsed once per process, as in the app
    plain = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        one()
        plain = min(plain, time.perf_counter() - started)
    best = None  # profile one command three times and keep the least disturbed run (noisy machines)
    for _ in range(3):
        candidate = cProfile.Profile()
        started = time.perf_counter()
        candidate.runcall(one)
        took = time.perf_counter() - started
        if best is None or took < best[0]:
            best = (took, candidate)
    profile = best[1]

    def table(*restrictions) -> list[str]:
        stream = io.StringIO()
        pstats.Stats(profile, stream=stream).sort_stats("cumulative").print_stats(*restrictions)
        lines = stream.getvalue().splitlines()
        rows = [ln.strip() for ln in lines if ln.lstrip()[:1].isdigit() and "function calls" not in ln]
        site = str(ROOT / ".venv" / "lib" / "python3.11" / "site-packages") + "/"
        return ["    " + ln.replace(site, "").replace(str(ROOT) + "/", "")[:150] for ln in rows]

    calls = next((ln.strip() for ln in io.StringIO(_stats_header(profile)) if "function calls" in ln), "")
    header = "    ncalls  tottime  percall  cumtime  percall filename:lineno(function)"
    return "\n".join(
        [f"  one warm /unblocked without profiler: {plain * 1000:.1f} ms (best of 5); under cProfile (best of 3): {calls}",
         "  all functions:", header, *table(top), "  project code only (bot/, planner/, storage/):", header,
         *table(r"/(bot|planner|storage)/", top)]
    )  # fmt: skip


def _stats_header(profile) -> str:
    stream = io.StringIO()
    pstats.Stats(profile, stream=stream).print_stats(0)
    return stream.getvalue()


async def _serve(args) -> int:
    if args.log:  # what `deliverybot run` does (access log at INFO), written nowhere
        logging.basicConfig(level=logging.INFO, stream=open(os.devnull, "w"),  # noqa: SIM115
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")  # fmt: skip
    import aiohttp  # noqa: F401  (imported here so the RSS checkpoints compare like with like)
    from gen_plan import generate_plan

    from bot.bootstrap import import_plan
    from bot.service.delivery import DeliveryService
    from bot.settings import Settings
    from bot.slack.app import build_app
    from bot.slack.web import build_web_app
    from storage.store import Store

    rss = {"after imports": _rss_mb()}
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(Path(__file__).resolve()), "--worker",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=64 * 2**20, cwd=str(ROOT),
    )  # fmt: skip

    async def read_message(timeout: float) -> dict:
        while True:
            line = await asyncio.wait_for(child.stdout.readline(), timeout)
            if not line:
                raise SystemExit("the load process ended early (see its stderr above)")
            text = line.decode()
            if text.startswith(MARK):
                return json.loads(text[len(MARK) :])

    runners = []
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        try:
            api_url = (await read_message(30))["api_url"]
            settings = Settings(SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=api_url,
                                SLACK_RESPONSE_URL_HOSTS="127.0.0.1", DATABASE_URL="sqlite://")  # fmt: skip

            seed_store = Store(f"sqlite:///{tmp}/seed.db")
            import_plan(seed_store, SEED, channel="C0SEED")
            seed_service = DeliveryService(seed_store)

            big_file = Path(tmp) / f"bench-{args.stories}.md"
            big_file.write_text(generate_plan(args.stories, seed=args.seed), encoding="utf-8")
            big_store = Store(f"sqlite:///{tmp}/big.db")
            import_plan(big_store, big_file, slug="big-fresh", channel="C0BIG")
            import_plan(big_store, big_file, slug="big-progress", channel="C0BIGP")
            startable = _prepare_progress(big_store, "big-progress", "C0BIGP")
            big_service = DeliveryService(big_store)
            rss["after plans stored"] = _rss_mb()

            targets = []

            async def serve(name: str, bolt, service, channel: str, replies: bool, label: str) -> None:
                runner, url = await _start(build_web_app(bolt, service))
                runners.append(runner)
                targets.append({"name": name, "label": label, "url": url, "channel": channel, "replies": replies,
                                "command": "/unblocked", "text": ""})  # fmt: skip

            await serve("seed", build_app(settings, seed_service)[0], seed_service, "C0SEED", True,
                        "app, seed plan (18 stories)")  # fmt: skip
            big_bolt = build_app(settings, big_service)[0]
            await serve("big-fresh", big_bolt, big_service, "C0BIG", True,
                        f"app, {args.stories} stories, fresh (1 startable)")  # fmt: skip
            await serve("big-progress", big_bolt, big_service, "C0BIGP", True,
                        f"app, {args.stories} stories, 1.1 done ({startable} startable)")  # fmt: skip
            await serve("noop", _noop_bolt(settings, respond_too=False), None, "C0NOOP", False,
                        "do-nothing Bolt (ack only)")  # fmt: skip
            await serve("noop-respond", _noop_bolt(settings, respond_too=True), None, "C0NOOP", True,
                        "do-nothing Bolt + respond('ok')")  # fmt: skip
            rss["servers up"] = _rss_mb()

            job = {"targets": targets, "requests": args.requests, "warmup": args.warmup, "rounds": args.rounds,
                   "concurrency": args.concurrency, "max_seconds": args.max_seconds, "rate": args.rate}  # fmt: skip
            child.stdin.write((json.dumps(job) + "\n").encode())
            await child.stdin.drain()
            started = time.perf_counter()
            message = await read_message(args.max_seconds + 4 * REPLY_TIMEOUT_S + 60)
            wall = time.perf_counter() - started
            rss["after load"] = _rss_mb()
            profile = None if args.no_profile else _profile_unblocked(big_service, "C0BIGP", 10)
        finally:
            for runner in runners:
                await runner.cleanup()
            with contextlib.suppress(ProcessLookupError):
                if child.returncode is None and child.stdin and not child.stdin.is_closing():
                    child.stdin.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(child.wait(), 10)
            if child.returncode is None:
                child.kill()
                await child.wait()
    peak = _peak_rss_mb()
    _report(args, targets, message, wall, rss, peak, profile)
    return 0


def _report(args, targets, message, wall, rss, peak, profile) -> None:
    results = message["results"]
    load = (
        f"open loop at {args.rate:g}/s"
        if args.rate
        else f"{args.concurrency} concurrent clients (closed loop)"
    )
    print(f"HTTP /unblocked, signed, {load}, {args.requests} requests per target "
          f"in {args.rounds} interleaved rounds after {args.warmup} warm-up; {os.cpu_count()} CPUs; "
          f"load phase {wall:.1f} s")  # fmt: skip
    header = (f"  {'target':<46} {'n':>5} {'ack p50':>8} {'ack p90':>8} {'ack p99':>8} {'ack max':>8}"
              f" {'e2e p50':>8} {'e2e p99':>8} {'req/s':>6} {'err':>4} {'first e2e':>9}")  # fmt: skip
    print(header + "\n  " + "-" * (len(header) - 2) + "   (ms)")
    stats = {}
    for t in targets:
        r = results[t["name"]]
        ack, e2e = r["ack"], r["e2e"]
        s = {"n": len(ack), "ack50": _percentile(ack, 50), "ack90": _percentile(ack, 90),
             "ack99": _percentile(ack, 99), "ackmax": max(ack) if ack else float("nan"),
             "e2e50": _percentile(e2e, 50), "e2e99": _percentile(e2e, 99),
             "rps": len(ack) / r["busy_s"] if r["busy_s"] else float("nan")}  # fmt: skip
        stats[t["name"]] = s
        first = r["first"] or {}
        print(f"  {t['label']:<46} {s['n']:>5} {_ms(s['ack50']):>8} {_ms(s['ack90']):>8} {_ms(s['ack99']):>8}"
              f" {_ms(s['ackmax']):>8} {_ms(s['e2e50'] if e2e else None):>8} {_ms(s['e2e99'] if e2e else None):>8}"
              f" {s['rps']:>6.0f} {len(r['errors']):>4} {_ms(first.get('e2e') or first.get('ack')):>9}")  # fmt: skip
        if r["errors"]:
            print(f"      errors: {sorted(set(r['errors']))[:3]}")
        if r["skipped"]:
            print(f"      {r['skipped']} requests not sent (time bound --max-seconds reached)")

    base, base_r = stats["noop"], stats["noop-respond"]
    print(
        "\n  ratios (app / baseline, same run)      ack p50  ack p99 | vs ack+respond: ack p50  ack p99  e2e p50  e2e p99"
    )
    verdicts = []
    for name in ("seed", "big-fresh", "big-progress"):
        s = stats[name]
        r50, r99 = s["ack50"] / base["ack50"], s["ack99"] / base["ack99"]
        print(f"    {name:<36} {r50:>8.2f}x {r99:>7.2f}x | {s['ack50'] / base_r['ack50']:>22.2f}x"
              f" {s['ack99'] / base_r['ack99']:>7.2f}x {s['e2e50'] / base_r['e2e50']:>7.2f}x"
              f" {s['e2e99'] / base_r['e2e99']:>7.2f}x")  # fmt: skip
        verdicts.append((name, r50, r99))
    print(
        f"  goal: app ack within {GOAL_RATIO}x of the do-nothing handler; p99 well under {SLACK_BUDGET_S:.0f} s"
    )
    print(
        "  note: Bolt polls for ack() every 10 ms, so ack latencies of every Bolt target are quantised by it"
    )

    print("\n  this process's RSS (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in rss.items())
          + f"; peak {peak:.0f} (goal < {GOAL_RSS_MB}); the load process peaked at "
          f"{message.get('worker_peak_rss_mb', float('nan')):.0f}")  # fmt: skip
    if profile:
        print(
            f"\n  cProfile, one warm /unblocked + reply_blocks on the {args.stories}-story plan, 1.1 done (top 10 cumulative):"
        )
        print(profile)

    worst_ratio = max(max(r50, r99) for _, r50, r99 in verdicts)
    app_p99 = max(stats[n]["ack99"] for n, _, _ in verdicts)
    app_e2e99 = max(stats[n]["e2e99"] for n, _, _ in verdicts)
    ok_ratio, ok_p99, ok_rss = worst_ratio <= GOAL_RATIO, app_p99 < SLACK_BUDGET_S / 3, peak < GOAL_RSS_MB
    errors = sum(len(results[t["name"]]["errors"]) for t in targets)
    print(
        "\nSUMMARY http_latency: ack p50/p99 ms "
        + ", ".join(f"{n} {_ms(stats[n]['ack50'])}/{_ms(stats[n]['ack99'])}" for n in stats)
        + f"; worst app/do-nothing ratio {worst_ratio:.2f}x (goal <= {GOAL_RATIO}x: {'PASS' if ok_ratio else 'FAIL'})"
        + f"; app ack p99 max {_ms(app_p99)} ms, e2e p99 max {_ms(app_e2e99)} ms"
        + f" (goal well under 3 s: {'PASS' if ok_p99 else 'FAIL'})"
        + f"; peak RSS {peak:.0f} MB (goal < {GOAL_RSS_MB}: {'PASS' if ok_rss else 'FAIL'}); errors {errors}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Latency of signed /unblocked over HTTP vs a do-nothing Bolt app."
    )
    parser.add_argument(
        "--requests", type=int, default=None, help="measured requests per target (default 400)"
    )
    parser.add_argument("--warmup", type=int, default=None, help="warm-up requests per target (default 40)")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 4)")
    parser.add_argument("--quick", action="store_true", help="100 requests, 10 warm-up, 2 rounds")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY, help="clients (default 20)")
    parser.add_argument("--rate", type=float, default=0,
                        help="open loop: send this many commands per second per target instead of "
                        "letting the clients go as fast as they are answered")  # fmt: skip
    parser.add_argument("--stories", type=int, default=BIG_STORIES, help="size of the generated plan")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--max-seconds", type=float, default=150.0, help="stop sending after this long")
    parser.add_argument("--no-log", dest="log", action="store_false",
                        help="skip INFO logging (the access log `deliverybot run` writes)")  # fmt: skip
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile of one /unblocked")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        asyncio.run(_worker())
        return 0
    quick = args.quick
    args.requests = args.requests or (100 if quick else 400)
    args.warmup = args.warmup if args.warmup is not None else (10 if quick else 40)
    args.rounds = max(1, min(args.rounds or (2 if quick else 4), args.requests))
    return asyncio.run(_serve(args))


if __name__ == "__main__":
    sys.exit(main())
