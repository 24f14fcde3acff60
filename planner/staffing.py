"""Who does what: the active staffing mode, lanes bound to people, and each person's next story.

Lanes are keyed by letter ("A") and bound to people once per plan, so "Dev A" stays the same
person when a lead switches between the 2, 3 and 4 developer plans.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from planner.graph import PlanGraph
from planner.model import Lane, Mode
from planner.state import State, StoryStatus


@dataclass(frozen=True)
class Suggestion:
    """What someone should do next, and the facts of why (worded by the bot).

    kind: "continue" (they hold it), "review" (it waits for their review), "lane" (next in
    `lane`, or floating when `lane` is None), "elsewhere" (their lane is blocked or they have
    none: `has_lane`; `critical` when it is on the critical path; `owner` whose lane it is in),
    "nothing" (nothing is startable)."""

    story_id: str | None
    kind: str
    lane: str | None = None
    owner: str | None = None
    critical: bool = False
    has_lane: bool = False


class Staffing:
    def __init__(
        self, graph: PlanGraph, mode_devs: int | None = None, bindings: Mapping[str, str] | None = None
    ) -> None:
        self.graph = graph
        self.plan = graph.plan
        chosen = self.plan.mode(mode_devs) if mode_devs else None
        self.mode: Mode | None = chosen or self.plan.recommended_mode
        self.bindings = dict(bindings or {})
        self._lane_of: dict[str, Lane] = {}  # first lane wins, as in Mode.lane_of
        for lane in self.mode.lanes if self.mode else ():
            for sid in lane.stories:
                self._lane_of.setdefault(sid, lane)

    def lane_of(self, story_id: str) -> Lane | None:
        return self._lane_of.get(story_id)

    def owner_of(self, story_id: str) -> str | None:
        """The person whose lane holds the story in the active mode (None: unbound or floating)."""
        lane = self.lane_of(story_id)
        return self.bindings.get(lane.key) if lane else None

    def is_floating(self, story_id: str) -> bool:
        return bool(self.mode and story_id in self.mode.floating)

    def lane_label(self, story_id: str) -> str:
        """"Dev A (platform core)", "floating (Dev B/C)" or "no lane"."""
        lane = self.lane_of(story_id)
        if lane:
            return f"Dev {lane.key}" + (f" ({lane.label})" if lane.label else "")
        if self.is_floating(story_id):
            lanes = "/".join(self.mode.floating_lanes) if self.mode else ""
            return f"floating (Dev {lanes})" if lanes else "floating"
        return "no lane"

    def taker_of(self, story_id: str, statuses: Mapping[str, StoryStatus]) -> str | None:
        """Who should take the story when it opens: whoever prepares it, else its lane owner.
        The DM that says a story opened and `/next` both ask this, so they never disagree."""
        status = statuses.get(story_id)
        if status is not None and status.preparer:
            return status.preparer
        return self.owner_of(story_id)

    def lanes_of(self, person: str) -> list[Lane]:
        if not self.mode:
            return []
        return [lane for lane in self.mode.lanes if self.bindings.get(lane.key) == person]

    def may_take(self, person: str, story_id: str) -> bool:
        """True when the story is in the person's lane, or floating and one of their lanes may take it."""
        owner = self.owner_of(story_id)
        if owner:
            return owner == person
        if self.is_floating(story_id) and self.mode and self.mode.floating_lanes:
            return any(lane.key in self.mode.floating_lanes for lane in self.lanes_of(person))
        return False

    def next_for(self, person: str, statuses: Mapping[str, StoryStatus]) -> Suggestion:
        """What `person` should do next: finish what they hold, review what waits for them,
        then their lane in order; when their lane is blocked, the best startable story elsewhere
        (critical path first, unclaimed lanes before other people's)."""
        held = [s for s in self.plan.story_ids if _status(statuses, s).state == State.IN_PROGRESS
                and _status(statuses, s).assignee == person]
        if held:
            return Suggestion(held[0], "continue")
        reviews = [s for s in self.plan.story_ids if _status(statuses, s).state == State.REVIEW
                   and _status(statuses, s).reviewer == person]
        if reviews:
            return Suggestion(reviews[0], "review")
        startable = self.graph.startable(statuses)
        for lane in self.lanes_of(person):
            for sid in lane.stories:
                if sid in startable:
                    return Suggestion(sid, "lane", lane=lane.key)
        floating = [s for s in startable if self.is_floating(s) and self.may_take(person, s)]
        if floating:
            return Suggestion(floating[0], "lane")
        unclaimed = [s for s in startable if self.owner_of(s) is None]
        pool = unclaimed or startable
        if pool:
            return Suggestion(pool[0], "elsewhere", owner=self.owner_of(pool[0]),
                              critical=self.graph.is_critical(pool[0]), has_lane=bool(self.lanes_of(person)))
        return Suggestion(None, "nothing")


def _status(statuses: Mapping[str, StoryStatus], story_id: str) -> StoryStatus:
    return statuses.get(story_id) or StoryStatus(story_id=story_id)
