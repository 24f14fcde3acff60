"""`planner.changes` (what a re-import changed) and `planner.cycles` (what a cycle holds back for good)."""

from planner.changes import plan_changes
from planner.cycles import held_by_cycles
from planner.graph import PlanGraph
from planner.model import Gate, Lane, Mode, Plan, Story
from planner.state import State, StoryStatus


def plan(stories, edges=(), gates=(), lanes=(), title="P"):
    return Plan(title=title, stories=tuple(Story(s, t) for s, t in stories), edges=tuple(edges),
                gates=tuple(Gate(s, k) for s, k in gates),
                modes=(Mode(2, lanes=tuple(Lane(k, None, tuple(ids)) for k, ids in lanes)),) if lanes else ())


def test_plan_changes_lists_every_kind_of_change_in_id_order():
    old = plan([("1.1", "a"), ("1.2", "b"), ("2.1", "c")], [("1.1", "1.2"), ("1.1", "2.1")],
               [("1.1", "entry"), ("2.1", "data")], [("A", ["1.1", "1.2"]), ("B", ["2.1"])])
    new = plan([("1.1", "a2"), ("2.1", "c"), ("10.1", "x"), ("3.1", "d")], [("1.1", "2.1"), ("2.1", "3.1")],
               [("1.1", "entry"), ("2.1", "recovery"), ("3.1", "data")], [("A", ["1.1", "3.1"]), ("B", ["2.1"])],
               title="P2")
    c = plan_changes(old, new)
    assert c.stories_added == ("3.1", "10.1") and c.stories_removed == ("1.2",)
    assert c.titles == (("1.1", "a", "a2"),) and c.title == ("P", "P2")
    assert c.edges_added == (("2.1", "3.1"),) and c.edges_removed == (("1.1", "1.2"),)
    assert c.gates_added == (("3.1", "data"),) and c.gates_removed == () and c.gates_changed == (("2.1", "data", "recovery"),)
    assert c.lanes == ((2, "A", ("1.1", "1.2"), ("1.1", "3.1")),)
    assert plan_changes(new, new).empty and not c.empty
    assert c.to_json()["gates_changed"] == [{"story": "2.1", "old": "data", "new": "recovery"}]


def test_a_cycle_holds_its_stories_and_those_after_it_until_one_of_them_is_done():
    p = plan([("1.1", None), ("2.2", None), ("3.2", None), ("4.1", None), ("4.2", None)],
             [("1.1", "2.2"), ("2.2", "3.2"), ("3.2", "2.2"), ("3.2", "4.2"), ("1.1", "4.1")])
    graph = PlanGraph(p)
    cycle = ("2.2", "3.2", "2.2")
    assert held_by_cycles(graph, {}) == {"2.2": cycle, "3.2": cycle, "4.2": cycle}
    forced = {"2.2": StoryStatus("2.2", State.IN_PROGRESS, forced=True)}  # started: not "can never start"
    assert held_by_cycles(graph, forced) == {"3.2": cycle, "4.2": cycle}
    broken = {"2.2": StoryStatus("2.2", State.DONE)}  # a lead forced it through: ordinary waits again
    assert held_by_cycles(graph, broken) == {}
    assert held_by_cycles(PlanGraph(plan([("1.1", None), ("1.2", None)], [("1.1", "1.2")])), {}) == {}


def test_a_cycle_through_the_entry_gate_holds_every_other_story():
    p = plan([("1.1", None), ("1.2", None), ("2.1", None)], [("1.1", "1.2"), ("1.2", "1.1")], [("1.1", "entry")])
    held = held_by_cycles(PlanGraph(p), {})
    assert held == {"1.1": ("1.1", "1.2", "1.1"), "1.2": ("1.1", "1.2", "1.1"), "2.1": ("1.1", "1.2", "1.1")}
