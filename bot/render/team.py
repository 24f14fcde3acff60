"""What /team says: the team as it stands, and the confirmation of each change a lead makes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.render.mrkdwn import esc, mention, who


def team_text(plan: str, mode: Any, lanes: Sequence[dict[str, Any]], leads: Sequence[str],
              modes: Sequence[int], allow_solo: bool) -> str:
    """The staffing mode, each lane with its person and size, floating stories, leads, four eyes."""
    if mode:
        lines = [f"*Team of {esc(plan)}*: {mode.devs}-dev plan" + (" (recommended)" if mode.recommended else "")]
    else:
        lines = [f"*Team of {esc(plan)}*: the plan has no staffing modes"]
    for entry in lanes:
        label = f" ({esc(entry['label'])})" if entry["label"] else ""
        lines.append(f"  • Dev {entry['lane']}{label}: {who(entry['person'])} — {len(entry['stories'])} stories")
    if mode and mode.floating:
        lines.append(f"  • Floating: {', '.join(mode.floating)}")
    lines.append("Leads: " + (", ".join(mention(p) for p in leads) or "none yet"))
    lines.append("Modes: " + ", ".join(f"{m}" for m in modes) + " · four eyes: "
                 + ("off (solo allowed)" if allow_solo else "on"))
    return "\n".join(lines)


def mode_switched(actor: str, plan: str, devs: int) -> str:
    return f"{mention(actor)} switched {esc(plan)} to the {devs}-dev plan."


def lane_bound(lane: str, person: str | None) -> str:
    return f"Lane {lane} is now {mention(person)}'s." if person else f"Lane {lane} is now unbound."


def lead_added(person: str) -> str:
    return f"{mention(person)} is now a lead."


def lead_revoked(actor: str, person: str) -> str:
    return f"{mention(actor)} revoked {mention(person)} as a lead."


def not_a_lead(person: str) -> str:
    return f"{mention(person)} is not a lead: nothing to revoke."


def last_lead(person: str) -> str:
    return (f"{mention(person)} is the last lead: name another one first (/team lead @person), "
            "a workspace always keeps a lead.")


def solo_switched(on: bool, actor: str, plan: str) -> str:
    if on:
        return (f"⚠ {mention(actor)} turned four eyes off for {esc(plan)}: authors may now approve their own "
                "stories. Every digest says so until a lead runs /team solo off.")
    return f"{mention(actor)} turned four eyes back on for {esc(plan)}: someone other than the author approves."


def solo_unchanged(on: bool) -> str:
    return ("Four eyes are already off: authors may approve their own stories (/team solo off to turn them back on)."
            if on else "Four eyes are already on: someone other than the author approves.")


def digest_schedule(plan: str, described: str) -> str:
    return f"Digest of {esc(plan)}: {esc(described)}."


def digest_rescheduled(plan: str, described: str) -> str:
    return f"The digest of {esc(plan)} now goes out at {esc(described)}."


def holidays_listed(plan: str, days: Sequence[str]) -> str:
    return f"Holidays of {esc(plan)}: {', '.join(days) or 'none'}."


def holiday_changed(day: str, removed: bool) -> str:
    return f"{day} {'is no longer' if removed else 'is now'} a holiday: no digest that day."


def quiet_switched(on: bool) -> str:
    return "Quiet days skip the digest." if on else "The digest goes out every work day."


def channel_bound(plan: str, channel: str) -> str:
    return f"{esc(plan)} now announces in {esc(channel)}."
