"""The dependency graph: prerequisites (entry gate included), readiness, what a story unblocks,
the longest path and the critical path."""

import pytest

from planner.graph import PlanGraph
from planner.model import Gate, Plan, Story
from tests.helpers.plans import status, statuses, tiny_plan


@pytest.fixture
def graph() -> PlanGraph:
    return PlanGraph(tiny_plan())


def test_entry_gate_holds_back_every_story_even_without_edges(graph):
    assert graph.startable({}) == ["1.1"]
    assert graph.open_prerequisites("9.9", {}) == ["1.1"]
    after = statuses(**{"1_1": ("done", "ann")})
    assert graph.startable(after) == ["1.2", "9.9"]


def test_startable_order_critical_path_first_then_unblocks(graph):
    sts = statuses(**{"1_1": ("done",)})
    assert graph.startable(sts) == ["1.2", "9.9"]  # 1.2 is on the critical path
    assert graph.unblocks_all("1.2") == ["2.1", "2.2"]
    assert graph.unblocks("1.1") == ["1.2", "2.1", "2.2", "9.9"]


def test_newly_startable_after_a_done(graph):
    before = statuses(**{"1_1": ("done",), "1_2": ("review", "ann")})
    after = {**before, "1.2": status("1.2", "done")}
    assert graph.newly_startable(before, after) == ["2.1"]


def test_prerequisites_are_the_edges_plus_the_entry_gate(graph):
    assert graph.prerequisites("2.1") == ["1.1", "1.2"]
    assert graph.prerequisites("1.1") == []  # the entry gate does not wait for itself
    sts = statuses(**{"1_1": ("done",), "1_2": ("review", "ann")})
    assert graph.open_prerequisites("2.1", sts) == ["1.2"]
    assert not graph.is_startable("2.1", sts)
    assert not graph.is_startable("1.2", sts)  # in review: not todo, so not startable


def test_the_entry_gate_unblocks_every_other_story(graph):
    others = ["1.2", "2.1", "2.2", "9.9"]
    assert graph.unblocks("1.1") == graph.unblocks_all("1.1") == others
    assert graph.unblocks("1.2") == ["2.1"]


def test_unfinished_others_for_the_finalisation_story(graph):
    sts = statuses(**{"1_1": ("done",), "1_2": ("done",)})
    assert graph.unfinished_others("9.9", sts) == ["2.1", "2.2"]


def test_declared_critical_path_wins_over_the_computed_one(graph):
    assert graph.critical_path() == ["1.1", "1.2", "2.1", "2.2"]
    assert graph.is_critical("2.2") and not graph.is_critical("9.9")


def story_plan(*edges: tuple[str, str], estimates: dict[str, float] | None = None, **kw) -> Plan:
    ids = sorted({s for edge in edges for s in edge})
    estimates = estimates or {}
    return Plan(title="p", stories=tuple(Story(s, estimate=estimates.get(s)) for s in ids), edges=edges, **kw)


def test_longest_path_weighs_estimates_and_leaves_finalisation_out():
    edges = (("1.1", "1.2"), ("1.2", "1.3"), ("1.1", "2.1"), ("1.3", "9.9"))
    assert PlanGraph(story_plan(*edges)).longest_path() == ["1.1", "1.2", "1.3", "9.9"]
    assert PlanGraph(story_plan(*edges, finalisation=("9.9",))).longest_path() == ["1.1", "1.2", "1.3"]
    heavy = story_plan(*edges, estimates={"2.1": 5.0})
    assert PlanGraph(heavy).longest_path() == ["1.1", "2.1"]
    assert PlanGraph(heavy).path_length(["1.1", "2.1"]) == 6.0  # an unestimated story counts 1


def test_without_a_declared_path_the_critical_path_is_the_longest():
    graph = PlanGraph(story_plan(("1.1", "1.2"), ("1.2", "1.3"), ("1.1", "2.1")))
    assert graph.critical_path() == ["1.1", "1.2", "1.3"]


def test_a_cycle_is_found_and_has_no_longest_path():
    graph = PlanGraph(story_plan(("1.1", "1.2"), ("1.2", "1.3"), ("1.3", "1.2")))
    assert sorted(graph.cycle() or []) == ["1.2", "1.3"]
    assert graph.longest_path() == []
    assert PlanGraph(story_plan(("1.1", "1.2"))).cycle() is None


def test_edges_to_unknown_stories_are_not_in_the_graph():
    plan = Plan(title="p", stories=(Story("1.1"),), edges=(("1.1", "7.7"),), gates=(Gate("1.1", "entry"),))
    graph = PlanGraph(plan)
    assert list(graph.g.nodes) == ["1.1"] and graph.unblocks("1.1") == []
    assert graph.startable({"1.1": status("1.1", "done")}) == []
