"""`deliverybot digest --post`: today's digest from a script or a system cron, still exactly once.

It claims the day in the digest log like the scheduler does, so a cron job and a running bot
never both post; --force posts a second copy on purpose (no claim, not recorded as the daily one).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.digest.job import DigestJob, NotPosted
from bot.service.delivery import DeliveryService
from bot.settings import Settings


@dataclass(frozen=True)
class Outcome:
    sent: bool
    message: str


async def post_now(settings: Settings, service: DeliveryService, slug: str, *, force: bool = False) -> Outcome:
    from bot.slack.app import build_client
    from bot.slack.digest_post import post_digest

    client = build_client(settings)
    record = service.store.get_plan(slug)
    channel = record.channel if record else None
    if not channel:
        return Outcome(False, f"plan {slug} has no channel: deliverybot plan import FILE --channel C..., "
                              "or /team channel in Slack")

    async def post(plan: str, where: str | None, data: dict) -> str | None:
        return await post_digest(client, service, plan, where, data)

    if force:
        try:
            ts = await post(slug, channel, service.digest(slug))
        except NotPosted as err:
            return Outcome(False, str(err))
        return Outcome(True, f"digest of {slug} posted in {channel} (forced; ts {ts})")
    now = service.clock()
    config = service.digest_config(slug)
    day = now.astimezone(config.tz).date()
    if not config.calendar.is_workday(day):
        return Outcome(False, f"{day} is not a work day for {slug}: no digest (--force posts anyway)")
    # Outside the scheduled window on purpose (a person asked for it now), but still once a day.
    outcome = await DigestJob(service, post).send(slug, channel, day, now)
    if outcome == "sent":
        return Outcome(True, f"digest of {slug} for {day} posted in {channel}")
    return Outcome(False, f"the digest of {slug} for {day} was not posted: {outcome} (--force posts again)")
