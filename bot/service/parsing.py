"""Turning what someone typed into clean words, or a precise complaint.

Slash-command text arrives from Slack, a terminal or a script: it may be empty, huge, hold NUL
bytes, invisible or right-to-left characters, or Slack's <@U123|name> and <https://x|label>
markup. This module normalises it and refuses what can't be meant, before any rule runs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.i18n import _
from planner.people import person_key

MAX_COMMAND_LENGTH = 4000  # Slack's own limit on slash-command text
STORY_ID = re.compile(r"^\d{1,4}(?:\.\d{1,4}){1,3}$")
_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")
_NAME = re.compile(r"^@?([\w.\-]{1,80})$")
_CHANNEL_MENTION = re.compile(r"^<#([A-Z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL_NAME = re.compile(r"^#?[\w.\-]{1,80}$")
_SLACK_LINK = re.compile(r"^<([^<>|]+)(?:\|[^<>]*)?>$")
# A word meant as a link: Slack's <…> markup, or anything that starts with a scheme (https:,
# javascript:, ftp:…), so a bad link is refused as a link rather than read as the note.
_LINKISH = re.compile(r"^(?:<(?![@#!])|[A-Za-z][A-Za-z0-9+.\-]{0,30}:)")


class InputError(ValueError):
    """Input that can't be understood; the message says exactly what and how to fix it."""


@dataclass(frozen=True)
class Command:
    name: str  # "done"
    args: tuple[str, ...]


# Words people type after a command, in French or English: each maps to the one the handlers
# compare (`/unblocked moi`, `/review 2.1 changements …`, `/team solo oui`). Only a word where a
# keyword is expected is mapped: a reason or a note is kept as typed.
KEYWORDS = {
    "moi": "mine", "tout": "all", "tous": "all", "toutes": "all",
    "changements": "changes", "changement": "changes", "modifications": "changes", "modifs": "changes",
    "forcer": "force", "rouvrir": "reopen", "fermer": "close",
    "oui": "on", "yes": "on", "non": "off", "no": "off",
    "aucun": "none", "personne": "none", "jusqu'à": "until", "jusqua": "until", "jusque": "until",
    "graphe": "graph",
}


def keyword(word: str | None) -> str:
    """The keyword `word` stands for, lower-case ("" for None): "Tout" -> "all", "OFF" -> "off"."""
    lowered = (word or "").lower()
    return KEYWORDS.get(lowered, lowered)


def show(text: str, limit: int = 40) -> str:
    """Text safe to echo back: invisible characters made visible, length capped."""
    out = []
    for ch in text[:limit]:
        cat = unicodedata.category(ch)
        out.append(f"\\u{ord(ch):04x}" if cat in ("Cc", "Cf") else ch)
    return "".join(out) + ("…" if len(text) > limit else "")


def split_command(text: str | None) -> Command:
    """'/done 4.1 https://x' -> Command('done', ('4.1', 'https://x')). Raises InputError."""
    text = text or ""
    if len(text) > MAX_COMMAND_LENGTH:
        from bot.i18n.formats import number

        raise InputError(_("That command is {length} characters long; the limit is {limit}.",
                           length=number(len(text), 0), limit=number(MAX_COMMAND_LENGTH, 0)))
    if "\x00" in text:
        raise InputError(_("That command contains a NUL byte; please retype it."))
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text):
        raise InputError(_("That command contains control characters; please retype it."))
    words = text.split()
    if not words:
        raise InputError(_("Type a command, e.g. /unblocked. /help lists them all."))
    name = words[0]
    if not name.startswith("/"):
        raise InputError(_("'{word}' is not a command; commands start with / (try /help).", word=show(name)))
    return Command(name[1:].lower(), tuple(words[1:]))


def story_id(word: str | None, usage: str) -> str:
    """A well-formed story id like 4.1 or 10.12, or InputError naming what was wrong."""
    if not word:
        raise InputError(_("Which story? Usage: {usage}", usage=_(usage)))
    if not STORY_ID.match(word):
        raise InputError(_("'{word}' is not a story id (ids look like 4.1 or 10.2). Usage: {usage}",
                           word=show(word), usage=_(usage)))
    return word


def person(word: str) -> str | None:
    """<@U123|bob> -> U123, @bob and @Bob -> bob (one person, one name: `planner.people.person_key`);
    None when the word does not name a person."""
    match = _MENTION.match(word)
    if match:
        return match.group(1)
    if not word.startswith("@"):
        return None
    match = _NAME.match(word)
    return person_key(match.group(1)) if match else None


def person_name(word: str | None) -> str | None:
    """Who a console or `deliverybot cmd` user says they are (`--as`, `/as`): a Slack id as it is, a
    name of letters, digits, `.`, `-`, `_` with or without `@`, in its one spelling; None otherwise
    (`<!channel>`, a space, markup)."""
    match = _NAME.match((word or "").strip())
    return person_key(match.group(1)) if match else None


def link(word: str) -> str:
    """Slack sends links as <https://x|label> or <https://x>; people type them bare. Whether it is
    evidence is planner's question (`planner.links.link_problem`)."""
    match = _SLACK_LINK.match(word.strip())
    return match.group(1) if match else word.strip()


@dataclass(frozen=True)
class Evidence:
    """`LINK [LINK…] [@reviewer] [note]` as typed after a story id."""

    links: tuple[str, ...]
    reviewer: str | None
    note: str | None

    @property
    def text(self) -> str | None:
        """The links as one evidence text (space-separated), None when none was given."""
        return " ".join(self.links) or None


def evidence(words: tuple[str, ...] | list[str], *, with_reviewer: bool = False) -> Evidence:
    """The links at the front, then (for /review) an optional @reviewer, then a free note. A word
    of the note that looks like a link is a link too, so every link is checked: nobody slips
    `javascript:` past the rule by writing a word before it. A comma or semicolon that ends a link
    (a list typed by hand) is not part of it."""
    links = [link(w).rstrip(",;") for w in words if _LINKISH.match(w)]
    rest = [w for w in words if not _LINKISH.match(w)]
    reviewer = None
    if with_reviewer and rest:  # right after the links, or the last word (as before notes existed)
        at = 0 if person(rest[0]) else -1
        reviewer = person(rest[at])
        if reviewer:
            rest.pop(at)
    return Evidence(tuple(links), reviewer, free_text(rest))


def channel(word: str) -> str | None:
    """<#C123|general> (how Slack sends "#general" in a command) -> C123; a plain channel id or
    name as it is; None for anything else (other markup such as <!channel>, or a paste)."""
    match = _CHANNEL_MENTION.match(word)
    if match:
        return match.group(1)
    return word if _CHANNEL_NAME.match(word) else None


def free_text(words: tuple[str, ...] | list[str], limit: int = 500) -> str | None:
    """A reason or comment: joined words, capped so a paste can't flood a digest."""
    text = " ".join(words).strip()
    if len(text) > limit:
        raise InputError(_("That text is {length} characters long; keep it under {limit}.",
                           length=len(text), limit=limit))
    return text or None
