"""The declared critical path: a chain "1.1 -> 1.3 -> 2.1" that may wrap over several lines.

Its links are finish-to-start edges (unlike a lane's arrows, which are one developer's order of
work). A second, separate chain is reported and ignored rather than merged into the first.
"""

from __future__ import annotations

import re

from planner.marks import N_, phrase
from planner.model import Finding
from planner.reader.bookkeeping import ReaderState
from planner.reader.scan import LineScan
from planner.reader.tokens import ARROW_RE, ID_RE


class CriticalPathBlocks(ReaderState):
    """Items of the critical block."""

    def item_critical(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        if not scan.all_ids:
            if is_bullet:
                self.unreadable(number, text, N_("expected a chain such as '1.1 -> 1.3 -> 2.1'"))
            return
        continues = self.critical_open or bool(ARROW_RE.match(scan.masked.lstrip()))
        if self.critical and not continues:
            self.findings.append(
                Finding.said("warning", "critical-path-twice",
                             N_("a second critical path is ignored; the one at line {line} is kept"), number,
                             line=self.critical_line)
            )  # fmt: skip
            return
        chain = _chain(scan)
        if self.critical and chain:
            chain = [[self.critical[-1]], *chain]
        for first, then in zip(chain, chain[1:], strict=False):
            for a in first:
                for b in then:
                    self.edge(a, b, number)
        known = set(self.critical)  # a list lookup per id made a 10,000-story path quadratic
        for sid in scan.all_ids:
            self.mention(sid, number, phrase(N_("the critical path")))
            if sid not in known:
                known.add(sid)
                self.critical.append(sid)
        self.note_items(scan, number, phrase(N_("the critical path")))
        self.critical_line = self.critical_line or number
        self.critical_open = bool(re.search(r"(?:-{1,2}>|=>|[→⟶➜➔➝])\s*$", scan.masked))


def _chain(scan: LineScan) -> list[list[str]]:
    """The critical path as steps: arrows separate steps; a plain list is one step per id."""
    if scan.arrows:
        steps: list[list[str]] = []
        previous_end: int | None = None
        for match in ID_RE.finditer(scan.masked):
            if previous_end is None or ARROW_RE.search(scan.masked[previous_end : match.start()]):
                steps.append([])
            steps[-1].append(match.group())
            previous_end = match.end()
        return steps
    return [[sid] for sid in scan.all_ids]
