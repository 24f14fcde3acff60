"""/digest and the digest as data. A mixin of DeliveryService."""

from __future__ import annotations

from datetime import datetime

from bot.render import text as T
from bot.service.context import Context
from bot.digest.schedule import DigestConfig, digest_config
from bot.render.digest_text import digest_details_text, digest_summary_text
from bot.service.parsing import Command, InputError
from bot.service.replies import Notification, Reply, refusal
from bot.service.team import LEAD_HINT
from planner.digest import build_digest


class DigestCommands:
    def digest_config(self, slug: str) -> DigestConfig:
        return digest_config(self.store.settings(slug), self.settings)

    def digest(self, plan: str | None = None, channel: str | None = None, *, now: datetime | None = None) -> dict:
        """The digest of a plan at `now`, as data: changes since the last digest that was sent,
        and the claims a crash left pending (they are reported, never re-sent)."""
        ctx = self.context(plan, channel)
        now = now or self.clock()
        config = self.digest_config(ctx.slug)
        last = self.store.last_sent_digest(ctx.slug)
        stuck = [
            {"local_date": run.local_date.isoformat(), "claimed_at": run.claimed_at.isoformat(),
             "claimed_by": run.claimed_by}
            for run in self.store.stuck_digests(ctx.slug, now) if not run.reported
        ]
        return build_digest(
            ctx.staffing, ctx.statuses, self.store.events(ctx.slug), now=now, tz=config.tz,
            calendar=config.calendar, since=last.finished_at if last else None,
            stale_after=config.stale_after, stuck_claims=stuck, plan_name=ctx.slug,
        )

    def _cmd_digest(self, ctx: Context, actor: str, cmd: Command, _rid: str) -> Reply:
        if cmd.args and cmd.args != ("post",):
            raise InputError("Usage: /digest (just for you) or /digest post (a lead: in the plan's channel)")
        data = self.digest(ctx.slug)
        summary = digest_summary_text(data)
        if not cmd.args:
            return Reply(True, summary + "\n\n" + digest_details_text(data), kind="digest",
                         data={"plan": ctx.slug, "digest": data})
        if not self.store.is_lead(actor):
            return refusal(f"Only a lead can post the digest in the channel. {LEAD_HINT} /digest shows it to you.",
                           "lead-only")
        where = ctx.channel or ctx.here
        note = Notification("digest", where, summary, {"plan": ctx.slug, "digest": data})
        return Reply(True, f"Posting the digest of {T.esc(ctx.slug)}" + (f" in <#{where}>." if where else "."),
                     kind="digest-posted", data={"plan": ctx.slug, "digest": data}, notifications=(note,))
