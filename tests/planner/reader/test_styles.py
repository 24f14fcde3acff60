"""Plans written the other ways teams write them (issue 12), read exactly: numbered lists and bold
ids in English, accents in French, a dependency table, and a messy draft whose every problem is a
finding on its line. The plans live under tests/planner/plans/styles/."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.model import Plan
from planner.reader import read_plan
from tests.helpers.bot import run_cli
from tests.helpers.plans import TEST_PLANS, findings, read_seed

STYLES = TEST_PLANS / "styles"


def styled(name: str) -> Plan:
    # newline="" keeps the messy draft's CRLF line endings as written.
    with Path(STYLES / name).open(encoding="utf-8", newline="") as handle:
        return read_plan(handle.read())


def test_english_numbered_lists_bold_ids_prose_gates_and_one_line_checkpoints():
    plan = styled("english_numbered.md")
    data = plan.to_json()
    assert plan.language == "en"
    assert data["stories"] == [
        {"id": "1.1", "title": "Cluster bootstrap", "estimate": 2.0},
        {"id": "1.2", "title": "Network policies", "estimate": 1.0},
        {"id": "1.3", "title": "Secrets store", "estimate": 1.0},
        {"id": "2.1", "title": "Ingress TLS", "estimate": 2.0},
        {"id": "2.2", "title": "Metrics pipeline", "estimate": 3.0},
        {"id": "2.3", "title": "Rate limits", "estimate": 1.0},
        {"id": "3.2", "title": "Log shipping", "estimate": 2.0},
        {"id": "3.3", "title": "Alert routes", "estimate": 1.0},
        {"id": "4.1", "title": "Go-live checklist", "estimate": 1.0},
    ]
    assert data["edges"] == [
        ["1.1", "1.2"], ["1.1", "1.3"], ["1.2", "2.1"], ["1.3", "2.1"], ["1.2", "2.2"], ["1.3", "2.2"],
        ["2.1", "2.3"], ["2.2", "3.2"], ["2.2", "3.3"], ["2.3", "4.1"], ["3.2", "4.1"], ["3.3", "4.1"],
    ]  # fmt: skip
    # "is the entry gate: nothing else starts before it" is the entry gate, not a gate of kind "nothing".
    assert data["gates"] == [{"story": "1.1", "kind": "entry"}, {"story": "2.1", "kind": "security"}]
    assert plan.entry_gate == "1.1"
    assert data["critical_path"] == ["1.1", "1.2", "2.2", "3.2", "4.1"]
    assert data["modes"] == [
        {
            "devs": 2, "recommended": True, "name": None,
            "lanes": {"A": ["1.1", "1.2", "2.1", "2.3", "4.1"], "B": ["1.3", "2.2", "3.2", "3.3"]},
            "lane_labels": {"A": "platform", "B": "observability"}, "floating": [], "floating_lanes": [],
            "sprints": [
                {"name": "Sprint 1", "stories": ["1.1", "1.2", "1.3"]},
                {"name": "Sprint 2", "stories": ["2.1", "2.2", "2.3"]},
                {"name": "Sprint 3", "stories": ["3.2", "3.3", "4.1"]},
            ],
        },
        {
            "devs": 3, "recommended": False, "name": None,
            "lanes": {"A": ["1.1", "2.1", "2.3", "4.1"], "B": ["1.2", "2.2", "3.2"], "C": ["1.3", "3.3"]},
            "lane_labels": {"A": None, "B": None, "C": None}, "floating": [], "floating_lanes": [], "sprints": [],
        },
    ]  # fmt: skip
    assert data["checkpoints"] == [
        {"name": "A", "stories": ["1.1", "1.2", "1.3"], "proofs": ["Evidence: cluster reachable, policies applied."]},
        {"name": "B", "stories": ["2.1", "2.2", "2.3"], "proofs": ["Evidence: TLS certificate served, dashboards live."]},
    ]  # fmt: skip
    assert data["findings"] == []


def test_french_with_accents_keeps_gate_kinds_as_written():
    plan = styled("french_accents.md")
    data = plan.to_json()
    assert plan.language == "fr"
    assert data["stories"] == [
        {"id": "1.1", "title": "Socle réseau", "estimate": 2.0},
        {"id": "1.2", "title": "Coffre à secrets", "estimate": 1.0},
        {"id": "1.3", "title": "Base de données", "estimate": 3.0},
        {"id": "2.1", "title": "API de règlement", "estimate": 3.0},
        {"id": "2.2", "title": "Rapprochement bancaire", "estimate": 2.0},
        {"id": "3.1", "title": "Bascule régionale", "estimate": 2.0},
        {"id": "3.2", "title": "Mise en production", "estimate": 1.0},
    ]
    assert data["edges"] == [
        ["1.1", "1.2"], ["1.1", "1.3"], ["1.2", "2.1"], ["1.3", "2.1"], ["2.1", "2.2"], ["2.1", "3.1"],
        ["2.2", "3.2"], ["3.1", "3.2"],
    ]  # fmt: skip
    assert data["gates"] == [
        {"story": "1.1", "kind": "entry"},
        {"story": "3.1", "kind": "résilience", "label": "résilience"},
        {"story": "3.2", "kind": "production", "label": "mise en production"},
    ]
    assert [(g.story, g.kind, g.label, g.line) for g in plan.gates] == [
        ("1.1", "entry", None, 29), ("3.1", "résilience", "résilience", 30),
        ("3.2", "production", "mise en production", 31),
    ]  # fmt: skip
    assert data["critical_path"] == ["1.1", "1.3", "2.1", "2.2", "3.2"]
    assert data["modes"] == [
        {
            "devs": 2, "recommended": False, "name": None,
            "lanes": {"A": ["1.1", "1.3", "2.1", "2.2", "3.2"], "B": ["1.2", "3.1"]},
            "lane_labels": {"A": "socle", "B": "sécurité"}, "floating": [], "floating_lanes": [], "sprints": [],
        },
        {
            "devs": 3, "recommended": True, "name": None,
            "lanes": {"A": ["1.1", "1.3", "2.1"], "B": ["1.2", "3.1"], "C": ["2.2", "3.2"]},
            "lane_labels": {"A": "socle", "B": "sécurité", "C": "données"}, "floating": [], "floating_lanes": [],
            "sprints": [
                {"name": "Sprint 1", "stories": ["1.1", "1.2", "1.3"]},
                {"name": "Sprint 2", "stories": ["2.1", "2.2"]},
                {"name": "Sprint 3", "stories": ["3.1", "3.2"]},
            ],
        },
    ]  # fmt: skip
    assert data["checkpoints"] == [
        {"name": "A", "stories": ["1.1", "1.2", "1.3"], "proofs": ["preuves : cluster joignable, secrets chiffrés"]},
        {"name": "B", "stories": ["2.1", "2.2"], "proofs": ["preuves : rapprochement rejoué sur un jour de production"]},
    ]  # fmt: skip
    assert data["findings"] == []


def test_a_dependency_table_with_a_lane_column_a_gate_list_and_a_one_line_staffing():
    plan = styled("table.md")
    data = plan.to_json()
    assert data["stories"] == [
        {"id": "1.1", "title": "Service skeleton", "estimate": None},
        {"id": "1.2", "title": "Schema and migrations", "estimate": None},
        {"id": "1.3", "title": "Risk rules engine", "estimate": None},
        {"id": "2.1", "title": "Public API", "estimate": None},
        {"id": "2.2", "title": "Ledger writes", "estimate": None},
        {"id": "2.3", "title": "Fraud scoring", "estimate": None},
        {"id": "3.1", "title": "Reconciliation report", "estimate": None},
    ]
    assert data["edges"] == [
        ["1.1", "1.2"], ["1.1", "1.3"], ["1.1", "2.1"], ["1.2", "2.2"], ["2.1", "2.2"], ["1.3", "2.3"],
        ["2.2", "3.1"], ["2.3", "3.1"],
    ]  # fmt: skip
    assert data["gates"] == [
        {"story": "1.1", "kind": "entry"},
        {"story": "2.1", "kind": "API contract frozen", "label": "API contract frozen"},
    ]
    assert data["critical_path"] == ["1.1", "2.1", "2.2", "3.1"]
    assert data["modes"] == [
        {
            "devs": 3, "recommended": True, "name": None,
            "lanes": {"A": ["1.1", "2.1", "3.1"], "B": ["1.2", "2.2"], "C": ["1.3", "2.3"]},
            "lane_labels": {"A": "API", "B": "data", "C": "risk"}, "floating": [], "floating_lanes": [],
            "sprints": [
                {"name": "Sprint 1", "stories": ["1.1", "1.2", "1.3"]},
                {"name": "Sprint 2", "stories": ["2.1", "2.2", "2.3"]},
                {"name": "Sprint 3", "stories": ["3.1"]},
            ],
        }
    ]  # fmt: skip
    assert data["checkpoints"] == [
        {"name": "A", "stories": ["1.1", "1.2", "1.3"], "proofs": ["Evidence: migrations applied on staging"]},
        {"name": "B", "stories": ["2.1", "2.2", "2.3", "3.1"],
         "proofs": ["Evidence: first reconciliation report signed off"]},
    ]  # fmt: skip
    assert data["findings"] == []


def test_a_messy_draft_gives_each_problem_on_its_line_and_no_undefined_story():
    plan = styled("messy.md")
    assert plan.title == "Messy draft"
    assert [(s.id, s.title) for s in plan.stories] == [
        ("1.1", "Base setup"), ("1.2", "Billing export"), ("2.1", "Invoices"), ("2.2", "Payments"),
        ("3.1", "Reports"), ("3.2", "Archive"),
    ]  # fmt: skip
    assert not plan.has("9.9") and not plan.has("7.7")  # named, never defined: never a story
    assert plan.edges == (("1.1", "1.2"), ("1.1", "2.1"), ("2.1", "2.2"), ("2.2", "3.1"), ("3.1", "2.2"), ("3.1", "3.2"))
    assert [(m.devs, [(lane.key, lane.stories) for lane in m.lanes]) for m in plan.modes] == [
        (2, [("A", ("1.1", "2.2", "2.1")), ("B", ("1.2", "3.1", "3.2"))])
    ]
    assert [(c.name, c.stories, c.proofs) for c in plan.checkpoints] == [
        ("A", ("1.1", "1.2"), ("Evidence: export file checked",))
    ]
    assert findings(plan) == [
        ("warning", "duplicate-story",
         "1.2 is defined twice: line 6 ('Billing export') and line 9 ('Invoice export'); the first is kept", 9),
        ("error", "cycle",
         "dependency cycle: 2.2 -> 3.1 -> 2.2, closed by '2.2 after 3.1' (line 21): none of these stories can ever "
         "start, nor can what comes after them: 3.2", 21),
        ("error", "undefined-id",
         "9.9 is named in a dependency (line 22) but the plan's list of stories does not define it; it is left out "
         "of the plan", 22),
        ("warning", "lane-order", "lane A of the 2-dev plan puts 2.2 before its prerequisite 2.1", 27),
        ("error", "undefined-id",
         "7.7 is named in checkpoint A (line 35) but the plan's list of stories does not define it; it is left out "
         "of the plan", 35),
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["messy.md", "messy_fr.md"])
def test_the_messy_drafts_are_written_with_crlf_tabs_and_trailing_spaces(name):
    raw = (STYLES / name).read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") and b"\t" in raw and b"   \r\n" in raw


def test_a_french_messy_draft_gives_each_problem_on_its_line():
    """The same kinds of mistakes, written in French with accents ("Après 3.1 : 2.2 et 3.2",
    "Dév A :", "Jalon A :", "preuves :"), plus an unknown id at the end of the critical path."""
    plan = styled("messy_fr.md")
    assert plan.language == "fr" and plan.title == "Brouillon de plan — facturation"
    assert [(s.id, s.title, s.estimate) for s in plan.stories] == [
        ("1.1", "Socle du cluster", None), ("1.2", "Export comptable", None), ("2.1", "Factures", 3.0),
        ("2.2", "Paiements", None), ("3.1", "Rapports", None), ("3.2", "Archivage", None),
    ]  # fmt: skip
    assert not plan.has("9.9") and not plan.has("7.7") and not plan.has("8.8")
    assert plan.edges == (("1.1", "1.2"), ("1.1", "2.1"), ("2.1", "2.2"), ("2.2", "3.1"), ("3.1", "2.2"), ("3.1", "3.2"))
    assert plan.critical_path == ("1.1", "2.1", "2.2")
    assert [(m.devs, m.recommended, [(lane.key, lane.stories) for lane in m.lanes]) for m in plan.modes] == [
        (2, True, [("A", ("1.1", "2.2", "2.1")), ("B", ("1.2", "3.1", "3.2"))])
    ]
    assert [(c.name, c.stories, c.proofs) for c in plan.checkpoints] == [
        ("A", ("1.1", "1.2"), ("preuves : export vérifié par la compta",))
    ]
    assert [(f.severity, f.code, f.line) for f in plan.findings] == [
        ("warning", "duplicate-story", 9), ("error", "cycle", 21), ("error", "undefined-id", 22),
        ("error", "undefined-id", 24), ("warning", "lane-order", 29), ("error", "undefined-id", 37),
    ]  # fmt: skip


@pytest.mark.languages
def test_plan_check_says_the_french_drafts_findings_in_french(capsys):
    code, out, err = run_cli(capsys, "plan", "check", str(STYLES / "messy_fr.md"))
    assert code == 1, out + err
    text = out + err
    for line in (
        "ligne 9 : 1.2 est défini deux fois : ligne 6 (« Export comptable ») et ligne 9 (« Export des écritures ») ; "
        "le premier est gardé",
        "ligne 21 : cycle de dépendances : 2.2 -> 3.1 -> 2.2, fermé par « 2.2 après 3.1 » (ligne 21) : aucune de ces "
        "stories ne pourra jamais démarrer, ni ce qui vient après elles : 3.2",
        "ligne 24 : 8.8 est nommé dans le chemin critique (ligne 24) mais la liste des stories du plan ne le définit "
        "pas ; il est laissé hors du plan",
        "ligne 29 : la lane A du plan à 2 devs place 2.2 avant son prérequis 2.1",
    ):
        assert line in text
    assert "line " not in text and "defined twice" not in text


# -- the forms, one at a time -------------------------------------------------------------------

STORIES = "## Stories\n- 1.1 A\n- 1.2 B\n- 1.3 C\n"


@pytest.mark.parametrize(
    ("line", "kind", "label"),
    [
        ("**1.1** (Bootstrap) is the entry gate: nothing else starts before it.", "entry", None),
        ("- Story 1.1 est le gate de mise en production.", "production", "mise en production"),
        ("- Story 1.1 est le gate de résilience avant 1.2.", "résilience", "résilience"),
        ("- 1.1 is the API contract gate", "API contract", "API contract"),
        ("Gates: 1.1 (entry), 1.2 (API contract frozen).", "entry", None),
    ],
)
def test_a_gate_keeps_its_kind_as_written_beside_the_normalised_kind(line, kind, label):
    plan = read_plan(f"## Gates\n{line}\n\n{STORIES}")
    gate = plan.gate_of("1.1")
    assert gate is not None and (gate.kind, gate.label) == (kind, label)
    assert not [f for f in plan.findings if f.code == "unreadable"]


def test_the_seed_gates_have_no_label_so_their_json_is_unchanged():
    assert [(g.kind, g.label) for g in read_seed().gates] == [
        ("entry", None), ("acceleration", None), ("data", None), ("recovery", None)
    ]


@pytest.mark.parametrize(
    ("heading", "devs", "recommended"),
    [
        ("### 2 developers (recommended)", 2, True),
        ("## Plan 3 développeurs (recommandé)", 3, True),
        ("Staffing: 2 developers.", 2, False),
        ("Staffing: 2 devs (recommended). Lane A: core, lane B: edge", 2, True),
    ],
)
def test_staffing_modes_in_every_form(heading, devs, recommended):
    plan = read_plan(f"{STORIES}\n{heading}\n\nLane A: 1.1 -> 1.2\nDév B: 1.3\n")
    assert [(m.devs, m.recommended) for m in plan.modes] == [(devs, recommended)]
    assert [(lane.key, lane.stories) for lane in plan.modes[0].lanes] == [("A", ("1.1", "1.2")), ("B", ("1.3",))]


def test_an_ignored_table_column_is_said_on_the_header_line():
    text = "## Stories\n\n| Story | Title | Owner team | Risk |\n|---|---|---|---|\n| 1.1 | Base | core | low |\n"
    plan = read_plan(text)
    assert [(s.id, s.title) for s in plan.stories] == [("1.1", "Base")]
    assert [(f.code, f.line) for f in plan.findings] == [("unreadable", 3)]
    assert "the column Owner team, Risk is not read" in plan.findings[0].message


def test_a_lane_column_without_a_staffing_mode_is_said():
    text = "## Stories\n\n| Story | Title | Lane |\n|---|---|---|\n| 1.1 | Base | A |\n"
    assert [(f.code, f.line) for f in read_plan(text).findings] == [("unreadable", 5)]


def test_with_a_story_list_an_id_only_a_lane_or_a_dependency_names_is_not_a_story():
    text = f"{STORIES}\nAfter 1.1: 1.2, 8.8\n\n## 2-dev plan\nDev A: 1.1 -> 9.9 -> 1.2\nDev B: 1.3\n"
    plan = read_plan(text)
    assert plan.story_ids == ["1.1", "1.2", "1.3"]
    assert plan.modes[0].lanes[0].stories == ("1.1", "1.2")
    assert [(f.code, f.line) for f in plan.findings] == [("undefined-id", 6), ("undefined-id", 9)]


def test_without_a_story_list_the_dependency_lists_and_lanes_still_define_the_stories():
    plan = read_plan("After 1.1: 1.2\n\n## 2-dev plan\nDev A: 1.1 -> 1.2\nDev B: 1.3\n")
    assert plan.story_ids == ["1.1", "1.2", "1.3"]


def test_a_one_line_checkpoint_in_french_with_its_proof():
    plan = read_plan(f"{STORIES}\n## Points de contrôle\n**Jalon A** — 1.1 et 1.2 terminées. Preuves : démo faite\n")
    assert [(c.name, c.stories, c.proofs, c.line) for c in plan.checkpoints] == [
        ("A", ("1.1", "1.2"), ("Preuves : démo faite",), 7)
    ]


def test_a_lane_in_a_staffing_section_before_any_mode_is_said():
    plan = read_plan(f"{STORIES}\n## Staffing\nDev A: 1.1 -> 1.2\n\n### 2 developers\nDev A: 1.1, 1.2\nDev B: 1.3\n")
    assert [(f.code, f.line) for f in plan.findings] == [("unreadable", 7)]
    assert [(lane.key, lane.stories) for lane in plan.modes[0].lanes] == [("A", ("1.1", "1.2")), ("B", ("1.3",))]


def test_a_cycle_is_said_on_the_line_of_the_dependency_that_closes_it():
    text = f"{STORIES}\nAfter 1.1: 1.2\nAfter 1.2: 1.3\nAfter 1.3: 1.2\n"
    (cycle,) = [f for f in read_plan(text).findings if f.code == "cycle"]
    assert (cycle.line, cycle.message) == (
        8, "dependency cycle: 1.2 -> 1.3 -> 1.2, closed by '1.2 after 1.3' (line 8): none of these stories can ever start"
    )


def test_lanes_declared_on_one_line_take_their_stories_from_the_table():
    text = (
        "## Stories\n| Story | Title | Lane |\n|---|---|---|\n| 1.1 | Base | A |\n| 1.2 | Data | B |\n\n"
        "## 2 developers\nLane A: API, lane B: data.\n"
    )
    plan = read_plan(text)
    assert [(lane.key, lane.label, lane.stories) for lane in plan.modes[0].lanes] == [
        ("A", "API", ("1.1",)), ("B", "data", ("1.2",))
    ]
    assert plan.findings == ()


def test_a_story_twice_in_a_table_is_one_finding_with_both_lines_and_titles():
    text = "## Stories\n| Story | Title |\n|---|---|\n| 1.1 | Base |\n| 1.1 | Other |\n"
    plan = read_plan(text)
    assert [(s.id, s.title) for s in plan.stories] == [("1.1", "Base")]
    assert findings(plan) == [
        ("warning", "duplicate-story", "1.1 is defined twice: line 4 ('Base') and line 5 ('Other'); the first is kept", 5)
    ]
