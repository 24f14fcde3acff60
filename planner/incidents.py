"""Incidents: what broke, how bad, on which story, and how it was closed.

The plan's rule "Tout incident critique => correction + runbook": a critical incident is closed
only with a link to its fix and a link to its runbook, and while it is open on a story, that
story's checkpoints can't be validated (`planner.checkpoints`).

Incidents live in the plan's event log as audit entries (`incident-open`, `incident-close`, a
small JSON payload in the entry's reason); `fold` reads them back into `Incident` records. Pure:
people are ids, times come in with the entries, and the decisions carry a code and their facts
(`bot.render.incidents` words them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from planner.calendar import WorkCalendar
from planner.links import LinkProblem, link_problem
from planner.model import Plan

OPEN_ACTION = "incident-open"
CLOSE_ACTION = "incident-close"
_KEY = re.compile(r"^(?:INC-?)?(\d{1,6})$", re.IGNORECASE)


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


# The words a person may type for each severity, in English or in the plan's French.
SEVERITY_WORDS: dict[str, Severity] = {
    "critical": Severity.CRITICAL, "critique": Severity.CRITICAL,
    "major": Severity.MAJOR, "majeur": Severity.MAJOR,
    "minor": Severity.MINOR, "mineur": Severity.MINOR,
}


class LogEntry(Protocol):
    """What `fold` reads of an audit entry (storage's `AuditEntry` is one)."""

    @property
    def action(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def at(self) -> datetime: ...


@dataclass(frozen=True)
class Incident:
    number: int
    severity: Severity
    what: str
    story: str | None
    opened_by: str
    opened_at: datetime
    closed_by: str | None = None
    closed_at: datetime | None = None
    fix: str | None = None
    runbook: str | None = None
    note: str | None = None  # said when it was closed

    @property
    def key(self) -> str:
        return key_of(self.number)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def critical(self) -> bool:
        return self.severity == Severity.CRITICAL

    def holds(self, stories: Iterable[str]) -> bool:
        """An open critical incident on one of `stories` (it holds their checkpoint)."""
        return self.is_open and self.critical and self.story is not None and self.story in set(stories)


def key_of(number: int) -> str:
    return f"INC-{number}"


def number_of(word: str | None) -> int | None:
    """INC-3, inc-3, INC3 or 3 -> 3; None for anything else."""
    match = _KEY.match((word or "").strip())
    return int(match.group(1)) if match else None


# -- the log --------------------------------------------------------------------------------------


def open_payload(number: int, severity: Severity, what: str, story: str | None) -> str:
    """The reason text of an `incident-open` entry."""
    return json.dumps({"n": number, "severity": str(severity), "what": what, "story": story}, ensure_ascii=False)


def close_payload(number: int, fix: str | None, runbook: str | None, note: str | None) -> str:
    """The reason text of an `incident-close` entry."""
    return json.dumps({"n": number, "fix": fix, "runbook": runbook, "note": note}, ensure_ascii=False)


def _payload(reason: str | None) -> dict:
    try:
        data = json.loads(reason or "")
    except ValueError:
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("n"), int) else {}


def number_in(entry: LogEntry) -> int | None:
    """The incident an `incident-open` or `incident-close` entry is about (None: another entry)."""
    if entry.action not in (OPEN_ACTION, CLOSE_ACTION):
        return None
    return _payload(entry.reason).get("n")


def fold(entries: Iterable[LogEntry]) -> dict[int, Incident]:
    """Every incident of the log by number, as its entries (oldest first) leave it. Entries of
    other kinds, and payloads this release can't read, are skipped."""
    out: dict[int, Incident] = {}
    for entry in entries:
        if entry.action not in (OPEN_ACTION, CLOSE_ACTION):
            continue
        data = _payload(entry.reason)
        if not data:
            continue
        n = data["n"]
        if entry.action == OPEN_ACTION and n not in out:
            severity = SEVERITY_WORDS.get(str(data.get("severity")), Severity.MAJOR)
            out[n] = Incident(n, severity, str(data.get("what") or ""), data.get("story"), entry.actor, entry.at)
        elif entry.action == CLOSE_ACTION and n in out and out[n].is_open:
            out[n] = replace(out[n], closed_by=entry.actor, closed_at=entry.at, fix=data.get("fix"),
                             runbook=data.get("runbook"), note=data.get("note"))
    return out


def next_number(incidents: Mapping[int, Incident]) -> int:
    """The number the next incident of the plan gets: INC-1, then one more than the highest."""
    return max(incidents, default=0) + 1


def open_incidents(incidents: Mapping[int, Incident]) -> list[Incident]:
    """Open incidents, the critical ones first, then by number."""
    order = list(Severity)
    return sorted((i for i in incidents.values() if i.is_open), key=lambda i: (order.index(i.severity), i.number))


def holding(incidents: Mapping[int, Incident], stories: Iterable[str]) -> list[Incident]:
    """The open critical incidents on any of `stories`, by number."""
    stories = set(stories)
    return sorted((i for i in incidents.values() if i.holds(stories)), key=lambda i: i.number)


# -- closing ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CloseDecision:
    """Allowed, or refused with `code` and its facts.

    Codes: unknown-incident, already-closed (incident: who closed it and when), bad-link (link: what
    is wrong, `which`: "fix" or "runbook"), runbook-required (a critical incident with one link)."""

    allowed: bool
    number: int
    code: str = ""
    incident: Incident | None = None
    link: LinkProblem | None = None
    which: str = ""


def decide_close(number: int, incidents: Mapping[int, Incident], fix: str | None,
                 runbook: str | None) -> CloseDecision:
    """May INC-`number` be closed with these links? Any incident needs the link of its fix; a
    critical one also the link of its runbook. Never changes anything."""
    incident = incidents.get(number)
    if incident is None:
        return CloseDecision(False, number, "unknown-incident")
    if not incident.is_open:
        return CloseDecision(False, number, "already-closed", incident)
    for which, link in (("fix", fix), ("runbook", runbook)):
        if which == "runbook" and link is None and not incident.critical:
            continue
        if which == "runbook" and link is None:
            return CloseDecision(False, number, "runbook-required", incident)
        problem = link_problem(link)
        if problem:
            return CloseDecision(False, number, "bad-link", incident, problem, which)
    return CloseDecision(True, number, incident=incident)


# -- what the board, the digest and App Home show -------------------------------------------------


def rows(incidents: Sequence[Incident], plan: Plan, *, today: date | None = None, tz: ZoneInfo | None = None,
         calendar: WorkCalendar | None = None) -> list[dict]:
    """Incidents as JSON-ready rows; with `today` (a local date in `tz`), each open one's age in
    work days of `calendar` since the day it was opened."""
    out = []
    for i in incidents:
        story = plan.story(i.story) if i.story else None
        checkpoints = [c.name for c in plan.checkpoints if i.story and i.story in c.stories]
        row = {
            "incident": i.key, "number": i.number, "severity": str(i.severity), "what": i.what,
            "story": i.story, "label": story.label if story else i.story, "opened_by": i.opened_by,
            "opened_at": _local(i.opened_at, tz), "open": i.is_open, "closed_by": i.closed_by,
            "closed_at": _local(i.closed_at, tz), "fix": i.fix, "runbook": i.runbook,
            "holds": checkpoints if i.holds([i.story or ""]) else [],
        }
        if today is not None:
            opened = i.opened_at.astimezone(tz).date() if tz else i.opened_at.date()
            row["age_workdays"] = (calendar or WorkCalendar()).workdays_between(opened, today)
        out.append(row)
    return out


def _local(at: datetime | None, tz: ZoneInfo | None) -> str | None:
    if at is None:
        return None
    return (at.astimezone(tz) if tz else at).isoformat()

