"""The reader's state and the few ways every block records what it read.

Ids are collected with where they were seen (`define`, `mention`); a title is kept only when it
comes from a better place than the one already kept (`name_it`: a Stories line beats a lane,
which beats a gate line); a line that looked like content but said nothing readable becomes an
"unreadable" finding with its line number (`unreadable`), so nothing a lead wrote is lost.
"""

from __future__ import annotations

from planner.marks import N_, Phrase, phrase
from planner.model import Finding
from planner.reader.drafts import SKIP, CheckpointDraft, ModeDraft
from planner.reader.scan import LineScan


class ReaderState:
    """What has been read so far. The blocks (stories, gates, staffing, ...) are mixins of it."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.defined: dict[str, int] = {}
        self.mentions: dict[str, list[tuple[int, Phrase | str]]] = {}  # where: a phrase, or a sprint's name
        self.titles: dict[str, tuple[int, str]] = {}
        self.estimates: dict[str, float] = {}
        self.edges: dict[tuple[str, str], None] = {}
        self.gates: list[tuple[str, str, int]] = []
        self.critical: list[str] = []
        self.critical_line: int | None = None
        self.critical_open = False
        self.continuous: list[str] = []
        self.finalisation: list[str] = []
        self.modes: list[ModeDraft] = []
        self.checkpoints: list[CheckpointDraft] = []
        self.rules: list[str] = []
        self.findings: list[Finding] = []
        self.section, self.level = "unknown", 0
        self.block = SKIP
        self.list_number = 0  # the last "N)" list item seen in this section
        self.section_number = 0
        self.table_headers: list[str] = []

    def define(self, sid: str, line: int) -> None:
        self.defined.setdefault(sid, line)

    def mention(self, sid: str, line: int, where: Phrase | str) -> None:
        self.mentions.setdefault(sid, []).append((line, where))

    def edge(self, a: str, b: str) -> None:
        self.edges.setdefault((a, b), None)

    def name_it(self, sid: str, title: str | None, rank: int) -> None:
        if title and rank > self.titles.get(sid, (0, ""))[0]:
            self.titles[sid] = (rank, title)

    def unreadable(self, line: int, text: str, why: Phrase | str) -> None:
        """`why`: an N_-marked sentence, or a phrase when it has values."""
        shown = text.strip()
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        reason = why if isinstance(why, dict) else phrase(why)
        self.findings.append(Finding.said("warning", "unreadable", N_("cannot read '{shown}': {why}"), line,
                                          shown=shown, why=reason))

    def take_items(self, scan: LineScan, line: int, *, rank: int, text_titles: bool = False) -> None:
        """Define the line's ids as stories, with what the line says about each."""
        for item in scan.items:
            self.define(item.id, line)
            self.name_it(item.id, item.title, rank)
            if text_titles and len(scan.items) == 1:
                self.name_it(item.id, item.text_title, rank)
            if item.estimate is not None:
                self.estimates.setdefault(item.id, item.estimate)
            for before in item.after + scan.deps:
                self.mention(before, line, phrase(N_("a dependency")))
                self.edge(before, item.id)
        for first, then in zip(scan.chain, scan.chain[1:], strict=False):
            for a in first:
                for b in then:
                    self.edge(a, b)

    def note_items(self, scan: LineScan, line: int, where: Phrase | str) -> None:
        """Titles and estimates from a line that refers to stories without defining them."""
        for item in scan.items:
            self.mention(item.id, line, where)
            self.name_it(item.id, item.title, 1)
            if item.estimate is not None:
                self.estimates.setdefault(item.id, item.estimate)

    def expect_ids(self, number: int, text: str, is_bullet: bool, scan: LineScan, what: str) -> bool:
        """True when the line lists stories; otherwise report it when it looked like content."""
        if scan.items and scan.leading:
            return True
        if is_bullet or scan.all_ids:
            self.unreadable(number, text, what)
        return False

    @property
    def mode(self) -> ModeDraft | None:
        return self.modes[-1] if self.section == "mode" and self.modes else None
