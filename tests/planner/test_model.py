"""The plan as data: id order, labels, lookups and the `plan check --json` contract (DESIGN §5)."""

from planner.model import Checkpoint, Finding, Gate, Lane, Mode, Plan, Sprint, Story, story_sort_key


def test_ids_sort_numerically():
    assert sorted(["10.1", "1.10", "1.2", "2.1"], key=story_sort_key) == ["1.2", "1.10", "2.1", "10.1"]


def test_a_story_without_a_title_shows_its_id():
    assert Story("4.1", "PostgreSQL persistant").label == "4.1 PostgreSQL persistant"
    assert Story("3.2").label == "3.2"
    assert Story("10.2").epic == 10


def plan() -> Plan:
    return Plan(
        title="p",
        stories=(Story("1.1", "base", 2.0), Story("1.2")),
        edges=(("1.1", "1.2"),),
        gates=(Gate("1.2", "data"), Gate("1.1", "entry")),
        critical_path=("1.1", "1.2"),
        modes=(
            Mode(
                2,
                lanes=(Lane("A", "core", ("1.1",)), Lane("B", None, ("1.2",))),
                sprints=(Sprint("Sprint 1", ("1.1", "1.2")),),
            ),
            Mode(3, name="wide"),
        ),  # fmt: skip
        checkpoints=(Checkpoint("A", ("1.1",), ("demo",)),),
        rules=("no merge without proof",),
        findings=(Finding("warning", "unassigned", "1.2 is in no lane", 3),),
    )


def test_lookups():
    p = plan()
    assert p.story_ids == ["1.1", "1.2"] and p.has("1.1") and not p.has("9.9")
    assert p.story("1.1").title == "base" and p.story("9.9") is None
    assert p.entry_gate == "1.1" and p.gate_of("1.2").kind == "data" and p.gate_of("9.9") is None
    assert p.mode(3).name == "wide" and p.mode(4) is None
    assert p.mode(2).lane("B").stories == ("1.2",) and p.mode(2).lane_of("1.1").key == "A"


def test_the_recommended_mode_defaults_to_the_first():
    assert plan().recommended_mode.devs == 2
    assert Plan(title="p").recommended_mode is None


def test_plan_check_json_contract():
    data = plan().to_json()
    assert data["stories"] == [
        {"id": "1.1", "title": "base", "estimate": 2.0},
        {"id": "1.2", "title": "1.2", "estimate": None},  # a story without a title shows its id
    ]
    assert data["edges"] == [["1.1", "1.2"]]
    assert data["gates"] == [{"story": "1.2", "kind": "data"}, {"story": "1.1", "kind": "entry"}]
    assert data["critical_path"] == ["1.1", "1.2"]
    assert data["modes"][0] == {
        "devs": 2, "recommended": False, "name": None, "lanes": {"A": ["1.1"], "B": ["1.2"]},
        "lane_labels": {"A": "core", "B": None}, "floating": [], "floating_lanes": [],
        "sprints": [{"name": "Sprint 1", "stories": ["1.1", "1.2"]}],
    }  # fmt: skip
    assert data["checkpoints"] == [{"name": "A", "stories": ["1.1"], "proofs": ["demo"]}]
    assert data["findings"] == [
        {"severity": "warning", "code": "unassigned", "message": "1.2 is in no lane", "line": 3}
    ]


def test_the_index_is_not_part_of_equality():
    assert plan() == plan()
