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
        self.edges: dict[tuple[str, str], int | None] = {}  # each edge and the line that first said it
        self.gates: list[tuple[str, str, int, str | None]] = []  # story, kind, line, kind as written
        self.weak: dict[str, int] = {}  # ids only a dependency list defines (see define_weak)
        self.story_list = False  # the plan lists its stories (a Stories list, table or story heading)
        self.listed: dict[str, tuple[int, str | None]] = {}  # where a Stories list first defined an id
        self.table_lanes: dict[str, list[tuple[str, int]]] = {}  # a table's lane column: key -> (id, line)
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

    def define_weak(self, sid: str, line: int, where: Phrase | None = None) -> None:
        """A dependency list ("After 9.9:", its items) or a lane defines its ids only in a plan that
        has no Stories list: where the plan lists its stories, an id only a dependency or a lane
        names is a typo (one once became a startable story that /next proposed). `assemble`
        decides, at the end."""
        self.weak.setdefault(sid, line)
        self.mention(sid, line, where or phrase(N_("a dependency")))

    def mention(self, sid: str, line: int, where: Phrase | str) -> None:
        self.mentions.setdefault(sid, []).append((line, where))

    def edge(self, a: str, b: str, line: int | None = None) -> None:
        """Record that b waits for a; the first line that said so is where a cycle is shown."""
        self.edges.setdefault((a, b), line)

    def listed_once(self, sid: str, line: int, title: str | None) -> None:
        """A Stories list (or table, or story heading) defines `sid`: a second definition is a
        "duplicate-story" finding naming both lines and both titles, since only the first is kept."""
        first = self.listed.get(sid)
        if first is None:
            self.listed[sid] = (line, title)
            return
        self.findings.append(
            Finding.said("warning", "duplicate-story",
                         N_("{sid} is defined twice: line {first_line} ('{first_title}') and line {line} ('{title}'); "
                            "the first is kept"),
                         line, sid=sid, first_line=first[0], first_title=first[1] or sid, line=line, title=title or sid)
        )  # fmt: skip

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

    def take_items(
        self, scan: LineScan, line: int, *, rank: int, text_titles: bool = False, weak: bool = False
    ) -> None:
        """Define the line's ids as stories, with what the line says about each (`weak`: only if the
        plan has no Stories list, see `define_weak`)."""
        if text_titles and scan.items:
            self.story_list = True
        for item in scan.items:
            if weak:
                self.define_weak(item.id, line)
            else:
                self.define(item.id, line)
            self.name_it(item.id, item.title, rank)
            if text_titles and len(scan.items) == 1:
                self.name_it(item.id, item.text_title, rank)
                self.listed_once(item.id, line, item.title or item.text_title)
            if item.estimate is not None:
                self.estimates.setdefault(item.id, item.estimate)
            for before in item.after + scan.deps:
                self.mention(before, line, phrase(N_("a dependency")))
                self.edge(before, item.id, line)
        for first, then in zip(scan.chain, scan.chain[1:], strict=False):
            for a in first:
                for b in then:
                    self.edge(a, b, line)

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
