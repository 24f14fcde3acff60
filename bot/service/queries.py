"""Commands that only read: /unblocked, /board (the board, one story, the picture), /next, and App Home's data.

Person-independent answers are memoised with the plan's context, so the same /unblocked asked by
twenty people in a minute costs one computation.
"""

from __future__ import annotations

from typing import Any

from bot.render import text as T
from bot.render.plain import plain
from bot.service.context import Call, Context
from bot.service.parsing import InputError
from bot.service.replies import Reply
from planner.board import board, story_card, story_file, unblocked


def unblocked_command(call: Call) -> Reply:
    ctx = call.ctx
    scope = call.args[0].lower() if call.args else "ready"
    if scope not in ("ready", "mine", "all") or len(call.args) > 1:
        raise InputError(f"Usage: {call.usage}")

    def answer() -> Reply:
        data = unblocked(ctx.staffing, ctx.statuses, scope=scope, person=call.actor)
        return Reply(True, T.unblocked_text(ctx.slug, data), kind="unblocked", data={"plan": ctx.slug, **data})

    # Only "mine" depends on who asks: the others are one answer per plan version.
    return answer() if scope == "mine" else call.memo(f"unblocked:{scope}", answer)


def board_command(call: Call) -> Reply:
    ctx = call.ctx
    if not call.args:
        data = call.memo("board", lambda: board(ctx.staffing, ctx.statuses))
        return Reply(True, T.board_text(ctx.slug, data), kind="board", data={"plan": ctx.slug, **data})
    sid = call.known_story(call.args[0])
    data = story_file(sid, ctx.staffing, ctx.statuses, call.store.events(ctx.slug, sid))
    return Reply(True, T.story_text(data), kind="story", data={"plan": ctx.slug, **data})


def graph_command(call: Call) -> Reply:
    """/board graph: the transport draws the picture (Slack uploads it, a terminal names the CLI)."""
    return Reply(True, T.graph_text(call.ctx.slug), kind="graph", data={"plan": call.ctx.slug})


def next_command(call: Call) -> Reply:
    ctx = call.ctx
    suggestion = ctx.staffing.next_for(call.actor, ctx.statuses)
    data = {"plan": ctx.slug, "story": suggestion.story_id, "why": plain(T.why_next(suggestion)),
            "reason": suggestion.kind, "owner": suggestion.owner}
    label = ctx.story(suggestion.story_id).label if suggestion.story_id else None
    return Reply(True, T.next_text(suggestion, label), kind="next", data=data)


def home_data(ctx: Context, actor: str) -> dict[str, Any]:
    """What App Home shows one person: their stories, their next one, reviews waiting, the gates."""
    cards = {sid: story_card(sid, ctx.staffing, ctx.statuses) for sid in ctx.plan.story_ids}
    suggestion = ctx.staffing.next_for(actor, ctx.statuses)
    overview = board(ctx.staffing, ctx.statuses)
    return {
        "plan": ctx.slug,
        "me": actor,
        "mine": [c for c in cards.values() if c["assignee"] == actor and c["state"] in ("in_progress", "review")],
        "next": {"story": suggestion.story_id, "why": T.why_next(suggestion), "kind": suggestion.kind,
                 "label": cards[suggestion.story_id]["label"] if suggestion.story_id else None},
        "reviews": [c for c in cards.values() if c["state"] == "review" and c["reviewer"] == actor],
        "gates": overview["gates"],
        "counts": overview["counts"],
        "total": overview["total"],
    }
