"""People as the rules see them: one person, one name.

A Slack user is their id (`U012ABC`, `W034DEF`), kept exactly as Slack sends it. Anyone else (a
console or `deliverybot cmd` name, a lead named at install) is a name, compared without case and
without a leading `@`: `Alice`, `@alice` and `alice` are one person for every rule (four eyes,
holder, leads, lanes). `person_key` is that one spelling, applied where a name comes in and where
stored names are compared.
"""

from __future__ import annotations


def is_slack_id(person: str | None) -> bool:
    """U123ABC / W123ABC: a Slack user, who can be mentioned and sent a DM (console names can't).
    Slack's ids always hold a digit, so a name typed in capitals (WALTER, ULRICH) stays a name."""
    return person is not None and len(person) > 2 and _id_like(person)


def person_key(person: str) -> str:
    """The one spelling of a person: a Slack id (U or W, then capitals and digits, at least one
    digit) as it is, a name without `@`, lower-cased."""
    name = person.strip().lstrip("@")
    return name if _id_like(name) else name.casefold()


def _id_like(name: str) -> bool:
    rest = name[1:]
    return (len(name) >= 2 and name[0] in "UW" and rest.isascii() and rest.isalnum() and rest.upper() == rest
            and any(ch.isdigit() for ch in rest))


def same_person(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and person_key(a or "") == person_key(b or "")
