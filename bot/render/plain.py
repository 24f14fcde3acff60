"""Plain text from our mrkdwn: for a terminal, and for the places in Slack that show no markup
(a modal's field errors).

Everything the service says is mrkdwn (Slack's escapes, `*bold*`, `<@U123>` mentions); the
console, `deliverybot cmd` and modal errors read it back as text a person reads.
"""

from __future__ import annotations

import html
import re

from bot.render.mrkdwn import ELLIPSIS

_BOLD = re.compile(r"\*(\S(?:[^*\n]*\S)?)\*")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_USAGE_TAIL = re.compile(r"\s*(?:Usage|Utilisation|Syntaxe)\s?: .*$")  # "Usage: …" / "Usage : …" in French
MODAL_ERROR_MAX = 150  # what Slack shows under a modal's field


def plain(text: str) -> str:
    """Slack mrkdwn to terminal text: no bold stars, entities back to characters."""
    return html.unescape(_BOLD.sub(r"\1", text))


def cut_at_word(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut after a whole word and ending with "…" when cut."""
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS) + 1]
    space = head.rfind(" ")
    head = head[:space] if space > limit // 2 else head[: limit - len(ELLIPSIS)]
    return head.rstrip(" ,;:.—-") + ELLIPSIS


def modal_error(text: str, limit: int = MODAL_ERROR_MAX) -> str:
    """A reply as a modal field's error: plain text (a modal shows no markup and no mentions), one
    line, without the command-line usage tail that means nothing in a form."""
    lines = [_USAGE_TAIL.sub("", line).strip() for line in text.split("\n")]
    joined = " ".join(line for line in lines if line)
    named = _MENTION.sub(lambda m: f"@{m.group(2) or m.group(1)}", joined)
    return cut_at_word(plain(named), limit)
