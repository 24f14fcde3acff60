"""Where stories are defined: Stories sections (lists and tables), story headings, "Apres X:" lists
and the continuous section.

Only these places (and a developer's lane) make an id a story; an id merely named elsewhere is
a typo until proven otherwise. Dependencies come from here too: "Apres 1.1:", "(after 1.1)",
"depends on 1.1", a dependency column of a table.
"""

from __future__ import annotations

import re

from planner.marks import N_, phrase
from planner.reader.bookkeeping import ReaderState
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
            return
        sid = first.items[0].id
        self.define(sid, number)
        headers = self.table_headers
        for index, cell in enumerate(cells[1:], start=1):
            header = headers[index] if index < len(headers) else ""
            fcell = fold(cell)
            estimate = EST_ONLY_RE.match(fcell)
            if re.search(r"after|apres|depend|prereq|needs|waits|bloque", header):
                for before in ID_RE.findall(fcell):
                    self.mention(before, number, phrase(N_("a dependency")))
                    self.edge(before, sid)
            elif estimate and (re.search(r"estim|effort|days|jours|charge|points", header) or not header):
                self.estimates.setdefault(sid, parse_number(estimate.group(1)))
            elif re.search(r"titre|title|name|nom|summary|resume|description", header) or (
                not header and words_in(cell)
            ):
                self.name_it(sid, " ".join(cell.split()) or None, 3)

    def item_after(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        if self.expect_ids(number, text, is_bullet, scan, N_("expected the ids of the stories that wait")):
            self.take_items(scan, number, rank=2)
            for item in scan.items:
                for pred in self.block.preds:
                    self.edge(pred, item.id)

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
                self.edge(before, sid)
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
