"""Staffing: the active mode, lanes bound to people, and what each person should do next."""

import pytest

from planner.graph import PlanGraph
from planner.model import Lane, Mode, Plan, Story
from planner.staffing import Staffing
from tests.helpers.plans import status, statuses, tiny_plan


@pytest.fixture
def graph() -> PlanGraph:
    return PlanGraph(tiny_plan())


def test_staffing_next_story_and_owner(graph):
    staffing = Staffing(graph, 2, {"A": "ann", "B": "bob"})
    sts = statuses(**{"1_1": ("done",)})
    assert staffing.owner_of("1.2") == "ann"
    assert staffing.owner_of("9.9") is None and staffing.may_take("bob", "9.9")
    assert not staffing.may_take("ann", "9.9")
    assert staffing.next_for("ann", sts).story_id == "1.2"
    # bob's lane (2.2) is blocked: his floating story comes first, then the best elsewhere
    assert staffing.next_for("bob", sts).story_id == "9.9"
    sts["9.9"] = status("9.9", "in_progress", "zed")
    elsewhere = staffing.next_for("bob", sts)
    assert elsewhere.story_id == "1.2" and elsewhere.kind == "elsewhere" and elsewhere.critical
    assert staffing.next_for("zed", sts).kind == "continue"
    assert staffing.lane_label("1.2") == "Dev A (core)"
    assert staffing.lane_label("9.9") == "floating (Dev B)"


def test_a_review_waiting_for_you_comes_before_your_lane(graph):
    staffing = Staffing(graph, 2, {"A": "ann", "B": "bob"})
    sts = statuses(**{"1_1": ("done",)})
    sts["2.2"] = status("2.2", "review", "cid", reviewer="ann")
    assert staffing.next_for("ann", sts).kind == "review"
    assert staffing.next_for("ann", sts).story_id == "2.2"


def test_nothing_startable_says_so(graph):
    staffing = Staffing(graph, 2, {"A": "ann"})
    sts = statuses(**{"1_1": ("in_progress", "zed")})
    suggestion = staffing.next_for("ann", sts)
    assert (suggestion.story_id, suggestion.kind) == (None, "nothing")


def test_the_mode_is_the_one_asked_for_else_the_recommended_one():
    modes = (
        Mode(2, lanes=(Lane("A", None, ("1.1",)),)),
        Mode(3, recommended=True, lanes=(Lane("A", None, ("1.2",)), Lane("B", None, ("1.1",)))),
    )
    graph = PlanGraph(Plan(title="p", stories=(Story("1.1"), Story("1.2")), modes=modes))
    assert Staffing(graph).mode.devs == 3
    assert Staffing(graph, 2).mode.devs == 2
    assert Staffing(graph, 7).mode.devs == 3  # a mode the plan does not have: the recommended one
    # lanes are bound by letter, so "Dev A" stays the same person in every mode
    assert Staffing(graph, 2, {"A": "ann"}).owner_of("1.1") == "ann"
    assert Staffing(graph, 3, {"A": "ann"}).owner_of("1.1") is None


def test_a_plan_without_modes_has_no_lanes():
    graph = PlanGraph(Plan(title="p", stories=(Story("1.1"),)))
    staffing = Staffing(graph, bindings={"A": "ann"})
    assert staffing.mode is None and staffing.lanes_of("ann") == []
    assert staffing.lane_label("1.1") == "no lane"
    assert not staffing.may_take("ann", "1.1")
