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


def links_of(evidence: str | None) -> list[str]:
    """The links of an evidence text: one link, or several separated by spaces."""
    return [part for part in (evidence or "").split(" ") if part]


def evidence_problem(evidence: str | None) -> LinkProblem | None:
    """Why evidence (one or several links, separated by spaces) is not evidence: the first bad link's
    problem, or None when every link is one. Each link is checked: one bad link refuses them all."""
    links = links_of(evidence)
    if not links:
        return LinkProblem("missing")
    for link in links:
        problem = link_problem(link)
        if problem:
            return problem
    return None
