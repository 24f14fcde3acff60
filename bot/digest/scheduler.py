"""The clock that drives the digest: an APScheduler 3 job ticking `DigestJob.tick` every minute.

In-memory job store on purpose: nothing about "was it sent" lives in the scheduler, so there is
no persistent job store to share between processes and no missed run to lose on restart.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.digest.job import DigestJob
from bot.logs import get_logger
from storage.errors import DatabaseUnavailable

log = get_logger("digest")


def start_scheduler(job: DigestJob) -> AsyncIOScheduler:
    """Tick every minute, the first tick right away (coalesced, one at a time)."""
    scheduler = AsyncIOScheduler(timezone="UTC")

    async def tick() -> None:
        try:
            await job.tick()
        except DatabaseUnavailable as err:  # one line, the next tick tries again; not a traceback a minute
            log.error("digest not checked: %s", err.sentence, extra={"database_fault": True})

    scheduler.add_job(tick, IntervalTrigger(minutes=1), id="digest-tick", max_instances=1, coalesce=True,
                      misfire_grace_time=50, next_run_time=datetime.now(UTC) + timedelta(seconds=1))
    scheduler.start()
    return scheduler
