"""/digest and the digest as data: what changed since the last digest that was sent, where the
gates, checkpoints and critical path stand, and the claims a crash left pending.

The scheduler (`bot.digest.job`), `deliverybot digest` and `/digest` all build it here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.digest.schedule import plan_digest_config
from bot.i18n import _, speaking
from bot.render.digest_text import (
    digest_details_text,
    digest_outcome_text,
    digest_posting_text,
    digest_summary_text,
)
from bot.service.context import Call, Context
from bot.service.milestones import with_milestones
from bot.service.parsing import InputError
from bot.service.replies import Notification, Reply
from bot.settings import Settings
from planner.digest import build_digest
from storage.store import Store


def digest_data(store: Store, settings: Settings, ctx: Context, now: datetime) -> dict[str, Any]:
    """The digest of one plan at `now`; claims never marked sent are reported, never re-sent."""
    config = plan_digest_config(store, settings, ctx.slug)
    last = store.last_sent_digest(ctx.slug)
    today = now.astimezone(config.tz).date()  # today's own claim is being resumed, not stuck
    stuck = [
        {"local_date": run.local_date.isoformat(), "claimed_at": run.claimed_at.isoformat(),
         "claimed_by": run.claimed_by}
        for run in store.stuck_digests(ctx.slug, now) if not run.reported and run.local_date < today
    ]
    data = build_digest(
        ctx.staffing, ctx.statuses, store.events(ctx.slug), now=now, tz=config.tz,
        calendar=config.calendar, since=last.finished_at if last else None,
        stale_after=config.stale_after, stuck_claims=stuck, plan_name=ctx.slug,
        four_eyes_off=_four_eyes_off(store, ctx),
    )
    # checkpoints reached and validated, open incidents; and the language the channel reads it in
    return {**with_milestones(data, ctx, config, now), "lang": ctx.lang}


def _four_eyes_off(store: Store, ctx: Context) -> dict[str, Any] | None:
    """Since when and by whom four eyes are off (`/team solo on`), None while they are on."""
    if not ctx.allow_solo:
        return None
    turned = [e for e in store.audit(ctx.slug) if e.action == "team-solo" and e.reason == "solo on"]
    return {"since": turned[-1].at, "by": turned[-1].actor} if turned else {"since": None, "by": None}


def show(call: Call) -> Reply:
    """/digest: the digest now, just for the person who asked."""
    if call.args:  # a word that is not "post"
        raise InputError(_("Usage: {usage}", usage=_(call.usage)))
    data = digest_data(call.store, call.settings, call.ctx, call.clock())
    return Reply(True, digest_summary_text(data) + "\n\n" + digest_details_text(data), kind="digest",
                 data={"plan": call.ctx.slug, "digest": data})


def post(call: Call) -> Reply:
    """/digest post: a lead posts it in the plan's channel (or here when the plan has none)."""
    ctx = call.ctx
    now = call.clock()
    today = now.astimezone(plan_digest_config(call.store, call.settings, ctx.slug).tz).date()
    run = call.store.digest_run(ctx.slug, today)
    if run is not None and run.status != "claimed":  # once a day: the scheduled one, or a lead's
        return Reply(True, digest_outcome_text(ctx.slug, today.isoformat(), "already-sent", run.channel,
                                               run.message_ts), kind="digest-already-posted",
                     data={"plan": ctx.slug, "local_date": today.isoformat(), "message_ts": run.message_ts})
    data = digest_data(call.store, call.settings, ctx, now)
    where = ctx.channel or ctx.here
    with speaking(ctx.lang):  # the digest is the channel's: in the plan's language
        note = Notification("digest", where, digest_summary_text(data), {"plan": ctx.slug, "digest": data})
    return Reply(True, digest_posting_text(ctx.slug, where),
                 kind="digest-posted", data={"plan": ctx.slug, "digest": data}, notifications=(note,))
