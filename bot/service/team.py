"""/team: who works which lane, who leads, the plan's channel, and when its digest goes out.

Anyone may look (`/team`); every change is a lead's (the command table says so per sub-command
and the service checks it before the handler runs), and every change writes an audit event in
the same transaction, which is also what tells every process its cached view of the plan is stale.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.digest.schedule import plan_digest_config
from bot.i18n import _
from bot.render import team as say
from bot.render.findings import error_text
from bot.service.context import Call
from bot.service.parsing import InputError, channel, keyword, person
from bot.service.parsing import show as shown
from bot.service.replies import Reply, refusal, to_channel
from planner.calendar import parse_holidays, parse_time, parse_workdays, parse_zone
from storage.team import LEAD_AUDIT

SOLO_AUDIT = "team-solo"  # reason "solo on" / "solo off": the digest reads since when four eyes are off


def show(call: Call) -> Reply:
    """/team with no words: the staffing mode, its lanes and who holds them, the leads."""
    if call.args:  # a word that is no sub-command: the table routes known words before this
        raise InputError(_("'{word}' is not a /team command. Usage: {usage}", word=shown(call.args[0].lower(), 30),
                           usage=_(call.usage)))
    ctx = call.ctx
    mode = ctx.staffing.mode
    lanes: list[dict[str, Any]] = []
    if mode:
        for lane in mode.lanes:
            lanes.append({"lane": lane.key, "label": lane.label, "person": ctx.staffing.bindings.get(lane.key),
                          "stories": list(lane.stories)})
    leads = call.store.leads()
    text = say.team_text(ctx.slug, mode, lanes, leads, [m.devs for m in ctx.plan.modes], ctx.allow_solo)
    data = {"plan": ctx.slug, "mode": mode.devs if mode else None, "lanes": lanes, "leads": leads,
            "allow_solo": ctx.allow_solo, "channel": ctx.channel}
    return Reply(True, text, kind="team", data=data)


def mode(call: Call) -> Reply:
    ctx, rest = call.ctx, call.args
    choices = [m.devs for m in ctx.plan.modes]
    # isdigit() alone lets "²" through to int(), which raises.
    if len(rest) != 1 or not (rest[0].isascii() and rest[0].isdigit()) or int(rest[0]) not in choices:
        raise InputError(_("Usage: {usage}, where N is one of {choices}.", usage=_(call.usage),
                           choices=", ".join(map(str, choices)) or _("nothing")))
    call.store.update_plan_settings(ctx.slug, mode=int(rest[0]))
    call.store.record_audit(ctx.slug, call.actor, "team-mode", f"mode {rest[0]}", request_id=call.request_id)
    return Reply(True, say.mode_switched(call.actor, ctx.slug, int(rest[0])), kind="team-changed", response_type="in_channel", data={"plan": ctx.slug, "mode": int(rest[0])})


def lane(call: Call) -> Reply:
    ctx, rest = call.ctx, call.args
    keys = sorted({lane.key for m in ctx.plan.modes for lane in m.lanes})
    key = rest[0].upper() if rest else ""
    if len(rest) != 2 or key not in keys:
        raise InputError(_("Usage: {usage}, X one of {choices}.", usage=_(call.usage),
                           choices=", ".join(keys) or _("nothing")))
    if keyword(rest[1]) == "none":
        call.store.unbind_lane(ctx.slug, key)
        call.store.record_audit(ctx.slug, call.actor, "team-lane", f"lane {key} unbound", request_id=call.request_id)
        return Reply(True, say.lane_bound(key, None), kind="team-changed", data={"lane": key, "person": None})
    who = person(rest[1])
    if not who:
        raise InputError(_("'{word}' is not a person: write @name.", word=shown(rest[1])))
    call.store.bind_lane(ctx.slug, key, who)
    call.store.record_audit(ctx.slug, call.actor, "team-lane", f"lane {key} -> {who}", request_id=call.request_id)
    return Reply(True, say.lane_bound(key, who), kind="team-changed", data={"lane": key, "person": who})


def lead(call: Call) -> Reply:
    """/team lead @x names a lead; /team lead @x off revokes one, never the last."""
    args = call.args
    off = len(args) == 2 and keyword(args[1]) == "off"
    who = person(args[0]) if len(args) == 1 or off else None
    if not who:
        raise InputError(_("Usage: {usage}", usage=_(call.usage)))
    if not off:
        call.store.add_lead(who, call.actor)
        call.store.record_audit(call.ctx.slug, call.actor, LEAD_AUDIT, f"lead {who}", request_id=call.request_id)
        return Reply(True, say.lead_added(who), kind="team-changed", data={"lead": who})
    outcome = call.store.revoke_lead(who)
    if outcome == "not-lead":
        return refusal(say.not_a_lead(who), "not-a-lead", lead=who)
    if outcome == "last":
        return refusal(say.last_lead(who), "last-lead", lead=who)
    call.store.record_audit(call.ctx.slug, call.actor, LEAD_AUDIT, f"lead {who} off", request_id=call.request_id)
    text = say.lead_revoked(call.actor, who)
    return Reply(True, text, kind="team-changed", data={"lead": who, "revoked": True},
                 notifications=(to_channel(call.ctx, lambda: say.lead_revoked(call.actor, who),
                                           {"lead": who, "revoked": True}),))


def _on_off(call: Call, meaning: str) -> bool:
    if len(call.args) != 1 or keyword(call.args[0]) not in ("on", "off"):
        raise InputError(_("Usage: {usage} (on: {meaning})", usage=_(call.usage), meaning=meaning))
    return keyword(call.args[0]) == "on"


def solo(call: Call) -> Reply:
    """Four eyes off or back on: the channel hears it (and every digest says so while it is off)."""
    value = _on_off(call, _("the author may approve their own story"))
    ctx = call.ctx
    if value == ctx.allow_solo:
        return Reply(True, say.solo_unchanged(value), kind="team", data={"allow_solo": value})
    call.store.update_plan_settings(ctx.slug, allow_solo=value)
    call.store.record_audit(ctx.slug, call.actor, SOLO_AUDIT, f"solo {keyword(call.args[0])}", request_id=call.request_id)
    text = say.solo_switched(value, call.actor, ctx.slug)
    data = {"plan": ctx.slug, "allow_solo": value}
    return Reply(True, text, kind="team-changed", data=data,
                 notifications=(to_channel(ctx, lambda: say.solo_switched(value, call.actor, ctx.slug), data),))


def digest(call: Call) -> Reply:
    ctx, rest = call.ctx, call.args
    if not rest:
        described = plan_digest_config(call.store, call.settings, ctx.slug).describe()
        return Reply(True, say.digest_schedule(ctx.slug, described), kind="team", data={"plan": ctx.slug})
    usage = _("Usage: {usage}", usage=_(call.usage))
    if len(rest) not in (3, 5) or (len(rest) == 5 and keyword(rest[3]) != "until"):
        raise InputError(usage)
    values = {"digest_time": rest[0], "digest_tz": rest[1], "digest_workdays": rest[2],
              "digest_cutoff": rest[4] if len(rest) == 5 else None}  # None: back to the default limit
    try:
        at, zone = parse_time(rest[0]), parse_zone(rest[1])
        parse_workdays(rest[2])
        cutoff = parse_time(rest[4]) if len(rest) == 5 else None
        if cutoff is not None and cutoff <= at:
            raise ValueError(_("the catch-up limit must come after the digest time"))
    except ValueError as err:
        raise InputError(f"{error_text(err)}. {usage}") from None
    call.store.update_plan_settings(ctx.slug, digest_time=at, digest_tz=zone.key, digest_workdays=rest[2],
                                    digest_cutoff=cutoff)
    call.store.record_audit(ctx.slug, call.actor, "team-digest", " ".join(rest), request_id=call.request_id)
    described = plan_digest_config(call.store, call.settings, ctx.slug).describe()
    return Reply(True, say.digest_rescheduled(ctx.slug, described), kind="team-changed",
                 data={"plan": ctx.slug, **values})


def holiday(call: Call) -> Reply:
    ctx, rest = call.ctx, call.args
    holidays = [day.isoformat() for day in call.store.plan_settings(ctx.slug).holidays]
    if not rest:
        return Reply(True, say.holidays_listed(ctx.slug, holidays), kind="team", data={"holidays": holidays})
    remove = rest[0].lower() == "remove"
    words = rest[1:] if remove else rest
    if len(words) != 1:
        raise InputError(_("Usage: {usage} (or /team holiday remove YYYY-MM-DD)", usage=_(call.usage)))
    try:
        day = sorted(parse_holidays([words[0]]))[0].isoformat()
    except ValueError as err:
        raise InputError(error_text(err)) from None
    holidays = sorted(set(holidays) - {day}) if remove else sorted(set(holidays) | {day})
    call.store.update_plan_settings(ctx.slug, holidays=[date.fromisoformat(d) for d in holidays])
    call.store.record_audit(ctx.slug, call.actor, "team-holiday", ("remove " if remove else "") + day, request_id=call.request_id)
    return Reply(True, say.holiday_changed(day, remove), kind="team-changed", data={"holidays": holidays})


def quiet(call: Call) -> Reply:
    value = _on_off(call, _("no digest on days when nothing moved and nothing waits"))
    call.store.update_plan_settings(call.ctx.slug, digest_skip_quiet=value)
    call.store.record_audit(call.ctx.slug, call.actor, "team-quiet", keyword(call.args[0]), request_id=call.request_id)
    return Reply(True, say.quiet_switched(value), kind="team-changed", data={"digest_skip_quiet": value})


def bind_channel(call: Call) -> Reply:
    ctx, rest = call.ctx, call.args
    usage = _("Usage: {usage} (or run /team channel in the channel itself)", usage=_(call.usage))
    if len(rest) > 1:
        raise InputError(usage)
    target = channel(rest[0]) if rest else ctx.here
    if rest and not target:
        raise InputError(_("'{word}' is not a channel. {usage}", word=shown(rest[0]), usage=usage))
    if not target:
        raise InputError(usage)
    call.store.set_plan_channel(ctx.slug, target)
    call.store.record_audit(ctx.slug, call.actor, "team-channel", f"channel {target}", request_id=call.request_id)
    return Reply(True, say.channel_bound(ctx.slug, target), kind="team-changed", data={"channel": target})
