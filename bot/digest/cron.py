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
from bot.i18n import _
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
        return Outcome(False, _("plan {slug} has no channel: deliverybot plan import FILE --channel C..., "
                                "or /team channel in Slack", slug=slug))
    if force:
        try:
            ts = await post_digest(client, service, slug, channel, service.digest(slug), forced=True)
        except (NotPosted, Unconfirmed) as err:
            return Outcome(False, _("the digest of {slug} was not posted: {why}", slug=slug, why=err))
        return Outcome(True, _("digest of {slug} posted in {channel} (forced; ts {ts})", slug=slug, channel=channel,
                               ts=ts))
    now = service.clock()
    config = service.digest_config(slug)
    day = now.astimezone(config.tz).date()
    if not config.calendar.is_workday(day):
        return Outcome(False, _("{day} is not a work day for {slug}: no digest (--force posts anyway)", day=day,
                                slug=slug))
    job = DigestJob(service, SlackDigest(client, service))
    outcome, day = await job.post_today(slug, channel, now)
    return Outcome(outcome == "sent", outcome_text(service, job, slug, day, outcome))


def outcome_text(service: DeliveryService, job: DigestJob, slug: str, day: date, outcome: str) -> str:
    """What `digest --post` says of the job's outcome, in one sentence."""
    run = service.store.digest_run(slug, day)
    values = {"slug": slug, "day": day, "channel": run.channel if run else None}
    if outcome == "sent":
        ts = run.message_ts if run else "?"
        if run and run.channel:
            return _("digest of {slug} for {day} posted in {channel} (ts {ts})", **values, ts=ts)
        return _("digest of {slug} for {day} posted in its channel (ts {ts})", **values, ts=ts)
    if outcome == "already-sent" and run is not None:
        if run.status == "skipped":
            return _("the digest of {slug} for {day} was skipped (a quiet day); --force posts one anyway", **values)
        if run.channel:
            return _("the digest of {slug} for {day} was already posted in {channel} (ts {ts}); "
                     "--force posts another copy", **values, ts=run.message_ts)
        return _("the digest of {slug} for {day} was already posted in its channel (ts {ts}); "
                 "--force posts another copy", **values, ts=run.message_ts)
    if outcome == "claimed-elsewhere" and run is not None:
        if run.lease_until:
            return _("the digest of {slug} for {day} is being posted by {owner}; if it stops, it is resumed "
                     "after {time} UTC", **values, owner=run.claimed_by, time=run.lease_until.strftime("%H:%M"))
        return _("the digest of {slug} for {day} is being posted by {owner}", **values, owner=run.claimed_by)
    if outcome == "unconfirmed":
        return _("the digest of {slug} for {day} was not confirmed: {why}. The next "
                 "tick or `digest --post` finishes it, looking first for what went out (never twice)", **values,
                 why=job.last_error.get(slug))
    if outcome == "not-posted":
        return _("the digest of {slug} for {day} was not posted: {why}", **values, why=job.last_error.get(slug))
    return _("the digest of {slug} for {day} was not posted: {why}", **values, why=outcome)
