"""The digest clock: the first tick comes right after start, the next a minute later, and the
scheduler shuts down cleanly."""

import asyncio
import time
from datetime import UTC, datetime, timedelta

from bot.digest.scheduler import start_scheduler


class CountingJob:
    """Exposes what the scheduler calls on a DigestJob: `async def tick()`."""

    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.ticked = asyncio.Event()

    async def tick(self) -> None:
        self.ticks.append(time.monotonic())
        self.ticked.set()


async def test_the_first_tick_comes_within_seconds_and_the_next_a_minute_later():
    job = CountingJob()
    started = time.monotonic()
    scheduler = start_scheduler(job)
    try:
        assert scheduler.running
        await asyncio.wait_for(job.ticked.wait(), timeout=2.5)
        assert job.ticks[0] - started < 2.5
        [scheduled] = scheduler.get_jobs()
        assert scheduled.max_instances == 1 and scheduled.coalesce
        upcoming = scheduled.next_run_time - datetime.now(UTC)
        assert timedelta(seconds=55) < upcoming <= timedelta(minutes=1)
        await asyncio.sleep(0.2)
        assert len(job.ticks) == 1  # one tick, not a burst
    finally:
        scheduler.shutdown(wait=False)
    await asyncio.sleep(0)
    assert not scheduler.running

