"""/start, /review and /done: decide with planner, compare-and-set through storage, say who must hear.

A refusal writes nothing. A move is one transaction (the state and its event); its reply names
what it unblocked, and its notifications tell the channel, the lane owners whose stories just
became startable, the named reviewer, and the author when changes are asked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.i18n import _
from bot.logs import get_logger, new_ref
from bot.render import moves
from bot.render import text as T
from bot.render.refusals import refusal_text
from bot.service import milestones
from bot.service.context import Call, Context
from bot.service.parsing import InputError, evidence, free_text, keyword, show
from bot.service.replies import Notification, Reply, refusal, to_channel, to_person
from planner.model import Gate
from planner.state import Action, Event, State, StoryStatus, apply_event
from planner.workflow import Decision, Request, decide, moves_of, wrong_state
from storage.store import TransitionResult

log = get_logger("service.transitions")


def start_command(call: Call) -> Reply:
    sid = call.known_story(call.args[0] if call.args else None)
    rest = call.args[1:]
    action, reason = Action.START, None
    if rest:
        verb = keyword(rest[0])
        if verb not in ("force", "reopen"):
            raise InputError(_("'{word}' is not understood here. Usage: {usage}", word=show(rest[0], 30),
                                 usage=_(call.usage)))
        action = Action.FORCE_START if verb == "force" else Action.REOPEN
        reason = free_text(rest[1:])
        if action == Action.FORCE_START and call.is_lead \
                and not call.ctx.graph.open_prerequisites(sid, call.ctx.statuses):
            action = Action.START  # nothing to bypass: a lead starting over someone's preparation
    return transition(call, Request(action, sid, call.actor, call.is_lead, reason=reason))


def review_command(call: Call) -> Reply:
    sid = call.known_story(call.args[0] if call.args else None)
    rest = list(call.args[1:])
    if rest and keyword(rest[0]) == "changes":
        return transition(call, Request(Action.CHANGES, sid, call.actor, call.is_lead, reason=free_text(rest[1:])))
    given = evidence(rest, with_reviewer=True)
    # Sent back after changes with no reviewer named: the one who asked for them is asked again.
    reviewer = given.reviewer or call.ctx.status(sid).reviewer
    return transition(call, Request(Action.REVIEW, sid, call.actor, call.is_lead, evidence=given.text,
                                    reviewer=reviewer, reason=given.note, allow_solo=call.ctx.allow_solo))


def done_command(call: Call) -> Reply:
    sid = call.known_story(call.args[0] if call.args else None)
    given = evidence(call.args[1:])
    return transition(call, Request(Action.DONE, sid, call.actor, call.is_lead, evidence=given.text,
                                    reason=given.note, allow_solo=call.ctx.allow_solo))


def transition(call: Call, req: Request) -> Reply:
    """Decide, compare-and-set, and describe the consequences. Refusals write nothing."""
    ctx = call.ctx
    decision = decide(req, ctx.graph, ctx.statuses)
    if not decision.allowed:
        # A second delivery of a request already applied (Slack's retry, on this replica or another)
        # is refused by the rules it changed: say it was recorded, as the store would have.
        stored = next((e for e in call.store.events(ctx.slug, req.story_id) if e.request_id == call.request_id), None)
        if stored is not None:
            return Reply(True, moves.already_recorded(req.story_id, str(stored.action)), kind="duplicate",
                         data={"story": req.story_id, "duplicate": True})
        return refused(req, decision)
    before = ctx.statuses
    from_state, to_state = moves_of(req.action, ctx.status(req.story_id).state)
    event = Event(
        story_id=req.story_id, action=req.action, actor=req.actor, from_state=from_state,
        to_state=to_state, at=call.clock(), evidence=req.evidence, reviewer=req.reviewer,
        reason=req.reason, request_id=call.request_id, person=named_person(ctx, req),
    )
    result = call.store.transition(ctx.slug, event)
    if result.conflict:
        return lost_race(ctx, req, result)
    stored = result.event or event  # the store returns the event with its id (the first one, on a retry)
    if result.duplicate:
        return Reply(True, moves.already_recorded(req.story_id, str(stored.action)), kind="duplicate",
                     data={"story": req.story_id, "duplicate": True})
    call.moved(ctx, result)  # the service's cached context takes the move (not this call's ctx)
    after = {**before, req.story_id: result.status}
    try:
        return milestones.announced(call, stored, after, moved(ctx, req, stored, ctx.staffing.newly_open(before, after, req.story_id)))
    except Exception:  # the move is committed: say so, even though its announcements could not be made
        ref = new_ref()
        log.exception("%s %s recorded, but its reply failed (ref %s)", req.action.value, req.story_id, ref)
        return Reply(True, moves.recorded_without_news(req.story_id, State(stored.to_state), ref), kind="transition",
                     data={"plan": ctx.slug, "story": req.story_id, "action": req.action.value, "ref": ref})


def named_person(ctx: Context, req: Request) -> str | None:
    """Who else the event names: the new holder of an assign, the preparer a lead's forced start
    overrode, or the lane owner a start took the story from (allowed, but said and recorded)."""
    if req.action == Action.ASSIGN:
        return req.person
    status = ctx.status(req.story_id)
    if req.action in (Action.START, Action.FORCE_START, Action.UNPREPARE) and status.preparer \
            and status.preparer != req.actor:
        return status.preparer
    if req.action in (Action.START, Action.FORCE_START):
        owner = ctx.staffing.owner_of(req.story_id)
        return owner if owner and owner != req.actor else None
    return None


def refused(req: Request, decision: Decision) -> Reply:
    extra = {"cycle": list(decision.cycle)} if decision.cycle else {}
    return refusal(refusal_text(decision), decision.code, story=req.story_id,
                   open_prerequisites=list(decision.open_prerequisites), **extra)


def lost_race(ctx: Context, req: Request, result: TransitionResult) -> Reply:
    """Someone else moved the story between our read and our write: say who, change nothing."""
    latest = result.event
    statuses = {**ctx.statuses, req.story_id: result.status}
    decision = decide(req, ctx.graph, statuses)
    if decision.allowed:  # e.g. moved and moved back: still say it raced rather than retrying blindly
        decision = wrong_state(req, result.status)
    state = str(result.status.state)
    text = moves.lost_race(story=req.story_id, state_word=T.STATE_WORDS_BY_VALUE[state],
                           by=latest.actor if latest else None, action=req.action.value,
                           why=refusal_text(decision, with_hint=False))
    return refusal(text, "conflict", story=req.story_id, state=state, by=latest.actor if latest else None)


def moved(ctx: Context, req: Request, event: Event, newly: list[str]) -> Reply:
    """The reply and who must hear of a move: the channel, whoever should take what opened (its
    preparer first, else the lane owner), the reviewer asked, the people a hand-over concerns."""
    story = ctx.story(req.story_id)
    before = ctx.status(req.story_id)
    gate = ctx.plan.gate_of(req.story_id)
    after = {**ctx.statuses, req.story_id: apply_event(before, event)}
    # A gate is not announced as passed while something it depends on is being redone.
    announced_gate = gate.kind if gate and not ctx.graph.waits_on_reopened(req.story_id, after) else None
    held = _gates_held_by(ctx, req.story_id, before.reopened_at, after) if req.action == Action.DONE \
        and before.reopened_at else []

    def headline() -> str:  # said twice: in the asker's language and in the channel's
        said = moves.headline(req.action, actor=req.actor, label=story.label, evidence=event.evidence,
                              reviewer=event.reviewer, reason=event.reason, gate=announced_gate,
                              person=event.person, holder=before.assignee, preparer=before.preparer)
        return said + "".join("\n" + moves.gate_released(g.kind, ctx.story(g.story).label, req.story_id)
                              for g in held)

    takers = {sid: ctx.staffing.taker_of(sid, after) for sid in newly}
    prepared = {sid for sid in newly if (status := after.get(sid)) is not None and status.preparer}
    notes = [to_channel(ctx, lambda: headline() + (moves.now_startable_for_channel(takers) if newly else ""), {
        "plan": ctx.slug, "story": req.story_id, "label": story.label, "action": req.action.value,
        "gate": announced_gate if req.action == Action.DONE else None, "newly_startable": newly,
    })]
    by_taker: dict[str, list[str]] = {}
    for sid in newly:
        if takers[sid] and takers[sid] != req.actor:  # who moved it knows: the reply says what opened
            by_taker.setdefault(takers[sid] or "", []).append(sid)
    first, then = [], []  # whoever prepared what opened is told before anyone else
    for taker, sids in by_taker.items():
        # The story the DM asks them to start is the one /next offers them, when it is among these.
        offered = ctx.staffing.next_for(taker, after).story_id
        sids.sort(key=lambda s: s != offered)
        labels = {s: ctx.story(s).label for s in sids}
        mine = [s for s in sids if s in prepared]
        lane = [s for s in sids if s not in prepared]
        # One DM each, asking them to start one story: the one /next offers them.
        if mine:
            def prepared_words(mine: list[str] = mine, lane: list[str] = lane, labels: dict = labels) -> str:
                text = moves.preparer_dm(req.story_id, mine, [labels[s] for s in mine])
                return text + ("\n" + moves.also_in_lane([labels[s] for s in lane]) if lane else "")

            first.append(to_person(ctx, taker, prepared_words, {"stories": mine + lane, "plan": ctx.slug,
                                                                "labels": labels, "prepared": True}))
        elif lane:
            def lane_words(lane: list[str] = lane, labels: dict = labels) -> str:
                return moves.lane_owner_dm([labels[s] for s in lane], lane[0])

            then.append(to_person(ctx, taker, lane_words, {"stories": lane, "plan": ctx.slug, "labels": labels}))
    notes += first + then
    notes += _people_told(ctx, req, event, before.assignee, story.label)
    reply_text = headline() + (moves.now_startable_for_actor(newly, bool(by_taker)) if newly else "")
    if req.action in (Action.START, Action.FORCE_START) and event.person and event.person != before.preparer:
        reply_text += "\n" + moves.took_from_lane(req.story_id, event.person)
    # Whose App Home shows something else now: who moved it, who held or holds it, who reviews it,
    # and whoever was just told a story opened for them.
    told = [n.to for n in notes if n.kind == "dm"]
    concerns = dict.fromkeys(p for p in (req.actor, before.assignee, event.reviewer, event.person, *told) if p)
    data = {"plan": ctx.slug, "story": req.story_id, "action": req.action.value,
            "from": str(event.from_state), "to": str(event.to_state), "event_id": event.id,
            "newly_startable": newly, "owners_told": bool(by_taker), "gate": gate.kind if gate else None,
            "person": event.person}
    return Reply(True, reply_text, kind="transition", data=data, notifications=tuple(notes),
                 concerns=tuple(concerns))


def _gates_held_by(ctx: Context, story_id: str, reopened_at: datetime, after: dict[str, StoryStatus]) -> list[Gate]:
    """Gates done while `story_id` was reopened, whose announcement was held back: now that it is
    done again (and nothing else they rest on is reopened), they are announced."""
    rests_on = set(ctx.graph.unblocks_all(story_id))
    return [g for g in ctx.plan.gates if g.story in rests_on
            and (done := after.get(g.story)) is not None and done.state == State.DONE  # a story never moved has no row
            and (done.since or reopened_at) >= reopened_at
            and not ctx.graph.waits_on_reopened(g.story, after)]


def _people_told(ctx: Context, req: Request, event: Event, holder: str | None, label: str) -> list[Notification]:
    """The DMs a move owes to particular people: the reviewer asked (again), the author whose work
    was sent back or reopened, the people a hand-over or release concerns."""
    sid, actor = req.story_id, req.actor
    meta = {"story": sid, "plan": ctx.slug}
    out: list[Notification] = []

    def dm(to: str | None, words: Callable[[], str], **extra: object) -> None:
        if to and to != actor:
            out.append(to_person(ctx, to, words, {**meta, **extra}))

    if req.action == Action.REVIEW and event.reviewer:
        dm(event.reviewer, lambda: moves.review_request_dm(actor=actor, label=label, story=sid, evidence=event.evidence,
                                                   note=event.reason, again=ctx.status(sid).reviewer == event.reviewer),
           review_request=True, label=label, link=event.evidence)
    elif req.action == Action.CHANGES:
        dm(holder, lambda: moves.changes_dm(actor=actor, label=label, reason=event.reason))
    elif req.action == Action.REOPEN:
        dm(holder, lambda: moves.reopened_dm(actor=actor, label=label, story=sid, reason=event.reason))
    elif req.action == Action.ASSIGN:
        dm(event.person, lambda: moves.assigned_dm(actor=actor, label=label, story=sid, holder=holder))
        dm(holder, lambda: moves.handed_away_dm(actor=actor, label=label, to=event.person))
    elif req.action == Action.RELEASE:
        dm(holder, lambda: moves.released_dm(actor=actor, label=label))
    elif event.person and event.person == ctx.status(sid).preparer:  # a lead overrode or ended it
        if req.action == Action.UNPREPARE:
            dm(event.person, lambda: moves.preparation_ended_dm(actor=actor, label=label))
        else:
            dm(event.person, lambda: moves.preparation_overridden_dm(actor=actor, label=label, reason=event.reason))
    elif req.action == Action.START and event.person:  # taken from their lane
        dm(event.person, lambda: moves.took_from_your_lane_dm(actor=actor, label=label))
    return out
