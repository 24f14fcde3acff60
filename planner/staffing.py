"""Who does what: the active staffing mode, lanes bound to people, and each person's next story.

Lanes are keyed by letter ("A") and bound to people once per plan, so "Dev A" stays the same
person when a lead switches between the 2, 3 and 4 developer plans.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from planner.graph import PlanGraph
from planner.model import Lane, Mode
from planner.state import State, StoryStatus, status_of


@dataclass(frozen=True)
class Suggestion:
    """What someone should do next, and the facts of why (worded by the bot).

    kind, in the order `Staffing.next_for` tries them (`NEXT_ORDER`):
      "review"     a review waits on them (`gate`, `critical`: gates and the critical path first);
      "continue"   they hold it, in progress;
      "prepared"   they prepared it and it just became startable;
      "lane"       the next startable story of their lane (`lane`), or a floating one their lane
                   may take (`lane` None);
      "preparing"  they prepare it and it still waits (`waits_for`);
      "prepare"    their lane's next blocked story nobody prepares, and what it waits for;
      "elsewhere"  their lanes have nothing to start or prepare (`lane_finished` when every story
                   of them is done; `has_lane` False: no lane in this mode): the best startable
                   story free to take elsewhere, `critical` first, `owner` whose lane it is in;
      "nothing"    nothing is free for them (with `has_lane`, `lane_finished`).
    `later`: finalisation stories of their lanes (or that they prepare) held back until the others
    are nearly done."""

    story_id: str | None
    kind: str
    lane: str | None = None
    owner: str | None = None
    critical: bool = False
    has_lane: bool = False
    gate: str | None = None
    waits_for: tuple[str, ...] = ()
    lane_finished: bool = False
    later: tuple[str, ...] = ()


NEXT_ORDER = ("review", "continue", "prepared", "lane", "preparing", "prepare", "elsewhere", "nothing")


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

    def finalisation_due(self, story_id: str, statuses: Mapping[str, StoryStatus]) -> bool:
        """Whether a story may be proposed as far as finalisation goes. A finalisation story (the
        seed's 5.4, "finalisation en fin de lot") is proposed only once the others are nearly done:
        none of them is still to do (each is in progress, in review or done), so it is the last
        story anyone starts. Any other story is always due."""
        if story_id not in self.plan.finalisation:
            return True
        return all(_status(statuses, s).state != State.TODO for s in self.plan.story_ids
                   if s != story_id and s not in self.plan.finalisation)

    def newly_open(self, before: Mapping[str, StoryStatus], after: Mapping[str, StoryStatus],
                   moved: str | None = None) -> list[str]:
        """Stories that a move made takeable: startable and due in `after`, not in `before` — who to
        tell. A finalisation story opens when the last other story leaves to-do, as /next sees it.

        `moved`: the one story whose status differs between `before` and `after`. Only it, the
        stories waiting on it (every story, for the entry gate) and the finalisation stories can
        then change, so only those are looked at (tests/planner/test_newly_open.py checks both ways
        agree), instead of the whole plan twice per move."""
        if moved is not None and moved != self.plan.entry_gate and self.plan.has(moved):
            def takeable_now(sid: str, statuses: Mapping[str, StoryStatus]) -> bool:
                return self.graph.is_startable(sid, statuses) and self.finalisation_due(sid, statuses)

            candidates = {moved, *self.graph.successors(moved), *self.plan.finalisation}
            opened = [s for s in candidates if takeable_now(s, after) and not takeable_now(s, before)]
            return sorted(opened, key=self.graph.priority_key)

        def takeable(statuses: Mapping[str, StoryStatus]) -> list[str]:
            return [s for s in self.graph.startable(statuses) if self.finalisation_due(s, statuses)]

        was = set(takeable(before))
        return [s for s in takeable(after) if s not in was]

    def next_for(self, person: str, statuses: Mapping[str, StoryStatus],
                 startable: Sequence[str] | None = None) -> Suggestion:
        """What `person` should do next, in this order (`NEXT_ORDER`):

        1. a review waiting on them (gates and the critical path first; a finalisation story only
           once every other story is done, since it can't be approved before);
        2. the story they hold, in progress;
        3. a story they prepared that became startable;
        4. their lane's next startable story (lane order), then a floating story their lane may take;
        5. the story they prepare, still blocked; else their lane's next blocked story nobody prepares;
        6. only then, the best startable story elsewhere: critical path first, unclaimed lanes
           before other people's.

        Lanes mean something: a story someone prepares is never proposed to anyone else, and a story
        of another person's lane only once they have moved on: they started other work after it
        opened (`_free_for`). So the DM that tells its taker a story opened (`taker_of`) and `/next`
        never send two people to the same story. A finalisation story waits for `finalisation_due`.

        `startable`: `graph.startable(statuses)` when the caller already has it (the same for every
        person's Home of one plan version)."""
        graph, key, ids = self.graph, self.graph.priority_rank, self.plan.story_ids

        def st(sid: str) -> StoryStatus:
            return _status(statuses, sid)

        def suggest(sid: str, kind: str, lane: Lane | None = None, waits: Sequence[str] = ()) -> Suggestion:
            gate = self.plan.gate_of(sid)
            lane = lane or self.lane_of(sid)
            return Suggestion(sid, kind, lane=lane.key if lane else None, critical=graph.is_critical(sid),
                              gate=gate.kind if gate else None, waits_for=tuple(waits))

        def due_review(s: str) -> bool:
            return st(s).state == State.REVIEW and (s not in self.plan.finalisation
                                                    or not graph.unfinished_others(s, statuses))

        def first_review(sids: list[str]) -> str:
            return min(sids, key=lambda s: (not (self.plan.gate_of(s) or graph.is_critical(s)), key(s)))

        # A story in review, in progress or prepared has a status: only those are looked through.
        moved = [s for s in ids if s in statuses]
        reviews = [s for s in moved if due_review(s) and st(s).reviewer == person]
        # A review nobody was named for waits on anyone who did not work on it: first thing for
        # someone without a lane (a lead), else once their own lane has nothing to start or prepare.
        open_reviews = [s for s in moved if due_review(s) and not st(s).reviewer
                        and person not in (*st(s).authors, st(s).assignee)]
        if not self.lanes_of(person):
            reviews += open_reviews
        if reviews:
            return suggest(first_review(reviews), "review")
        held = [s for s in moved if st(s).state == State.IN_PROGRESS and st(s).assignee == person]
        if held:
            sid = min(held, key=key)
            return suggest(sid, "continue")
        if startable is None:
            startable = graph.startable(statuses)  # critical path, gates, what unblocks most, first
        prepared = [s for s in startable if st(s).preparer == person and self.finalisation_due(s, statuses)]
        if prepared:
            return suggest(prepared[0], "prepared")
        free = [s for s in startable if not st(s).preparer and self.finalisation_due(s, statuses)]
        free_ids = set(free)
        lanes = self.lanes_of(person)
        for lane in lanes:
            for sid in lane.stories:
                if sid in free_ids:
                    return suggest(sid, "lane", lane)
        floating = [s for s in free if self.is_floating(s) and self.may_take(person, s)]
        if floating:
            return replace(suggest(floating[0], "lane"), lane=None)
        preparing = [s for s in moved if st(s).state == State.TODO and st(s).preparer == person
                     and graph.open_prerequisites(s, statuses)]
        if preparing:
            sid = min(preparing, key=key)
            return suggest(sid, "preparing", waits=graph.open_prerequisites(sid, statuses))
        for lane in lanes:
            for sid in lane.stories:
                if st(sid).state != State.TODO or st(sid).preparer or not self.finalisation_due(sid, statuses):
                    continue
                waits = graph.open_prerequisites(sid, statuses)
                if waits:  # the first blocked story of their lane nobody prepares
                    return suggest(sid, "prepare", lane, waits)
        mine = {s for lane in lanes for s in lane.stories}
        finished = bool(mine) and all(st(s).state == State.DONE for s in mine)
        later = tuple(s for s in self.plan.finalisation if (s in mine or st(s).preparer == person)
                      and st(s).state == State.TODO and not self.finalisation_due(s, statuses))
        if open_reviews:
            return replace(suggest(first_review(open_reviews), "review"), lane_finished=finished)
        busy = _busy_since(statuses)
        pool = [s for s in free if self._free_for(person, s, statuses, busy)]
        if pool:
            sid = min(pool, key=lambda s: (not graph.is_critical(s), self.owner_of(s) is not None, key(s)))
            return replace(suggest(sid, "elsewhere"), owner=self.owner_of(sid), has_lane=bool(lanes),
                           lane_finished=finished, later=later)
        return Suggestion(None, "nothing", has_lane=bool(lanes), lane_finished=finished, later=later)

    def _free_for(self, person: str, story_id: str, statuses: Mapping[str, StoryStatus],
                  busy: Mapping[str, datetime | None]) -> bool:
        """Whether `person` may be sent to a startable story: nobody is going to take it (an unbound
        lane, a floating story, no lane), or it is theirs, or its taker (`taker_of`) has moved on:
        they went on with other work after it opened (they hold a story started, or handed back,
        since). Until then it stays its taker's. `busy`: `_busy_since(statuses)`."""
        taker = self.taker_of(story_id, statuses)
        if taker is None or taker == person:
            return True
        if taker not in busy:
            return False
        opened, since = self._opened_at(story_id, statuses), busy[taker]
        return opened is None or (since is not None and since > opened)

    def _opened_at(self, story_id: str, statuses: Mapping[str, StoryStatus]) -> datetime | None:
        """When the story became startable, as far as the states tell: its last prerequisite done, or
        its own return to to do (a release). None when no time is known (open from the start). A
        finalisation story opens with the last move of any other story (it is due once none is to do),
        so it stays with its taker: nobody "moves on" past the story they are on."""
        waited = (self.graph.prerequisites(story_id) if story_id not in self.plan.finalisation
                  else [s for s in self.plan.story_ids if s != story_id])
        times = [t for t in (_status(statuses, p).since for p in waited) if t]
        own = _status(statuses, story_id).since
        return max([*times, own] if own else times, default=None)


def _busy_since(statuses: Mapping[str, StoryStatus]) -> dict[str, datetime | None]:
    """Everyone who holds a story in progress, with when the latest of those entered progress
    (None when no time is known)."""
    out: dict[str, datetime | None] = {}
    for s in statuses.values():
        if s.state == State.IN_PROGRESS and s.assignee:
            known = [t for t in (out.get(s.assignee), s.since) if t is not None]
            out[s.assignee] = max(known, default=None)
    return out


def _status(statuses: Mapping[str, StoryStatus], story_id: str) -> StoryStatus:
    return status_of(statuses, story_id)
