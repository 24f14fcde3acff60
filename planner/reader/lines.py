"""The one pass over the lines: headings open sections, label lines open blocks, the rest are items.

A line is cleaned (tabs, control characters, quotes), then it is a heading ("## 3) Plan 2 dev",
or "3) Plan 2 dev" when that is a section and not the third item of a list), a label
("Apres 1.1:", "Dev A (core):") or an item of the current block, handed to that block's
`item_<kind>` method. A reader bug costs one line (an "unreadable" finding), never the plan.
"""

from __future__ import annotations

import re

from planner.marks import N_
from planner.model import Finding
from planner.reader.checkpoints import CheckpointBlocks
from planner.reader.critical_path import CriticalPathBlocks
from planner.reader.drafts import SKIP, Block, CheckpointDraft, LaneDraft, ModeDraft, SprintDraft
from planner.reader.gates import GateBlocks
from planner.reader.labels import LANE_RE, SECTION_OF, UNKNOWN_LABEL_RE, Label, classify
from planner.reader.scan import LineScan, scan_line
from planner.reader.staffing import StaffingBlocks
from planner.reader.stories import StoryBlocks
from planner.reader.text import fold, split_colon
from planner.reader.tokens import ID_RE

HASH_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
NUM_HEADING_RE = re.compile(r"^\s{0,3}(\d{1,2})\)\s+(\S.*)$")
BULLET_RE = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?")
FENCE_RE = re.compile(r"^\s*(?:```|~~~|(?:-\s*){3,}$|(?:\*\s*){3,}$|(?:_\s*){3,}$|<!--.*-->\s*$)")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
QUOTE_RE = re.compile(r"^\s*(?:>\s*)+")  # "> " quote marks, compiled once: every line goes through it


class Reader(StoryBlocks, GateBlocks, CriticalPathBlocks, StaffingBlocks, CheckpointBlocks):
    """Reads a whole text; the result is left in the state's fields for `assemble`."""

    def read(self, text: str) -> None:
        for number, raw in enumerate(text.split("\n"), start=1):
            line = CONTROL_RE.sub(" ", raw.replace("\t", "    ")).rstrip()
            if not line.strip() or FENCE_RE.match(line):
                continue
            line = QUOTE_RE.sub("", line)
            try:
                self.read_line(number, line)
            except Exception as err:  # noqa: BLE001 -- a reader bug must cost one line, not the whole plan
                self.findings.append(
                    Finding.said(
                        "warning",
                        "unreadable",
                        N_("cannot read this line (reader error: {error})"),
                        number,
                        error=type(err).__name__,
                    )
                )

    def read_line(self, number: int, line: str) -> None:
        heading = HASH_HEADING_RE.match(line)
        if heading:
            text = heading.group(2).replace("*", "").replace("`", "").strip()
            if self.title is None and text:
                self.title = text
            numbered = re.match(r"^(\d{1,2})[.)]\s+", text)
            if numbered:
                self.section_number = int(numbered.group(1))
            self.open_heading(number, text[numbered.end() :] if numbered else text, len(heading.group(1)))
            self.list_number = 0
            return
        numbered = NUM_HEADING_RE.match(line)
        if numbered and self.numbered_heading(int(numbered.group(1)), numbered.group(2)):
            self.section_number = int(numbered.group(1))
            self.open_heading(number, numbered.group(2).replace("*", "").strip(), 2)
            self.list_number = 0
            return
        if numbered:
            self.list_number = int(numbered.group(1))
        bullet = BULLET_RE.match(line)
        is_bullet = bool(bullet)
        content = line[bullet.end() :] if bullet else line.strip()
        if self.block.kind == "rules" and is_bullet:
            self.rules.append(" ".join(content.split()))
            return
        text = content.replace("`", " ").replace("*", "").strip()
        if not text:
            return
        label = classify(text, in_mode=self.section in ("mode", "staffing"), heading=False)
        if label and (not is_bullet or label.kind in ("after", "lane", "sprint", "checkpoint", "floating")):
            if self.section == "staffing" and label.kind in ("lane", "sprint", "sprints", "floating"):
                self.item_staffing(number, text, is_bullet, scan_line(text))  # a lane before any mode
                return
            self.open_label(number, label)
            return
        if (
            not is_bullet
            and self.block.kind not in ("rules", "story", "checkpoint")
            and UNKNOWN_LABEL_RE.match(text)
            and not ID_RE.search(fold(split_colon(text)[0]))
        ):
            self.block = SKIP  # "Gain attendu:", "Notes:": a sub-section we do not read
            return
        self.read_item(number, text, is_bullet)

    def numbered_heading(self, n: int, text: str) -> bool:
        """Is "3) Plan 2 dev" a section heading, or the third item of a ")"-numbered list?

        A heading carries a section number higher than the last one and no story id; a list
        item restarts low, continues the list it is in (2 after 1), or ends like a sentence.
        """
        if (
            ID_RE.search(fold(text))
            or n <= self.section_number
            or (self.list_number and n == self.list_number + 1)
        ):
            return False
        label = classify(text, in_mode=False, heading=True)
        return label is not None or not text.rstrip().endswith((".", ";", "!", "?", ","))

    def open_heading(self, number: int, text: str, level: int) -> None:
        in_mode = self.section == "mode" and level > self.level
        label = classify(text, in_mode=in_mode, heading=True)
        nested = self.section != "unknown" and level > self.level
        if label is None:
            if nested:
                self.block = SKIP
            else:
                self.section, self.level, self.block = "unknown", level, SKIP
            return
        if label.kind == "mode" or not nested:
            self.section, self.level = (
                ("mode" if label.kind == "mode" else SECTION_OF.get(label.kind, "unknown")),
                level,
            )
        self.open_label(number, label)

    def open_label(self, number: int, label: Label) -> None:
        kind, data, inline = label.kind, label.data, label.inline
        mode = self.mode
        if kind == "mode":
            self.modes.append(ModeDraft(data["devs"], data["recommended"], data["name"], number))
            if self.section != "mode":
                self.section = "mode"
            self.block = Block("mode")
        elif kind == "after":
            for pred in data["preds"]:
                self.define_weak(pred, number)
            self.block = Block("after", preds=tuple(data["preds"]))
        elif kind == "story":
            scan = scan_line(inline or "")
            self.take_items(scan, number, rank=3, text_titles=True)
            self.block = Block("story", story=scan.items[0].id) if scan.items else SKIP
            return
        elif kind == "lane" and mode is not None:
            lane = next((lane for lane in mode.lanes if lane.key == data["key"]), None)
            if lane is None:
                lane = LaneDraft(data["key"], data["label"], number)
                mode.lanes.append(lane)
            self.block = Block("lane", lane=lane)
        elif kind == "sprint" and mode is not None:
            sprint = SprintDraft(data["name"], number)
            mode.sprints.append(sprint)
            self.block = Block("sprints", sprint=sprint)
            self.sprint_refs(sprint, inline or "", number)
            return
        elif kind == "sprints" and mode is not None:
            self.block = Block("sprints")
        elif kind == "floating" and mode is not None:
            self.block = Block("floating")
            self.floating_lanes(mode, fold(data["head"]), data["head"])
        elif kind == "checkpoint":
            checkpoint = CheckpointDraft(data["name"], number)
            self.checkpoints.append(checkpoint)
            self.block = Block("checkpoint", checkpoint=checkpoint)
        elif kind in ("critical", "gates", "continuous", "checkpoints", "rules", "stories", "staffing"):
            self.block = Block(kind)
            self.table_headers = []
            if kind == "critical":
                self.critical_open = False
        else:
            self.block = SKIP
        if inline and inline.strip():
            self.read_item(number, inline.strip(), False)

    def read_item(self, number: int, text: str, is_bullet: bool) -> None:
        kind = self.block.kind
        if kind == "skip":
            return
        getattr(self, f"item_{kind}")(number, text, is_bullet, scan_line(text))

    def item_staffing(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        """A "## Staffing" section before any mode: stories or lanes there have no mode to go to."""
        if scan.all_ids or LANE_RE.match(fold(text)):
            self.unreadable(number, text, N_("expected a staffing mode first, e.g. '2 developers' or 'Plan 3 dev'"))

    def item_rules(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        pass  # rules are the bullets (handled before labels); prose around them is commentary
