"""Turning what someone typed into clean words, or a precise complaint.

Slash-command text arrives from Slack, a terminal or a script: it may be empty, huge, hold NUL
bytes, invisible or right-to-left characters, or Slack's <@U123|name> and <https://x|label>
markup. This module normalises it and refuses what can't be meant, before any rule runs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_COMMAND_LENGTH = 4000  # Slack's own limit on slash-command text
STORY_ID = re.compile(r"^\d{1,4}(?:\.\d{1,4}){1,3}$")
_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")
_NAME = re.compile(r"^@?([\w.\-]{1,80})$")
_CHANNEL_MENTION = re.compile(r"^<#([A-Z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL_NAME = re.compile(r"^#?[\w.\-]{1,80}$")
_SLACK_LINK = re.compile(r"^<([^<>|]+)(?:\|[^<>]*)?>$")


class InputError(ValueError):
    """Input that can't be understood; the message says exactly what and how to fix it."""


@dataclass(frozen=True)
class Command:
    name: str  # "done"
    args: tuple[str, ...]


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
        raise InputError(f"That command is {len(text):,} characters long; the limit is {MAX_COMMAND_LENGTH:,}.")
    if "\x00" in text:
        raise InputError("That command contains a NUL byte; please retype it.")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text):
        raise InputError("That command contains control characters; please retype it.")
    words = text.split()
    if not words:
        raise InputError("Type a command, e.g. /unblocked. /help lists them all.")
    name = words[0]
    if not name.startswith("/"):
        raise InputError(f"'{show(name)}' is not a command; commands start with / (try /help).")
    return Command(name[1:].lower(), tuple(words[1:]))


def story_id(word: str | None, usage: str) -> str:
    """A well-formed story id like 4.1 or 10.12, or InputError naming what was wrong."""
    if not word:
        raise InputError(f"Which story? Usage: {usage}")
    if not STORY_ID.match(word):
        raise InputError(f"'{show(word)}' is not a story id (ids look like 4.1 or 10.2). Usage: {usage}")
    return word


def person(word: str) -> str | None:
    """<@U123|bob> -> U123, @bob -> bob; None when the word does not name a person."""
    match = _MENTION.match(word)
    if match:
        return match.group(1)
    if not word.startswith("@"):
        return None
    match = _NAME.match(word)
    return match.group(1) if match else None


def link(word: str) -> str:
    """Slack sends links as <https://x|label> or <https://x>; people type them bare. Whether it is
    evidence is planner's question (`planner.links.link_problem`)."""
    match = _SLACK_LINK.match(word.strip())
    return match.group(1) if match else word.strip()


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
        raise InputError(f"That text is {len(text)} characters long; keep it under {limit}.")
    return text or None
