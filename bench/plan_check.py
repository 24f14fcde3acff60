"""`deliverybot plan check FILE` of a 10,000-story plan, against the seed plan's check in the same run.

    .venv/bin/python bench/plan_check.py                  # 10,000 stories, 3 timed runs per plan
    .venv/bin/python bench/plan_check.py --stories 20000 --runs 5
    .venv/bin/python bench/plan_check.py --profile        # then a cProfile of read_plan on each big plan

Two generated plans, both deterministic and in the seed plan's style (plans/k3s-mono-pgsql.md):

* wide: bench/gen_plan.py's plan (each story waits for 0-2 earlier ones, mostly within the last
  40), the shape of a real plan made larger;
* deep: each story waits for 1-3 of the previous 60, so every story has thousands of ancestors,
  with lanes for 2, 3 and 4 devs in dependency order. This is the shape that made the lane-order
  lint build every story's full ancestor set (time ~n^1.8, memory ~n^2).

Each run is a fresh `python -m bot.cli plan check FILE` process (imports included, as a lead
runs it), whose wall time and peak RSS (os.wait4's rusage of that child alone) are recorded.
The anchor is the seed plan's check, measured in the same run, interleaved with the others, so
the ratios hold across machines; the absolute seconds are printed beside them. Goal (issue 12,
point 6): a 10,000-story plan checked in well under a second: PASS when the median is < 1.0 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_plan import _ids, _longest_chain, _title, _wrap, generate_plan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
SEED = ROOT / "plans" / "k3s-mono-pgsql.md"
GOAL_S = 1.0
TIMEOUT_S = 600
DEEP_WINDOW = 60


def generate_deep_plan(n_stories: int, seed: int = 1) -> str:
    """A plan where story i waits for 1-3 of the 60 stories before it (a long, thick DAG), with a
    declared critical path (the longest chain), gates on it, and lanes for 2, 3 and 4 devs dealt
    round-robin in id order (a topological order: no lane-order finding expected)."""
    rng = random.Random(seed)
    ids = _ids(n_stories)
    titles = [_title(rng) for _ in ids]
    preds: list[list[int]] = [[]]
    for i in range(1, n_stories):
        window = range(max(0, i - DEEP_WINDOW), i)
        preds.append(sorted(rng.sample(window, min(len(window), rng.randint(1, 3)))))
    critical = _longest_chain(preds, skip=set())
    if critical[0] != 0:
        preds[critical[0]] = [0]
        critical.insert(0, 0)
    out = [f"# Plan De Livraison Parallele - deep-{n_stories}-s{seed}", "", "Date: 2026-02-10", "",
           "## 1) Vision execution", "", "Verrous critiques (gates):",
           f"1. Story {ids[0]} ({titles[0]}) est le gate d'entree.",
           f"2. Story {ids[critical[len(critical) // 2]]} ({titles[critical[len(critical) // 2]]}) est le gate data.",
           "", "Chemin critique:", "`" + " -> ".join(ids[i] for i in critical) + "`", "",
           "## 2) Stories parallelisables", ""]  # fmt: skip
    groups: dict[tuple[int, ...], list[int]] = {}
    for i, ps in enumerate(preds):
        if ps:
            groups.setdefault(tuple(ps), []).append(i)
    for ps, waiting in sorted(groups.items()):
        out.append(f"Apres {' + '.join(ids[p] for p in ps)}:")
        out.extend(_wrap([ids[i] for i in waiting], 12, ", "))
        out.append("")
    for section, devs in ((3, 2), (4, 3), (5, 4)):
        out += [f"## {section}) Plan {devs} dev" + (" (recommande)" if devs == 3 else ""), ""]
        for d in range(devs):
            out.append(f"Dev {'ABCD'[d]}:")
            out.extend(_wrap([ids[i] for i in range(d, n_stories, devs)], 10, " -> "))
            out.append("")
    out += ["## 6) Regles anti-chaos", "", "- Pas de merge sans preuve AC.", ""]
    return "\n".join(out)


def _check(path: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one fresh `python -m bot.cli plan check path`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DELIVERYBOT_"))}
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryFile() as sink:
        started = time.perf_counter()
        proc = subprocess.Popen([str(PYTHON), "-m", "bot.cli", "plan", "check", str(path)], cwd=ROOT, env=env,
                                stdout=sink, stderr=sink)  # fmt: skip
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 3):  # 3: the plan has an error finding (still a check)
            sink.seek(0)
            raise SystemExit(f"plan check {path} exited {proc.returncode}:\n{sink.read().decode()[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024  # KB on Linux


def _summary_of_findings(path: Path) -> str:
    proc = subprocess.run([str(PYTHON), "-m", "bot.cli", "plan", "check", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT_S)  # fmt: skip
    lines = proc.stdout.splitlines()
    return f"{lines[0][:110] if lines else '?'} ({len(lines) - 1} finding line(s))"


def _profile(path: Path, top: int) -> None:
    code = (
        "import cProfile, pstats, sys, pathlib\n"
        "from planner.reader import read_plan\n"
        f"text = pathlib.Path({str(path)!r}).read_text()\n"
        "p = cProfile.Profile(); p.runcall(read_plan, text)\n"
        f"pstats.Stats(p, stream=sys.stdout).sort_stats('cumulative').print_stats({top})\n"
    )
    proc = subprocess.run([str(PYTHON), "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
    rows = [ln for ln in proc.stdout.splitlines() if ln.lstrip()[:1].isdigit() or "ncalls" in ln]
    print(f"\ncProfile of read_plan({path.name}), top {top} cumulative:")
    for ln in rows[: top + 1]:
        print("   ", ln.strip()[:150])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="cProfile read_plan on each big plan")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-plan-check-") as tmp:
        plans = {"seed": SEED}
        for name, make in (("wide", generate_plan), ("deep", generate_deep_plan)):
            plans[name] = Path(tmp) / f"{name}-{args.stories}.md"
            plans[name].write_text(make(args.stories, args.seed) + "\n", encoding="utf-8")
        _check(SEED)  # warm-up: the bytecode cache and the disk cache, for every target alike
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in plans}
        for _ in range(args.runs):  # interleaved, so machine noise hits every plan alike
            for name, path in plans.items():
                samples[name].append(_check(path))

        print(f"deliverybot plan check (python -m bot.cli, fresh process per run; {args.runs} runs, "
              f"{args.stories:,} stories, seed {args.seed}, {os.cpu_count()} CPUs)")  # fmt: skip
        anchor = statistics.median(t for t, _ in samples["seed"])
        medians: dict[str, float] = {}
        for name, path in plans.items():
            times = sorted(t for t, _ in samples[name])
            rss = max(r for _, r in samples[name])
            medians[name] = statistics.median(times)
            print(f"  {name:<5} median {medians[name]:7.3f} s  (min {times[0]:.3f}, max {times[-1]:.3f}, "
                  f"spread {times[-1] - times[0]:.3f} s)  x{medians[name] / anchor:6.2f} the seed  "
                  f"peak RSS {rss:7.1f} MB  size {path.stat().st_size / 1024:,.0f} KB")  # fmt: skip
        for name in ("wide", "deep"):
            print(f"  {name:<5} reads as: {_summary_of_findings(plans[name])}")
        if args.profile:
            for name in ("wide", "deep"):
                _profile(plans[name], 15)

    verdicts = {name: medians[name] < GOAL_S for name in ("wide", "deep")}
    print(
        f"\nSUMMARY plan_check: seed {anchor:.3f} s; wide {medians['wide']:.3f} s "
        f"(x{medians['wide'] / anchor:.2f}); deep {medians['deep']:.3f} s (x{medians['deep'] / anchor:.2f}); "
        f"goal {args.stories:,} stories < {GOAL_S} s: wide {'PASS' if verdicts['wide'] else 'FAIL'}, "
        f"deep {'PASS' if verdicts['deep'] else 'FAIL'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
