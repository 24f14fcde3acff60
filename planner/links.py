"""Evidence links: what counts as proof a person can click.

A link is evidence only if it is an http(s) URL with a host, of reasonable length, made of
printable characters. Anything else (javascript:, a bare word, a URL hiding bidi or zero-width
characters) is refused with the reason, so nobody closes a story on proof that isn't there.
The reason is a code with its detail; `bot.render.refusals` words it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_LINK_LENGTH = 2000


@dataclass(frozen=True)
class LinkProblem:
    """Why a text is not evidence. kind: missing, too-long (detail: the length), invisible,
    not-a-url, scheme (detail: the scheme given, or ""), no-host."""

    kind: str
    detail: str = ""


def link_problem(text: str | None) -> LinkProblem | None:
    """Why `text` is not an evidence link, or None when it is one."""
    if not text:
        return LinkProblem("missing")
    if len(text) > MAX_LINK_LENGTH:
        return LinkProblem("too-long", str(len(text)))
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp") for ch in text):
        return LinkProblem("invisible")
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return LinkProblem("not-a-url")
    if parts.scheme.lower() not in ("http", "https"):
        return LinkProblem("scheme", parts.scheme[:20])
    if not host:
        return LinkProblem("no-host")
    return None
