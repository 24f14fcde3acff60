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

    .venv/bin/python bench/http_latency.py --workload writes --quick   # start -> review -> done cycles
    .venv/bin/python bench/http_latency.py --workload mixed --quick    # reads, and one write in four
    .venv/bin/python bench/http_latency.py --workload writes --database postgresql://postgres@127.0.0.1:5432/test

`--workload writes|mixed` serves only the real app (on its own store, 2,000 stories, 1.1 done) and
the do-nothing app + respond("ok"); 20 users move stories start -> review (@another user) -> done (as
that user). Printed: transitions/s (to the last reply, and sustained: with the work the app does
after replying), reply p50/p99 on the response_url, refusals, busy replies and errors apart, SQL
statements per transition (before_cursor_execute on the store's engine), and a bare commit loop as
the write floor (bench/README.md). `--database URL`: the stores on PostgreSQL, in new databases
dropped at the end. `--rate R` (per target; targets take turns) works with every workload.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import hashlib
import hmac
import io
import itertools
import json
import logging
import math
import os
import pstats
import random
import re
import resource
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, deque
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
LINK = "https://git.example.com/shop/pull/"  # the workloads' review and done links, numbered per story
WRITES = ("start", "review", "done")
READS = ("/unblocked", "/board", "/next")
WRITE_SHARE = 0.25  # --workload mixed: about one write in four
GOAL_TPS, GOAL_REPLY_P99_S, GOAL_OPEN_RATIO = 100, 1.0, 2.0
# A transition's reply begins with its mark (bot.render.moves), whatever the language: started,
# in review, done, gate passed. Anything else answering a write moved nothing.
MOVED_MARKS = ("\u25b6", "\U0001f440", "\u2705", "\U0001f6a6")
STORY_ID = re.compile(r"(?<![\w./])\d+\.\d+(?![\w.]*\d)")


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
            rid = request.match_info["rid"]
            waiter = self.waiters.pop(rid, None)
            if waiter is not None and not waiter.done():
                posts = self.responses.get(rid) or [None]
                text = posts[-1].get("text") if posts[-1] is not None else None
                waiter.set_result((arrived, response.status, text))
            return response

    return TimedFakeSlack


async def _one(session, slack, target: dict, user: str, command: str | None = None, text: str | None = None
               ) -> tuple[float, float | None, str | None, str | None]:  # fmt: skip
    """One signed slash command (the target's own unless `command`/`text` are given):
    (ack seconds, e2e seconds or None, error or None, the reply's text or None)."""
    payload = slack.slash_command(command or target["command"], target["text"] if text is None else text,
                                  user_id=user, user_name=user.lower(), channel_id=target["channel"])  # fmt: skip
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
            answered = await resp.read()
            status = resp.status
    except (OSError, TimeoutError) as err:  # aiohttp.ClientError is an OSError
        slack.waiters.pop(rid, None)
        return time.perf_counter() - started, None, f"{type(err).__name__}", None
    ack = time.perf_counter() - started
    if status != 200:
        slack.waiters.pop(rid, None)
        return ack, None, f"HTTP {status}", None
    if waiter is None:
        return ack, None, None, None
    if answered.strip().startswith(b"{"):  # answered in the ack: Slack shows it now, no POST follows
        slack.waiters.pop(rid, None)
        return ack, ack, None, json.loads(answered).get("text")
    try:
        arrived, reply_status, reply_text = await asyncio.wait_for(waiter, REPLY_TIMEOUT_S)
    except TimeoutError:
        slack.waiters.pop(rid, None)
        return ack, None, f"no reply within {REPLY_TIMEOUT_S} s", None
    if reply_status != 200:
        return ack, arrived - started, f"reply refused by the fake (HTTP {reply_status})", reply_text
    return ack, arrived - started, None, reply_text


def _new_out() -> dict:
    """Where one target's results gather (also the warm-up's scratch)."""
    return {"ack": [], "e2e": [], "errors": [], "busy_s": 0.0, "skipped": 0, "first": None, "busy": 0,
            "moved": 0, "kinds": {}, "refusals": [], "exhausted": 0}  # fmt: skip


class Driver:
    """What each request of a target sends, and what its answer changes.

    Workload "unblocked" (the default): the target's own command. "writes": each story goes
    `/start ID` -> `/review ID LINK @reviewer` (as its holder) -> `/done ID LINK` (as the reviewer,
    another client's user id: four eyes), on stories taken from the startable list the server
    handed over (plus those a done says it opened), one story per cycle, never two cycles on one
    story. "mixed": each request is a read (/unblocked, /board, /next) or, one in four, the next
    write of the client's cycle (seeded). Closed loop: client i owns cycle i and speaks as user i.
    Open loop: an arrival takes a cycle that is not waiting for an answer, or starts a new one."""

    def __init__(self, target: dict, concurrency: int, seed: int) -> None:
        self.target, self.workload = target, target.get("workload", "unblocked")
        self.users = [f"U0BENCH{i:02d}" for i in range(max(2, concurrency))]
        self.pool = deque(target.get("stories", []))
        self.seen = set(self.pool)
        self.slots: list[dict | None] = [None] * len(self.users)  # closed loop: client i's cycle
        self.ready: deque[dict] = deque()  # open loop: cycles not waiting for an answer
        self.rngs = [random.Random(f"{seed}-{target['name']}-{i}") for i in range(len(self.users))]
        self.open_rng = random.Random(f"{seed}-{target['name']}-open")
        self.links, self.holders = itertools.count(1), itertools.count()

    def _cycle(self, holder: int, out: dict) -> dict | None:
        if not self.pool:
            out["exhausted"] += 1
            return None
        n = len(self.users)
        return {"story": self.pool.popleft(), "step": 0, "holder": self.users[holder % n],
                "reviewer": self.users[(holder + 1) % n], "link": f"{LINK}{next(self.links)}"}  # fmt: skip

    def next(self, client: int | None, out: dict) -> tuple[str, str, str, str, dict | None] | None:
        """(kind, command, text, user, cycle) of the next request; None when no story is left."""
        index = client if client is not None else next(self.holders)
        user = self.users[index % len(self.users)]
        if self.workload == "unblocked":
            return "unblocked", self.target["command"], self.target["text"], user, None
        rng = self.rngs[client] if client is not None else self.open_rng
        if self.workload == "mixed" and rng.random() >= WRITE_SHARE:
            command = rng.choice(READS)
            return command.lstrip("/"), command, "", user, None
        if client is None:
            cycle = self.ready.popleft() if self.ready else self._cycle(index, out)
        else:
            cycle = self.slots[client] or self._cycle(client, out)
            self.slots[client] = cycle
        if cycle is None:
            return None
        sid, link = cycle["story"], cycle["link"]
        if cycle["step"] == 0:
            return "start", "/start", sid, cycle["holder"], cycle
        if cycle["step"] == 1:
            return "review", "/review", f"{sid} {link} @{cycle['reviewer']}", cycle["holder"], cycle
        return "done", "/done", f"{sid} {link}", cycle["reviewer"], cycle

    def settle(self, client: int | None, cycle: dict | None, outcome: str, text: str | None) -> None:
        """After the answer: a move advances the cycle (a done ends it and adds the stories it says
        it opened to the pool); busy leaves it to be tried again; a refusal or an error drops it."""
        if cycle is None:
            return
        if outcome == "ok":
            cycle["step"] += 1
            if cycle["step"] == 3:
                for line in (text or "").split("\n")[1:]:  # "Now startable: 1.3, 1.17, ..."
                    for sid in STORY_ID.findall(line):
                        if sid not in self.seen:
                            self.seen.add(sid)
                            self.pool.append(sid)
                cycle = None
        elif outcome != "busy":
            cycle = None
        if client is None:
            if cycle is not None:
                self.ready.append(cycle)
        else:
            self.slots[client] = cycle


def _outcome(kind: str, error: str | None, text: str | None, busy_text: str) -> str:
    """ok, busy (refused by DELIVERYBOT_MAX_PENDING, nothing done), refused (a write that moved
    nothing: the reply is not a transition's), or error (no answer, or a refused reply post)."""
    if error:
        return "error"
    if text is None:
        return "ok"
    if text.strip() == busy_text:
        return "busy"
    if kind in WRITES and not text.lstrip().startswith(MOVED_MARKS):
        return "refused"
    return "ok"


async def _batch(
    sessions, slack, target: dict, count: int, deadline: float, out: dict, rate: float = 0,
    driver: Driver | None = None, busy_text: str = "",
) -> None:
    """`count` requests. Closed loop (rate 0): len(sessions) clients, each sending its next command
    once the previous one was answered. Open loop: one command every 1/rate s, whatever is pending.
    What each request sends comes from `driver` (the target's own command by default)."""
    remaining = [count]
    driver = driver or Driver(target, len(sessions), 0)

    def record(kind: str, result: tuple, client: int | None, cycle: dict | None) -> None:
        ack, e2e, error, text = result
        outcome = _outcome(kind, error, text, busy_text)
        driver.settle(client, cycle, outcome, text)
        per = out["kinds"].setdefault(kind, {"ack": [], "e2e": [], "ok": 0, "refused": 0, "busy": 0, "error": 0})
        per[outcome] += 1
        if error:
            out["errors"].append(error)
            return
        out["ack"].append(ack)
        per["ack"].append(ack)
        if outcome == "busy":  # acknowledged, then told "busy": not a served reply
            out["busy"] += 1
            return
        if e2e is not None:
            out["e2e"].append(e2e)
            per["e2e"].append(e2e)
        if outcome == "ok" and kind in WRITES:
            out["moved"] += 1
        if outcome == "refused" and len(out["refusals"]) < 8:
            out["refusals"].append(f"{kind}: {(text or '')[:160]}")

    async def client(index: int, session) -> None:
        while remaining[0] > 0 and time.monotonic() < deadline:
            step = driver.next(index, out)
            if step is None:  # no startable story left for this client
                return
            remaining[0] -= 1
            kind, command, text, user, cycle = step
            record(kind, await _one(session, slack, target, user, command, text), index, cycle)

    async def paced() -> None:
        tasks, start = [], time.perf_counter()
        for i in range(count):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if time.monotonic() >= deadline:
                break
            step = driver.next(None, out)
            if step is None:
                continue
            remaining[0] -= 1
            kind, command, text, user, cycle = step
            session = sessions[i % len(sessions)]
            tasks.append(asyncio.create_task(_one(session, slack, target, user, command, text)))
            tasks[-1].add_done_callback(lambda t, k=kind, c=cycle: record(k, t.result(), None, c))
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
            results = {t["name"]: _new_out() for t in job["targets"]}
            busy_text = job.get("busy_text", "")
            settle_url = job.get("settle_url")

            async def settle(after: str | None) -> None:
                """Wait until the server's service threads are idle (work a target's replies left
                behind, App Home refreshes, must not land on the next target's figures)."""
                if not settle_url:
                    return
                async with sessions[0].get(settle_url) as resp:
                    waited = float(await resp.text())
                if after is not None:
                    results[after]["settle_s"] = results[after].get("settle_s", 0.0) + waited

            drivers = {t["name"]: Driver(t, job["concurrency"], job.get("seed", 1)) for t in job["targets"]}
            for target in job["targets"]:  # the very first request: cold caches, alone
                ack, e2e, error, _text = await _one(sessions[0], slack, target, "U0FIRST")
                results[target["name"]]["first"] = {"ack": ack, "e2e": e2e, "error": error}
            for target in job["targets"]:  # warm-up, not recorded
                await settle(None)
                scratch = _new_out()
                await _batch(sessions, slack, target, job["warmup"], deadline, scratch, job["rate"],
                             drivers[target["name"]], busy_text)  # fmt: skip
                if scratch["errors"]:
                    results[target["name"]]["errors"] += [f"warm-up: {e}" for e in scratch["errors"]]
                results[target["name"]]["warmup_moved"] = scratch["moved"]
            rounds, per_target = job["rounds"], job["requests"]
            targets = job["targets"]
            for r in range(rounds):
                share = per_target // rounds + (1 if r < per_target % rounds else 0)
                order = targets[r % len(targets) :] + targets[: r % len(targets)]
                for target in order:
                    await settle(None)
                    await _batch(sessions, slack, target, share, deadline, results[target["name"]], job["rate"],
                                 drivers[target["name"]], busy_text)  # fmt: skip
                    await settle(target["name"])
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


def _print_problems(r: dict, not_sent: str) -> None:
    """Under a target's row: its distinct errors (three at most) and how many requests were not sent."""
    if r["errors"]:
        print(f"      errors: {sorted(set(r['errors']))[:3]}")
    if r["skipped"]:
        print(f"      {r['skipped']} {not_sent}")


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None or math.isnan(seconds) else f"{seconds * 1000:.1f}"


async def _start(web_app, **runner_options):
    from aiohttp import web

    runner = web.AppRunner(web_app, **runner_options)
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


def _prepare_progress(store, slug: str, channel: str) -> list[str]:
    """Finish the entry gate 1.1 through the service (its rules included), so hundreds of stories
    become startable (returned, critical path first). A separate service instance, so the app's
    plan cache stays cold."""
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
    return list(service.handle("U0ALICE", "/unblocked", channel=channel, plan=slug).data["startable"])


async def _idle(gateway, quiet_s: float = 0.3, limit_s: float = 120, *, homes: bool = False) -> float:
    """Wait until `gateway` has no service call pending for `quiet_s`; the seconds it was busy.
    `homes`: nor an App Home due either (one waits up to a second for its interval, idle: what
    the teardown waits for, not work the throughput counts)."""
    started = time.perf_counter()
    idle_since = None
    while time.perf_counter() - started < limit_s:
        if gateway.pending or (homes and gateway.homes_due):
            idle_since = None
        elif idle_since is None:
            idle_since = time.perf_counter()
        elif time.perf_counter() - idle_since > quiet_s:
            break
        await asyncio.sleep(0.02)
    return (idle_since or time.perf_counter()) - started


class _Databases:
    """Where the app's stores live: SQLite files in the temporary directory, or (--database URL)
    one new PostgreSQL database per store, `bench_<pid>_<name>`, dropped at the end."""

    def __init__(self, url: str | None, tmp: str) -> None:
        self.tmp, self.created = tmp, []
        self.base = None
        if url:
            from sqlalchemy import create_engine
            from sqlalchemy.engine import make_url

            self.base = make_url(url)
            if not self.base.drivername.startswith("postgres"):
                raise SystemExit(f"--database: a postgresql:// URL, not {self.base.drivername}")
            self.admin = create_engine(self.base.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")

    @property
    def label(self) -> str:
        if self.base is None:
            return "SQLite files (WAL)"
        b = self.base
        return f"PostgreSQL {b.username or ''}@{b.host or 'localhost'}:{b.port or 5432}/bench_{os.getpid()}_* (dropped at the end)"

    def url(self, name: str) -> str:
        if self.base is None:
            return f"sqlite:///{self.tmp}/{name}.db"
        database = f"bench_{os.getpid()}_{name}"
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{database}"')
        self.created.append(database)
        return self.base.set(database=database).render_as_string(hide_password=False)

    def drop(self) -> None:
        if self.base is None:
            return
        with self.admin.connect() as conn:
            for database in self.created:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.admin.dispose()


class _SqlCount:
    """Statements the store's engine sends (SQLAlchemy before_cursor_execute), by what the worker
    thread was doing (the command's verb, "home" for an App Home refresh, "other") and by SQL verb."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.local, self.lock = threading.local(), threading.Lock()
        self.by_doing: Counter = Counter()
        self.by_sql: Counter = Counter()
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        doing = getattr(self.local, "doing", "other")
        verb = (statement.lstrip().split(None, 1) or ["?"])[0].upper()
        with self.lock:
            self.by_doing[doing] += 1
            self.by_sql[verb] += 1

    def snapshot(self) -> tuple[Counter, Counter]:
        with self.lock:
            return Counter(self.by_doing), Counter(self.by_sql)


def _counting_service(store, sql: _SqlCount):
    """The real DeliveryService, which also tells `sql` what its thread is doing and counts its
    answers by verb and outcome (ok, or the refusal's kind and code)."""
    from bot.service.delivery import DeliveryService

    class CountingService(DeliveryService):
        outcomes: Counter = Counter()
        seconds: Counter = Counter()  # wall time in the service's threads, by what was done
        lock = threading.Lock()

        def handle(self, actor, text, **where):
            verb = (text.split(None, 1) or ["?"])[0].lstrip("/")
            sql.local.doing, started = verb, time.perf_counter()
            try:
                reply = super().handle(actor, text, **where)
            finally:
                sql.local.doing = "other"
            outcome = "ok" if reply.ok else f"{reply.kind}:{reply.data.get('error')}"
            with self.lock:
                self.outcomes[(verb, outcome)] += 1
                self.seconds[verb] += time.perf_counter() - started
            return reply

        def home(self, *args, **kwargs):
            sql.local.doing, started = "home", time.perf_counter()
            try:
                return super().home(*args, **kwargs)
            finally:
                sql.local.doing = "other"
                with self.lock:
                    self.outcomes[("home", "ok")] += 1
                    self.seconds["home"] += time.perf_counter() - started

    return CountingService(store)


def _sqlite_floor(path: str, synchronous: int, seconds: float, runs: int = 3) -> list[float]:
    """Commits/s of a bare `BEGIN IMMEDIATE; INSERT; COMMIT` loop on a file with the store's
    pragmas (WAL, its synchronous, busy_timeout, foreign_keys): the write floor, `runs` times."""
    from storage.db import SQLITE_BUSY_TIMEOUT_MS

    con = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in (f"busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}", "foreign_keys = ON", "journal_mode = WAL",
                       f"synchronous = {synchronous}"):  # fmt: skip
            con.execute(f"PRAGMA {pragma}")
        con.execute("CREATE TABLE IF NOT EXISTS floor (id INTEGER PRIMARY KEY, at REAL NOT NULL, note TEXT)")
        return _commit_loop(con.execute, "BEGIN IMMEDIATE", "INSERT INTO floor (at, note) VALUES (?, ?)",
                            seconds, runs)  # fmt: skip
    finally:
        con.close()


def _commit_loop(execute, begin: str, insert: str, seconds: float, runs: int) -> list[float]:
    """Commits per second of `begin`; one-row `insert`; COMMIT, for `seconds`, `runs` times."""
    rates = []
    for _ in range(runs):
        n, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            execute(begin)
            execute(insert, (time.time(), "bench"))
            execute("COMMIT")
            n += 1
        rates.append(n / (time.perf_counter() - started))
    return rates


def _postgres_floor(url: str, seconds: float, runs: int = 3) -> list[float]:
    """The same loop on PostgreSQL (`BEGIN; INSERT; COMMIT`, psycopg, one connection)."""
    import psycopg
    from sqlalchemy.engine import make_url

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as con:
        con.execute("CREATE TABLE IF NOT EXISTS floor (id BIGSERIAL PRIMARY KEY, at DOUBLE PRECISION NOT NULL, note TEXT)")
        return _commit_loop(con.execute, "BEGIN", "INSERT INTO floor (at, note) VALUES (%s, %s)", seconds, runs)


def _profile_unblocked(service, channel: str, top: int) -> str:
    from bot.slack.blocks.replies import reply_blocks

    def one() -> None:
        reply = service.handle("U0PROFILE", "/unblocked", channel=channel)
        reply_blocks(reply)

    return _profile(one, top, "/unblocked")


def _profile(one, top: int, what: str) -> str:
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
        [f"  one warm {what} without profiler: {plain * 1000:.1f} ms (best of 5); under cProfile (best of 3): {calls}",
         "  all functions:", header, *table(top), "  project code only (bot/, planner/, storage/):", header,
         *table(r"/(bot|planner|storage)/", top)]
    )  # fmt: skip


def _stats_header(profile) -> str:
    stream = io.StringIO()
    pstats.Stats(profile, stream=stream).print_stats(0)
    return stream.getvalue()


async def read_marked(child, timeout: float) -> dict:
    """The next message the load process (`--worker`) printed after MARK."""
    while True:
        line = await asyncio.wait_for(child.stdout.readline(), timeout)
        if not line:
            raise SystemExit("the load process ended early (see its stderr above)")
        text = line.decode()
        if text.startswith(MARK):
            return json.loads(text[len(MARK) :])


async def _serve(args) -> int:
    if args.log:  # what `deliverybot run` does (access log at INFO), written nowhere
        logging.basicConfig(level=logging.INFO, stream=open(args.log_file or os.devnull, "w"),  # noqa: SIM115
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")  # fmt: skip
    import aiohttp  # noqa: F401  (imported here so the RSS checkpoints compare like with like)
    from gen_plan import generate_plan

    from bot.bootstrap import import_plan
    from bot.service.delivery import DeliveryService
    from bot.settings import Settings
    from bot.slack.app import build_app
    from bot.slack.web import ACCESS_LOG_FORMAT, build_web_app
    from storage.store import Store

    rss = {"after imports": _rss_mb()}
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(Path(__file__).resolve()), "--worker",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=64 * 2**20, cwd=str(ROOT),
    )  # fmt: skip

    async def read_message(timeout: float) -> dict:
        return await read_marked(child, timeout)

    runners, stores, gateways, extra = [], [], [], {}
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        dbs = _Databases(args.database, tmp)
        try:
            api_url = (await read_message(30))["api_url"]
            settings = Settings(SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=api_url,
                                SLACK_RESPONSE_URL_HOSTS="127.0.0.1", DATABASE_URL="sqlite://")  # fmt: skip
            big_file = Path(tmp) / f"bench-{args.stories}.md"
            big_file.write_text(generate_plan(args.stories, seed=args.seed), encoding="utf-8")
            targets = []

            def app_of(service):
                bolt, gateway = build_app(settings, service)
                gateways.append(gateway)  # closed at the end (its HTTP session, its threads)
                return bolt, gateway

            async def serve(name: str, bolt, service, channel: str, replies: bool, label: str, **more) -> None:
                runner, url = await _start(build_web_app(bolt, service), access_log_format=ACCESS_LOG_FORMAT)
                runners.append(runner)
                targets.append({"name": name, "label": label, "url": url, "channel": channel, "replies": replies,
                                "command": "/unblocked", "text": "", **more})  # fmt: skip

            if args.workload == "unblocked":
                seed_store = Store(dbs.url("seed"))
                stores.append(seed_store)
                import_plan(seed_store, SEED, channel="C0SEED")
                seed_service = DeliveryService(seed_store)

                big_store = Store(dbs.url("big"))
                stores.append(big_store)
                import_plan(big_store, big_file, slug="big-fresh", channel="C0BIG")
                import_plan(big_store, big_file, slug="big-progress", channel="C0BIGP")
                startable = len(_prepare_progress(big_store, "big-progress", "C0BIGP"))
                big_service = DeliveryService(big_store)
                rss["after plans stored"] = _rss_mb()

                await serve("seed", app_of(seed_service)[0], seed_service, "C0SEED", True,
                            "app, seed plan (18 stories)")  # fmt: skip
                big_bolt, big_gateway = app_of(big_service)
                await serve("big-fresh", big_bolt, big_service, "C0BIG", True,
                            f"app, {args.stories} stories, fresh (1 startable)")  # fmt: skip
                await serve("big-progress", big_bolt, big_service, "C0BIGP", True,
                            f"app, {args.stories} stories, 1.1 done ({startable} startable)")  # fmt: skip
                await serve("noop", _noop_bolt(settings, respond_too=False), None, "C0NOOP", False,
                            "do-nothing Bolt (ack only)")  # fmt: skip
            else:  # the write workloads: the app on its own store, whose statements are counted
                store = Store(dbs.url(args.workload))
                stores.append(store)
                import_plan(store, big_file, slug="big-progress", channel="C0BIGP")
                startable = _prepare_progress(store, "big-progress", "C0BIGP")
                sql = _SqlCount(store.engine)
                big_service = _counting_service(store, sql)
                rss["after plans stored"] = _rss_mb()
                big_bolt, big_gateway = app_of(big_service)
                what = "start -> review -> done" if args.workload == "writes" else "reads + 1 write in 4"
                await serve(args.workload, big_bolt, big_service, "C0BIGP", True,
                            f"app, {what}, {args.stories} stories ({len(startable)} startable)",
                            workload=args.workload, stories=startable)  # fmt: skip
                extra["startable"] = len(startable)
            await serve("noop-respond", _noop_bolt(settings, respond_too=True), None, "C0NOOP", True,
                        "do-nothing Bolt + respond('ok')")  # fmt: skip
            settle_url = None
            if args.workload != "unblocked":
                from aiohttp import web

                async def settle(_request):
                    return web.Response(text=str(await _idle(big_gateway)))

                control = web.Application()
                control.router.add_get("/settle", settle)
                runner, url = await _start(control)
                runners.append(runner)
                settle_url = url.replace("/slack/events", "/settle")
            rss["servers up"] = _rss_mb()

            job = {"targets": targets, "requests": args.requests, "warmup": args.warmup, "rounds": args.rounds,
                   "concurrency": args.concurrency, "max_seconds": args.max_seconds, "rate": args.rate,
                   "seed": args.seed, "busy_text": big_gateway.busy_answer(None).reply.text.strip(),
                   "settle_url": settle_url}  # fmt: skip
            child.stdin.write((json.dumps(job) + "\n").encode())
            await child.stdin.drain()
            started = time.perf_counter()
            message = await read_message(args.max_seconds + 4 * REPLY_TIMEOUT_S + 60)
            wall = time.perf_counter() - started
            rss["after load"] = _rss_mb()
            if args.workload != "unblocked":
                extra["drain_s"] = await _idle(big_gateway)  # the counts hold all of the work; a quiet floor
                extra["seconds"] = Counter(big_service.seconds)
                extra["sql"] = sql.snapshot()
                extra["outcomes"] = Counter(big_service.outcomes)
                with contextlib.closing(store.engine.connect()) as conn:
                    extra["synchronous"] = (conn.exec_driver_sql("PRAGMA synchronous").scalar()
                                            if store.engine.dialect.name == "sqlite" else None)  # fmt: skip
                runs_s = 0.5 if args.quick else 1.0
                from storage.db import make_engine

                probe = make_engine(f"sqlite:///{tmp}/floor.db")  # the store's connection pragmas
                with contextlib.closing(probe.connect()) as conn:
                    synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
                probe.dispose()
                extra["floor"] = {"sqlite": _sqlite_floor(f"{tmp}/floor.db", synchronous, runs_s),
                                  "sqlite_synchronous": synchronous}  # fmt: skip
                if args.database:
                    extra["floor"]["postgresql"] = _postgres_floor(dbs.url("floor"), runs_s)
                profile = None
                if not args.no_profile:
                    person = "U0BENCH01"  # a holder and a reviewer: what one App Home refresh builds
                    profile = _profile(lambda: big_service.home(person, channel="C0BIGP"), 10,
                                       f"App Home build (service.home) of {person}")  # fmt: skip
            else:
                profile = None if args.no_profile else _profile_unblocked(big_service, "C0BIGP", 10)
        finally:
            for gateway in gateways:  # no App Home left to build into the files about to be removed
                await _idle(gateway, quiet_s=0.05, limit_s=10, homes=True)
            for runner in runners:
                await runner.cleanup()
            for gateway in gateways:
                await gateway.close()
            with contextlib.suppress(ProcessLookupError):
                if child.returncode is None and child.stdin and not child.stdin.is_closing():
                    child.stdin.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(child.wait(), 10)
            if child.returncode is None:
                child.kill()
                await child.wait()
            for opened in stores:
                with contextlib.suppress(Exception):
                    opened.close()
            dbs.drop()
    peak = _peak_rss_mb()
    if args.workload == "unblocked":
        _report(args, targets, message, wall, rss, peak, profile)
    else:
        _report_workload(args, targets, message, wall, rss, peak, extra, dbs.label, profile)
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
        _print_problems(r, "requests not sent (time bound --max-seconds reached)")
        if r.get("busy"):
            print(f"      refused-busy {r['busy']}: answered 'busy' (DELIVERYBOT_MAX_PENDING reached, nothing done);"
                  " their ack is counted above, their reply is not an e2e")  # fmt: skip

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
    busy = sum(results[t["name"]].get("busy", 0) for t in targets)
    open_loop = ""
    if args.rate:
        open_ratio = app_p99 / base["ack99"]
        ok_open = open_ratio <= GOAL_OPEN_RATIO
        print(f"\n  open loop, {args.rate:g} commands/s offered to each target in turn (targets are measured one after"
              f" another, so this is the whole offered load): worst app ack p99 {_ms(app_p99)} ms vs do-nothing"
              f" {_ms(base['ack99'])} ms = {open_ratio:.2f}x (goal <= {GOAL_OPEN_RATIO:g}x: {'PASS' if ok_open else 'FAIL'});"
              f" refused-busy " + ", ".join(f"{t['name']} {results[t['name']].get('busy', 0)}" for t in targets))  # fmt: skip
        open_loop = (f"; open loop {args.rate:g}/s: app ack p99 / do-nothing {open_ratio:.2f}x"
                     f" (goal <= {GOAL_OPEN_RATIO:g}x: {'PASS' if ok_open else 'FAIL'})")  # fmt: skip
    print(
        "\nSUMMARY http_latency: ack p50/p99 ms "
        + ", ".join(f"{n} {_ms(stats[n]['ack50'])}/{_ms(stats[n]['ack99'])}" for n in stats)
        + f"; worst app/do-nothing ratio {worst_ratio:.2f}x (goal <= {GOAL_RATIO}x: {'PASS' if ok_ratio else 'FAIL'})"
        + f"; app ack p99 max {_ms(app_p99)} ms, e2e p99 max {_ms(app_e2e99)} ms"
        + f" (goal well under 3 s: {'PASS' if ok_p99 else 'FAIL'})"
        + f"; peak RSS {peak:.0f} MB (goal < {GOAL_RSS_MB}: {'PASS' if ok_rss else 'FAIL'}); errors {errors}"
        + (f"; refused-busy {busy}" if busy or args.rate else "")
        + open_loop
    )


def _report_workload(args, targets, message, wall, rss, peak, extra, database, profile) -> None:
    """--workload writes / mixed: the app's moves and replies against the do-nothing app + respond('ok')
    and a bare commit loop, both measured in this run."""
    results = message["results"]
    app_t = next(t for t in targets if t.get("workload"))
    app, base = results[app_t["name"]], results["noop-respond"]
    load = f"open loop at {args.rate:g} commands/s" if args.rate else f"{args.concurrency} clients (closed loop)"
    print(f"HTTP --workload {args.workload}, signed, {load}, {args.requests} commands per target in {args.rounds}"
          f" interleaved rounds after {args.warmup} warm-up; app store: {database}; {os.cpu_count()} CPUs;"
          f" load phase {wall:.1f} s")  # fmt: skip
    print(f"  plan: {args.stories} stories, gate 1.1 done, {extra['startable']} startable at the start; each write"
          " cycle: /start ID -> /review ID LINK @other-client (holder) -> /done ID LINK (as that reviewer)")

    def rate(r, count):
        return count / r["busy_s"] if r["busy_s"] else float("nan")

    def pct(values, p):
        return _percentile(values, p) if values else float("nan")

    refused = sum(k["refused"] for k in app["kinds"].values())
    tps_replies, base_rps = rate(app, app["moved"]), rate(base, len(base["ack"]))
    busy_total = app["busy_s"] + app.get("settle_s", 0.0)
    tps = app["moved"] / busy_total if busy_total else float("nan")  # the server's own work included
    header = (f"  {'target':<52} {'n':>5} {'moved/s':>7} {'req/s':>6} {'ack p50':>8} {'ack p99':>8} {'reply p50':>9}"
              f" {'reply p99':>9} {'refused':>7} {'busy':>5} {'err':>4} {'first':>7}")  # fmt: skip
    print(header + "\n  " + "-" * (len(header) - 2) + "   (ms)")
    for t, r, moved in ((app_t, app, f"{tps_replies:.0f}"), (targets[-1], base, "-")):
        first = r["first"] or {}
        print(f"  {t['label']:<52} {len(r['ack']):>5} {moved:>7} {rate(r, len(r['ack'])):>6.0f}"
              f" {_ms(pct(r['ack'], 50)):>8} {_ms(pct(r['ack'], 99)):>8} {_ms(pct(r['e2e'], 50)):>9}"
              f" {_ms(pct(r['e2e'], 99)):>9} {sum(k['refused'] for k in r['kinds'].values()):>7} {r['busy']:>5}"
              f" {len(r['errors']):>4} {_ms(first.get('e2e') or first.get('ack')):>7}")  # fmt: skip
        _print_problems(r, "commands not sent (--max-seconds reached, or no startable story left)")
        if r["exhausted"]:
            print(f"      {r['exhausted']} times a client found no startable story left")
    print(f"  moved/s is counted to the last reply of each batch; the app then worked {app.get('settle_s', 0.0):.1f} s"
          f" more (App Home refreshes) before the next batch could start: sustained {tps:.1f} transitions/s"
          f" = {app['moved']} / ({app['busy_s']:.1f} + {app.get('settle_s', 0.0):.1f}) s")  # fmt: skip
    print(f"\n  per kind (app)  {'n':>5} {'moved':>6} {'refused':>7} {'busy':>5} {'err':>4} {'ack p99':>8}"
          f" {'reply p50':>9} {'reply p99':>9}   (ms)")  # fmt: skip
    order = [k for k in (*WRITES, "unblocked", "board", "next") if k in app["kinds"]]
    for kind in order:
        k = app["kinds"][kind]
        n = k["ok"] + k["refused"] + k["busy"] + k["error"]
        moved = k["ok"] if kind in WRITES else "-"
        print(f"    {kind:<13} {n:>5} {moved:>6} {k['refused']:>7} {k['busy']:>5} {k['error']:>4}"
              f" {_ms(pct(k['ack'], 99)):>8} {_ms(pct(k['e2e'], 50)):>9} {_ms(pct(k['e2e'], 99)):>9}")  # fmt: skip
    reads = [v for kind in ("unblocked", "board", "next") for v in app["kinds"].get(kind, {}).get("e2e", [])]
    writes = [v for kind in WRITES for v in app["kinds"].get(kind, {}).get("e2e", [])]
    if reads and writes:
        print(f"    {'all reads':<13} {len(reads):>5} {'':>6} {'':>7} {'':>5} {'':>4} {'':>8} {_ms(pct(reads, 50)):>9}"
              f" {_ms(pct(reads, 99)):>9}")  # fmt: skip
        print(f"    {'all writes':<13} {len(writes):>5} {'':>6} {'':>7} {'':>5} {'':>4} {'':>8} {_ms(pct(writes, 50)):>9}"
              f" {_ms(pct(writes, 99)):>9}")  # fmt: skip
    for sample in app["refusals"][:4]:
        print(f"      refused: {sample!r}")

    outcomes = extra["outcomes"]
    served = Counter()
    for (verb, _result), n in outcomes.items():
        served[verb] += n
    moved_server = sum(n for (verb, outcome), n in outcomes.items() if verb in WRITES and outcome == "ok")
    not_ok = {f"{verb} {outcome}": n for (verb, outcome), n in sorted(outcomes.items()) if outcome != "ok"}
    print(f"\n  server side (whole load phase, warm-up included): {moved_server} transitions; calls "
          + ", ".join(f"{verb} {n}" for verb, n in sorted(served.items()))
          + f"; not ok: {not_ok or 'none'}")  # fmt: skip
    seconds = extra["seconds"]
    print("  service time per call (wall, in its 2 threads): "
          + ", ".join(f"{v} {seconds[v] / served[v] * 1000:.1f} ms" for v in (*WRITES, "home", "unblocked", "board", "next")
                      if served[v])  # fmt: skip
          + (f"; per transition {sum(seconds[v] for v in (*WRITES, 'home')) / moved_server * 1000:.1f} ms, of which App Home"
             f" refreshes {seconds['home'] / moved_server * 1000:.1f} ms ({served['home'] / moved_server:.1f} per transition)"
             if moved_server else ""))  # fmt: skip
    by_doing, by_sql = extra["sql"]
    write_sql = sum(by_doing[v] for v in (*WRITES, "home", "other"))
    per_transition = write_sql / moved_server if moved_server else float("nan")
    print(f"  SQL statements on the app's store (before_cursor_execute): {per_transition:.1f} per transition"
          " (the writes' own + App Home refreshes + other, over the transitions)")  # fmt: skip
    print("    per call: " + ", ".join(f"{v} {by_doing[v] / served[v]:.1f}" for v in (*WRITES, "home", "unblocked", "board", "next")
                                   if served[v])  # fmt: skip
          + (f"; App Home refreshes {by_doing['home'] / moved_server:.1f} per transition" if moved_server else "")
          + f"; other {by_doing['other']}; by verb: " + ", ".join(f"{v} {n}" for v, n in by_sql.most_common()))

    floor = extra["floor"]
    lite = statistics.median(floor["sqlite"])
    print(f"\n  write floor: bare SQLite BEGIN IMMEDIATE; INSERT; COMMIT, one connection, WAL, synchronous="
          f"{floor['sqlite_synchronous']} (as the store's connections): {lite:.0f} commits/s (median of "
          + "/".join(f"{x:.0f}" for x in floor["sqlite"]) + ")"
          + (f"; the app store's synchronous={extra['synchronous']}" if extra.get("synchronous") is not None else ""))  # fmt: skip
    pg = statistics.median(floor["postgresql"]) if floor.get("postgresql") else None
    if pg:
        print(f"  write floor: bare PostgreSQL BEGIN; INSERT; COMMIT, one connection: {pg:.0f} commits/s (median of "
              + "/".join(f"{x:.0f}" for x in floor["postgresql"]) + ")")  # fmt: skip
    reply50, reply99 = pct(app["e2e"], 50), pct(app["e2e"], 99)
    print(f"  ratios (same run): transitions/s / do-nothing+respond req/s = {tps / base_rps:.2f}; transitions/s /"
          f" floor commits/s = {tps / (pg or lite):.3f}; reply p50 / do-nothing e2e p50 = "
          f"{reply50 / pct(base['e2e'], 50):.1f}x, p99 {reply99 / pct(base['e2e'], 99):.1f}x")  # fmt: skip
    print("\n  this process's RSS (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in rss.items())
          + f"; peak {peak:.0f}; the load process peaked at {message.get('worker_peak_rss_mb', float('nan')):.0f}")
    if profile:
        print(f"\n  cProfile, after the load, one warm App Home build on the {args.stories}-story plan (top 10 cumulative):")
        print(profile)

    ok_p99 = reply99 < GOAL_REPLY_P99_S
    verdict = (f"reply p50/p99 {_ms(reply50)}/{_ms(reply99)} ms (goal p99 < {GOAL_REPLY_P99_S:g} s: "
               f"{'PASS' if ok_p99 else 'FAIL'})")  # fmt: skip
    if args.workload == "writes":
        head = (f"transitions/s {tps:.1f} sustained, {tps_replies:.1f} to the last reply (goal >= {GOAL_TPS}:"
                f" {'PASS' if tps >= GOAL_TPS else 'FAIL'}); {verdict}")  # fmt: skip
    else:
        kinds = ", ".join(f"{k} {_ms(pct(app['kinds'][k]['e2e'], 99))}" for k in order)
        head = f"{verdict}; reply p99 per kind ms: {kinds}; transitions/s {tps:.1f} sustained"
    print(f"\nSUMMARY http_latency {args.workload} ({'open loop ' + format(args.rate, 'g') + '/s' if args.rate else 'closed loop'},"
          f" {'PostgreSQL' if args.database else 'SQLite'}): {head}; refused {refused}, refused-busy {app['busy']},"
          f" errors {len(app['errors'])}; SQL per transition {per_transition:.1f}; anchors: do-nothing+respond"
          f" {base_rps:.0f} req/s, bare commit loop {pg or lite:.0f} commits/s; peak RSS {peak:.0f} MB")  # fmt: skip


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
    parser.add_argument("--log-file", metavar="PATH", default=None,
                        help="write the serving process's INFO log there instead of /dev/null")  # fmt: skip
    parser.add_argument("--workload", choices=("unblocked", "writes", "mixed"), default="unblocked",
                        help="unblocked (default: the five targets above); writes: start/review/done cycles by "
                        "20 users on the 2,000-story plan with 1.1 done; mixed: reads and one write in four")  # fmt: skip
    parser.add_argument("--database", metavar="URL", default=None,
                        help="put the app's stores on PostgreSQL (a new database bench_<pid>_<name> each, "
                        "dropped at the end), e.g. postgresql://postgres@127.0.0.1:5432/test")  # fmt: skip
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        asyncio.run(_worker())
        return 0
    quick = args.quick
    workload = args.workload != "unblocked"  # commands are cheaper to count in cycles of three
    args.requests = args.requests or ((300 if workload else 100) if quick else (1200 if workload else 400))
    args.warmup = args.warmup if args.warmup is not None else ((30 if workload else 10) if quick else 60 if workload else 40)
    args.rounds = max(1, min(args.rounds or (2 if quick else 4), args.requests))
    return asyncio.run(_serve(args))


if __name__ == "__main__":
    sys.exit(main())
