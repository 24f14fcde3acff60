"""/team: who works which lane, who leads, and when the digest goes out.

A mixin of DeliveryService: every change here is a lead's, and every change writes an audit
event, which is also what tells every process that its cached view of the plan is stale.
"""

from __future__ import annotations

from bot.render import text as T
from bot.service.context import Context
from bot.digest.schedule import zone
from bot.service.parsing import Command, InputError, channel, person
from bot.service.replies import Reply, refusal
from planner.calendar import parse_holidays, parse_time, parse_workdays
from planner.workflow import mention

LEAD_HINT = "Ask a lead (/team shows them)."


class TeamCommands:
    def _cmd_team(self, ctx: Context, actor: str, cmd: Command, _rid: str) -> Reply:
        if not cmd.args:
            return self._team_show(ctx)
        verb, rest = cmd.args[0].lower(), cmd.args[1:]
        usage = ("/team [mode N | lane A @person | lane A none | lead @person | solo on|off | channel | "
                 "digest HH:MM ZONE DAYS | holiday YYYY-MM-DD | quiet on|off]")
        if verb not in ("mode", "lane", "lead", "solo", "channel", "digest", "holiday", "quiet"):
            raise InputError(f"'{T.esc(verb[:30])}' is not a /team command. Usage: {usage}")
        if not self.store.is_lead(actor):
            return refusal(f"Only a lead can change the team ({verb}). {LEAD_HINT}", "lead-only")
        with self.store.atomic():  # the change and its audit event, or neither
            return getattr(self, f"_team_{verb}")(ctx, actor, list(rest))

    def _team_show(self, ctx: Context) -> Reply:
        mode = ctx.staffing.mode
        lanes = []
        if mode:
            for lane in mode.lanes:
                lanes.append({"lane": lane.key, "label": lane.label, "person": ctx.staffing.bindings.get(lane.key),
                              "stories": list(lane.stories)})
        leads = self.store.leads()
        lines = [f"*Team of {T.esc(ctx.slug)}*: {mode.devs}-dev plan" + (" (recommended)" if mode.recommended else "")
                 if mode else f"*Team of {T.esc(ctx.slug)}*: the plan has no staffing modes"]
        for lane in lanes:
            label = f" ({T.esc(lane['label'])})" if lane["label"] else ""
            lines.append(f"  • Dev {lane['lane']}{label}: {T.who(lane['person'])} — {len(lane['stories'])} stories")
        if mode and mode.floating:
            lines.append(f"  • Floating: {', '.join(mode.floating)}")
        lines.append("Leads: " + (", ".join(mention(p) for p in leads) or "none yet"))
        lines.append("Modes: " + ", ".join(f"{m.devs}" for m in ctx.plan.modes) + " · four eyes: "
                     + ("off (solo allowed)" if ctx.allow_solo else "on"))
        data = {"plan": ctx.slug, "mode": mode.devs if mode else None, "lanes": lanes, "leads": leads,
                "allow_solo": ctx.allow_solo, "channel": ctx.channel}
        return Reply(True, "\n".join(lines), kind="team", data=data)

    def _team_mode(self, ctx: Context, actor: str, rest: list[str]) -> Reply:
        choices = [m.devs for m in ctx.plan.modes]
        # isdigit() alone lets "²" through to int(), which raises.
        if len(rest) != 1 or not (rest[0].isascii() and rest[0].isdigit()) or int(rest[0]) not in choices:
            raise InputError(f"Usage: /team mode N, where N is one of {', '.join(map(str, choices)) or 'nothing'}.")
        self.store.set_setting(ctx.slug, "mode", int(rest[0]))
        self.store.record_audit(ctx.slug, actor, "team-mode", f"mode {rest[0]}")
        return Reply(True, f"{mention(actor)} switched {T.esc(ctx.slug)} to the {rest[0]}-dev plan.", kind="team-changed",
                     response_type="in_channel", data={"plan": ctx.slug, "mode": int(rest[0])})

    def _team_lane(self, ctx: Context, actor: str, rest: list[str]) -> Reply:
        keys = sorted({lane.key for m in ctx.plan.modes for lane in m.lanes})
        key = rest[0].upper() if rest else ""
        if len(rest) != 2 or key not in keys:
            raise InputError(f"Usage: /team lane X @person (or none), X one of {', '.join(keys) or 'nothing'}.")
        if rest[1].lower() == "none":
            self.store.unbind_lane(ctx.slug, key)
            self.store.record_audit(ctx.slug, actor, "team-lane", f"lane {key} unbound")
            return Reply(True, f"Lane {key} is now unbound.", kind="team-changed", data={"lane": key, "person": None})
        who = person(rest[1])
        if not who:
            raise InputError(f"'{T.esc(rest[1][:40])}' is not a person: write @name.")
        self.store.bind_lane(ctx.slug, key, who)
        self.store.record_audit(ctx.slug, actor, "team-lane", f"lane {key} -> {who}")
        return Reply(True, f"Lane {key} is now {mention(who)}'s.", kind="team-changed", data={"lane": key, "person": who})

    def _team_lead(self, ctx: Context, actor: str, rest: list[str]) -> Reply:
        who = person(rest[0]) if len(rest) == 1 else None
        if not who:
            raise InputError("Usage: /team lead @person")
        self.store.add_lead(who, actor)
        self.store.record_audit(ctx.slug, actor, "team-lead", f"lead {who}")
        return Reply(True, f"{mention(who)} is now a lead.", kind="team-changed", data={"lead": who})

    def _team_solo(self, ctx: Context, actor: str, rest: list[str]) -> Reply:
        if len(rest) != 1 or rest[0].lower() not in ("on", "off"):
            raise InputError("Usage: /team solo on|off (on: the author may approve their own story)")
        value = rest[0].lower() == "on"
        self.store.set_setting(ctx.slug, "allow_solo", value)
        self.store.record_audit(ctx.slug, actor, "team-solo", f"solo {rest[0].lower()}")
        text = "Solo mode on: authors may approve their own stories." if value else "Four eyes on: someone else approves."
        return Reply(True, text, kind="team-changed", data={"allow_solo": value})

    def _team_digest(self, ctx: Context, actor: str, rest: list[str]) -> Reply:
        usage = "Usage: /team digest 09:30 Europe/Paris mon-fri [until 12:00]"
        if not rest:
            return Reply(True, f"Digest of {T.esc(ctx.slug)}: {T.esc(self.digest_config(ctx.slug).describe())}.",
                         kind="team", data={"plan": ctx.slug})
        if len(rest) not in (3, 5) or (len(rest) == 5 and rest[3].lower() != "until"):
            raise InputError(usage)
        values = {"digest_time": rest[0], "digest_tz": rest[1], "digest_workdays": rest[2],
                  "digest_cutoff": rest[4] if len(rest) == 5 else None}  # None: back to the default limit
        try:
            parse_time(rest[0])
            zone(rest[1])
            parse_workdays(rest[2])
            if len(rest) == 5 and parse_time(rest[4]) <= parse_time(rest[0]):
                raise ValueError("the catch-up limit must come after the digest time")
        except ValueError as err:
            raise InputError(f"{err}. {usage}") from None
        for key, value in values.items():
            self.store.set_setting(ctx.slug, key, value)
        self.store.record_audit(ctx.slug, actor, "team-digest", " ".join(rest))
        described = self.digest_config(ctx.slug).describe()
        return Reply(True, f"The digest of {T.esc(ctx.slug)} now goes out at {T.esc(described)}.",
                     kind="team-changed", data={"plan": ctx.slug, **values})

    def _team_holiday(self, ctx: Context, actor: str, rest: list[str]) -> Reply:
        holidays = sorted(self.store.get_setting(ctx.slug, "holidays", []) or [])
        if not rest:
            listed = ", ".join(holidays) or "none"
            return Reply(True, f"Holidays of {T.esc(ctx.slug)}: {listed}.", kind="team", data={"holidays": holidays})
        remove = rest[0].lower() == "remove"
        words = rest[1:] if remove else rest
        if len(words) != 1:
            raise InputError("Usage: /team holiday YYYY-MM-DD (or /team holiday remove YYYY-MM-DD)")
        try:
            day = sorted(parse_holidays([words[0]]))[0].isoformat()
        except ValueError as err:
            raise InputError(str(err)) from None
        holidays = sorted(set(holidays) - {day}) if remove else sorted(set(holidays) | {day})
        self.store.set_setting(ctx.slug, "holidays", holidays)
        self.store.record_audit(ctx.slug, actor, "team-holiday", ("remove " if remove else "") + day)
        verb = "is no longer" if remove else "is now"
        return Reply(True, f"{day} {verb} a holiday: no digest that day.", kind="team-changed",
                     data={"holidays": holidays})

    def _team_quiet(self, ctx: Context, actor: str, rest: list[str]) -> Reply:
        if len(rest) != 1 or rest[0].lower() not in ("on", "off"):
            raise InputError("Usage: /team quiet on|off (on: no digest on days when nothing moved and nothing waits)")
        value = rest[0].lower() == "on"
        self.store.set_setting(ctx.slug, "digest_skip_quiet", value)
        self.store.record_audit(ctx.slug, actor, "team-quiet", rest[0].lower())
        text = "Quiet days skip the digest." if value else "The digest goes out every work day."
        return Reply(True, text, kind="team-changed", data={"digest_skip_quiet": value})

    def _team_channel(self, ctx: Context, actor: str, rest: list[str]) -> Reply:
        usage = "Usage: /team channel #channel (or run /team channel in the channel itself)"
        if len(rest) > 1:
            raise InputError(usage)
        target = channel(rest[0]) if rest else ctx.here
        if rest and not target:
            raise InputError(f"'{T.esc(rest[0][:40])}' is not a channel. {usage}")
        if not target:
            raise InputError(usage)
        self.store.set_plan_channel(ctx.slug, target)
        self.store.record_audit(ctx.slug, actor, "team-channel", f"channel {target}")
        return Reply(True, f"{T.esc(ctx.slug)} now announces in {T.esc(target)}.", kind="team-changed",
                     data={"channel": target})
