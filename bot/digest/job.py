"""Sending each plan's daily digest exactly once: the job the scheduler runs every minute.

The scheduler only says "it is a minute later"; whether a digest is due comes from the plan's
DigestConfig and whether it was sent comes from the digest log (UNIQUE plan + local date):
claim, post, mark sent. So a restart, a catch-up after downtime, two processes on one
PostgreSQL or a daylight-saving day all end with one digest per plan per work day. A claim
never marked sent (a crash in between) is not posted again: it is logged and reported in the
next digest.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from functools import partial

from bot.logs import get_logger
from bot.service.delivery import DeliveryService

log = get_logger("digest")

# post(slug, channel, digest data) -> the posted message's ts
Poster = Callable[[str, str | None, dict], Awaitable[str | None]]


class NotPosted(Exception):
    """Raised by a poster that knows nothing reached the channel (no channel bound, or Slack
    refused the main message): the claim is released so a later tick can still send the day."""


class DigestJob:
    def __init__(self, service: DeliveryService, post: Poster, owner: str | None = None) -> None:
        self.service = service
        self.store = service.store
        self.post = post
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
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
        await asyncio.to_thread(self._warn_stuck, slug, now)
        day = config.due(now)
        if day is None:
            return "not-due"
        outcome = await self.send(slug, channel, day, now, skip_quiet=config.skip_quiet)
        if outcome in ("already-sent", "claimed-elsewhere") and (slug, str(day)) not in self._seen:
            self._seen.add((slug, str(day)))
            log.info("digest of %s for %s: %s (this process does not post it)", slug, day, outcome)
        return outcome

    async def send(self, slug: str, channel: str | None, day: date, now: datetime, *, skip_quiet: bool = False) -> str:
        """Claim `day`'s digest, post it, mark it sent. Returns what happened, in one word."""
        if await asyncio.to_thread(self.store.digest_run, slug, day):
            return "already-sent"
        if not await asyncio.to_thread(partial(self.store.claim_digest, slug, day, self.owner, at=now)):
            return "claimed-elsewhere"
        data = await asyncio.to_thread(self.service.digest, slug, None, now=now)
        if data["quiet"] and skip_quiet:
            await asyncio.to_thread(partial(self.store.finish_digest, slug, day, status="skipped", at=now))
            log.info("digest of %s for %s skipped: nothing moved and nothing waits", slug, day)
            return "skipped-quiet"
        try:
            ts = await self.post(slug, channel, data)
        except NotPosted as err:
            await asyncio.to_thread(self.store.release_digest, slug, day, self.owner)
            if (slug, f"not-posted {day}") not in self._warned:
                self._warned.add((slug, f"not-posted {day}"))
                log.error("digest of %s for %s not posted, retried until the catch-up limit: %s", slug, day, err)
            return "not-posted"
        await asyncio.to_thread(partial(self.store.finish_digest, slug, day, message_ts=ts, at=now))
        stuck = [date.fromisoformat(c["local_date"]) for c in data.get("stuck_claims", [])]
        if stuck:
            await asyncio.to_thread(self.store.mark_stuck_reported, slug, stuck)
        log.info("digest of %s for %s sent (ts %s)", slug, day, ts)
        return "sent"

    def _warn_stuck(self, slug: str, now: datetime) -> None:
        for run in self.store.stuck_digests(slug, now):
            key = (slug, run.local_date.isoformat())
            if key not in self._warned:
                self._warned.add(key)
                log.warning("digest of %s for %s was claimed by %s at %s and never marked sent "
                            "(a crash?); it is not re-sent and is reported in the next digest",
                            slug, run.local_date, run.claimed_by, run.claimed_at.isoformat())
