"""Where stories are defined: Stories sections (lists and tables), story headings, "Apres X:" lists
and the continuous section.

Only these places (and a developer's lane) make an id a story; an id merely named elsewhere is
a typo until proven otherwise, and so is an id only an "Apres X:" list or a lane names in a plan
that lists its stories (see bookkeeping.define_weak). Dependencies come from here too:
"Apres 1.1:", "(after 1.1)", "depends on 1.1", a dependency column of a table, whose lane column
fills the lanes of a mode that gives none ("Staffing: 3 developers. Lane A: API") and whose other
columns, when the reader does not know them, are said on the header line.
"""

from __future__ import annotations

import re

from planner.marks import N_, phrase
from planner.reader.bookkeeping import ReaderState
from planner.reader.labels import NONE_CELLS, TABLE_COLUMNS
from planner.reader.scan import LineScan, scan_line
from planner.reader.text import fold, parse_number, split_colon, words_in
from planner.reader.tokens import EST_ONLY_RE, FINAL_LINE_RE, ID_RE


class StoryBlocks(ReaderState):
    """Items of the stories, after, story and continuous blocks."""

    def item_stories(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        if text.lstrip().startswith("|"):
            self.table_row(number, text)
            return
        if self.expect_ids(number, text, is_bullet, scan, N_("expected a story id such as '1.1 Title'")):
            self.take_items(scan, number, rank=3, text_titles=True)

    def table_row(self, number: int, text: str) -> None:
        """A row of a Markdown table in a Stories section: | 1.1 | Title | 3d | 1.0 |"""
        cells = [c.strip() for c in text.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            return
        first = scan_line(cells[0])
        if not (first.items and first.leading):
            self.table_headers = [fold(c) for c in cells]
            ignored = [c for c, h in zip(cells[1:], self.table_headers[1:], strict=False)
                       if h and _column(h) is None]  # fmt: skip
            if ignored:
                self.unreadable(number, text, phrase(N_("the column {columns} is not read (story, title, after, "
                                                        "estimate, lane)"), columns=", ".join(ignored)))
            return
        sid = first.items[0].id
        self.define(sid, number)
        self.story_list = True
        headers = self.table_headers
        title: str | None = None
        for index, cell in enumerate(cells[1:], start=1):
            header = headers[index] if index < len(headers) else ""
            column = _column(header) if header else None
            fcell = fold(cell)
            estimate = EST_ONLY_RE.match(fcell)
            if column == "after":
                for before in ID_RE.findall(fcell):
                    self.mention(before, number, phrase(N_("a dependency")))
                    self.edge(before, sid, number)
            elif column == "lane":
                key = fcell.strip()
                if re.fullmatch(r"(?:(?:dev|lane|couloir)\s+)?[a-z0-9]{1,2}", key):
                    self.table_lanes.setdefault(key.split()[-1].upper(), []).append((sid, number))
                elif key and key not in NONE_CELLS:
                    self.unreadable(number, text, N_("expected a lane such as 'A' in the lane column"))
            elif estimate and (column == "estimate" or not header):
                self.estimates.setdefault(sid, parse_number(estimate.group(1)))
            elif column == "title" or (not header and words_in(cell)):
                title = title or " ".join(cell.split()) or None
                self.name_it(sid, title, 3)
        self.listed_once(sid, number, title)

    def item_after(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        if self.expect_ids(number, text, is_bullet, scan, N_("expected the ids of the stories that wait")):
            self.take_items(scan, number, rank=2, weak=True)
            for item in scan.items:
                for pred in self.block.preds:
                    self.edge(pred, item.id, number)

    def item_story(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        sid = self.block.story
        assert sid is not None  # a story block always names its story
        head, rest = split_colon(text)
        fhead = fold(head).strip()
        if rest is not None and re.fullmatch(r"(?:estimate|estimation|effort|charge)", fhead):
            value = EST_ONLY_RE.match(fold(rest))
            if value:
                self.estimates.setdefault(sid, parse_number(value.group(1)))
            else:
                self.unreadable(number, text, N_("expected a number of days"))
        elif re.fullmatch(
            r"(?:after|apres|depends on|depend de|dependencies|dependances|prerequisites|prerequis|needs|requires"
            r"|blocked by)",
            fhead,
        ):
            ids = ID_RE.findall(fold(rest or ""))
            if not ids:
                self.unreadable(number, text, N_("expected the ids this story waits for"))
            for before in ids:
                self.mention(before, number, phrase(N_("a dependency")))
                self.edge(before, sid, number)
        elif rest is not None and fhead in ("title", "titre"):
            self.name_it(sid, " ".join(rest.split()) or None, 3)
        # anything else is the story's description

    def item_continuous(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        if not self.expect_ids(number, text, is_bullet, scan, N_("expected the ids of continuous stories")):
            return
        self.take_items(scan, number, rank=2)
        final_line = bool(FINAL_LINE_RE.search(fold(text)))
        for item in scan.items:
            if item.id not in self.continuous:
                self.continuous.append(item.id)
            if (final_line or item.final) and item.id not in self.finalisation:
                self.finalisation.append(item.id)


def _column(header: str) -> str | None:
    """What a table column holds, from its (folded) header: after, lane, estimate, title, notes."""
    return next((kind for kind, regex in TABLE_COLUMNS if regex.search(header)), None)
