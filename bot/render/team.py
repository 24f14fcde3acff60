"""What /team says: the team as it stands, and the confirmation of each change a lead makes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.i18n import _, n_
from bot.render.mrkdwn import esc, mention, who


def team_text(plan: str, mode: Any, lanes: Sequence[dict[str, Any]], leads: Sequence[str],
              modes: Sequence[int], allow_solo: bool) -> str:
    """The staffing mode, each lane with its person and size, floating stories, leads, four eyes."""
    if mode and mode.recommended:
        lines = [_("*Team of {plan}*: {devs}-dev plan (recommended)", plan=esc(plan), devs=mode.devs)]
    elif mode:
        lines = [_("*Team of {plan}*: {devs}-dev plan", plan=esc(plan), devs=mode.devs)]
    else:
        lines = [_("*Team of {plan}*: the plan has no staffing modes", plan=esc(plan))]
    for entry in lanes:
        label = f" ({esc(entry['label'])})" if entry["label"] else ""
        # English has always said "1 stories" here (tests hold it); the French picks its own plural
        lines.append("  • " + n_("Dev {lane}{label}: {who} — {n} stories", "Dev {lane}{label}: {who} — {n} stories",
                                 len(entry["stories"]), lane=entry["lane"], label=label, who=who(entry["person"])))
    if mode and mode.floating:
        lines.append("  • " + _("Floating: {stories}", stories=", ".join(mode.floating)))
    lines.append(_("Leads: {leads}", leads=", ".join(mention(p) for p in leads) or _("none yet")))
    shown = ", ".join(f"{m}" for m in modes)
    lines.append(_("Modes: {modes} · four eyes: off (solo allowed)", modes=shown) if allow_solo
                 else _("Modes: {modes} · four eyes: on", modes=shown))
    return "\n".join(lines)


def mode_switched(actor: str, plan: str, devs: int) -> str:
    return _("{actor} switched {plan} to the {devs}-dev plan.", actor=mention(actor), plan=esc(plan), devs=devs)


def lane_bound(lane: str, person: str | None) -> str:
    return (_("Lane {lane} is now {person}'s.", lane=lane, person=mention(person)) if person
            else _("Lane {lane} is now unbound.", lane=lane))


def lead_added(person: str) -> str:
    return _("{person} is now a lead.", person=mention(person))


def lead_revoked(actor: str, person: str) -> str:
    return _("{actor} revoked {person} as a lead.", actor=mention(actor), person=mention(person))


def not_a_lead(person: str) -> str:
    return _("{person} is not a lead: nothing to revoke.", person=mention(person))


def last_lead(person: str) -> str:
    return _("{person} is the last lead: name another one first (/team lead @person), "
             "a workspace always keeps a lead.", person=mention(person))


def solo_switched(on: bool, actor: str, plan: str) -> str:
    if on:
        return _("⚠ {actor} turned four eyes off for {plan}: authors may now approve their own "
                 "stories. Every digest says so until a lead runs /team solo off.", actor=mention(actor), plan=esc(plan))
    return _("{actor} turned four eyes back on for {plan}: someone other than the author approves.",
             actor=mention(actor), plan=esc(plan))


def solo_unchanged(on: bool) -> str:
    return (_("Four eyes are already off: authors may approve their own stories (/team solo off to turn them back on).")
            if on else _("Four eyes are already on: someone other than the author approves."))


def digest_schedule(plan: str, described: str) -> str:
    return _("Digest of {plan}: {described}.", plan=esc(plan), described=esc(described))


def digest_rescheduled(plan: str, described: str) -> str:
    return _("The digest of {plan} now goes out at {described}.", plan=esc(plan), described=esc(described))


def holidays_listed(plan: str, days: Sequence[str]) -> str:
    return _("Holidays of {plan}: {days}.", plan=esc(plan), days=", ".join(days) or _("none"))


def holiday_changed(day: str, removed: bool) -> str:
    return (_("{day} is no longer a holiday: the digest goes out that day.", day=day) if removed
            else _("{day} is now a holiday: no digest that day.", day=day))


def quiet_switched(on: bool) -> str:
    return _("Quiet days skip the digest.") if on else _("The digest goes out every work day.")


def channel_bound(plan: str, channel: str) -> str:
    return _("{plan} now announces in {channel}.", plan=esc(plan), channel=esc(channel))
