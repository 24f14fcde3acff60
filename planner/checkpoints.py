"""Checkpoints you can act on: reached when their stories are done, validated when a lead attaches
their proofs.

A checkpoint of the plan ("Checkpoint A: 1.1, 1.3, 1.4 done, preuves hardening + VPN + secrets")
is *reached* when every one of its stories is done, and *validated* when, since it was last
reached, a lead who is not the only person who did its stories attached the proofs (links). Anyone
may attach proofs to a reached checkpoint: they are recorded and shown, and a lead validates
them later (with the same links or their own). While a critical incident is open on one of its
stories, no proof is taken (`planner.incidents`). A story reopened after the validation makes the
checkpoint unreached again: it needs its proofs again once it is reached again.

Proofs live in the plan's event log as audit entries (`checkpoint-proofs`, a small JSON payload
in the entry's reason); `fold` reads them back. Pure: people are ids, decisions carry a code and
their facts (`bot.render.milestones` words them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from planner.incidents import Incident, LogEntry, holding
from planner.links import LinkProblem, evidence_problem, links_of
from planner.model import Checkpoint, Plan
from planner.state import State, StoryStatus
from planner.state import status_of as story_status

PROOFS_ACTION = "checkpoint-proofs"
_PROOF_WORD = re.compile(r"^(?:preuves?|proofs?)\s*:?\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Attachment:
    """One `/checkpoint NAME LINK…`: the proofs someone attached, and whether that validated it."""

    checkpoint: str
    links: tuple[str, ...]
    by: str
    at: datetime
    validates: bool  # decided when attached: a lead, not the only author of its stories
    note: str | None = None


def proofs_payload(checkpoint: str, links: Iterable[str], validates: bool, note: str | None = None) -> str:
    """The reason text of a `checkpoint-proofs` entry."""
    return json.dumps({"checkpoint": checkpoint, "links": list(links), "validates": validates, "note": note},
                      ensure_ascii=False)


def fold(entries: Iterable[LogEntry]) -> dict[str, tuple[Attachment, ...]]:
    """Every checkpoint's attachments, oldest first. Other entries and unreadable payloads are skipped."""
    out: dict[str, list[Attachment]] = {}
    for entry in entries:
        if entry.action != PROOFS_ACTION:
            continue
        try:
            data = json.loads(entry.reason or "")
        except ValueError:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("checkpoint"), str):
            continue
        links = tuple(str(link) for link in data.get("links") or ())
        out.setdefault(data["checkpoint"], []).append(
            Attachment(data["checkpoint"], links, entry.actor, entry.at, bool(data.get("validates")),
                       data.get("note")))
    return {name: tuple(found) for name, found in out.items()}


def expected(checkpoint: Checkpoint) -> str:
    """The proofs the plan expects, as one phrase: "preuves hardening + VPN + secrets" -> "hardening +
    VPN + secrets" (several lines are joined with " + "); "" when the plan names none."""
    return " + ".join(_PROOF_WORD.sub("", p).strip() for p in checkpoint.proofs if p.strip())


@dataclass(frozen=True)
class CheckpointStatus:
    """Where one checkpoint stands now."""

    name: str
    stories: tuple[str, ...]
    expected: str
    missing: tuple[str, ...]  # its stories not done
    reached: bool  # it has stories and every one is done
    reached_at: datetime | None  # when its last story was done (None: not reached, or not known)
    latest: Attachment | None  # the newest proofs attached since it was reached
    validation: Attachment | None  # the attachment that validated it since it was reached
    held_by: tuple[Incident, ...]  # open critical incidents on its stories
    authors: tuple[str, ...]  # who did its stories (held them or sent them to review)

    @property
    def validated(self) -> bool:
        return self.validation is not None

    @property
    def done(self) -> int:
        return len(self.stories) - len(self.missing)

    def to_row(self) -> dict:
        """JSON-ready, a superset of `planner.board.board`'s checkpoint rows (name, done, total, missing)."""
        shown = self.validation or self.latest
        return {
            "name": self.name, "stories": list(self.stories), "done": self.done, "total": len(self.stories),
            "missing": list(self.missing), "reached": self.reached, "validated": self.validated,
            "reached_at": self.reached_at.isoformat() if self.reached_at else None,
            "expected": self.expected, "links": list(shown.links) if shown else [],
            "links_by": shown.by if shown else None, "links_at": shown.at.isoformat() if shown else None,
            "validated_by": self.validation.by if self.validation else None,
            "held_by": [i.key for i in self.held_by],
        }


def status_of(checkpoint: Checkpoint, statuses: Mapping[str, StoryStatus],
              attachments: Mapping[str, tuple[Attachment, ...]], incidents: Mapping[int, Incident]) -> CheckpointStatus:
    stories = checkpoint.stories
    found = [story_status(statuses, s) for s in stories]
    missing = tuple(st.story_id for st in found if st.state != State.DONE)
    reached = bool(stories) and not missing
    times = [st.since for st in found if st.since is not None]
    reached_at = max(times) if reached and times else None
    # Proofs count for this reach only: a story reopened and done again asks for them again.
    since = [a for a in attachments.get(checkpoint.name, ())
             if reached and (reached_at is None or a.at >= reached_at)]
    authors = dict.fromkeys(p for st in found for p in (*st.authors, st.assignee) if p)
    return CheckpointStatus(
        name=checkpoint.name, stories=stories, expected=expected(checkpoint), missing=missing,
        reached=reached, reached_at=reached_at,
        latest=since[-1] if since else None,
        validation=next((a for a in since if a.validates), None),
        held_by=tuple(holding(incidents, stories)), authors=tuple(authors),
    )


def statuses_of(plan: Plan, statuses: Mapping[str, StoryStatus], attachments: Mapping[str, tuple[Attachment, ...]],
                incidents: Mapping[int, Incident]) -> list[CheckpointStatus]:
    """Every checkpoint of the plan, in plan order."""
    return [status_of(c, statuses, attachments, incidents) for c in plan.checkpoints]


def reached_by(plan: Plan, before: Mapping[str, StoryStatus], after: Mapping[str, StoryStatus]) -> list[Checkpoint]:
    """The checkpoints a move reached: every story done after it, not before."""
    def reached(c: Checkpoint, statuses: Mapping[str, StoryStatus]) -> bool:
        return bool(c.stories) and all(_state(statuses, s) == State.DONE for s in c.stories)

    return [c for c in plan.checkpoints if reached(c, after) and not reached(c, before)]


def find(plan: Plan, name: str) -> Checkpoint | None:
    """The checkpoint called `name` (any case)."""
    return next((c for c in plan.checkpoints if c.name.lower() == name.lower()), None)


# -- attaching proofs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProofDecision:
    """Allowed (and whether it validates the checkpoint), or refused with `code` and its facts.

    Codes: already-validated (status.validation: by whom, when), not-reached (status.missing),
    bad-link (link), incident-open (status.held_by). When allowed and not validating, `why_not` is
    "not-lead" or "only-author" (the lead did every one of its stories: someone else validates)."""

    allowed: bool
    status: CheckpointStatus
    code: str = ""
    validates: bool = False
    why_not: str = ""
    link: LinkProblem | None = None


def decide_proofs(status: CheckpointStatus, actor: str, is_lead: bool, evidence: str | None) -> ProofDecision:
    """May `actor` attach these proofs (links separated by spaces) now, and does that validate it?"""
    if status.validated:
        return ProofDecision(False, status, "already-validated")
    if not status.reached:
        return ProofDecision(False, status, "not-reached")
    problem = evidence_problem(evidence)
    if problem:
        return ProofDecision(False, status, "bad-link", link=problem)
    if status.held_by:
        return ProofDecision(False, status, "incident-open")
    if not is_lead:
        return ProofDecision(True, status, why_not="not-lead")
    if status.authors and set(status.authors) == {actor}:
        return ProofDecision(True, status, why_not="only-author")
    return ProofDecision(True, status, validates=True)


def proof_links(evidence: str | None) -> tuple[str, ...]:
    return tuple(links_of(evidence))


def _state(statuses: Mapping[str, StoryStatus], sid: str) -> State:
    status = statuses.get(sid)
    return status.state if status else State.TODO
