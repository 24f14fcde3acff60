"""The one service every way in calls: (actor, channel, command text) -> Reply.

Slack listeners, the console and `deliverybot cmd` all end here, so a rule is enforced the same
way whether it came from a slash command, a button, a modal or a script. The service reads the
plan and states from storage, asks planner for decisions, writes through storage's
compare-and-set, and describes who else must be told; it never talks to Slack itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TypeVar

from bot.render import text as T
from bot.service.context import Context
from bot.service.digest import DigestCommands
from bot.service.parsing import Command, InputError, free_text, person, split_command, story_id
from bot.service.replies import Notification, Reply, refusal
from bot.settings import Settings
from bot.service.team import TeamCommands
from planner.board import board, story_card, story_file, unblocked
from planner.graph import PlanGraph
from planner.links import unwrap_slack_link
from planner.model import Plan
from planner.reader import read_plan
from planner.staffing import Staffing
from planner.state import Action, Event
from planner.workflow import MOVES, Request, decide, mention, wrong_state
from storage.store import Store

T_ = TypeVar("T_")


class DeliveryService(TeamCommands, DigestCommands):
    """Every command of every transport; team and digest commands come from their mixins."""

    def __init__(
        self, store: Store, clock: Callable[[], datetime] | None = None, settings: Settings | None = None
    ) -> None:
        self.store = store
        self.clock = clock or (lambda: datetime.now(UTC))
        self.settings = settings or Settings()
        self._parsed: dict[str, tuple[Plan, PlanGraph]] = {}  # by source sha: plans are immutable
        self._contexts: dict[str, tuple[tuple, Context]] = {}  # by slug, with the version they reflect

    # -- entry point -----------------------------------------------------------------------------

    def handle(
        self,
        actor: str,
        text: str,
        *,
        channel: str | None = None,
        plan: str | None = None,
        request_id: str | None = None,
    ) -> Reply:
        """Run one command. Never raises for bad input: every problem is a refusal Reply."""
        try:
            command = split_command(text)
            if command.name == "help":
                return Reply(True, T.esc(T.HELP), kind="help")
            handler = getattr(self, f"_cmd_{command.name}", None)
            if handler is None:
                return refusal(f"Unknown command /{T.esc(command.name[:30])}. {T.esc(T.HELP)}", "unknown-command")
            ctx = self.context(plan, channel)
            return handler(ctx, actor, command, request_id or uuid.uuid4().hex)
        except InputError as err:
            return refusal(T.esc(str(err)), "bad-input")
        except LookupError as err:
            return refusal(T.esc(err.args[0] if err.args else str(err)), "no-plan")

    # -- plan loading --------------------------------------------------------------------------

    def parsed(self, source: str, sha: str, title: str | None = None) -> tuple[Plan, PlanGraph]:
        if sha not in self._parsed:
            plan = read_plan(source, title=title)
            self._parsed[sha] = (plan, PlanGraph(plan))
        return self._parsed[sha]

    def resolve_slug(self, plan: str | None, channel: str | None) -> str:
        if plan:
            if not self.store.get_plan(plan):
                raise LookupError(f"No plan named '{plan}'. `deliverybot plan list` shows them.")
            return plan
        if channel:
            record = self.store.plan_for_channel(channel)
            if record:
                return record.slug
        plans = self.store.list_plans()
        if len(plans) == 1:
            return plans[0].slug
        if not plans:
            raise LookupError("No plan is imported yet: `deliverybot plan import FILE` (a lead does it once).")
        names = ", ".join(p.slug for p in plans)
        raise LookupError(f"Several plans ({names}) and none is bound to this channel: name one with --plan.")

    def context(self, plan: str | None = None, channel: str | None = None) -> Context:
        """The plan as of now. Rebuilt only when its version changed (text, channel, any event):
        the version is read first, so a context is never cached under a newer version than its data."""
        slug = self.resolve_slug(plan, channel)
        version = self.store.plan_version(slug)
        cached = self._contexts.get(slug)
        if cached is None or cached[0] != version:
            cached = (version, self._load_context(slug))
            self._contexts[slug] = cached
        return replace(cached[1], here=channel)

    def _load_context(self, slug: str) -> Context:
        record = self.store.get_plan(slug)
        parsed_plan, graph = self.parsed(record.source, record.source_sha, record.title)
        settings = self.store.settings(slug)
        staffing = Staffing(graph, settings.get("mode"), self.store.lane_bindings(slug))
        stored = self.store.statuses(slug)
        return Context(
            slug=slug,
            channel=record.channel,
            plan=parsed_plan,
            graph=graph,
            staffing=staffing,
            statuses={sid: stored[sid] for sid in parsed_plan.story_ids if sid in stored},
            allow_solo=bool(settings.get("allow_solo", False)),
            memo={},
        )

    def memo(self, ctx: Context, key: str, compute: Callable[[], T_]) -> T_:
        """A derived answer cached with the context (same plan version): the same /unblocked asked
        by twenty people costs one computation."""
        if key not in ctx.memo:
            ctx.memo[key] = compute()
        return ctx.memo[key]

    def known_story(self, ctx: Context, word: str | None, usage: str) -> str:
        sid = story_id(word, usage)
        if not ctx.plan.has(sid):
            raise InputError(f"There is no story {sid} in {ctx.slug}. /status lists the stories.")
        return sid

    # -- queries -------------------------------------------------------------------------------

    def _cmd_unblocked(self, ctx: Context, actor: str, cmd: Command, _rid: str) -> Reply:
        scope = cmd.args[0].lower() if cmd.args else "ready"
        if scope not in ("ready", "mine", "all") or len(cmd.args) > 1:
            raise InputError("Usage: /unblocked [mine|all]")

        def answer() -> Reply:
            data = unblocked(ctx.staffing, ctx.statuses, scope=scope, person=actor)
            return Reply(True, T.unblocked_text(ctx.slug, data), kind="unblocked", data={"plan": ctx.slug, **data})

        # Only "mine" depends on who asks: the others are one answer per plan version.
        return answer() if scope == "mine" else self.memo(ctx, f"unblocked:{scope}", answer)

    def _cmd_status(self, ctx: Context, actor: str, cmd: Command, _rid: str) -> Reply:
        if not cmd.args:
            data = self.memo(ctx, "board", lambda: board(ctx.staffing, ctx.statuses))
            return Reply(True, T.board_text(ctx.slug, data), kind="board", data={"plan": ctx.slug, **data})
        if cmd.args[0].lower() == "graph":
            text = (f"The dependency graph of {T.esc(ctx.slug)}, coloured by state: in Slack it is posted here; "
                    "in a terminal, deliverybot graph --out graph.png writes it.")
            return Reply(True, text, kind="graph", data={"plan": ctx.slug})
        sid = self.known_story(ctx, cmd.args[0], "/status [ID | graph]")
        data = story_file(sid, ctx.staffing, ctx.statuses, self.store.events(ctx.slug, sid))
        return Reply(True, T.story_text(data), kind="story", data={"plan": ctx.slug, **data})

    def _cmd_next(self, ctx: Context, actor: str, cmd: Command, _rid: str) -> Reply:
        suggestion = ctx.staffing.next_for(actor, ctx.statuses)
        data = {"plan": ctx.slug, "story": suggestion.story_id, "why": suggestion.why, "reason": suggestion.kind}
        if suggestion.story_id is None:
            return Reply(True, f"Nothing for you right now: {suggestion.why}.", kind="next", data=data)
        label = ctx.plan.story(suggestion.story_id).label
        action = {"continue": f"/review {suggestion.story_id} <link> when ready",
                  "review": f"/done {suggestion.story_id} <evidence link> or /review {suggestion.story_id} changes <what>"}
        todo = T.esc(action.get(suggestion.kind, f"/start {suggestion.story_id}"))
        text = f"Next for you: *{T.esc(label)}* — {T.esc(suggestion.why)}.\n{todo}"
        return Reply(True, text, kind="next", data=data)

    def home(self, actor: str, channel: str | None = None, plan: str | None = None) -> dict:
        """What App Home shows one person: their stories, their next one, reviews waiting, the gates."""
        ctx = self.context(plan, channel)
        cards = {sid: story_card(sid, ctx.staffing, ctx.statuses) for sid in ctx.plan.story_ids}
        suggestion = ctx.staffing.next_for(actor, ctx.statuses)
        overview = board(ctx.staffing, ctx.statuses)
        return {
            "plan": ctx.slug,
            "me": actor,
            "mine": [c for c in cards.values() if c["assignee"] == actor and c["state"] in ("in_progress", "review")],
            "next": {"story": suggestion.story_id, "why": suggestion.why, "kind": suggestion.kind,
                     "label": cards[suggestion.story_id]["label"] if suggestion.story_id else None},
            "reviews": [c for c in cards.values() if c["state"] == "review" and c["reviewer"] == actor],
            "gates": overview["gates"],
            "counts": overview["counts"],
            "total": overview["total"],
        }

    # -- transitions ---------------------------------------------------------------------------

    def _cmd_start(self, ctx: Context, actor: str, cmd: Command, rid: str) -> Reply:
        usage = "/start ID [force <reason> | reopen <reason>]"
        sid = self.known_story(ctx, cmd.args[0] if cmd.args else None, usage)
        rest = cmd.args[1:]
        action, reason = Action.START, None
        if rest:
            verb = rest[0].lower()
            if verb not in ("force", "reopen"):
                raise InputError(f"'{T.esc(rest[0][:30])}' is not understood here. Usage: {usage}")
            action = Action.FORCE_START if verb == "force" else Action.REOPEN
            reason = free_text(rest[1:])
        return self.transition(ctx, Request(action, sid, actor, self.store.is_lead(actor), reason=reason), rid)

    def _cmd_review(self, ctx: Context, actor: str, cmd: Command, rid: str) -> Reply:
        usage = "/review ID LINK [@reviewer]  or  /review ID changes <what to change>"
        sid = self.known_story(ctx, cmd.args[0] if cmd.args else None, usage)
        rest = list(cmd.args[1:])
        if rest and rest[0].lower() == "changes":
            req = Request(Action.CHANGES, sid, actor, self.store.is_lead(actor), reason=free_text(rest[1:]))
            return self.transition(ctx, req, rid)
        reviewer = None
        if rest and person(rest[-1]):
            reviewer = person(rest.pop())
        if len(rest) > 1:
            raise InputError(f"Too many words. Usage: {usage}")
        link = unwrap_slack_link(rest[0]) if rest else None
        req = Request(Action.REVIEW, sid, actor, self.store.is_lead(actor), evidence=link, reviewer=reviewer,
                      allow_solo=ctx.allow_solo)
        return self.transition(ctx, req, rid)

    def _cmd_done(self, ctx: Context, actor: str, cmd: Command, rid: str) -> Reply:
        usage = "/done ID LINK"
        sid = self.known_story(ctx, cmd.args[0] if cmd.args else None, usage)
        if len(cmd.args) > 2:
            raise InputError(f"Too many words: the evidence is one link. Usage: {usage}")
        link = unwrap_slack_link(cmd.args[1]) if len(cmd.args) > 1 else None
        req = Request(Action.DONE, sid, actor, self.store.is_lead(actor), evidence=link, allow_solo=ctx.allow_solo)
        return self.transition(ctx, req, rid)

    def transition(self, ctx: Context, req: Request, request_id: str) -> Reply:
        """Decide, compare-and-set, and describe the consequences. Refusals write nothing."""
        decision = decide(req, ctx.graph, ctx.statuses)
        if not decision.allowed:
            return self._refused(req, decision)
        before = ctx.statuses
        from_state, to_state = MOVES[req.action]
        event = Event(
            story_id=req.story_id, action=req.action, actor=req.actor, from_state=from_state,
            to_state=to_state, at=self.clock(), evidence=req.evidence, reviewer=req.reviewer,
            reason=req.reason, request_id=request_id,
        )
        result = self.store.transition(ctx.slug, event)
        if result.duplicate:
            return Reply(True, f"Already recorded: {req.story_id} {result.event.action}.", kind="duplicate",
                         data={"story": req.story_id, "duplicate": True})
        if result.conflict:
            return self._lost_race(ctx, req, result)
        after = {**before, req.story_id: result.status}
        newly = ctx.graph.newly_startable(before, after)
        return self._moved(ctx, req, result.event, newly)

    def _refused(self, req: Request, decision) -> Reply:
        text = T.esc(decision.reason) + (f"\n{T.esc(decision.hint)}" if decision.hint else "")
        return refusal(text, decision.code, story=req.story_id,
                       open_prerequisites=list(decision.open_prerequisites))

    def _lost_race(self, ctx: Context, req: Request, result) -> Reply:
        """Someone else moved the story between our read and our write: say who, change nothing."""
        latest = result.event
        by = f" by {mention(latest.actor)}" if latest else ""
        statuses = {**ctx.statuses, req.story_id: result.status}
        decision = decide(req, ctx.graph, statuses)
        if decision.allowed:  # e.g. moved and moved back: still say it raced rather than retrying blindly
            decision = wrong_state(req, result.status)
        word = T.STATE_WORDS_BY_VALUE[str(result.status.state)]
        text = f"{req.story_id} was just moved to {word}{by}; your {req.action.value} was not applied."
        return refusal(text + f"\n{T.esc(decision.reason)}", "conflict", story=req.story_id,
                       state=str(result.status.state), by=latest.actor if latest else None)

    def _moved(self, ctx: Context, req: Request, event: Event, newly: list[str]) -> Reply:
        story = ctx.plan.story(req.story_id)
        label = T.esc(story.label)
        who = mention(req.actor)
        gate = ctx.plan.gate_of(req.story_id)
        link = f" — {T.esc(event.evidence)}" if event.evidence else ""
        reason = f" Reason: {T.esc(event.reason)}" if event.reason else ""
        headline = {
            Action.START: f"▶ {who} started {label}.",
            Action.FORCE_START: f"⚠ {who} forced the start of {label} past open prerequisites.{reason}",
            Action.REVIEW: f"👀 {label} is in review{link}"
                           + (f" — reviewer {mention(event.reviewer)}." if event.reviewer else "."),
            Action.CHANGES: f"↩ {who} asked for changes on {label}.{reason}",
            Action.DONE: f"✅ {label} is done, approved by {who}{link}.",
            Action.REOPEN: f"⟲ {who} reopened {label}.{reason}",
        }[req.action]
        if gate and req.action == Action.DONE:
            headline = f"🚦 Gate passed ({T.esc(gate.kind)}): {headline}"
        cards = {sid: ctx.staffing.owner_of(sid) for sid in newly}
        notes: list[Notification] = []
        channel_text = headline
        if newly:
            listed = ", ".join(f"{s} ({mention(o)})" if o else f"{s} (unclaimed)" for s, o in cards.items())
            channel_text += f"\nNow startable: {listed}."
        notes.append(Notification("channel", ctx.channel, channel_text, {
            "plan": ctx.slug, "story": req.story_id, "label": story.label, "action": req.action.value,
            "gate": gate.kind if gate and req.action == Action.DONE else None, "newly_startable": newly,
        }))
        by_owner: dict[str, list[str]] = {}
        for sid, owner in cards.items():
            if owner:
                by_owner.setdefault(owner, []).append(sid)
        for owner, sids in by_owner.items():
            labels = ", ".join(T.esc(ctx.plan.story(s).label) for s in sids)
            notes.append(Notification("dm", owner, f"Now startable in your lane: {labels}. Take it with /start {sids[0]}.",
                                      {"stories": sids, "plan": ctx.slug,
                                       "labels": {s: ctx.plan.story(s).label for s in sids}}))
        if req.action == Action.REVIEW and event.reviewer and event.reviewer != req.actor:
            notes.append(Notification(
                "dm", event.reviewer,
                f"{who} asks you to review {label}{link}.\nApprove: /done {req.story_id} &lt;evidence link&gt; · "
                f"Request changes: /review {req.story_id} changes &lt;what&gt;",
                {"story": req.story_id, "review_request": True, "plan": ctx.slug, "label": story.label,
                 "link": event.evidence},
            ))
        if req.action == Action.CHANGES and event.actor != ctx.statuses[req.story_id].assignee:
            assignee = ctx.statuses[req.story_id].assignee
            if assignee:
                notes.append(Notification("dm", assignee, f"{who} asked for changes on {label}.{reason}",
                                          {"story": req.story_id, "plan": ctx.slug}))
        reply_text = headline
        if newly:
            told = "their lane owners were told" if by_owner else "no lane owner to tell: /team lane X @person"
            reply_text += f"\nNow startable: {', '.join(newly)} — {told}."
        data = {"plan": ctx.slug, "story": req.story_id, "action": req.action.value,
                "from": str(event.from_state), "to": str(event.to_state), "event_id": event.id,
                "newly_startable": newly, "gate": gate.kind if gate else None}
        return Reply(True, reply_text, kind="transition", data=data, notifications=tuple(notes))

