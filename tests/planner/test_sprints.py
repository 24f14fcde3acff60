"""The active mode's sprints: the current one, its progress, and stories late against their sprint.

The seed gives sprints for its 2-dev plan only ("Rythme: Sprint 1: Epic 1 complet ..."); what each
sprint holds is read here from the reader's plan, and counts are derived from it."""

import pytest

from planner.model import Mode, Plan, Sprint, Story
from planner.sprints import sprint_progress
from tests.helpers.plans import read_seed, status


@pytest.fixture(scope="module")
def seed() -> Plan:
    return read_seed()


def two_dev(plan: Plan) -> Mode:
    mode = plan.mode(2)
    assert mode is not None and mode.sprints  # the seed's 2-dev plan has a rhythm of sprints
    return mode


def done(*ids: str) -> dict:
    return {sid: status(sid, "done") for sid in ids}


def test_nothing_started_the_first_sprint_is_current_and_nothing_is_late(seed):
    mode = two_dev(seed)
    first = mode.sprints[0]
    p = sprint_progress(seed, mode, {})
    assert (p["mode"], p["count"], p["all_done"], p["late"]) == (2, len(mode.sprints), False, [])
    assert p["current"] == {"name": first.name, "index": 1, "done": 0, "total": len(first.stories),
                            "started": False, "in_progress": 0, "review": 0, "open": list(first.stories)}


def test_the_current_sprint_is_the_first_not_all_done(seed):
    mode = two_dev(seed)
    first, second = mode.sprints[0], mode.sprints[1]
    sts = done(*first.stories)
    sts[second.stories[0]] = status(second.stories[0], "review", "ann")
    sts[second.stories[1]] = status(second.stories[1], "in_progress", "bob")
    p = sprint_progress(seed, mode, sts)
    current = p["current"]
    assert (current["name"], current["index"], current["done"], current["total"]) == (
        second.name, 2, 0, len(second.stories))
    assert (current["review"], current["in_progress"], current["open"]) == (1, 1, list(second.stories))
    assert [(s["name"], s["done"], s["started"]) for s in p["sprints"][:2]] == [
        (first.name, len(first.stories), True), (second.name, 0, True)]
    assert p["late"] == []  # nothing of an earlier sprint is left behind


def test_a_story_left_behind_when_a_later_sprint_started_is_late(seed):
    mode = two_dev(seed)
    first, second = mode.sprints[0], mode.sprints[1]
    behind = first.stories[-1]
    sts = done(*first.stories[:-1])
    assert sprint_progress(seed, mode, sts)["late"] == []  # sprint 1 still going: nobody is late
    sts[behind] = status(behind, "in_progress", "bob")
    sts[second.stories[0]] = status(second.stories[0], "in_progress", "ann")  # sprint 2 started
    late = sprint_progress(seed, mode, sts)["late"]
    story = seed.story(behind)
    assert story is not None
    assert late == [{"story": behind, "label": story.label, "sprint": first.name, "index": 1,
                     "state": "in_progress", "assignee": "bob"}]
    sts[behind] = status(behind, "done")
    assert sprint_progress(seed, mode, sts)["late"] == []  # done: no longer late


def test_every_earlier_sprint_counts_against_the_latest_one_started(seed):
    mode = two_dev(seed)
    last = mode.sprints[-1]
    sts = {last.stories[0]: status(last.stories[0], "in_progress", "ann")}
    late = sprint_progress(seed, mode, sts)["late"]
    earlier = [sid for sprint in mode.sprints[:-1] for sid in sprint.stories]
    assert sorted(x["story"] for x in late) == sorted(earlier)
    assert {x["sprint"] for x in late} == {s.name for s in mode.sprints[:-1]}


def test_all_sprints_done(seed):
    mode = two_dev(seed)
    p = sprint_progress(seed, mode, done(*seed.story_ids))
    assert (p["current"], p["all_done"], p["late"]) == (None, True, [])


def test_stories_in_no_sprint_are_listed_apart(seed):
    mode = two_dev(seed)
    in_sprints = {sid for sprint in mode.sprints for sid in sprint.stories}
    outside = [sid for sid in seed.story_ids if sid not in in_sprints]
    assert sprint_progress(seed, mode, {})["outside"] == outside


def test_the_three_dev_plan_has_no_sprints(seed):
    mode = seed.mode(3)
    assert mode is not None and not mode.sprints
    p = sprint_progress(seed, mode, done("1.1"))
    assert p == {"mode": 3, "count": 0, "sprints": [], "current": None, "all_done": False, "late": [],
                 "outside": []}
    assert sprint_progress(seed, None, {})["mode"] is None


def test_a_story_named_by_two_sprints_counts_in_the_first_and_unknown_ids_are_ignored():
    plan = Plan("p", stories=tuple(Story(s) for s in ("1.1", "1.2", "2.1")))
    mode = Mode(2, sprints=(Sprint("S1", ("1.1", "1.2")), Sprint("S2", ("1.2", "2.1", "9.9"))))
    p = sprint_progress(plan, mode, {"2.1": status("2.1", "in_progress", "ann")})
    assert [(s["name"], s["total"]) for s in p["sprints"]] == [("S1", 2), ("S2", 1)]
    assert [x["story"] for x in p["late"]] == ["1.1", "1.2"]
