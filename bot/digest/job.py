"""Sending each plan's daily digest at least once and never twice: the job the scheduler runs
every minute (and `digest --post`, and `/digest post`).

The scheduler only says "it is a minute later"; whether a digest is due comes from the plan's
DigestConfig and how far it got comes from the digest log (UNIQUE plan + local date): claim,
then main message -> thread -> picture, each step recorded (`stage`) under a lease, then sent.
A step Slack did not confirm (a timeout, a 5xx, a crash or kill mid-post) is never simply
redone: whoever resumes the day (this process's next tick, another replica, `digest --post`,
once the lease is over) first looks in Slack for what went out (the main message carries
metadata naming plan and date; the thread and picture are looked for in its thread) and only
posts what is missing. A claim made before 0003 (no stage) is never resumed: it is reported.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Protocol, cast

from bot.logs import get_logger
from bot.service.delivery import DeliveryService
from storage.digest_runs import DigestRun

log = get_logger("digest")

# post(slug, channel, digest data) -> the posted message's ts
Poster = Callable[[str, str | None, dict], Awaitable[str | None]]


class NotPosted(Exception):
    """Raised by a poster that knows nothing reached the channel (no channel bound, or Slack
    refused the main message): the claim is released so a later tick can still send the day."""


class Unconfirmed(Exception):
    """Raised by a poster when Slack may or may not have taken a step (a timeout, a 5xx): the
    message is one sentence. The step is looked for in Slack before it is tried again."""


# Each method raises NotPosted when Slack certainly took nothing, anything else when it can't tell.
class DigestSlack(Protocol):
    async def post_main(self, slug: str, channel: str | None, day: date, data: dict) -> str:
        """Post the main message (with the plan-day metadata); its ts."""
        ...

    async def find_main(self, slug: str, channel: str, day: date, since: datetime) -> str | None:
        """The ts of the day's main message posted in `channel` since `since`, if any."""
        ...

    async def post_thread(self, slug: str, channel: str, day: date, ts: str, data: dict) -> None: ...

    async def post_picture(self, slug: str, channel: str, day: date, ts: str) -> None: ...

    async def find_parts(self, slug: str, channel: str, day: date, ts: str) -> set[str]:
        """What the main message's thread already holds: "thread" and/or "picture"."""
        ...


class _MainOnly:
    """A plain Poster as a DigestSlack: one message, nothing to look for (tests, simple setups)."""

    def __init__(self, post: Poster) -> None:
        self.post = post

    async def post_main(self, slug: str, channel: str | None, day: date, data: dict) -> str:
        return await self.post(slug, channel, data) or ""

    async def find_main(self, slug: str, channel: str, day: date, since: datetime) -> str | None:
        return None

    async def post_thread(self, slug: str, channel: str, day: date, ts: str, data: dict) -> None:
        return None

    async def post_picture(self, slug: str, channel: str, day: date, ts: str) -> None:
        return None

    async def find_parts(self, slug: str, channel: str, day: date, ts: str) -> set[str]:
        return set()


STAGES = ("claimed", "main", "thread", "picture")
DEFAULT_LEASE = timedelta(minutes=10)  # longer than any one step may take (Slack's timeout and retries)


class LostClaim(Exception):
    """This process's lease ran out and another took the day over: it stops, the other finishes."""


class DigestJob:
    def __init__(self, service: DeliveryService, post: Poster | DigestSlack, owner: str | None = None,
                 lease: timedelta = DEFAULT_LEASE) -> None:
        self.service = service
        self.store = service.store
        self.slack: DigestSlack = (cast(DigestSlack, post) if hasattr(post, "post_main")
                                   else _MainOnly(post))
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.lease = lease
        self.last_error: dict[str, str] = {}  # slug -> why its last send did not finish
        self._warned: set[tuple[str, str]] = set()
        self._seen: set[tuple[str, str]] = set()

    async def tick(self, now: datetime | None = None) -> dict[str, str]:
        """Send whatever digest is due at `now`; returns each plan's outcome (for logs and tests)."""
        now = now or self.service.clock()
        plans = await asyncio.to_thread(self.store.list_plans)
        outcomes = {}
        for record in plans:
            try:
                outcomes[record.slug] = await self.tick_plan(record.slug, record.channel, now)
            except Exception:  # one plan's trouble must not stop the others' digests
                log.exception("digest of %s failed", record.slug)
                outcomes[record.slug] = "error"
        return outcomes

    async def tick_plan(self, slug: str, channel: str | None, now: datetime) -> str:
        config = await asyncio.to_thread(self.service.digest_config, slug)
        today = now.astimezone(config.tz).date()
        await asyncio.to_thread(self._warn_stuck, slug, now, today)
        day = config.due(now)
        if day is None:
            # Past the catch-up limit a digest already in the channel (main message out, thread or
            # picture missing) is still finished; one that never went out is not started.
            run = await asyncio.to_thread(self.store.digest_run, slug, today)
            if (run is None or run.status != "claimed" or run.stage not in STAGES[1:]
                    or not run.lease_over(now, self.lease)):
                return "not-due"
            day = today
        outcome = await self.send(slug, channel, day, now, skip_quiet=config.skip_quiet)
        if outcome in ("already-sent", "claimed-elsewhere") and (slug, str(day)) not in self._seen:
            self._seen.add((slug, str(day)))
            log.info("digest of %s for %s: %s (this process does not post it)", slug, day, outcome)
        return outcome

    async def send(self, slug: str, channel: str | None, day: date, now: datetime, *, skip_quiet: bool = False) -> str:
        """Claim `day`'s digest (or take over a claim whose lease is over), post what is missing,
        mark it sent. Returns what happened, in one word: sent, already-sent, claimed-elsewhere,
        skipped-quiet, not-posted (Slack certainly took nothing) or unconfirmed (Slack did not
        answer clearly: the next tick anywhere resumes it)."""
        self.last_error.pop(slug, None)
        run = await asyncio.to_thread(self.store.digest_run, slug, day)
        if run is not None and run.status != "claimed":
            return "already-sent"
        fresh = run is None
        if run is None:
            token = await asyncio.to_thread(partial(self.store.start_digest, slug, day, self.owner,
                                                    channel=channel, at=now, lease=self.lease))
            if token is None:
                return "claimed-elsewhere"
            run = DigestRun(slug, day, "claimed", self.owner, now, stage="claimed", channel=channel, token=token)
        else:
            taken = await asyncio.to_thread(partial(self.store.take_over_digest, slug, day, self.owner,
                                                    at=now, lease=self.lease))
            if taken is None:
                return "claimed-elsewhere"
            log.info("digest of %s for %s: resuming after stage %s (%s's lease is over)",
                     slug, day, taken.stage, run.claimed_by)
            run = taken
        data = await asyncio.to_thread(self.service.digest, slug, None, now=now)
        if fresh and data["quiet"] and skip_quiet:
            await asyncio.to_thread(partial(self.store.finish_digest, slug, day, status="skipped", at=now))
            log.info("digest of %s for %s skipped: nothing moved and nothing waits", slug, day)
            return "skipped-quiet"
        try:
            ts = await self._resume(slug, day, run, channel, data, now, fresh)
        except NotPosted as err:
            await asyncio.to_thread(self.store.release_digest, slug, day, self.owner)
            self.last_error[slug] = str(err)
            if (slug, f"not-posted {day}") not in self._warned:
                self._warned.add((slug, f"not-posted {day}"))
                log.error("digest of %s for %s not posted, retried until the catch-up limit: %s", slug, day, err)
            return "not-posted"
        except LostClaim:
            return "claimed-elsewhere"
        except Exception as err:  # a timeout, a 5xx, Slack down: it may or may not have gone out
            assert run.token is not None
            await asyncio.to_thread(partial(self.store.let_go_digest, slug, day, run.token, at=now))
            self.last_error[slug] = str(err) or type(err).__name__
            log.warning("digest of %s for %s not confirmed by Slack (%s); the next tick resumes it, "
                        "looking first for what went out", slug, day, self.last_error[slug],
                        extra={"told": True})  # the caller says it to the person (digest --post, /digest post)
            return "unconfirmed"
        await asyncio.to_thread(partial(self.store.finish_digest, slug, day, message_ts=ts, at=now))
        stuck = [date.fromisoformat(c["local_date"]) for c in data.get("stuck_claims", [])]
        if stuck:
            await asyncio.to_thread(self.store.mark_stuck_reported, slug, stuck)
        log.info("digest of %s for %s sent (ts %s)", slug, day, ts)
        return "sent"

    async def _resume(self, slug: str, day: date, run: DigestRun, channel: str | None, data: dict,
                      now: datetime, fresh: bool) -> str:
        """Post what is missing after `run.stage`; the main message's ts. A resumed run (not
        `fresh`) first looks in Slack for the step it is about to take."""
        token = run.token
        assert token is not None
        where = run.channel or channel

        async def step(stage: str | None = None, **extra: str) -> None:
            if not await asyncio.to_thread(partial(self.store.advance_digest, slug, day, token, at=now,
                                                   lease=self.lease, stage=stage, **extra)):
                raise LostClaim(f"digest of {slug} for {day}: another process took it over")

        stage, ts = run.stage, run.message_ts
        if stage == "claimed":
            ts = None
            if not fresh and where:
                ts = await self.slack.find_main(slug, where, day, run.claimed_at)
                if ts:
                    log.info("digest of %s for %s: its main message is in Slack already (ts %s)", slug, day, ts)
            if not ts:
                await step()  # still ours, for a full lease
                ts = await self.slack.post_main(slug, where, day, data)
            await step("main", message_ts=ts, **({"channel": where} if where else {}))
            stage, fresh = "main", True
        assert ts is not None
        where = where or ""
        parts = await self.slack.find_parts(slug, where, day, ts) if not fresh else set()
        if stage == "main":
            if "thread" not in parts:
                await step()
                await self.slack.post_thread(slug, where, day, ts, data)
            await step("thread")
            stage = "thread"
        if stage == "thread":
            if "picture" not in parts:
                await step()
                await self.slack.post_picture(slug, where, day, ts)
            await step("picture")
        return ts

    async def post_today(self, slug: str, channel: str | None, now: datetime | None = None) -> tuple[str, date]:
        """A person asked for today's digest now (`/digest post`, `digest --post`): outside the
        scheduled window on purpose, but still once a day, resumed like a tick would."""
        now = now or self.service.clock()
        config = await asyncio.to_thread(self.service.digest_config, slug)
        day = now.astimezone(config.tz).date()
        return await self.send(slug, channel, day, now), day

    def _warn_stuck(self, slug: str, now: datetime, today: date) -> None:
        for run in self.store.stuck_digests(slug, now):
            key = (slug, run.local_date.isoformat())
            if run.local_date >= today or key in self._warned:
                continue  # today's is resumed by the ticks, not reported
            self._warned.add(key)
            log.warning("digest of %s for %s was claimed by %s at %s and never finished "
                        "(a crash, or Slack down until its catch-up limit); it is reported in the next digest",
                        slug, run.local_date, run.claimed_by, run.claimed_at.isoformat())
