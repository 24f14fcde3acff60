"""A refusal in words: what planner's decision says, for the person who asked."""

from __future__ import annotations

from bot.render.mrkdwn import esc
from planner.workflow import Decision


def refusal_text(decision: Decision, *, with_hint: bool = True) -> str:
    """The reason, then what to do instead on its own line."""
    text = esc(decision.reason)
    if with_hint and decision.hint:
        text += f"\n{esc(decision.hint)}"
    return text
