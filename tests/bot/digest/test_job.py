"""DigestJob: exactly one digest per plan per work day, decided by the digest log, under a frozen clock.

Each tick is what the scheduler does every minute; a new DigestJob stands for a restarted bot.
"""

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.digest.job import DigestJob
from tests.helpers.bot import SLUG, configure

PARIS = ZoneInfo("Europe/Paris")


class Poster:
    """Records what would be posted; can crash on demand like a process dying mid-digest."""

    def __init__(self):
        self.posts: list[tuple[str, dict]] = []
        self.crash_next = False

    async def __call__(self, slug, channel, data):
        if self.crash_next:
            self.crash_next = False
            raise RuntimeError("process killed while posting")
        self.posts.append((slug, data))
        return f"{1700000000 + len(self.posts)}.000100"

    def days(self):
        return [data["local_date"] for _, data in self.posts]


@pytest.fixture
def poster():
    return Poster()


async def run_ticks(job, start: datetime, end: datetime, step=timedelta(minutes=10)):
    now = start
    while now <= end:
        await job.tick(now)
        now += step


def paris(y, m, d, hh, mm, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=PARIS)


async def test_a_week_with_a_weekend_and_a_holiday(service, poster):
    configure(service, "digest 09:00 Europe/Paris mon-fri")
    configure(service, "holiday 2026-12-02")
    job = DigestJob(service, poster)
    await run_ticks(job, paris(2026, 11, 30, 0, 0), paris(2026, 12, 6, 23, 50))
    assert poster.days() == ["2026-11-30", "2026-12-01", "2026-12-03", "2026-12-04"]
    for _, data in poster.posts:
        assert datetime.fromisoformat(data["generated_at"]).astimezone(PARIS).strftime("%H:%M") == "09:00"


@pytest.mark.parametrize("day", [date(2027, 3, 28), date(2026, 10, 25)], ids=["spring-forward", "fall-back"])
async def test_daylight_saving_days_send_exactly_one(service, poster, day):
    configure(service, "digest 02:30 Europe/Paris mon-sun")  # inside the hour that is skipped or doubled
    job = DigestJob(service, poster)
    start = datetime.combine(day - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    await run_ticks(job, start, start + timedelta(days=3), step=timedelta(minutes=5))
    assert poster.days() == [(day + timedelta(days=n)).isoformat() for n in (-1, 0, 1)]


async def test_restarts_around_the_digest_time_send_once(service, poster):
    configure(service, "digest 09:00 Europe/Paris mon-fri")
    outcomes = []
    for at in (paris(2026, 12, 1, 8, 59), paris(2026, 12, 1, 9, 0, 30), paris(2026, 12, 1, 9, 20)):
        outcomes.append((await DigestJob(service, poster).tick(at.astimezone(UTC)))[SLUG])  # a fresh process
    assert outcomes == ["not-due", "sent", "already-sent"]
    assert poster.days() == ["2026-12-01"]


async def test_down_at_nine_back_at_twenty_past_catches_up(service, poster):
    configure(service, "digest 09:00 Europe/Paris mon-fri")
    job = DigestJob(service, poster)
    await run_ticks(job, paris(2026, 12, 1, 9, 20), paris(2026, 12, 1, 18, 0))
    assert poster.days() == ["2026-12-01"]
    first = datetime.fromisoformat(poster.posts[0][1]["generated_at"]).astimezone(PARIS)
    assert first.strftime("%H:%M") == "09:20"


async def test_down_all_day_sends_none_then_one_the_next_day(service, poster):
    configure(service, "digest 09:00 Europe/Paris mon-fri")
    job = DigestJob(service, poster)
    await run_ticks(job, paris(2026, 12, 1, 12, 0), paris(2026, 12, 1, 23, 50))  # back after the noon cut-off
    await run_ticks(job, paris(2026, 12, 2, 0, 0), paris(2026, 12, 2, 23, 50))
    assert poster.days() == ["2026-12-02"]


async def test_a_post_that_failed_is_resumed_by_the_next_tick_and_not_reported(service, poster, caplog):
    """A poster failing without saying whether Slack took it (a crash, a timeout) leaves the day
    claimed at stage `claimed`, its lease let go: the next tick resumes it (here the poster has
    no history to look in, so it posts), and nothing is reported as stuck."""
    configure(service, "digest 09:00 Europe/Paris mon-fri")
    poster.crash_next = True
    job = DigestJob(service, poster)
    with caplog.at_level(logging.WARNING, logger="deliverybot.digest"):
        assert (await job.tick(paris(2026, 12, 1, 9, 0)))[SLUG] == "unconfirmed"
        assert service.store.digest_run(SLUG, date(2026, 12, 1)).stage == "claimed"
        await run_ticks(job, paris(2026, 12, 1, 9, 1), paris(2026, 12, 1, 23, 0))
    assert poster.days() == ["2026-12-01"]
    assert any("not confirmed" in r.getMessage() for r in caplog.records)
    await run_ticks(DigestJob(service, poster), paris(2026, 12, 2, 8, 0), paris(2026, 12, 2, 12, 0))
    assert poster.days() == ["2026-12-01", "2026-12-02"] and poster.posts[1][1]["stuck_claims"] == []


async def test_crash_between_post_and_mark_sent_is_finished_without_posting_again(service, poster, monkeypatch):
    configure(service, "digest 09:00 Europe/Paris mon-fri")
    real_finish = service.store.finish_digest
    calls = {"n": 0}

    def crash_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("killed after posting")
        return real_finish(*args, **kwargs)

    monkeypatch.setattr(service.store, "finish_digest", crash_once)
    await run_ticks(DigestJob(service, poster), paris(2026, 12, 1, 8, 0), paris(2026, 12, 1, 23, 0))
    assert service.store.digest_run(SLUG, date(2026, 12, 1)).status == "sent"  # finished once its lease ran out
    await run_ticks(DigestJob(service, poster), paris(2026, 12, 2, 8, 0), paris(2026, 12, 2, 12, 0))
    assert poster.days() == ["2026-12-01", "2026-12-02"]
    assert poster.posts[1][1]["stuck_claims"] == []


async def test_a_claim_made_before_0003_is_never_resumed_and_is_reported(service, poster, caplog):
    configure(service, "digest 09:00 Europe/Paris mon-fri")
    assert service.store.claim_digest(SLUG, date(2026, 12, 1), "old-pod", at=paris(2026, 12, 1, 9, 0))
    with caplog.at_level(logging.WARNING, logger="deliverybot.digest"):
        await run_ticks(DigestJob(service, poster), paris(2026, 12, 1, 9, 0), paris(2026, 12, 1, 23, 0))
        assert poster.posts == []
        await run_ticks(DigestJob(service, poster), paris(2026, 12, 2, 8, 0), paris(2026, 12, 2, 12, 0))
    assert [c["local_date"] for c in poster.posts[0][1]["stuck_claims"]] == ["2026-12-01"]
    assert any("2026-12-01" in r.getMessage() and "never finished" in r.getMessage() for r in caplog.records)


async def test_quiet_days_can_be_skipped(service, poster):
    configure(service, "digest 09:00 Europe/Paris mon-fri")
    configure(service, "quiet on")
    job = DigestJob(service, poster)
    await run_ticks(job, paris(2026, 12, 1, 8, 0), paris(2026, 12, 1, 12, 0))
    assert poster.days() == ["2026-12-01"]  # 1.1 is startable and nobody took it: not quiet
    service.clock = lambda: paris(2026, 12, 1, 10, 0).astimezone(UTC)
    assert service.handle("ann", "/start 1.1").ok
    await run_ticks(job, paris(2026, 12, 2, 8, 0), paris(2026, 12, 2, 12, 0))
    assert poster.days() == ["2026-12-01", "2026-12-02"]  # 1.1 started since the last digest
    await run_ticks(job, paris(2026, 12, 3, 8, 0), paris(2026, 12, 3, 12, 0))
    assert service.store.digest_run(SLUG, date(2026, 12, 3)).status == "skipped"  # nothing moved, nothing waits
    service.clock = lambda: paris(2026, 12, 3, 15, 0).astimezone(UTC)
    assert service.handle("ann", "/review 1.1 https://git.example.com/pr/1").ok
    await run_ticks(job, paris(2026, 12, 4, 8, 0), paris(2026, 12, 4, 12, 0))
    assert poster.days()[-1] == "2026-12-04"
    assert [r["story"] for r in poster.posts[-1][1]["reviews_waiting"]] == ["1.1"]

