"""The delivery plan as data.

Everything the Markdown reader understood lives here as frozen values, so the rest of the
planner (graph, rules, staffing, digest) can reason about a plan without ever re-reading text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planner.marks import say

# What a plan's slug may be: short, lower-case letters, digits and '-', starting with a letter or
# digit. It is typed after --plan, shown in every reply and posted to Slack: nothing to escape.
SLUG_RULE = "1 to 63 characters: lower-case letters, digits and '-', starting with a letter or digit"
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def slug_problem(slug: object) -> str | None:
    """Why `slug` is not a plan slug, in words (None: it is one)."""
    if not isinstance(slug, str):
        return "a slug is text"
    if _SLUG.fullmatch(slug):
        return None
    shown = slug if len(slug) <= 40 and slug.isprintable() else repr(slug[:40]) + "…"
    return f"'{shown}' is not a plan slug ({SLUG_RULE})"


def slug_from(name: str) -> str:
    """A slug made from a file name ("K3s Mono_PgSQL" -> "k3s-mono-pgsql"); "" when nothing is left."""
    words = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return words[:63].rstrip("-")


def story_sort_key(story_id: str) -> tuple[int, ...]:
    """Order dotted ids numerically: 1.2 < 1.10 < 10.1 (string order would not)."""
    return tuple(int(part) for part in story_id.split(".") if part.isdigit())


@dataclass(frozen=True)
class Finding:
    """Something the reader or the linter wants a person to look at.

    severity: "error" (the plan cannot be trusted as written), "warning" (a gap a lead should
    fix) or "info". code is stable and machine-readable ("cycle", "undefined-id",
    "unassigned", "no-sprint", "lane-order", "critical-path-not-longest", "unreadable", ...).

    The message is English text (what `to_json` and the tests read). A finding built with `said`
    also keeps its sentence apart from its values: `template` (an N_-marked English sentence with
    {named} placeholders, some values themselves phrases, see planner.marks) and `values`, so the
    bot can say it in the reader's language (bot.render.findings.finding_text).
    """

    severity: str
    code: str
    message: str
    line: int | None = None
    template: str = field(default="", compare=False, repr=False)
    values: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def said(cls, severity: str, code: str, template: str, line: int | None = None, /, **values: object) -> Finding:
        """A finding worded by `template` filled with `values` (its English message made from them)."""
        return cls(severity, code, say(template, values), line, template, values)

    @property
    def text(self) -> str:
        """The message in English."""
        return self.message

    def to_json(self) -> dict:
        return {"severity": self.severity, "code": self.code, "message": self.message, "line": self.line}


@dataclass(frozen=True)
class Story:
    id: str
    title: str | None = None
    estimate: float | None = None
    line: int | None = None

    @property
    def epic(self) -> int:
        return int(self.id.split(".")[0])

    @property
    def label(self) -> str:
        """What people see: "4.1 PostgreSQL persistant", or just "3.2" when the plan gives no title."""
        return f"{self.id} {self.title}" if self.title else self.id


@dataclass(frozen=True)
class Gate:
    story: str
    kind: str  # entry, acceleration, data, recovery, ... or the kind as written when none applies
    line: int | None = None
    # The kind as the plan wrote it ("mise en production", "API contract frozen"), when it says more
    # than `kind`; None when it is just the vocabulary's word ("entrée", "data"). Not part of
    # equality: two plans that name the same gate of the same kind hold the same gate.
    label: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Lane:
    key: str  # "A"
    label: str | None  # "platform core"
    stories: tuple[str, ...]  # the developer's order of work (not dependencies)
    line: int | None = None


@dataclass(frozen=True)
class Sprint:
    name: str  # "Sprint 1"
    stories: tuple[str, ...]
    line: int | None = None


@dataclass(frozen=True)
class Mode:
    """A staffing mode: "Plan 3 dev" with one lane per developer."""

    devs: int
    recommended: bool = False
    name: str | None = None  # "mode rocket"
    lanes: tuple[Lane, ...] = ()
    floating: tuple[str, ...] = ()  # stories taken by whoever has room
    floating_lanes: tuple[str, ...] = ()  # lanes that may take the floating stories ("par Dev B/C")
    sprints: tuple[Sprint, ...] = ()
    line: int | None = None

    def lane(self, key: str) -> Lane | None:
        return next((lane for lane in self.lanes if lane.key == key), None)

    def lane_of(self, story_id: str) -> Lane | None:
        return next((lane for lane in self.lanes if story_id in lane.stories), None)


@dataclass(frozen=True)
class Checkpoint:
    name: str  # "A"
    stories: tuple[str, ...]
    proofs: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class Plan:
    """A whole plan. edges are finish-to-start (before, after) pairs declared by the text."""

    title: str
    stories: tuple[Story, ...] = ()
    edges: tuple[tuple[str, str], ...] = ()
    gates: tuple[Gate, ...] = ()
    critical_path: tuple[str, ...] = ()
    continuous: tuple[str, ...] = ()  # may start as soon as the entry gate is passed
    finalisation: tuple[str, ...] = ()  # done only when every other story is done
    modes: tuple[Mode, ...] = ()
    checkpoints: tuple[Checkpoint, ...] = ()
    rules: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    critical_path_line: int | None = field(default=None, compare=False)  # where the path is declared
    language: str = "en"  # what it is written in, "fr" or "en" (planner.reader.language)
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({s.id: s for s in self.stories})

    @property
    def story_ids(self) -> list[str]:
        return [s.id for s in self.stories]

    def story(self, story_id: str) -> Story | None:
        return self._index.get(story_id)

    def has(self, story_id: str) -> bool:
        return story_id in self._index

    @property
    def entry_gate(self) -> str | None:
        return next((g.story for g in self.gates if g.kind == "entry"), None)

    def gate_of(self, story_id: str) -> Gate | None:
        return next((g for g in self.gates if g.story == story_id), None)

    def mode(self, devs: int) -> Mode | None:
        return next((m for m in self.modes if m.devs == devs), None)

    @property
    def recommended_mode(self) -> Mode | None:
        return next((m for m in self.modes if m.recommended), self.modes[0] if self.modes else None)

    def to_json(self) -> dict:
        """The `deliverybot plan check --json` contract (DESIGN §5); extra keys are additions only."""
        return {
            "title": self.title,
            "stories": [{"id": s.id, "title": s.title or s.id, "estimate": s.estimate} for s in self.stories],
            "edges": [[a, b] for a, b in self.edges],
            "gates": [
                {"story": g.story, "kind": g.kind, **({"label": g.label} if g.label is not None else {})}
                for g in self.gates
            ],
            "critical_path": list(self.critical_path),
            "continuous": list(self.continuous),
            "finalisation": list(self.finalisation),
            "modes": [
                {
                    "devs": m.devs,
                    "recommended": m.recommended,
                    "name": m.name,
                    "lanes": {lane.key: list(lane.stories) for lane in m.lanes},
                    "lane_labels": {lane.key: lane.label for lane in m.lanes},
                    "floating": list(m.floating),
                    "floating_lanes": list(m.floating_lanes),
                    "sprints": [{"name": s.name, "stories": list(s.stories)} for s in m.sprints],
                }
                for m in self.modes
            ],
            "checkpoints": [
                {"name": c.name, "stories": list(c.stories), "proofs": list(c.proofs)} for c in self.checkpoints
            ],
            "rules": list(self.rules),
            "findings": [f.to_json() for f in self.findings],
        }
