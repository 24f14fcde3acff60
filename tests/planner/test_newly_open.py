"""`Staffing.newly_open` told which story moved looks only at it, what waits on it and the
finalisation stories (issue 13: on a 2,000-story plan, two passes over the whole plan were most of
a move's cost). Whatever the states and the move, it must name exactly the stories the whole-plan
comparison names, in the same order: checked here on the seed plan (entry gate, finalisation
story, lanes) and on a generated 300-story plan, over thousands of random situations."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from planner.graph import PlanGraph
from planner.reader import read_plan
from planner.staffing import Staffing
from planner.state import State, StoryStatus
from tests.helpers.plans import read_seed

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from gen_plan import generate_plan  # noqa: E402

STATES = [State.TODO, State.IN_PROGRESS, State.REVIEW, State.DONE]


def situations(staffing: Staffing, seed: int, count: int):
    """(before, after, moved): random states, then one story moved to another state."""
    rng = random.Random(seed)
    ids = staffing.plan.story_ids
    for _ in range(count):
        done_share = rng.random()  # from nothing done to nearly everything done
        before = {}
        for sid in ids:
            state = State.DONE if rng.random() < done_share else rng.choice(STATES)
            if state != State.TODO or rng.random() < 0.5:  # a story never moved has no status
                before[sid] = StoryStatus(sid, state, preparer="bob" if rng.random() < 0.05 else None)
        moved = rng.choice(ids)
        new_state = rng.choice([s for s in STATES if s != (before.get(moved) or StoryStatus(moved)).state])
        yield before, {**before, moved: StoryStatus(moved, new_state)}, moved


@pytest.mark.parametrize("which", ["seed", "generated"])
def test_told_the_moved_story_it_names_what_the_whole_plan_comparison_names(which):
    plan = read_seed() if which == "seed" else read_plan(generate_plan(300, seed=3))
    staffing = Staffing(PlanGraph(plan), None, {})
    opened_somewhere = 0
    for before, after, moved in situations(staffing, seed=7, count=3000 if which == "seed" else 600):
        whole = staffing.newly_open(before, after)
        assert staffing.newly_open(before, after, moved) == whole, (moved, after[moved].state)
        opened_somewhere += bool(whole)
    assert opened_somewhere > 50  # the situations do open stories: the comparison is not vacuous


def test_the_seeds_finalisation_story_opens_when_the_last_other_story_leaves_to_do():
    plan = read_seed()
    staffing = Staffing(PlanGraph(plan), None, {})
    (last,) = plan.finalisation
    others = [s for s in plan.story_ids if s != last]
    before = {s: StoryStatus(s, State.DONE) for s in others[:-1]}  # all done but one, still to do
    after = {**before, others[-1]: StoryStatus(others[-1], State.IN_PROGRESS)}
    assert last in staffing.newly_open(before, after, others[-1]) == staffing.newly_open(before, after)
