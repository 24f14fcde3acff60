"""Staffing modes ("Plan 3 dev (recommande)"): lanes, sprints and floating stories.

A lane lists one developer's order of work: it defines its ids as stories but adds no edge.
Sprints may name whole epics ("Sprint 1: Epic 1 complet"); those are resolved to stories only
when the plan is assembled, once every story is known.
"""

from __future__ import annotations

import re

from planner.marks import N_, phrase
from planner.reader.bookkeeping import ReaderState
from planner.reader.drafts import LaneDraft, ModeDraft, SprintDraft
from planner.reader.labels import LANE_DECL_RE
from planner.reader.scan import LineScan
from planner.reader.text import blank_out, fold, top_groups
from planner.reader.tokens import ID_RE

LANE_KEYS_RE = re.compile(
    r"\b(?:devs?|developers?|developpeurs?|lanes?)\s+([a-z0-9]{1,2}\b(?:(?:\s*[/,&+]\s*|\s+(?:ou|or|et|and)\s+)"
    r"(?:devs?\s+)?[a-z0-9]{1,2}\b)*)"
)
EPIC_RE = re.compile(r"\bepics?\s+(\d{1,9}(?![.\d])(?:(?:\s*[,&]\s*|\s+(?:et|and)\s+)\d{1,9}(?![.\d]))*)")


class StaffingBlocks(ReaderState):
    """Items of the mode, lane, sprints and floating blocks."""

    def item_mode(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        mode = self.mode
        declared = list(LANE_DECL_RE.finditer(fold(text))) if mode is not None and not scan.all_ids else []
        for match in declared:  # "Lane A: API, lane B: data": lanes whose stories a table gives
            assert mode is not None
            key = match.group(1).upper()
            if not any(lane.key == key for lane in mode.lanes):
                label = " ".join(text[match.start(2) : match.end(2)].split()) or None
                mode.lanes.append(LaneDraft(key, label, number))
        if scan.all_ids:
            self.unreadable(number, text, N_("not a lane ('Dev A:'), a sprint or floating stories"))

    def item_lane(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        lane = self.block.lane
        if not scan.all_ids and not is_bullet and lane is not None and lane.label is None and not lane.stories:
            # "Lane A: API, lane B: data": what each lane is for, its stories given by a table.
            head = re.split(r"[,;.]", text, maxsplit=1)[0].strip()
            if head and lane.line == number:
                lane.label = " ".join(head.split())
                self.item_mode(number, text, is_bullet, scan)
                return
        if not self.expect_ids(
            number, text, is_bullet, scan, N_("expected the lane's stories, e.g. '1.1 -> 1.3'")
        ):
            return
        lane = self.block.lane
        assert lane is not None  # a lane block always has its lane
        mode = self.mode
        where = phrase(N_("lane {lane} of {mode}"), lane=lane.key,
                       mode=phrase(N_("the {devs}-dev plan"), devs=mode.devs if mode else 0))  # fmt: skip
        for sid in scan.all_ids:
            self.define_weak(sid, number, where)
            lane.lines.setdefault(sid, number)
        for item in scan.items:  # titles and estimates written in a lane still count
            self.name_it(item.id, item.title, 2)
            if item.estimate is not None:
                self.estimates.setdefault(item.id, item.estimate)
        lane.stories += scan.all_ids

    def item_sprints(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        sprint = self.block.sprint
        if sprint is None or not (scan.all_ids or EPIC_RE.search(fold(text))):
            if is_bullet or scan.all_ids:
                self.unreadable(number, text, N_("expected 'Sprint N: Epic 1 + 3.1'"))
            return
        self.sprint_refs(sprint, text, number)

    def sprint_refs(self, sprint: SprintDraft, text: str, number: int) -> None:
        folded = fold(text)
        refs: list[tuple[int, str, str]] = []
        epics = list(EPIC_RE.finditer(folded))
        for match in epics:
            for epic in re.findall(r"\d+", match.group(1)):
                refs.append((match.start(), "epic", str(int(epic))))
        masked = blank_out(blank_out(folded, top_groups(text)), [m.span() for m in epics])
        for match in ID_RE.finditer(masked):
            refs.append((match.start(), "id", match.group()))
            self.mention(match.group(), number, sprint.name)
        sprint.refs += [(kind, value) for _, kind, value in sorted(refs)]

    def item_floating(self, number: int, text: str, is_bullet: bool, scan: LineScan) -> None:
        mode = self.mode
        if mode is None:
            return
        found = self.floating_lanes(mode, scan.masked, text)
        for sid in scan.all_ids:
            plan = phrase(N_("the {devs}-dev plan"), devs=mode.devs)
            self.mention(sid, number, phrase(N_("the floating stories of {mode}"), mode=plan))
            if sid not in mode.floating:
                mode.floating.append(sid)
        if not scan.all_ids and not found and (is_bullet or scan.residue):
            self.unreadable(number, text, N_("expected floating story ids and who takes them ('par Dev B/C')"))

    def floating_lanes(self, mode: ModeDraft, folded: str, text: str) -> bool:
        """Who takes the floating stories: "par Dev B/C", "by Dev B or Dev C"."""
        found = False
        for match in LANE_KEYS_RE.finditer(folded):
            for key in re.findall(
                r"[a-z0-9]{1,2}\b", re.sub(r"\b(?:devs?|ou|or|et|and)\b", " ", match.group(1))
            ):
                if key.upper() not in mode.floating_lanes:
                    mode.floating_lanes.append(key.upper())
                    found = True
        return found
