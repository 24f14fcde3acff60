"""`deliverybot digest --post`: today's digest from a script or a system cron, still once a day.

It goes through the digest job like the scheduler does (claim, or resume a claim whose lease is
over, from the stage it reached), so a cron job, a running bot and `/digest post` never both post
and a half-done digest is finished, not restarted. --force posts a second copy on purpose (no
claim, not recorded as the daily one, its metadata marked forced so it is never taken for it).
Slack failing is a sentence and a non-zero exit, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.digest.job import DigestJob, NotPosted, Unconfirmed
from bot.service.delivery import DeliveryService
from bot.settings import Settings


@dataclass(frozen=True)
class Outcome:
    sent: bool
    message: str


async def post_now(settings: Settings, service: DeliveryService, slug: str, *, force: bool = False) -> Outcome:
    from bot.slack.app import build_client
    from bot.slack.digest_post import SlackDigest, post_digest

    client = build_client(settings)
    record = service.store.get_plan(slug)
    channel = record.channel if record else None
    if not channel:
        return Outcome(False, f"plan {slug} has no channel: deliverybot plan import FILE --channel C..., "
                              "or /team channel in Slack")
    if force:
        try:
            ts = await post_digest(client, service, slug, channel, service.digest(slug), forced=True)
        except (NotPosted, Unconfirmed) as err:
            return Outcome(False, f"the digest of {slug} was not posted: {err}")
        return Outcome(True, f"digest of {slug} posted in {channel} (forced; ts {ts})")
    now = service.clock()
    config = service.digest_config(slug)
    day = now.astimezone(config.tz).date()
    if not config.calendar.is_workday(day):
        return Outcome(False, f"{day} is not a work day for {slug}: no digest (--force posts anyway)")
    job = DigestJob(service, SlackDigest(client, service))
    outcome, day = await job.post_today(slug, channel, now)
    return Outcome(outcome == "sent", outcome_text(service, job, slug, day, outcome))


def outcome_text(service: DeliveryService, job: DigestJob, slug: str, day: date, outcome: str) -> str:
    """What `digest --post` says of the job's outcome, in one sentence."""
    run = service.store.digest_run(slug, day)
    where = run.channel if run and run.channel else "its channel"
    if outcome == "sent":
        return f"digest of {slug} for {day} posted in {where} (ts {run.message_ts if run else '?'})"
    if outcome == "already-sent" and run is not None:
        if run.status == "skipped":
            return f"the digest of {slug} for {day} was skipped (a quiet day); --force posts one anyway"
        return (f"the digest of {slug} for {day} was already posted in {where} (ts {run.message_ts}); "
                "--force posts another copy")
    if outcome == "claimed-elsewhere" and run is not None:
        until = f"; if it stops, it is resumed after {run.lease_until:%H:%M} UTC" if run.lease_until else ""
        return f"the digest of {slug} for {day} is being posted by {run.claimed_by}{until}"
    if outcome == "unconfirmed":
        return (f"the digest of {slug} for {day} was not confirmed: {job.last_error.get(slug)}. The next "
                "tick or `digest --post` finishes it, looking first for what went out (never twice)")
    if outcome == "not-posted":
        return f"the digest of {slug} for {day} was not posted: {job.last_error.get(slug)}"
    return f"the digest of {slug} for {day} was not posted: {outcome}"
