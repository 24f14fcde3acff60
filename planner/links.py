"""Evidence links: what counts as proof a person can click.

A link is evidence only if a URL parser reads it as an http(s) URL with a valid host (a DNS name
or an IP address), a port from 1 to 65535 if any, no credentials (`user:pass@`), of reasonable
length, without spaces, quotes, brackets, control or invisible characters. Anything else
(javascript:, a bare word, a URL hiding bidi or zero-width characters, `https://x:99999/`,
`https://x/"onmouseover="…`) is refused with the reason, so nobody closes a story on proof that isn't there.
The reason is a code with its detail; `bot.render.refusals` words it.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_LINK_LENGTH = 2000


@dataclass(frozen=True)
class LinkProblem:
    """Why a text is not evidence. kind: missing, too-long (detail: the length), invisible (spaces,
    control or invisible characters), character (detail: a quote, bracket or other character no URL
    holds), not-a-url, scheme (detail: the scheme given, or ""), credentials (user:password@),
    port (detail: the port given), no-host, host (detail: the host that is not one)."""

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
    odd = next((ch for ch in text if ch in _NOT_IN_URLS), None)
    if odd is not None:
        return LinkProblem("character", odd)
    if _BAD_PERCENT.search(text):
        return LinkProblem("not-a-url")
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return LinkProblem("not-a-url")
    if parts.scheme.lower() not in ("http", "https"):
        return LinkProblem("scheme", parts.scheme[:20])
    if "@" in parts.netloc:
        return LinkProblem("credentials")
    odd = next((ch for ch in text[len(parts.scheme) + 3 + len(parts.netloc):] if ch in "[]"), None)
    if odd is not None:  # brackets belong around an IPv6 host only
        return LinkProblem("character", odd)
    given = parts.netloc.rpartition(":")[2] if not parts.netloc.endswith("]") else ""
    try:
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number from 0 to 65535
    except ValueError:
        return LinkProblem("port", given[:12] + ("…" if len(given) > 12 else ""))
    if parts.port == 0 or (":" in parts.netloc.rpartition("]")[2] and not given):  # "x.com:" has an empty port
        return LinkProblem("port", given or "empty")
    if not host:
        return LinkProblem("no-host")
    if not _valid_host(host, bracketed="[" in parts.netloc):
        return LinkProblem("host", host[:60])
    return None


# Characters RFC 3986 never allows in a URL (besides spaces and controls, refused above as invisible):
# a quote or a bracket in a "link" is HTML or markup being smuggled in, not a proof.
_NOT_IN_URLS = frozenset('"\'<>`{}|^\\')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")


def _valid_host(host: str, *, bracketed: bool) -> bool:
    """An IP address (IPv6 only in brackets) or a DNS name: dot-separated labels of letters, digits,
    `-` and `_` (internationalised names through IDNA), 253 characters at most."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None or bracketed:
        return address is not None and (address.version == 6) == bracketed
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return False
    name = ascii_host[:-1] if ascii_host.endswith(".") else ascii_host
    if not name or len(name) > 253 or name.replace(".", "").isdigit():
        return False
    return all(_LABEL.match(label) for label in name.split("."))


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
