"""Fast at team scale and at 10,000 stories: six figures, each beside an anchor measured in the same run.

    .venv/bin/python bench/scale.py                         # every row, 3 interleaved runs each (~2 min on 2 cores)
    .venv/bin/python bench/scale.py --only cold --only rss  # some rows (cold import graph events writes rss)
    .venv/bin/python bench/scale.py --runs 5 --calls 500

Rows (issue "Fast at team scale and at 10,000 stories"); medians of the runs, [min-max] in brackets:

1. cold: `deliverybot cmd --as bench "/unblocked"` as a fresh process (the installed script) on a
   SQLite file holding a generated 10,000-story plan (bench/gen_plan.py), against the same command
   on a file holding the seed plan (plans/k3s-mono-pgsql.md). Plans are imported with
   `deliverybot plan import FILE --slug S`; one untimed run each after the import (the first read
   of a plan may store a parsed copy), then the timed runs, interleaved. Goals: 10k <= 1.5x the
   seed; seed < 0.5 s.
2. import: `deliverybot plan import` of the 10,000-story plan into a fresh SQLite file per run,
   against Taskwarrior importing the same 10,000 stories as tasks (description, project = epic,
   depends = the plan's "Apres X:" edges) with `task import FILE.json` into a fresh TASKDATA per
   run (rc.confirmation=off, rc.hooks=off). Goal: <= 1.5x Taskwarrior. Without `task` on PATH
   the anchor is said missing and the absolute time alone is printed.
3. graph: `deliverybot graph --plan S --out F.png` (fresh process) for generated 200- and
   2,000-story plans, with the seed's graph as the anchor; wall time and the child's peak RSS
   (os.wait4). Goals: 200 < 2 s, 2,000 < 10 s.
4. events: one cached `/unblocked` while the event log grows. In a child process, the real
   service (Store + DeliveryService, as `deliverybot cmd` builds them) on three SQLite files
   holding the seed plan, whose `events` table is filled with audit rows ('team-note', story_id
   NULL) by plain SQL to 900, 10,000 and 100,000 events; one call after the insert (the service
   notices the change and reloads), then `--calls` timed calls per size, sizes interleaved per
   run. Anchor: the median per call at 900 events. Goal: flat, <= 1.5x at 100,000.
5. writes: transitions per second through the service, in a child process, single thread: a
   2,000-story plan, its entry gate 1.1 done, then `/start ID` (holder) -> `/review ID LINK
   @reviewer` -> `/done ID LINK` (the reviewer, four eyes) on startable stories, four actors in
   turn. Anchor: a bare SQLite loop (BEGIN IMMEDIATE; INSERT one row; COMMIT) on a file with the
   store's own pragmas (WAL, synchronous as the store's connection reports it, busy_timeout,
   foreign_keys), measured in the same child, interleaved. Goal: >= 100 transitions/s.
6. rss: a long-lived process after load. A child per plan size (`scale.py --child rss`) opens the
   store holding a 2,000- or 10,000-story plan (imported and its gate 1.1 done beforehand by
   `deliverybot` commands, so the child pays only for serving) and answers 50 `/unblocked`
   (hundreds of stories startable); its VmRSS and VmHWM (/proc/self/status) and ru_maxrss are
   printed. Anchor: the same child's VmRSS before it opened the store (the interpreter and the
   service's modules). Goals: peak < 150 MB (2,000) and < 200 MB (10,000).

Peak RSS of a child read through os.wait4 includes, on Linux, the parent's own high-water mark
(subprocess spawns with vfork, and exec records the borrowed memory's peak); so every in-process
measurement runs in a child, this process stays small, and its own peak is printed as the floor.

Every subprocess has a timeout; temporary files live in one directory removed at exit. Prints
figures, asserts nothing; ends with one `SUMMARY scale: ...` line, PASS or FAIL per goal.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_plan import _ids, generate_plan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
DELIVERYBOT = VENV_BIN / "deliverybot"
SEED = ROOT / "plans" / "k3s-mono-pgsql.md"
LINK = "https://git.example.com/x/pull/"
ROWS = ("cold", "import", "graph", "events", "writes", "rss")
TIMEOUT_S = 120  # one subprocess; the in-process rows' children get more
CHILD_TIMEOUT_S = 240
EVENT_SIZES = (900, 10_000, 100_000)
RSS_SIZES = (2_000, 10_000)
RSS_GOALS_MB = {2_000: 150.0, 10_000: 200.0}
RSS_CALLS = 50
WRITE_CYCLES = 100  # stories walked start -> review -> done per run, at most
WRITE_RUN_S = 8.0  # and at most this long per run
FLOOR_COMMITS = 400
FLOOR_RUN_S = 2.0
ACTORS = ("ana", "ben", "chloe", "dev")


class RowFailed(Exception):
    """A row could not be measured (a command failed): said, and the other rows still run."""


@dataclass
class Run:
    elapsed: float
    rss_mb: float
    code: int
    out: str


# -- processes ---------------------------------------------------------------------------------------


def _env(db: Path | None = None, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DELIVERYBOT_", "DATABASE_URL"))
    }
    env.pop("PYTHONPATH", None)
    if db is not None:
        env["DATABASE_URL"] = f"sqlite:///{db}"
    env.update(extra)
    return env


def _child(cmd: list[str], env: dict[str, str], *, timeout: float = TIMEOUT_S) -> Run:
    """Wall time, peak RSS (os.wait4: this child and what it waited for), exit code and output of one
    fresh process; killed after `timeout` seconds (exit code -9)."""
    with tempfile.TemporaryFile() as sink:
        started = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                stdout=sink, stderr=subprocess.STDOUT)  # fmt: skip
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        sink.seek(0)
        out = sink.read().decode("utf-8", errors="replace")
    return Run(elapsed, usage.ru_maxrss / 1024, proc.returncode, out)  # KB on Linux


def _ok(run: Run, what: str, codes: tuple[int, ...] = (0,)) -> Run:
    if run.code not in codes:
        why = "timed out (killed)" if run.code == -9 else f"exited {run.code}"
        raise RowFailed(f"{what} {why}:\n{run.out[-1500:]}")
    return run


def _import(plan: Path, db: Path, slug: str) -> Run:
    run = _child([DELIVERYBOT, "plan", "import", plan, "--slug", slug], _env(db))
    return _ok(run, f"deliverybot plan import {plan.name}")


def _cmd(db: Path, actor: str, text: str) -> Run:
    return _ok(_child([DELIVERYBOT, "cmd", "--as", actor, text], _env(db)), f"deliverybot cmd {text!r}")


def _json_child(args: list[str], what: str) -> dict:
    run = _ok(
        _child([PYTHON, Path(__file__).resolve(), "--child", *args], _env(), timeout=CHILD_TIMEOUT_S), what
    )
    lines = [ln for ln in run.out.splitlines() if ln.startswith("{")]
    if not lines:
        raise RowFailed(f"{what}: no result line:\n{run.out[-1500:]}")
    data = json.loads(lines[-1])
    data["_rss_mb"] = run.rss_mb
    return data


# -- figures -----------------------------------------------------------------------------------------


def _spread(values: list[float], unit: str = "s", scale: float = 1.0, digits: int = 3) -> str:
    v = sorted(x * scale for x in values)
    return f"{statistics.median(v):.{digits}f} {unit} [{v[0]:.{digits}f}-{v[-1]:.{digits}f}]"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


_plans: dict[int, str] = {}


def _plan_file(tmp: Path, n: int, seed: int) -> Path:
    path = tmp / f"plan-{n}-s{seed}.md"
    if not path.exists():
        if n not in _plans:
            _plans[n] = generate_plan(n, seed) + "\n"
        path.write_text(_plans[n], encoding="utf-8")
    return path


# -- 1. cold /unblocked --------------------------------------------------------------------------------


def row_cold(args: argparse.Namespace, tmp: Path) -> list[str]:
    big = _plan_file(tmp, 10_000, args.seed)
    dbs = {"seed": tmp / "cold-seed.db", "10k": tmp / "cold-10k.db"}
    _import(SEED, dbs["seed"], "seed")
    _import(big, dbs["10k"], "big")
    for db in dbs.values():  # warm-up: the first read of a plan may store its parsed copy; bytecode, disk
        _cmd(db, "bench", "/unblocked")
    samples: dict[str, list[Run]] = {name: [] for name in dbs}
    for _ in range(args.runs):  # interleaved, so machine noise hits both alike
        for name, db in dbs.items():
            samples[name].append(_cmd(db, "bench", "/unblocked"))
    med = {name: statistics.median(r.elapsed for r in runs) for name, runs in samples.items()}
    print(
        f'\n1. cold `deliverybot cmd --as bench "/unblocked"` (fresh process, {args.runs} runs, after one untimed run)'
    )
    for name, runs in samples.items():
        print(f"   {name:<5} {_spread([r.elapsed for r in runs])}  x{med[name] / med['seed']:5.2f} the seed  "
              f"peak RSS {max(r.rss_mb for r in runs):6.1f} MB")  # fmt: skip
    first = samples["10k"][-1].out.strip().splitlines()
    print(f"   10k answer: {first[0][:100] if first else '(nothing printed)'}")
    ratio = med["10k"] / med["seed"]
    return [f"cold 10k x{ratio:.2f} seed (<=1.5 {_verdict(ratio <= 1.5)})",
            f"cold seed {med['seed']:.3f} s (<0.5 {_verdict(med['seed'] < 0.5)})"]  # fmt: skip


# -- 2. plan import vs Taskwarrior ---------------------------------------------------------------------


def _tasks_json(plan_text: str, n_stories: int, path: Path) -> tuple[int, int]:
    """The plan's stories as Taskwarrior tasks: one per story id, project = its epic, depends = the
    stories it waits for ("Apres X + Y:" sections). Returns (tasks, dependency edges)."""
    import uuid

    ids = _ids(n_stories)
    deps: dict[str, list[str]] = {}
    head: list[str] | None = None
    id_re = re.compile(r"\b\d+\.\d+\b")
    for line in plan_text.splitlines():
        if line.startswith("Apres "):
            head = id_re.findall(line)
        elif head is not None and line.startswith("- "):
            for sid in id_re.findall(line):
                deps.setdefault(sid, []).extend(head)
        else:
            head = None
    uid = {sid: str(uuid.uuid5(uuid.NAMESPACE_URL, f"deliverybot-bench/{sid}")) for sid in ids}
    tasks = []
    for sid in ids:
        task = {"uuid": uid[sid], "description": f"story {sid}", "project": f"epic{sid.split('.')[0]}",
                "status": "pending", "entry": "20261201T080000Z"}  # fmt: skip
        if deps.get(sid):
            task["depends"] = ",".join(uid[d] for d in deps[sid] if d in uid)
        tasks.append(task)
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return len(ids), sum(len(v) for v in deps.values())


def _task_env(root: Path) -> dict[str, str]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "taskrc").write_text("", encoding="utf-8")
    return _env(TASKDATA=str(root / "data"), TASKRC=str(root / "taskrc"))


def _task_import(task: str, tasks: Path, root: Path) -> Run:
    cmd = [task, "rc.confirmation=off", "rc.hooks=off", "rc.verbose=nothing", "import", tasks]
    return _ok(_child(cmd, _task_env(root)), "task import")


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql).fetchone()[0]


def row_import(args: argparse.Namespace, tmp: Path) -> list[str]:
    big = _plan_file(tmp, 10_000, args.seed)
    task = shutil.which("task")
    tasks = tmp / "tasks-10000.json"
    n_tasks, n_edges = _tasks_json(_plans[10_000], 10_000, tasks)
    _import(big, tmp / "import-warm.db", "big")  # warm-up, both alike: bytecode, disk cache
    if task:
        _task_import(task, tasks, tmp / "tw-warm")
    ours: list[Run] = []
    theirs: list[Run] = []
    for i in range(args.runs):
        ours.append(_import(big, tmp / f"import-{i}.db", "big"))
        if task:
            theirs.append(_task_import(task, tasks, tmp / f"tw-{i}"))
    stored = _count(tmp / f"import-{args.runs - 1}.db", "SELECT count(*) FROM story_states")
    print(f"\n2. `deliverybot plan import` of 10,000 stories into a fresh SQLite file ({args.runs} runs; "
          f"{stored:,} story rows stored)")  # fmt: skip
    ours_med = statistics.median(r.elapsed for r in ours)
    if not task:
        print(
            f"   deliverybot  {_spread([r.elapsed for r in ours])}  peak RSS {max(r.rss_mb for r in ours):6.1f} MB"
        )
        print(
            "   anchor missing: Taskwarrior (`task`) is not on PATH (apt-get install taskwarrior); absolute time only"
        )
        return [f"import {ours_med:.2f} s (Taskwarrior missing: no verdict)"]
    version = subprocess.run([task, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    count = subprocess.run([task, "rc.hooks=off", "rc.verbose=nothing", "count"], env=_task_env(tmp / f"tw-{args.runs - 1}"),
                           capture_output=True, text=True, timeout=60).stdout.strip()  # fmt: skip
    theirs_med = statistics.median(r.elapsed for r in theirs)
    ratio = ours_med / theirs_med
    print(
        f"   Taskwarrior {version} `task import` of {n_tasks:,} tasks, {n_edges:,} dependencies ({count} tasks stored)"
    )
    print(
        f"   taskwarrior  {_spread([r.elapsed for r in theirs])}  peak RSS {max(r.rss_mb for r in theirs):6.1f} MB"
    )
    print(f"   deliverybot  {_spread([r.elapsed for r in ours])}  x{ratio:5.2f} Taskwarrior  "
          f"peak RSS {max(r.rss_mb for r in ours):6.1f} MB")  # fmt: skip
    return [f"import {ours_med:.2f} s x{ratio:.2f} Taskwarrior (<=1.5 {_verdict(ratio <= 1.5)})"]


# -- 3. graph ------------------------------------------------------------------------------------------


def row_graph(args: argparse.Namespace, tmp: Path) -> list[str]:
    plans = {"seed": SEED, "200": _plan_file(tmp, 200, args.seed), "2000": _plan_file(tmp, 2_000, args.seed)}
    dbs = {name: tmp / f"graph-{name}.db" for name in plans}
    for name, plan in plans.items():
        _import(plan, dbs[name], f"g{name}")
    out = tmp / "graph.png"

    def draw(name: str) -> Run:
        out.unlink(missing_ok=True)
        run = _ok(
            _child([DELIVERYBOT, "graph", "--plan", f"g{name}", "--out", out], _env(dbs[name])),
            f"graph {name}",
        )
        if not out.is_file() or out.stat().st_size == 0:
            raise RowFailed(f"graph {name}: no PNG written:\n{run.out[-800:]}")
        run.out = f"{out.stat().st_size / 1024:,.0f} KB PNG"
        return run

    draw("seed")  # warm-up: bytecode, font cache
    samples: dict[str, list[Run]] = {name: [] for name in plans}
    for _ in range(args.runs):
        for name in plans:
            samples[name].append(draw(name))
    med = {name: statistics.median(r.elapsed for r in runs) for name, runs in samples.items()}
    print(f"\n3. `deliverybot graph --plan S --out F.png` (fresh process, {args.runs} runs)")
    for name, runs in samples.items():
        print(f"   {name:<5} {_spread([r.elapsed for r in runs])}  x{med[name] / med['seed']:5.2f} the seed  "
              f"peak RSS {max(r.rss_mb for r in runs):6.1f} MB  {runs[-1].out}")  # fmt: skip
    return [f"graph 200 {med['200']:.2f} s (<2 {_verdict(med['200'] < 2)})",
            f"graph 2000 {med['2000']:.2f} s (<10 {_verdict(med['2000'] < 10)})"]  # fmt: skip


# -- 4. cached /unblocked as the event log grows (child) --------------------------------------------


def _add_audit_events(db: Path, target: int, slug: str) -> int:
    """Fill the events table with audit rows, by plain SQL, until it holds `target` rows."""
    with sqlite3.connect(db, timeout=30) as conn:
        have = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        plan_id = conn.execute("SELECT id FROM plans WHERE slug = ?", (slug,)).fetchone()[0]
        # naive UTC, as the store writes it
        start = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=120)
        rows = ((plan_id, "team-note", ACTORS[i % len(ACTORS)], f"bench note {i}",
                 (start + timedelta(seconds=60 * i)).strftime("%Y-%m-%d %H:%M:%S.%f"))
                for i in range(max(0, target - have)))  # fmt: skip
        conn.executemany("INSERT INTO events (plan_id, story_id, action, actor, reason, at) "
                         "VALUES (?, NULL, ?, ?, ?, ?)", rows)  # fmt: skip
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]


def child_events(args: argparse.Namespace) -> dict:
    from bot.bootstrap import import_plan
    from bot.service.delivery import DeliveryService
    from bot.settings import Settings
    from storage.store import Store

    result: dict = {"sizes": {}}
    with tempfile.TemporaryDirectory(prefix="bench-scale-events-") as tmp:
        services = {}
        for size in EVENT_SIZES:
            db = Path(tmp) / f"events-{size}.db"
            store = Store(f"sqlite:///{db}")
            import_plan(store, SEED, slug="seed")
            service = DeliveryService(store, settings=Settings.defaults())
            if not service.handle("bench", "/unblocked", plan="seed").ok:
                raise SystemExit("/unblocked refused on the seed plan")
            t0 = time.perf_counter()
            stored = _add_audit_events(db, size, "seed")
            insert_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            reply = service.handle("bench", "/unblocked", plan="seed")  # it notices the change, reloads
            reload_s = time.perf_counter() - t0
            services[size] = (service, db)
            result["sizes"][size] = {"events": stored, "insert_s": insert_s, "reload_s": reload_s,
                                     "ok": reply.ok, "runs": [], "after_one": [], "refused": 0}  # fmt: skip
        for _ in range(args.runs):  # interleaved: each run times every size
            for size, (service, db) in services.items():
                times = []
                for _ in range(args.calls):
                    t0 = time.perf_counter()
                    reply = service.handle("bench", "/unblocked", plan="seed")
                    times.append(time.perf_counter() - t0)
                    result["sizes"][size]["refused"] += not reply.ok
                result["sizes"][size]["runs"].append(statistics.median(times))
                # then one more event (what any write does), and the one call that notices it
                result["sizes"][size]["events"] = _add_audit_events(
                    db, result["sizes"][size]["events"] + 1, "seed"
                )
                t0 = time.perf_counter()
                result["sizes"][size]["refused"] += not service.handle("bench", "/unblocked", plan="seed").ok
                result["sizes"][size]["after_one"].append(time.perf_counter() - t0)
        for service, _db in services.values():
            service.store.close()
    return result


def row_events(args: argparse.Namespace, _tmp: Path) -> list[str]:
    data = _json_child(["events", "--runs", str(args.runs), "--calls", str(args.calls)], "events child")
    sizes = {int(k): v for k, v in data["sizes"].items()}
    anchor = statistics.median(sizes[EVENT_SIZES[0]]["runs"])
    print(f"\n4. cached `/unblocked` on the seed plan as the event log grows (in-process, {args.calls} calls "
          f"per size per run, {args.runs} runs interleaved; median per call)")  # fmt: skip
    for size, d in sizes.items():
        med = statistics.median(d["runs"])
        print(f"   {size:>7,} events  {_spread(d['runs'], 'ms', 1000, 2)}  x{med / anchor:5.2f} at 900  "
              f"(bulk insert {d['insert_s']:.2f} s, first call after it {d['reload_s'] * 1000:.0f} ms; "
              f"first call after one more event {_spread(d['after_one'], 'ms', 1000, 0)}"
              f"{'' if d['ok'] else ', REFUSED'}; refused {d['refused']})")  # fmt: skip
    print(f"   child peak RSS {data['_rss_mb']:.1f} MB")
    ratio = statistics.median(sizes[EVENT_SIZES[-1]]["runs"]) / anchor
    return [f"events 100k x{ratio:.2f} at 900 (<=1.5 {_verdict(ratio <= 1.5)})"]


# -- 5. writes through the service (child) -----------------------------------------------------------


def _floor_loop(db: Path, synchronous: int) -> tuple[int, float]:
    """(commits, seconds) of a bare BEGIN IMMEDIATE; INSERT; COMMIT loop with the store's pragmas."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {int(synchronous)}")
        conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, plan_id INTEGER, story_id TEXT, "
                     "action TEXT, actor TEXT, at TEXT)")  # fmt: skip
        done = 0
        started = time.perf_counter()
        while done < FLOOR_COMMITS and time.perf_counter() - started < FLOOR_RUN_S:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t (plan_id, story_id, action, actor, at) VALUES (1, ?, 'start', 'ana', ?)",
                         (f"{done}.1", datetime.now(UTC).isoformat()))  # fmt: skip
            conn.execute("COMMIT")
            done += 1
        return done, time.perf_counter() - started
    finally:
        conn.close()


def child_writes(args: argparse.Namespace) -> dict:
    from bot.bootstrap import import_plan
    from bot.service.delivery import DeliveryService
    from bot.settings import Settings
    from storage.store import Store

    with tempfile.TemporaryDirectory(prefix="bench-scale-writes-") as tmp:
        plan = Path(tmp) / "plan-2000.md"
        plan.write_text(generate_plan(2_000, args.seed) + "\n", encoding="utf-8")
        store = Store(f"sqlite:///{tmp}/writes.db")
        import_plan(store, plan, slug="big")
        service = DeliveryService(store, settings=Settings.defaults())
        with store.engine.connect() as conn:
            pragmas = {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                       for p in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")}  # fmt: skip
        gate = [("ana", "/start 1.1"), ("ana", f"/review 1.1 {LINK}1 @ben"), ("ben", f"/done 1.1 {LINK}1")]
        for actor, text in gate:
            reply = service.handle(actor, text, plan="big")
            if not reply.ok:
                raise SystemExit(f"{actor} {text}: refused: {reply.text[:300]}")
        result: dict = {"pragmas": pragmas, "floor": [], "runs": [], "by_command": {"start": [], "review": [],
                        "done": []}, "refused": [], "refused_count": 0, "cycles": 0}  # fmt: skip
        k = 0
        for _ in range(args.runs):
            result["floor"].append(_floor_loop(Path(tmp) / "floor.db", pragmas["synchronous"]))
            # untimed: which stories to walk
            ready = service.handle("ana", "/unblocked", plan="big").data.get("startable", [])
            ok, spent = 0, 0.0
            started = time.perf_counter()
            for sid in ready[:WRITE_CYCLES]:
                if time.perf_counter() - started > WRITE_RUN_S:
                    break
                holder, reviewer = ACTORS[k % len(ACTORS)], ACTORS[(k + 1) % len(ACTORS)]
                k += 1
                steps = (("start", holder, f"/start {sid}"), ("review", holder, f"/review {sid} {LINK}{k} @{reviewer}"),
                         ("done", reviewer, f"/done {sid} {LINK}{k}"))  # fmt: skip
                for name, actor, text in steps:
                    t0 = time.perf_counter()
                    reply = service.handle(actor, text, plan="big")
                    took = time.perf_counter() - t0
                    spent += took
                    if reply.ok:
                        ok += 1
                        result["by_command"][name].append(took)
                    else:
                        result["refused_count"] += 1
                        if len(result["refused"]) < 3:
                            result["refused"].append(f"{actor} {text}: {reply.text[:200]}")
                result["cycles"] += 1
            result["runs"].append((ok, spent))
        store.close()
    result["by_command"] = {n: statistics.median(v) if v else None for n, v in result["by_command"].items()}
    return result


def row_writes(args: argparse.Namespace, _tmp: Path) -> list[str]:
    data = _json_child(["writes", "--runs", str(args.runs), "--seed", str(args.seed)], "writes child")
    floor = [n / s for n, s in data["floor"]]
    tps = [n / s for n, s in data["runs"] if s > 0]
    if not tps:
        raise RowFailed("writes: no transition was timed")
    tps_med, floor_med = statistics.median(tps), statistics.median(floor)
    p = data["pragmas"]
    print(f"\n5. transitions/s through the service, single thread (2,000-story plan, 1.1 done; "
          f"{data['cycles']} start->review->done cycles by {len(ACTORS)} actors over {args.runs} runs)")  # fmt: skip
    print(f"   store pragmas: journal_mode={p['journal_mode']} synchronous={p['synchronous']} "
          f"busy_timeout={p['busy_timeout']} foreign_keys={p['foreign_keys']}")  # fmt: skip
    print(f"   floor (bare BEGIN IMMEDIATE; INSERT; COMMIT)  {_spread(floor, 'commits/s', 1, 0)}")
    print(f"   service transitions                           {_spread(tps, 'transitions/s', 1, 1)}  "
          f"= {tps_med / floor_med:.3f} of the floor (1/{floor_med / tps_med:.0f})")  # fmt: skip
    by = data["by_command"]
    print(
        "   median per command: "
        + ", ".join(f"/{n} {v * 1000:.1f} ms" if v else f"/{n} -" for n, v in by.items())
    )
    if data["refused_count"]:
        print(f"   refused: {data['refused_count']}: " + " | ".join(data["refused"]))
    print(f"   child peak RSS {data['_rss_mb']:.1f} MB")
    return [f"writes {tps_med:.0f}/s = {tps_med / floor_med:.3f} floor (>=100/s {_verdict(tps_med >= 100)})"]


# -- 6. RSS of a long-lived process (child per size) --------------------------------------------------


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child_rss(args: argparse.Namespace) -> dict:
    from bot.service.delivery import DeliveryService
    from bot.settings import Settings
    from storage.store import Store

    before = _status_mb("VmRSS")
    store = Store(f"sqlite:///{args.db}")
    service = DeliveryService(store, settings=Settings.defaults())
    times, startable, refused = [], 0, 0
    for _ in range(RSS_CALLS):
        t0 = time.perf_counter()
        reply = service.handle("bench", "/unblocked", plan="big")
        times.append(time.perf_counter() - t0)
        refused += not reply.ok
        startable = len(reply.data.get("startable", []))
    after = _status_mb("VmRSS")
    store.close()
    return {"before": before, "rss": after, "hwm": _status_mb("VmHWM"),
            "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "first_s": times[0],
            "median_s": statistics.median(times[1:]), "startable": startable, "refused": refused}  # fmt: skip


def row_rss(args: argparse.Namespace, tmp: Path) -> list[str]:
    dbs = {}
    for n in RSS_SIZES:  # setup, untimed: import, then the entry gate done as people would
        dbs[n] = tmp / f"rss-{n}.db"
        _import(_plan_file(tmp, n, args.seed), dbs[n], "big")
        _cmd(dbs[n], "ana", "/start 1.1")
        _cmd(dbs[n], "ana", f"/review 1.1 {LINK}1 @ben")
        _cmd(dbs[n], "ben", f"/done 1.1 {LINK}1")
    samples: dict[int, list[dict]] = {n: [] for n in RSS_SIZES}
    for _ in range(args.runs):
        for n in RSS_SIZES:
            samples[n].append(_json_child(["rss", "--db", str(dbs[n])], f"rss child {n}"))
    print(f"\n6. RSS of a long-lived process: open the store, {RSS_CALLS} `/unblocked` (1.1 done), "
          f"a fresh child per size and run ({args.runs} runs)")  # fmt: skip
    verdicts = []
    for n, runs in samples.items():
        peak = statistics.median(max(r["hwm"], r["maxrss"]) for r in runs)
        base = statistics.median(r["before"] for r in runs)
        print(f"   {n:>6,} stories  peak {_spread([max(r['hwm'], r['maxrss']) for r in runs], 'MB', 1, 1)}  "
              f"now {_spread([r['rss'] for r in runs], 'MB', 1, 1)}  x{peak / base:4.2f} the modules alone "
              f"({base:.1f} MB)  wait4 {max(r['_rss_mb'] for r in runs):.1f} MB")  # fmt: skip
        print(f"          first /unblocked {_spread([r['first_s'] for r in runs], 's', 1, 3)}, then "
              f"{_spread([r['median_s'] for r in runs], 'ms', 1000, 1)}; {runs[-1]['startable']} startable; "
              f"refused {sum(r['refused'] for r in runs)}")  # fmt: skip
        verdicts.append(
            f"rss {n // 1000}k {peak:.0f} MB (<{RSS_GOALS_MB[n]:.0f} {_verdict(peak < RSS_GOALS_MB[n])})"
        )
    return verdicts


# -- main ----------------------------------------------------------------------------------------------

ROW_FUNCS = {"cold": row_cold, "import": row_import, "graph": row_graph, "events": row_events,
             "writes": row_writes, "rss": row_rss}  # fmt: skip
CHILDREN = {"events": child_events, "writes": child_writes, "rss": child_rss}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per row (default 3)")
    parser.add_argument("--only", action="append", choices=ROWS, help="measure only this row (repeatable)")
    parser.add_argument("--calls", type=int, default=200, help="row events: timed calls per size per run")
    parser.add_argument("--seed", type=int, default=1, help="generated plans' seed")
    parser.add_argument("--child", choices=tuple(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.runs = max(1, args.runs)
    if args.child:
        print(json.dumps(CHILDREN[args.child](args), default=str))
        return 0

    rows = [r for r in ROWS if not args.only or r in args.only]
    started = time.perf_counter()
    print(
        f"bench/scale.py: {', '.join(rows)}; {args.runs} runs; {os.cpu_count()} CPUs; Python "
        f"{sys.version.split()[0]}; Taskwarrior {'at ' + shutil.which('task') if shutil.which('task') else 'missing'}"
    )
    summary: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for row in rows:
            t0 = time.perf_counter()
            try:
                summary += ROW_FUNCS[row](args, Path(tmp))
            except (RowFailed, subprocess.SubprocessError, OSError, KeyError, ValueError) as err:
                print(f"\n{row}: NOT MEASURED: {err}")
                summary.append(f"{row} ERROR")
            print(f"   ({row}: {time.perf_counter() - t0:.0f} s)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nthis process's peak RSS {own:.1f} MB (a child's wait4 peak can't read below it); "
          f"total {time.perf_counter() - started:.0f} s")  # fmt: skip
    print("\nSUMMARY scale: " + "; ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
