"""Commands that only read: /unblocked, /board (the board, one story, the picture), /next, and App Home's data.

Person-independent answers are memoised with the plan's context, so the same /unblocked asked by
twenty people in a minute costs one computation.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import _
from bot.render import text as T
from bot.render.incidents import severity_word
from bot.render.plain import plain
from bot.service import milestones
from bot.service.context import Call, Context
from bot.service.parsing import InputError, keyword, story_id
from bot.service.replies import Reply
from planner.board import board, story_card, story_file, unblocked
from planner.cycles import held_by_cycles
from planner.staffing import Suggestion
from planner.state import Action, Event, State
from storage.store import Store


def unblocked_command(call: Call) -> Reply:
    ctx = call.ctx
    scope = keyword(call.args[0]) if call.args else "ready"
    if scope not in ("ready", "mine", "all") or len(call.args) > 1:
        raise InputError(_("Usage: {usage}", usage=_(call.usage)))

    def answer() -> Reply:
        data = unblocked(ctx.staffing, ctx.statuses, scope=scope, person=call.actor)
        return Reply(True, T.unblocked_text(ctx.slug, data), kind="unblocked", data={"plan": ctx.slug, **data})

    # Only "mine" depends on who asks: the others are one answer per plan version.
    return answer() if scope == "mine" else call.memo(f"unblocked:{scope}", answer)


def board_command(call: Call) -> Reply:
    ctx = call.ctx
    if not call.args:
        data = call.memo("board", lambda: {**board(ctx.staffing, ctx.statuses), **milestones.board_part(ctx),
                                           "removed": ctx.removed})
        return Reply(True, T.board_text(ctx.slug, data), kind="board", data={"plan": ctx.slug, **data})
    wanted = story_id(call.args[0], call.usage)
    gone = next((r for r in ctx.removed if r["story"] == wanted), None)
    if gone is not None:  # dropped by a re-import, its work kept: say so, with its history
        history = [{"action": str(e.action), "actor": e.actor, "from": str(e.from_state), "to": str(e.to_state),
                    "at": e.at.isoformat(), "evidence": e.evidence, "reason": e.reason, "person": e.person}
                   for e in call.store.events(ctx.slug, gone["story"])]
        data = {**gone, "removed": True, "history": history}
        return Reply(True, T.removed_story_text(data), kind="story", data={"plan": ctx.slug, **data})
    sid = call.known_story(call.args[0])
    data = story_file(sid, ctx.staffing, ctx.statuses, call.store.events(ctx.slug, sid))
    data["incidents"] = [_("{key} {severity} open since {day}: {what}", key=i.key, severity=severity_word(i.severity),
                           day=i.opened_at.strftime("%Y-%m-%d"), what=i.what)
                         for i in ctx.incidents.values() if i.is_open and i.story == sid]
    return Reply(True, T.story_text(data), kind="story", data={"plan": ctx.slug, **data})


def graph_command(call: Call) -> Reply:
    """/board graph: the transport draws the picture (Slack uploads it, a terminal names the CLI)."""
    return Reply(True, T.graph_text(call.ctx.slug), kind="graph", data={"plan": call.ctx.slug})


def next_command(call: Call) -> Reply:
    """/next: `Staffing.next_for` in words. `data` carries the story and the kind of suggestion
    ("suggestion"; "reason" is the same, for older readers), and the facts behind it."""
    ctx = call.ctx
    suggestion = ctx.staffing.next_for(call.actor, ctx.statuses, startable_now(ctx))
    changes = changes_asked(call.store, ctx.slug, suggestion)
    held = held_by_cycles(ctx.graph, ctx.statuses) if suggestion.kind in ("prepare", "preparing") else {}
    cycle = list(held[suggestion.story_id]) if suggestion.story_id in held else None
    data = {"plan": ctx.slug, "story": suggestion.story_id, "suggestion": suggestion.kind, "cycle": cycle,
            "why": plain(T.why_next(suggestion, changes, cycle)), "reason": suggestion.kind, "owner": suggestion.owner,
            "lane": suggestion.lane, "waits_for": list(suggestion.waits_for),
            "lane_finished": suggestion.lane_finished, "later": list(suggestion.later),
            "changes": {"by": changes.actor, "reason": changes.reason} if changes else None}
    label = ctx.story(suggestion.story_id).label if suggestion.story_id else None
    return Reply(True, T.next_text(suggestion, label, changes, cycle), kind="next", data=data)


def changes_asked(store: Store | None, slug: str, suggestion: Suggestion) -> Event | None:
    """The request for changes that sent the story they hold back to them: the story's latest move
    (hand-overs and preparations aside) when it is a CHANGES; None otherwise."""
    if store is None or suggestion.kind != "continue" or not suggestion.story_id:
        return None
    moves = [e for e in store.events(slug, suggestion.story_id) if e.from_state != e.to_state]
    return moves[-1] if moves and moves[-1].action == Action.CHANGES else None


def startable_now(ctx: Context) -> list[str]:
    """The startable stories of this plan version, in priority order: computed once for every
    /next and App Home that asks (a 2,000-story plan: a pass over every story)."""
    startable = ctx.memo.get("startable")
    if startable is None:
        startable = ctx.memo["startable"] = ctx.graph.startable(ctx.statuses)
    return startable


def home_data(ctx: Context, actor: str, store: Store | None = None) -> dict[str, Any]:
    """What App Home shows one person: their stories, their next one, reviews waiting, the gates.
    With the `store`, "Your next story" says what changes were asked on the story they hold."""
    # Only a story that ever moved can be in progress or in review: cards for those alone, in the
    # plan's order (after a move, every Home it concerns is rebuilt: this runs often).
    cards = {sid: story_card(sid, ctx.staffing, ctx.statuses) for sid in ctx.plan.story_ids
             if (st := ctx.statuses.get(sid)) is not None and st.state in (State.IN_PROGRESS, State.REVIEW)}
    startable = startable_now(ctx)
    suggestion = ctx.staffing.next_for(actor, ctx.statuses, startable)
    changes = changes_asked(store, ctx.slug, suggestion)
    overview = ctx.memo.get("board")  # the same for every Home of this plan version: computed once
    if overview is None:
        overview = ctx.memo["board"] = board(ctx.staffing, ctx.statuses, startable)
    next_story = ctx.plan.story(suggestion.story_id) if suggestion.story_id else None
    return {
        "plan": ctx.slug,
        "me": actor,
        "mine": [c for c in cards.values() if c["assignee"] == actor],
        "next": {"story": suggestion.story_id, "why": T.why_next(suggestion, changes), "kind": suggestion.kind,
                 "label": next_story.label if next_story else suggestion.story_id},
        "reviews": [c for c in cards.values() if c["state"] == "review" and c["reviewer"] == actor],
        "gates": overview["gates"],
        "counts": overview["counts"],
        "total": overview["total"],
        "forced_open": overview["forced_open"],
        "preparations": overview["preparations"],
    }
