"""How long the daily digest takes to build for a 2,000-story plan, and whether it fits Slack.

Goal (DESIGN §8): the digest for 2,000 stories built in under 300 ms; process memory under
150 MB. Prints figures measured in this run; asserts nothing.

    .venv/bin/python bench/digest_build.py [--stories 2000] [--runs 15]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_plan import generate_plan  # noqa: E402

from bot.service.delivery import DeliveryService  # noqa: E402
from bot.slack.blocks.digest import digest_main_blocks, digest_thread_blocks  # noqa: E402
from bot.slack.blocks.limits import check_message  # noqa: E402
from storage.store import Store  # noqa: E402

LINK = "https://ci.example.com/run/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--moved", type=int, default=300, help="stories walked to done before measuring")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.db")
        text = generate_plan(args.stories)
        started = time.perf_counter()
        from planner.reader import read_plan

        plan = read_plan(text)
        parse_s = time.perf_counter() - started
        store.save_plan("big", plan.title, text, plan.story_ids)
        clock = [datetime(2026, 12, 1, 8, 0, tzinfo=UTC)]
        service = DeliveryService(store, clock=lambda: clock[0])
        moved = 0
        while moved < args.moved:  # a delivery in progress: real events, reviews, starts
            ready = service.handle("dev", "/unblocked").data["startable"]
            if not ready:
                break
            for sid in ready[: max(1, min(20, args.moved - moved))]:
                clock[0] += timedelta(minutes=7)
                service.handle("dev", f"/start {sid}")
                service.handle("dev", f"/review {sid} {LINK}{sid}")
                if moved % 5 != 4:  # every fifth story stays in review
                    service.handle("rev", f"/done {sid} {LINK}{sid}")
                moved += 1
        now = clock[0] + timedelta(days=2)
        service.digest("big", now=now)  # warm: plan parsed, graph built, caches filled
        builds, renders = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            data = service.digest("big", now=now)
            t1 = time.perf_counter()
            main_blocks, thread_blocks = digest_main_blocks(data), digest_thread_blocks(data)
            renders.append(time.perf_counter() - t1)
            builds.append(t1 - t0)
        check_message(main_blocks)
        check_message(thread_blocks)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"plan: {len(plan.stories)} stories, read in {parse_s * 1000:.0f} ms; {moved} stories moved, "
              f"{len(store.events('big'))} events")
        print(f"digest build (service.digest, from the database): median {statistics.median(builds) * 1000:.0f} ms,"
              f" max {max(builds) * 1000:.0f} ms over {args.runs} runs")
        print(f"Block Kit rendering: median {statistics.median(renders) * 1000:.0f} ms; main message "
              f"{len(main_blocks)} blocks, thread {len(thread_blocks)} blocks (limit 50 each)")
        verdict = "PASS" if statistics.median(builds) < 0.3 else "FAIL"
        mem = "PASS" if rss < 150 else "FAIL"
        print(f"SUMMARY digest_build: median {statistics.median(builds) * 1000:.0f} ms (goal < 300 ms: {verdict}); "
              f"peak RSS {rss:.0f} MB (goal < 150: {mem})")


if __name__ == "__main__":
    main()
