"""Evidence links: what counts as proof a person can click.

A link is evidence only if it is an http(s) URL with a host, of reasonable length, made of
printable characters. Anything else (javascript:, a bare word, a URL hiding bidi or zero-width
characters) is refused with the reason, so nobody closes a story on proof that isn't there.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_LINK_LENGTH = 2000

def link_problem(text: str | None) -> str | None:
    """Why `text` is not an evidence link, or None when it is one."""
    if not text:
        return "an evidence link is required (an http(s) URL: the pull request, the CI run, the proof)"
    if len(text) > MAX_LINK_LENGTH:
        return f"that link is {len(text)} characters long; the limit is {MAX_LINK_LENGTH}"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp") for ch in text):
        return "that link contains spaces, control or invisible characters"
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return "that link is not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        shown = parts.scheme or "no scheme"
        return f"evidence links must start with http:// or https:// (got {shown!s:.20})"
    if not host:
        return "that link has no host name"
    return None
