"""What the reader fills while it reads, before it knows which ids are stories.

Drafts are mutable and keep every id as written; `assemble` turns them into the frozen model
once the whole text is read, dropping what no section defined. `Block` says which draft the
current line's items go to.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LaneDraft:
    key: str
    label: str | None
    line: int
    stories: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # where the lane first names each story


@dataclass
class SprintDraft:
    name: str
    line: int
    refs: list[tuple[str, str]] = field(default_factory=list)  # ("id", "3.1") or ("epic", "2")


@dataclass
class ModeDraft:
    devs: int
    recommended: bool
    name: str | None
    line: int
    lanes: list[LaneDraft] = field(default_factory=list)
    floating: list[str] = field(default_factory=list)
    floating_lanes: list[str] = field(default_factory=list)
    sprints: list[SprintDraft] = field(default_factory=list)


@dataclass
class CheckpointDraft:
    name: str
    line: int
    stories: list[str] = field(default_factory=list)
    proofs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Block:
    """The block the current line belongs to, and the draft its items fill."""

    kind: str  # skip mode after story lane sprints floating checkpoint critical gates continuous checkpoints rules stories staffing
    preds: tuple[str, ...] = ()  # after: what every story of the block waits for
    story: str | None = None  # story: the story a "### Story 1.1" heading opened
    lane: LaneDraft | None = None  # lane
    sprint: SprintDraft | None = None  # sprints: None under "Rythme:" until a "Sprint N:"
    checkpoint: CheckpointDraft | None = None  # checkpoint


SKIP = Block("skip")
