"""Slack mrkdwn, the one markup every reply is written in: escaping, naming people, cutting text.

The console and the CLI print the same mrkdwn through `bot.render.plain`, so these helpers are the
only place that knows Slack's escapes (`&amp;`, `&lt;`, `&gt;`) and mention syntax (`<@U123>`).
The domain (`planner/`) names people by id; this module words them.
"""

from __future__ import annotations

import re

from bot.i18n import _
from planner.people import is_slack_id

ELLIPSIS = "…"
_ENTITY_TAIL = re.compile(r"&[a-z#0-9]{0,5}$")


def esc(text: object) -> str:
    """Slack's three control characters, escaped as Slack asks, so a title can't `<!channel>` anyone."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(person: str | None) -> str:
    """How to name a person in a reply, safe in mrkdwn: a Slack mention for Slack ids, an escaped
    @name otherwise (a console name could be anything), "someone" for no one."""
    if not person:
        return _("someone")
    return f"<@{person}>" if is_slack_id(person) else f"@{esc(person)}"


def who(person: str | None) -> str:
    """`mention`, but "nobody" for no one (a lane or a story nobody holds)."""
    return mention(person) if person else _("nobody")


def truncate(text: str, n: int) -> str:
    """`text` cut to at most `n` characters, ending with "…" when cut.

    Never leaves half of a Slack escape ("&am…") or of a `<…>` mention/link at the cut: those
    are dropped whole, so a truncated mrkdwn string still renders (and still escapes)."""
    if n < 1:
        raise ValueError(f"truncate: n must be at least 1, got {n}")
    text = str(text)
    if len(text) <= n:
        return text
    cut = text[: n - 1]
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    cut = _ENTITY_TAIL.sub("", cut)
    return cut.rstrip() + ELLIPSIS
