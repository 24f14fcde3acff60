"""Cold start of `deliverybot cmd --as bench "/unblocked"` (DESIGN §8: under 0.5 s, no Slack import).

    .venv/bin/python bench/cli_startup.py            # 2 warm-ups + 15 timed runs
    .venv/bin/python bench/cli_startup.py --runs 30

Each run is a fresh process (the installed `deliverybot` script) on a temporary SQLite database
that already holds the seed plan, so the figure is start-up + one command, not the first import.
Then, in the same run: the interpreter's own start-up for comparison, `python -X importtime`'s
heaviest imports on that path, which Slack/HTTP modules that path imported (it must be none), and
what the translation catalogs cost a cold command: importing `bot.i18n` and reading the French
catalog the seed plan speaks, timed inside fresh processes (goal: at most 20 ms), beside the whole
command in French and in English (DELIVERYBOT_LANG=en).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
DELIVERYBOT = VENV_BIN / "deliverybot"
SEED = ROOT / "plans" / "k3s-mono-pgsql.md"
GOAL_S = 0.5
CATALOG_GOAL_MS = 20.0
FORBIDDEN = ("slack_bolt", "slack_sdk", "aiohttp")
# Heavy libraries worth knowing about when they show up on the CLI path.
WATCHED = (*FORBIDDEN, "sqlalchemy", "sqlmodel", "pydantic", "pydantic_settings", "networkx", "psycopg",
           "apscheduler", "prometheus_client", "numpy", "scipy", "babel")  # fmt: skip
PATH_MODULES = "bot.cli, bot.settings, bot.bootstrap, bot.service.delivery, bot.service.table, bot.console"
ARGV = ["cmd", "--as", "bench", "/unblocked"]
TIMEOUT_S = 30


def _env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DELIVERYBOT_"))}
    env.update({"DATABASE_URL": db_url, "PYTHONDONTWRITEBYTECODE": "0"})
    env.pop("PYTHONPATH", None)
    return env


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return {"min": ordered[0], "median": statistics.median(ordered), "p90": p90, "max": ordered[-1]}


def _fmt(stats: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.3f} s" for k, v in stats.items())


def _importtime(env: dict[str, str], top: int) -> None:
    code = f"import sys; from bot.cli import main; sys.exit(main({ARGV!r}))"
    proc = subprocess.run([str(PYTHON), "-X", "importtime", "-c", code], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT_S)  # fmt: skip
    rows = []  # (self_us, cumulative_us, name, depth)
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        fields = line[len("import time:") :].split("|")
        if len(fields) != 3:
            continue
        raw = fields[2].rstrip()
        name = raw.strip()
        depth = (len(raw) - len(raw.lstrip(" ")) - 1) // 2
        rows.append((int(fields[0]), int(fields[1]), name, depth))
    if not rows:
        print("  (no -X importtime output)")
        return
    total_self = sum(r[0] for r in rows)
    print(
        f"\n-X importtime on the cmd path: {len(rows)} modules, {total_self / 1e6:.3f} s of import time in all"
    )
    print("  imports made by the command path itself (outermost; cumulative = with everything they pull in):")
    outer = [r for r in rows if r[3] == 0 and not r[2].startswith(("encodings", "site", "_"))]
    for _self, cum_us, name, _depth in sorted(outer, key=lambda r: -r[1])[:top]:
        print(f"    {name:<44} {cum_us / 1000:8.1f} ms")
    print(f"  top {top} modules by cumulative time (indented = imported by the one above it in the tree):")
    for self_us, cum_us, name, depth in sorted(rows, key=lambda r: -r[1])[:top]:
        print(f"    {'  ' * min(depth, 4)}{name:<44} {cum_us / 1000:8.1f} ms {self_us / 1000:7.1f} ms self")
    by_package: dict[str, int] = {}
    for self_us, _cum, name, _depth in rows:
        by_package[name.split(".")[0]] = by_package.get(name.split(".")[0], 0) + self_us
    print("  self time by top-level package:")
    for package, us in sorted(by_package.items(), key=lambda kv: -kv[1])[:12]:
        print(f"    {package:<30} {us / 1000:8.1f} ms  ({100 * us / total_self:4.1f}%)")


def _modules_on_path(env: dict[str, str]) -> dict:
    code = (
        "import contextlib, io, json, sys\n"
        "from bot.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = main({ARGV!r})\n"
        f"watched = {WATCHED!r}\n"
        "print(json.dumps({'rc': rc, 'count': len(sys.modules),"
        " 'present': [m for m in watched if m in sys.modules]}))\n"
    )
    proc = subprocess.run([str(PYTHON), "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=TIMEOUT_S)  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"module check failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _catalog_cost(env: dict[str, str], runs: int) -> list[float]:
    """Milliseconds a cold process spends on the languages: `import bot.i18n` and the French catalog."""
    code = ("import time; t = time.perf_counter(); import bot.i18n; from bot.i18n.catalogs import catalog; "
            "catalog('fr').gettext('x'); print((time.perf_counter() - t) * 1000)")
    out = []
    for _ in range(runs):
        proc = subprocess.run([str(PYTHON), "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                              timeout=TIMEOUT_S)  # fmt: skip
        out.append(float(proc.stdout.strip()))
    return out


def _work_after_imports(env: dict[str, str], top: int) -> None:
    """main() in a child whose modules are already imported: what the command itself costs."""
    code = (
        "import contextlib, cProfile, io, pstats, sys, time\n"
        "import bot.bootstrap, bot.console, bot.service.delivery, bot.settings, storage.store, planner.reader\n"
        "from bot.cli import main\n"
        "profile = cProfile.Profile()\n"
        "started = time.perf_counter()\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    profile.runcall(main, {ARGV!r})\n"
        "elapsed = time.perf_counter() - started\n"
        "print(f'  main() with every module already imported: {elapsed:.3f} s (under cProfile)')\n"
        f"pstats.Stats(profile, stream=sys.stdout).sort_stats('cumulative').print_stats({top})\n"
    )
    proc = subprocess.run([str(PYTHON), "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=TIMEOUT_S)  # fmt: skip
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    print("\nthe command itself, imports excluded:")
    print(lines[0] if lines else proc.stderr)
    table = [ln for ln in lines if ln.lstrip()[:1].isdigit() or ln.lstrip().startswith("ncalls")]
    for ln in table[:top]:
        print("   ", ln.strip()[:150])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--top", type=int, default=15, help="imports to list")
    args = parser.parse_args(argv)
    if not DELIVERYBOT.exists():
        raise SystemExit(f"{DELIVERYBOT} is missing: install the project into .venv first")

    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        env = _env(f"sqlite:///{tmp}/bench.db")
        subprocess.run([str(DELIVERYBOT), "plan", "import", str(SEED)], env=env, cwd=ROOT, check=True,
                       capture_output=True, timeout=TIMEOUT_S)  # fmt: skip
        cmd = [str(DELIVERYBOT), *ARGV]
        for _ in range(args.warmups):
            _timed(cmd, env)
        runs = [_timed(cmd, env) for _ in range(args.runs)]
        bare = [_timed([str(PYTHON), "-c", "pass"], env) for _ in range(max(5, args.runs // 3))]
        path_imports = [
            _timed([str(PYTHON), "-c", f"import {PATH_MODULES}"], env) for _ in range(max(5, args.runs // 3))
        ]
        imports_only = [
            _timed([str(PYTHON), "-c", "import bot.cli"], env) for _ in range(max(5, args.runs // 3))
        ]

        cold = _stats(runs)
        print(f"deliverybot cmd --as bench /unblocked  ({args.runs} runs after {args.warmups} warm-ups, "
              f"seed plan already in SQLite, {os.cpu_count()} CPUs)")  # fmt: skip
        print(f"  cold start:          {_fmt(cold)}")
        print(f"  python -c pass:      {_fmt(_stats(bare))}   (interpreter floor)")
        print(f"  import bot.cli only:  {_fmt(_stats(imports_only))}   (the CLI imports lazily)")
        print(f"  imports of the path:  {_fmt(_stats(path_imports))}   (no command run)")
        print(f"  goal: median under {GOAL_S} s")

        catalogs = sorted(_catalog_cost(env, args.runs))
        english = [_timed(cmd, {**env, "DELIVERYBOT_LANG": "en"}) for _ in range(args.runs)]
        catalog_ms = statistics.median(catalogs)
        print(f"  catalogs:            median {catalog_ms:.1f} ms, max {catalogs[-1]:.1f} ms (import bot.i18n + "
              f"the French catalog, in a fresh process; goal at most {CATALOG_GOAL_MS:.0f} ms)")
        print(f"  the same in English: {_fmt(_stats(english))}   (DELIVERYBOT_LANG=en; the seed speaks French)")

        _importtime(env, args.top)
        _work_after_imports(env, 12)
        mods = _modules_on_path(env)

    slack = [m for m in mods["present"] if m in FORBIDDEN]
    heavy = [m for m in mods["present"] if m not in FORBIDDEN]
    print(f"\nmodules after main({ARGV}): {mods['count']} in sys.modules; "
          f"Slack/HTTP: {', '.join(slack) or 'none'}; other heavy: {', '.join(heavy) or 'none'}")  # fmt: skip
    time_ok, import_ok = cold["median"] < GOAL_S, not slack
    catalogs_ok = catalog_ms <= CATALOG_GOAL_MS
    print(
        f"\nSUMMARY cli_startup: median {cold['median']:.3f} s, p90 {cold['p90']:.3f} s "
        f"(goal < {GOAL_S} s: {'PASS' if time_ok else 'FAIL'}); "
        f"Slack imports on CLI path: {', '.join(slack) or 'none'} ({'PASS' if import_ok else 'FAIL'}); "
        f"catalogs {catalog_ms:.1f} ms (goal <= {CATALOG_GOAL_MS:.0f} ms: {'PASS' if catalogs_ok else 'FAIL'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
