"""The plan linter on plans built by hand, one problem at a time."""

from __future__ import annotations

from planner.lint import lint
from planner.model import Checkpoint, Gate, Lane, Mode, Plan, Sprint, Story


def stories(*ids: str, estimates: dict[str, float] | None = None) -> tuple[Story, ...]:
    estimates = estimates or {}
    return tuple(Story(sid, estimate=estimates.get(sid), line=index + 1) for index, sid in enumerate(ids))


def found(plan: Plan) -> list[tuple]:
    return [(f.severity, f.code, f.message, f.line) for f in lint(plan)]


def lane(key: str, *ids: str, line: int | None = None) -> Lane:
    return Lane(key, None, ids, line)


CHAIN = stories("1.1", "1.2", "1.3")
CHAIN_EDGES = (("1.1", "1.2"), ("1.2", "1.3"))


def test_a_sound_plan_has_no_finding():
    plan = Plan(
        "ok",
        stories=CHAIN,
        edges=CHAIN_EDGES,
        gates=(Gate("1.1", "entry", 3),),
        critical_path=("1.1", "1.2", "1.3"),
        modes=(Mode(2, lanes=(lane("A", "1.1", "1.2"), lane("B", "1.3")), sprints=(Sprint("Sprint 1", ("1.1", "1.2", "1.3")),)),),
        checkpoints=(Checkpoint("A", ("1.1",)),),
    )  # fmt: skip
    assert lint(plan) == []


def test_no_stories():
    assert found(Plan("empty")) == [
        (
            "error",
            "no-stories",
            "no story found: a plan lists stories such as '1.1' in dependency lists ('Apres 1.1:'), "
            "developer lanes or a Stories section",
            None,
        )
    ]


def test_every_cycle_is_named_once():
    plan = Plan(
        "cycles",
        stories=stories("1.1", "2.1", "2.2", "3.1", "3.2", "3.3", "4.1"),
        edges=(("1.1", "2.1"), ("2.2", "2.1"), ("2.1", "2.2"), ("3.2", "3.3"), ("3.3", "3.1"), ("3.1", "3.2"),
               ("4.1", "4.1")),
    )  # fmt: skip
    assert found(plan) == [
        ("error", "cycle", "dependency cycle: 2.1 -> 2.2 -> 2.1 (none of these stories can ever start)", 2),
        (
            "error",
            "cycle",
            "dependency cycle: 3.1 -> 3.2 -> 3.3 -> 3.1 (none of these stories can ever start)",
            4,
        ),
        ("error", "cycle", "dependency cycle: 4.1 -> 4.1 (none of these stories can ever start)", 7),
    ]


def test_unassigned_counts_floating_stories_as_assigned_and_names_each_mode():
    two = Mode(2, lanes=(lane("A", "1.1"), lane("B", "1.2")), line=10)
    four = Mode(
        4, name="mode rocket", lanes=(lane("A", "1.1"),), floating=("1.2",), floating_lanes=("A",), line=20
    )
    plan = Plan("staffing", stories=CHAIN, edges=CHAIN_EDGES, modes=(two, four))
    assert found(plan) == [
        ("warning", "unassigned", "1.3 is in no lane of the 2-dev plan", 10),
        ("warning", "unassigned", "1.3 is in no lane of the 4-dev plan (mode rocket)", 20),
    ]


def test_double_assignment_and_unknown_floating_lane():
    mode = Mode(
        2, lanes=(lane("A", "1.1", "1.2"), lane("B", "1.2", "1.3", "1.3")), floating_lanes=("C",), line=5
    )
    plan = Plan("staffing", stories=CHAIN, edges=CHAIN_EDGES, modes=(mode,))
    assert found(plan) == [
        ("warning", "double-assigned", "1.2 is in lanes A and B of the 2-dev plan", 5),
        ("warning", "double-assigned", "1.3 is twice in lane B of the 2-dev plan", 5),
        ("warning", "unknown-lane", "floating stories go to Dev C, but the 2-dev plan has no lane C", 5),
    ]


def test_a_mode_without_lanes_is_one_finding_not_one_per_story():
    plan = Plan("staffing", stories=CHAIN, edges=CHAIN_EDGES, modes=(Mode(3, line=8),))
    assert found(plan) == [
        ("warning", "no-lanes", "the 3-dev plan has no developer lane ('Dev A: 1.1 -> 1.3')", 8)
    ]


def test_no_sprint_only_for_modes_with_sprints():
    with_sprints = Mode(
        2, lanes=(lane("A", "1.1", "1.2", "1.3"),), sprints=(Sprint("Sprint 1", ("1.1",), 12),), line=10
    )
    without = Mode(1, lanes=(lane("A", "1.1", "1.2", "1.3"),), line=20)
    plan = Plan("sprints", stories=CHAIN, edges=CHAIN_EDGES, modes=(with_sprints, without))
    assert found(plan) == [
        ("warning", "no-sprint", "1.2 is in no sprint of the 2-dev plan", 12),
        ("warning", "no-sprint", "1.3 is in no sprint of the 2-dev plan", 12),
    ]


def test_sprint_order_and_a_story_in_two_sprints():
    sprints = (Sprint("Sprint 1", ("1.1", "1.3"), 11), Sprint("Sprint 2", ("1.2", "1.3"), 12))
    mode = Mode(1, lanes=(lane("A", "1.1", "1.2", "1.3"),), sprints=sprints, line=10)
    plan = Plan("sprints", stories=CHAIN, edges=CHAIN_EDGES, modes=(mode,))
    assert found(plan) == [
        ("warning", "sprint-order", "1.3 is in Sprint 1 of the 1-dev plan but waits for 1.2, planned in a later sprint", 11),
        ("warning", "several-sprints", "1.3 is in Sprint 1 and Sprint 2 of the 1-dev plan", 12),
    ]  # fmt: skip


def test_lane_order_sees_transitive_prerequisites_and_the_entry_gate():
    plan = Plan(
        "lanes",
        stories=stories("1.1", "1.2", "1.3", "2.1"),
        edges=CHAIN_EDGES,
        gates=(Gate("1.1", "entry"),),
        modes=(Mode(2, lanes=(lane("A", "1.3", "1.2", line=4), lane("B", "2.1", "1.1", line=6))),),
    )
    # 1.3 waits for 1.2 through the chain; 2.1 waits for nothing but the entry gate.
    assert found(plan) == [
        ("warning", "lane-order", "lane A of the 2-dev plan puts 1.3 before its prerequisite 1.2", 4),
        ("warning", "lane-order", "lane B of the 2-dev plan puts 2.1 before its prerequisite 1.1", 6),
    ]


def test_lane_order_does_not_flag_a_lane_that_follows_the_dependencies():
    plan = Plan(
        "lanes",
        stories=CHAIN,
        edges=CHAIN_EDGES,
        gates=(Gate("1.1", "entry"),),
        modes=(Mode(1, lanes=(lane("A", "1.1", "1.2", "1.3"),)),),
    )
    assert lint(plan) == []


def test_declared_critical_path_that_is_not_a_chain():
    plan = Plan(
        "cp", stories=CHAIN, edges=(("1.1", "1.2"),), critical_path=("1.1", "1.3"), critical_path_line=9
    )
    assert found(plan) == [
        (
            "warning",
            "critical-path-not-a-chain",
            "the declared critical path 1.1 -> 1.3 is not a chain of dependencies: nothing makes 1.3 wait for 1.1",
            9,
        )
    ]


def test_declared_critical_path_shorter_than_the_longest_weighted_path():
    plan = Plan(
        "cp",
        stories=stories("1.1", "1.2", "2.1", estimates={"2.1": 4.5}),
        edges=(("1.1", "1.2"), ("1.1", "2.1")),
        critical_path=("1.1", "1.2"),
        critical_path_line=3,
    )
    assert found(plan) == [
        (
            "warning",
            "critical-path-not-longest",
            "the declared critical path 1.1 -> 1.2 (length 2) is shorter than the longest path 1.1 -> 2.1 (length 5.5)",
            3,
        )
    ]


def test_a_declared_path_as_long_as_the_longest_is_accepted():
    plan = Plan(
        "cp",
        stories=stories("1.1", "1.2", "2.1"),
        edges=(("1.1", "1.2"), ("1.1", "2.1")),
        critical_path=("1.1", "2.1"),
    )
    assert lint(plan) == []


def test_gates_without_an_entry_gate_and_with_two():
    plan = Plan("g", stories=CHAIN, edges=CHAIN_EDGES, gates=(Gate("1.2", "data", 4),))
    assert found(plan) == [
        ("info", "no-entry-gate", "the plan names gates but no entry gate: any story may start at once", 4)
    ]
    plan = Plan(
        "g", stories=CHAIN, edges=CHAIN_EDGES, gates=(Gate("1.1", "entry", 4), Gate("1.2", "entry", 5))
    )
    assert found(plan) == [
        ("warning", "several-entry-gates", "1.1, 1.2 are all called the entry gate; only 1.1 is used", 5)
    ]


def test_deadlocks_with_the_entry_gate_and_the_finalisation_story():
    plan = Plan(
        "dead",
        stories=CHAIN,
        edges=(("1.2", "1.1"), ("1.3", "1.2")),
        gates=(Gate("1.1", "entry", 7),),
        continuous=("1.3",),
        finalisation=("1.3",),
    )
    assert found(plan) == [
        ("error", "finalisation-blocks",
         "1.3 is finalised at the end (it waits for every other story) but 1.2 waits for it: neither can finish", 3),
        ("error", "entry-gate-waits",
         "1.1 is the entry gate (every story waits for it) but it waits for 1.2: none of them can ever start", 7),
    ]  # fmt: skip


def test_references_to_missing_stories_in_a_hand_built_plan():
    plan = Plan(
        "refs",
        stories=CHAIN,
        edges=CHAIN_EDGES,
        gates=(Gate("9.1", "entry", 2),),
        checkpoints=(Checkpoint("A", ("9.2",), line=30),),
    )
    assert found(plan) == [
        ("error", "undefined-id", "9.1 is named in the gates but is not a story of the plan", 2),
        ("error", "undefined-id", "9.2 is named in checkpoint A but is not a story of the plan", 30),
    ]


def test_several_recommended_modes():
    lanes = (lane("A", "1.1", "1.2", "1.3"),)
    plan = Plan(
        "modes",
        stories=CHAIN,
        edges=CHAIN_EDGES,
        modes=(Mode(2, True, lanes=lanes, line=4), Mode(3, True, name="turbo", lanes=lanes, line=9)),
    )
    assert found(plan) == [
        ("warning", "several-recommended",
         "2 staffing modes are marked recommended (the 2-dev plan, the 3-dev plan (turbo)); the first one is used", 9),
    ]  # fmt: skip


def test_lane_and_sprint_order_see_a_prerequisite_many_levels_up_in_a_deep_plan():
    # 400 stories, each waiting on one or two of the few before it (a deep plan): the lane and the
    # sprints are in order except for 1.399, listed before 1.3, which it waits for through ~200
    # levels of stories in other lanes, and a knot (a cycle) on the way that must not hide it.
    ids = [f"1.{i}" for i in range(1, 401)]
    edges = [(ids[i - 1], ids[i]) for i in range(1, 400) if i % 2] + [(ids[i - 2], ids[i]) for i in range(2, 400)]
    edges += [(ids[201], ids[200])]  # 1.201 <-> 1.202: a cycle between 1.3 and 1.399
    lane_a = ["1.1", "1.399", *[s for s in ids[1:] if s != "1.399" and int(s[2:]) % 2]]
    lane_b = [s for s in ids[1:] if int(s[2:]) % 2 == 0]
    plan = Plan(
        "deep",
        stories=stories(*ids),
        edges=tuple(edges),
        gates=(Gate("1.1", "entry", 1),),
        modes=(Mode(2, lanes=(lane("A", *lane_a, line=500), lane("B", *lane_b, line=501)),
                    sprints=(Sprint("Sprint 1", tuple(ids[:10]) + ("1.399",), 502), Sprint("Sprint 2", tuple(ids[10:398] + ids[399:]), 503))),),
    )  # fmt: skip
    lane_order = [(f.message, f.line) for f in lint(plan) if f.code == "lane-order"]
    assert len(lane_order) == 1
    message, line = lane_order[0]
    assert line == 500 and message.startswith("lane A of the 2-dev plan puts 1.399 before its prerequisites 1.3, 1.5, ")
    assert message.count(", ") == len(lane_a) - 3  # every later story of lane A: 1.399 waits for each of them
    sprint_order = [f.message for f in lint(plan) if f.code == "sprint-order"]
    assert len(sprint_order) == 1 and sprint_order[0].startswith("1.399 is in Sprint 1 of the 2-dev plan but waits for 1.11, 1.12,")
