"""/start, /review and /done: decide with planner, compare-and-set through storage, say who must hear.

A refusal writes nothing. A move is one transaction (the state and its event); its reply names
what it unblocked, and its notifications tell the channel, the lane owners whose stories just
became startable, the named reviewer, and the author when changes are asked.
"""

from __future__ import annotations

from bot.logs import get_logger, new_ref
from bot.render import moves
from bot.render import text as T
from bot.render.refusals import refusal_text
from bot.service.context import Call, Context
from bot.service.parsing import InputError, free_text, link, person, show
from bot.service.replies import Notification, Reply, refusal
from planner.state import Action, Event, State
from planner.workflow import MOVES, Decision, Request, decide, wrong_state
from storage.store import TransitionResult

log = get_logger("service.transitions")


def start_command(call: Call) -> Reply:
    sid = call.known_story(call.args[0] if call.args else None)
    rest = call.args[1:]
    action, reason = Action.START, None
    if rest:
        verb = rest[0].lower()
        if verb not in ("force", "reopen"):
            raise InputError(f"'{show(rest[0], 30)}' is not understood here. Usage: {call.usage}")
        action = Action.FORCE_START if verb == "force" else Action.REOPEN
        reason = free_text(rest[1:])
    return transition(call, Request(action, sid, call.actor, call.is_lead, reason=reason))


def review_command(call: Call) -> Reply:
    sid = call.known_story(call.args[0] if call.args else None)
    rest = list(call.args[1:])
    if rest and rest[0].lower() == "changes":
        return transition(call, Request(Action.CHANGES, sid, call.actor, call.is_lead, reason=free_text(rest[1:])))
    reviewer = None
    if rest and person(rest[-1]):
        reviewer = person(rest.pop())
    if len(rest) > 1:
        raise InputError(f"Too many words. Usage: {call.usage}")
    evidence = link(rest[0]) if rest else None
    return transition(call, Request(Action.REVIEW, sid, call.actor, call.is_lead, evidence=evidence,
                                    reviewer=reviewer, allow_solo=call.ctx.allow_solo))


def done_command(call: Call) -> Reply:
    sid = call.known_story(call.args[0] if call.args else None)
    if len(call.args) > 2:
        raise InputError(f"Too many words: the evidence is one link. Usage: {call.usage}")
    evidence = link(call.args[1]) if len(call.args) > 1 else None
    return transition(call, Request(Action.DONE, sid, call.actor, call.is_lead, evidence=evidence,
                                    allow_solo=call.ctx.allow_solo))


def transition(call: Call, req: Request) -> Reply:
    """Decide, compare-and-set, and describe the consequences. Refusals write nothing."""
    ctx = call.ctx
    decision = decide(req, ctx.graph, ctx.statuses)
    if not decision.allowed:
        return refused(req, decision)
    before = ctx.statuses
    from_state, to_state = MOVES[req.action]
    event = Event(
        story_id=req.story_id, action=req.action, actor=req.actor, from_state=from_state,
        to_state=to_state, at=call.clock(), evidence=req.evidence, reviewer=req.reviewer,
        reason=req.reason, request_id=call.request_id,
    )
    result = call.store.transition(ctx.slug, event)
    if result.conflict:
        return lost_race(ctx, req, result)
    stored = result.event or event  # the store returns the event with its id (the first one, on a retry)
    if result.duplicate:
        return Reply(True, moves.already_recorded(req.story_id, str(stored.action)), kind="duplicate",
                     data={"story": req.story_id, "duplicate": True})
    after = {**before, req.story_id: result.status}
    try:
        return moved(ctx, req, stored, ctx.graph.newly_startable(before, after))
    except Exception:  # the move is committed: say so, even though its announcements could not be made
        ref = new_ref()
        log.exception("%s %s recorded, but its reply failed (ref %s)", req.action.value, req.story_id, ref)
        return Reply(True, moves.recorded_without_news(req.story_id, State(stored.to_state), ref), kind="transition",
                     data={"plan": ctx.slug, "story": req.story_id, "action": req.action.value, "ref": ref})


def refused(req: Request, decision: Decision) -> Reply:
    return refusal(refusal_text(decision), decision.code, story=req.story_id,
                   open_prerequisites=list(decision.open_prerequisites))


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
    story = ctx.story(req.story_id)
    gate = ctx.plan.gate_of(req.story_id)
    headline = moves.headline(req.action, actor=req.actor, label=story.label, evidence=event.evidence,
                              reviewer=event.reviewer, reason=event.reason, gate=gate.kind if gate else None)
    owners = {sid: ctx.staffing.owner_of(sid) for sid in newly}
    notes = [Notification("channel", ctx.channel, headline + (moves.now_startable_for_channel(owners) if newly else ""), {
        "plan": ctx.slug, "story": req.story_id, "label": story.label, "action": req.action.value,
        "gate": gate.kind if gate and req.action == Action.DONE else None, "newly_startable": newly,
    })]
    by_owner: dict[str, list[str]] = {}
    for sid, owner in owners.items():
        if owner:
            by_owner.setdefault(owner, []).append(sid)
    for owner, sids in by_owner.items():
        labels = {s: ctx.story(s).label for s in sids}
        notes.append(Notification("dm", owner, moves.lane_owner_dm(list(labels.values()), sids[0]),
                                  {"stories": sids, "plan": ctx.slug, "labels": labels}))
    if req.action == Action.REVIEW and event.reviewer and event.reviewer != req.actor:
        notes.append(Notification(
            "dm", event.reviewer,
            moves.review_request_dm(actor=req.actor, label=story.label, story=req.story_id, evidence=event.evidence),
            {"story": req.story_id, "review_request": True, "plan": ctx.slug, "label": story.label,
             "link": event.evidence},
        ))
    assignee = ctx.statuses[req.story_id].assignee if req.story_id in ctx.statuses else None
    if req.action == Action.CHANGES and assignee and event.actor != assignee:
        notes.append(Notification("dm", assignee, moves.changes_dm(actor=req.actor, label=story.label,
                                                                    reason=event.reason),
                                  {"story": req.story_id, "plan": ctx.slug}))
    reply_text = headline + (moves.now_startable_for_actor(newly, bool(by_owner)) if newly else "")
    # Whose App Home shows something else now: who moved it, who holds it, who reviews it, and
    # the lane owners who were just told their story opened.
    concerns = dict.fromkeys(p for p in (req.actor, assignee, event.reviewer, *by_owner) if p)
    data = {"plan": ctx.slug, "story": req.story_id, "action": req.action.value,
            "from": str(event.from_state), "to": str(event.to_state), "event_id": event.id,
            "newly_startable": newly, "owners_told": bool(by_owner), "gate": gate.kind if gate else None}
    return Reply(True, reply_text, kind="transition", data=data, notifications=tuple(notes),
                 concerns=tuple(concerns))
