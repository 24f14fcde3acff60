"""The Markdown reader, on the seed plan and on plans written the other ways people write them."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.graph import PlanGraph
from planner.model import Plan, story_sort_key
from planner.reader import read_plan

ROOT = Path(__file__).resolve().parents[2]
PLANS = Path(__file__).parent / "plans"
SEED_TEXT = (ROOT / "plans" / "k3s-mono-pgsql.md").read_text(encoding="utf-8")


def plan_file(name: str) -> Plan:
    return read_plan((PLANS / name).read_text(encoding="utf-8"))


def findings(plan: Plan) -> list[tuple]:
    return [(f.severity, f.code, f.message, f.line) for f in plan.findings]


def codes(plan: Plan) -> list[str]:
    return [f.code for f in plan.findings]


@pytest.fixture(scope="module")
def seed() -> Plan:
    return read_plan(SEED_TEXT)


# -- the seed ----------------------------------------------------------------------------------

SEED_IDS = [
    "1.1",
    "1.2",
    "1.3",
    "1.4",
    "2.1",
    "2.2",
    "2.3",
    "2.4",
    "3.1",
    "3.2",
    "3.3",
    "4.1",
    "4.2",
    "4.3",
    "5.1",
    "5.2",
    "5.3",
    "5.4",
]
SEED_APRES_EDGES = {
    ("1.1", "1.3"), ("1.1", "1.4"), ("1.1", "2.4"), ("1.1", "5.3"), ("1.3", "1.2"), ("1.4", "1.2"),
    ("2.2", "2.3"), ("2.2", "3.1"), ("2.2", "3.3"), ("2.2", "4.1"), ("3.1", "3.2"), ("4.1", "4.2"),
    ("4.1", "4.3"), ("4.1", "5.1"), ("5.1", "5.2"),
}  # fmt: skip


def test_seed_title_and_stories(seed):
    assert seed.title == "Plan De Livraison Parallele - k3s-mono-pgsql"
    assert seed.story_ids == SEED_IDS


def test_seed_edges_are_the_apres_lists_plus_the_critical_path_links(seed):
    assert set(seed.edges) == SEED_APRES_EDGES | {("1.3", "2.1"), ("2.1", "2.2")}
    assert len(seed.edges) == len(set(seed.edges)) == 17


def test_seed_lanes_are_not_dependencies(seed):
    # Dev B of the 2-dev plan orders 2.4 -> 2.3 -> 3.1: the order of work, not an edge.
    assert ("2.4", "2.3") not in seed.edges
    assert ("2.3", "3.1") not in seed.edges
    assert ("4.3", "5.3") not in seed.edges


def test_seed_gates(seed):
    assert [(g.story, g.kind, g.line) for g in seed.gates] == [
        ("1.1", "entry", 11),
        ("2.2", "acceleration", 12),
        ("4.1", "data", 13),
        ("5.1", "recovery", 14),
    ]
    assert seed.entry_gate == "1.1"


def test_seed_critical_path(seed):
    assert seed.critical_path == ("1.1", "1.3", "2.1", "2.2", "4.1", "5.1", "5.2")
    assert seed.critical_path_line == 17
    assert PlanGraph(seed).longest_path() == list(seed.critical_path)


def test_seed_titles(seed):
    titles = {s.id: s.title for s in seed.stories if s.title}
    assert titles == {
        "1.1": "baseline hardening",
        "2.2": "Argo App-of-Apps",
        "4.1": "PostgreSQL persistant",
        "5.1": "backups",
        "5.4": "documentation/matrice",
    }
    assert seed.story("3.2").label == "3.2"
    assert all(s.estimate is None for s in seed.stories)


def test_seed_continuous_and_finalisation(seed):
    assert seed.continuous == ("5.4",)
    assert seed.finalisation == ("5.4",)


def lanes(plan: Plan, devs: int) -> list[tuple]:
    return [(lane.key, lane.label, lane.stories) for lane in plan.mode(devs).lanes]


def test_seed_modes(seed):
    assert [(m.devs, m.recommended, m.name, m.line) for m in seed.modes] == [
        (2, False, None, 42),
        (3, True, None, 56),
        (4, False, "mode rocket", 71),
    ]
    assert seed.recommended_mode.devs == 3


def test_seed_two_dev_lanes_and_sprints(seed):
    assert lanes(seed, 2) == [
        ("A", "critical path", ("1.1", "1.3", "2.1", "2.2", "4.1", "5.1", "5.2")),
        ("B", "support + hardening", ("1.4", "1.2", "2.4", "2.3", "3.1", "3.2", "4.2", "4.3", "5.3", "5.4")),
    ]
    assert [(s.name, s.stories, s.line) for s in seed.mode(2).sprints] == [
        ("Sprint 1", ("1.1", "1.2", "1.3", "1.4"), 51),
        ("Sprint 2", ("2.1", "2.2", "2.3", "2.4", "3.1"), 52),
        ("Sprint 3", ("4.1", "4.2", "4.3", "5.1"), 53),
        ("Sprint 4", ("5.2", "5.3", "5.4"), 54),
    ]
    assert seed.mode(2).floating == ()


def test_seed_three_dev_lanes(seed):
    assert lanes(seed, 3) == [
        ("A", "platform core", ("1.1", "1.3", "2.1", "2.2", "2.3")),
        ("B", "security + compliance", ("1.4", "1.2", "2.4", "4.2", "5.3", "5.4")),
        ("C", "observability + data + recovery", ("3.1", "3.2", "3.3", "4.1", "4.3", "5.1", "5.2")),
    ]
    assert seed.mode(3).sprints == ()
    assert seed.mode(3).floating == ()


def test_seed_four_dev_lanes_and_floating(seed):
    assert lanes(seed, 4) == [
        ("A", None, ("1.1", "2.1", "2.2")),
        ("B", None, ("1.3", "1.4", "1.2", "2.4")),
        ("C", None, ("3.1", "3.2", "3.3")),
        ("D", None, ("4.1", "4.2", "4.3", "5.1", "5.2")),
    ]
    assert seed.mode(4).floating == ("5.3", "5.4")
    assert seed.mode(4).floating_lanes == ("B", "C")
    assert seed.mode(4).sprints == ()


def test_seed_checkpoints(seed):
    assert [(c.name, c.stories, c.proofs, c.line) for c in seed.checkpoints] == [
        ("A", ("1.1", "1.3", "1.4"), ("preuves hardening + VPN + secrets",), 90),
        ("B", ("2.1", "2.2", "2.4"), ("GitOps stable + gates CI actives",), 94),
        ("C", ("3.1", "3.2", "4.1", "4.2"), ("monitoring + alerting + DB privee",), 98),
        ("D", ("5.1", "5.2"), ("backup/restore drill valide",), 102),
    ]


def test_seed_rules(seed):
    assert seed.rules == (
        "Pas de merge sans preuve AC.",
        "Pas de bypass GitOps durable.",
        "Tout incident critique => correction + runbook.",
        "Story en `review` obligatoire avant `done`.",
    )


def test_seed_findings_are_exactly_the_four_gaps(seed):
    assert findings(seed) == [
        ("warning", "unassigned", "3.3 is in no lane of the 2-dev plan", 42),
        ("warning", "no-sprint", "3.2 is in no sprint of the 2-dev plan", 51),
        ("warning", "no-sprint", "3.3 is in no sprint of the 2-dev plan", 51),
        ("warning", "unassigned", "2.3 is in no lane of the 4-dev plan (mode rocket)", 71),
    ]


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda t: re.sub(r"^## ", "", t, flags=re.M), id="numbered-headings-without-hashes"),
        pytest.param(lambda t: re.sub(r"^- ", "* ", t, flags=re.M), id="star-bullets"),
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: t.replace("\n", "\x00\n"), id="nul-bytes-at-line-ends"),
        pytest.param(
            lambda t: t.replace("`1.1 -> 1.3", "1.1 -> 1.3").replace("5.2`", "5.2"), id="chain-no-backticks"
        ),
        pytest.param(lambda t: t.replace("Apres", "Après").replace("recommande", "recommandé"), id="accents"),
    ],
)
def test_seed_written_differently_reads_the_same(seed, variant):
    assert read_plan(variant(SEED_TEXT)).to_json() == seed.to_json()


# -- an English plan -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def english() -> Plan:
    return plan_file("english.md")


def test_english_plan_stories_titles_estimates(english):
    assert [(s.id, s.title, s.estimate) for s in english.stories] == [
        ("1.1", "Network baseline", 2.0),
        ("1.2", "Secrets rotation", 0.5),
        ("2.1", "Café ledger", 3.0),
        ("3.4", "Façade API", 1.5),
        ("3.12", "Reconciliation", 1.0),
        ("4.1", "runbooks", None),
        ("10.2", "Données migration", 2.0),
        ("10.3", "Audit trail", 8.0),
    ]
    assert english.title == "Delivery plan — Payments platform"


def test_english_plan_structure(english):
    assert set(english.edges) == {
        ("1.1", "1.2"), ("1.1", "2.1"), ("1.2", "10.2"), ("2.1", "10.3"), ("2.1", "3.4"), ("10.2", "3.12"),
    }  # fmt: skip
    assert [(g.story, g.kind) for g in english.gates] == [
        ("1.1", "entry"),
        ("2.1", "acceleration"),
        ("10.2", "data"),
    ]
    assert english.critical_path == ("1.1", "2.1", "10.3")
    assert english.continuous == english.finalisation == ("4.1",)
    mode = english.mode(3)
    assert (mode.recommended, mode.name) == (True, None)
    assert lanes(english, 3) == [
        ("A", "core", ("1.1", "2.1", "10.3")),
        ("B", "data", ("1.2", "10.2", "3.12")),
        ("C", None, ("3.4",)),
    ]
    assert (mode.floating, mode.floating_lanes) == (("4.1",), ("B", "C"))
    assert [(s.name, s.stories) for s in mode.sprints] == [
        ("Sprint 1", ("1.1", "1.2", "2.1")),
        ("Sprint 2", ("10.2", "10.3", "3.12", "3.4")),
        ("Sprint 3", ("4.1",)),
    ]
    assert [(c.name, c.stories, c.proofs) for c in english.checkpoints] == [
        ("A", ("1.1", "1.2"), ("proofs: firewall report",)),
        ("B", ("10.2", "10.3"), ("audit export signed off",)),
    ]
    assert english.rules == (
        "No merge without acceptance evidence.",
        "A story goes to `review` before `done`.",
    )


def test_english_plan_is_clean_and_ignores_dates_versions_and_prose(english):
    # "Date: 2026-03-02", "2.14.1" and the "Vision" section's 7.5 are not stories, nor findings.
    assert english.findings == ()
    assert not english.has("7.5") and not english.has("2.14") and not english.has("14.1")


def test_estimates_decide_the_longest_path(english):
    assert PlanGraph(english).longest_path() == ["1.1", "2.1", "10.3"]  # 2 + 3 + 8 days
    text = (PLANS / "english.md").read_text(encoding="utf-8")
    unestimated = re.sub(r"\[\d+d\]|\(0\.5 j\)|, estimate: 3|Estimate: 1\.5", "", text)
    plan = read_plan(unestimated)
    assert all(s.estimate is None for s in plan.stories)
    assert PlanGraph(plan).longest_path() == ["1.1", "1.2", "10.2", "3.12"]  # four stories beat three
    assert findings(plan) == [
        (
            "warning",
            "critical-path-not-longest",
            "the declared critical path 1.1 -> 2.1 -> 10.3 (length 3) is shorter than the longest path "
            "1.1 -> 1.2 -> 10.2 -> 3.12 (length 4)",
            18,
        )
    ]


TEMPLATE = """# Plan

{gates}
1. {entry}
2. {accel}

{critical}
`1.1 -> 2.1 -> 2.2`

## {stories}

{after} 1.1:
- 2.1, 1.2

{after} 2.1 + 1.2:
- 2.2

{continuous}
- 3.1 {final}

## {plan2}

Dev A (core):
- 1.1 -> 2.1 -> 2.2

Dev B:
- 1.2

{floating}
- 3.1 {who}

## Suivi

{checkpoint}
- 1.1, 2.1 done
- proof

## {rules}

- one rule
"""
VOCABULARIES = {
    "french-accents": dict(
        gates="Verrous critiques (gates):", entry="Story 1.1 (socle) est le gate d'entrée.",
        accel="Story 2.1 est le gate d’accélération.", critical="Chemin critique:", stories="Stories parallélisables",
        after="Après", continuous="Peut tourner en flux quasi continu:", final="(docs, finalisation en fin de lot)",
        plan2="Plan 2 dev (recommandé)", floating="En fil rouge:", who="par Dev A/B",
        checkpoint="Point de contrôle A:", rules="Règles anti-chaos",
    ),
    "french-plain": dict(
        gates="Verrous critiques (gates):", entry="Story 1.1 (socle) est le gate d'entree.",
        accel="Story 2.1 est le gate d'acceleration.", critical="Chemin critique:", stories="Stories parallelisables",
        after="Apres", continuous="Peut tourner en flux quasi continu:", final="(docs, finalisation en fin de lot)",
        plan2="Plan 2 devs (recommande)", floating="En fil rouge:", who="par Dev A/B",
        checkpoint="Checkpoint A:", rules="Regles anti-chaos",
    ),
    "english": dict(
        gates="Critical gates:", entry="1.1 (socle) is the entry gate.", accel="2.1 is the acceleration gate.",
        critical="Critical path:", stories="User stories", after="After", continuous="Can run continuously:",
        final="(docs, finalised at the end)", plan2="2-dev plan (recommended)", floating="Floating:",
        who="by Dev A or Dev B", checkpoint="Checkpoint A:", rules="Anti-chaos rules",
    ),
}  # fmt: skip


def test_french_with_or_without_accents_and_english_read_the_same():
    read = {name: read_plan(TEMPLATE.format(**words)).to_json() for name, words in VOCABULARIES.items()}
    assert read["french-accents"] == read["french-plain"] == read["english"]
    plan = read["english"]
    assert plan["edges"] == [["1.1", "2.1"], ["2.1", "2.2"], ["1.1", "1.2"], ["1.2", "2.2"]]
    assert plan["gates"] == [{"story": "1.1", "kind": "entry"}, {"story": "2.1", "kind": "acceleration"}]
    assert (plan["continuous"], plan["finalisation"]) == (["3.1"], ["3.1"])
    assert [s["title"] for s in plan["stories"]] == ["socle", "1.2", "2.1", "2.2", "docs"]
    assert plan["modes"] == [
        {
            "devs": 2, "recommended": True, "name": None, "lanes": {"A": ["1.1", "2.1", "2.2"], "B": ["1.2"]},
            "lane_labels": {"A": "core", "B": None}, "floating": ["3.1"], "floating_lanes": ["A", "B"], "sprints": [],
        }
    ]  # fmt: skip
    assert plan["checkpoints"] == [{"name": "A", "stories": ["1.1", "2.1"], "proofs": ["proof"]}]
    assert plan["rules"] == ["one rule"]
    assert plan["findings"] == []


# -- reading details ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "ids"),
    [
        ("- 1.1, 10.2 and 3.12", ["1.1", "3.12", "10.2"]),
        ("- 2026-02-10 release day", []),
        ("- v1.2.3 upgrade", []),
        ("- python3.11 runtime", []),
        ("- 10.02.2026", []),
        ("1. First item", []),
        ("- Story 1.1: Baseline", ["1.1"]),
        ("- 1.1 (bump to PostgreSQL 16.2)", ["1.1"]),
    ],
)
def test_what_counts_as_a_story_id(line, ids):
    plan = read_plan(f"## Stories\n{line}\n")
    assert plan.story_ids == ids
    if not ids:
        assert ("unreadable", 2) in [(f.code, f.line) for f in plan.findings]


@pytest.mark.parametrize(
    ("text", "title", "estimate"),
    [
        ("## Stories\n- 1.1 Baseline hardening\n", "Baseline hardening", None),
        ("## Stories\n- 1.1 Baseline hardening [3d]\n", "Baseline hardening", 3.0),
        ("## Stories\n- 1.1: Baseline hardening (2 j)\n", "Baseline hardening", 2.0),
        ("## Stories\n- 1.1 Baseline hardening, estimate: 3\n", "Baseline hardening", 3.0),
        ("## Stories\n### Story 1.1: Baseline hardening\nEstimate: 2,5\nThe first thing we do.\n", "Baseline hardening", 2.5),
        ("Apres 0.1:\n- 1.1 (baseline hardening, 1.5 days)\n", "baseline hardening", 1.5),
        ("Apres 0.1:\n- 1.1 Baseline hardening\n", None, None),  # words in a dependency list are not a title
    ],
)  # fmt: skip
def test_titles_and_estimates(text, title, estimate):
    story = read_plan(text).story("1.1")
    assert (story.title, story.estimate) == (title, estimate)


@pytest.mark.parametrize(
    ("line", "kind", "edges"),
    [
        ("1. Story 1.1 (socle) est le gate d'entree.", "entry", []),
        ("- 1.1 is the entry gate", "entry", []),
        ("- Entry gate: 1.1", "entry", []),
        ("- Story 1.1 est le gate d’accélération", "acceleration", []),
        ("- 1.1 est le gate data", "data", []),
        ("- Story 1.1 (backups) est le gate recovery avant 1.2.", "recovery", [("1.1", "1.2")]),
        ("- 1.1 is the recovery gate before 1.2", "recovery", [("1.1", "1.2")]),
        ("- 1.1 is the release gate", "release", []),
    ],
)
def test_gate_kinds(line, kind, edges):
    plan = read_plan(f"Critical gates:\n{line}\n\n## Stories\n- 1.1\n- 1.2\n")
    assert [(g.story, g.kind) for g in plan.gates] == [("1.1", kind)]
    assert list(plan.edges) == edges


def test_after_label_forms():
    text = "Apres 1.1 + 1.2:\n- 2.1\nAfter 1.1 and 1.2: 2.2\nAprès 1.1, 1.2 :\n- 2.3\nAfter 1.1 is done:\n- 2.4\n"
    plan = read_plan(text)
    assert set(plan.edges) == {(a, b) for a in ("1.1", "1.2") for b in ("2.1", "2.2", "2.3")} | {
        ("1.1", "2.4")
    }


def test_inline_dependencies_in_a_stories_section():
    plan = read_plan(
        "## Stories\n- 1.1 Base\n- 1.2 Schema (after 1.1)\n- 1.3 API, depends on 1.2\n- 1.4 -> 1.5\n"
    )
    assert list(plan.edges) == [("1.1", "1.2"), ("1.2", "1.3"), ("1.4", "1.5")]
    assert plan.story("1.3").title == "API"


def test_stories_table():
    text = (
        "## Stories\n| Story | Title | Estimate | After |\n|---|---|---|---|\n"
        "| 1.1 | Base | 2 | |\n| 1.2 | Schema | 3j | 1.1 |\n"
    )
    plan = read_plan(text)
    assert [(s.id, s.title, s.estimate) for s in plan.stories] == [
        ("1.1", "Base", 2.0),
        ("1.2", "Schema", 3.0),
    ]
    assert plan.edges == (("1.1", "1.2"),)


def test_critical_path_may_wrap_and_a_second_one_is_reported():
    text = "Apres 1.1:\n- 1.2, 1.3\n\nChemin critique:\n1.1 -> 1.2 ->\n  1.3\n\nCritical path: 1.1 -> 1.3\n"
    plan = read_plan(text)
    assert plan.critical_path == ("1.1", "1.2", "1.3")
    assert ("1.2", "1.3") in plan.edges
    assert [(f.code, f.line) for f in plan.findings] == [("critical-path-twice", 8)]


def test_lane_prose_is_reported_not_assigned():
    text = "Apres 1.1:\n- 1.2\n## Plan 2 dev\nDev A (core):\n- 1.1 -> 1.2\nDev A takes 1.2 too\nGain attendu:\n- 1.2 plus vite\n"
    plan = read_plan(text)
    assert plan.mode(2).lane("A").stories == ("1.1", "1.2")
    assert [(f.code, f.line) for f in plan.findings] == [("unreadable", 6)]


def test_sprint_naming_an_epic_without_stories():
    plan = read_plan("Apres 1.1:\n- 1.2\n## Plan 1 dev\nDev A: 1.1 -> 1.2\nSprint 1: Epic 1 + Epic 7\n")
    assert plan.mode(1).sprints[0].stories == ("1.1", "1.2")
    assert findings(plan) == [("warning", "unknown-epic", "Sprint 1 names epic 7, which has no story", 5)]


def test_title_falls_back_to_the_argument_then_a_placeholder():
    assert read_plan("Apres 1.1:\n- 1.2\n", title="from the file name").title == "from the file name"
    assert read_plan("# Real title\n", title="from the file name").title == "Real title"
    assert read_plan("").title == "Untitled plan"


# -- plans with problems -----------------------------------------------------------------------


def test_cycle_plan():
    plan = plan_file("cycle.md")
    assert plan.story_ids == ["1.1", "2.1", "2.2"]
    assert findings(plan) == [
        ("error", "cycle", "dependency cycle: 2.1 -> 2.2 -> 2.1 (none of these stories can ever start)", 6)
    ]


def test_undefined_ids_are_reported_and_left_out():
    plan = plan_file("undefined.md")
    assert plan.story_ids == ["1.1", "1.2"]
    assert plan.edges == (("1.1", "1.2"),)  # the critical path's links through 7.7 are dropped
    assert plan.critical_path == ("1.1", "1.2")
    assert [(g.story, g.kind) for g in plan.gates] == [("1.1", "entry")]
    assert plan.checkpoints[0].stories == ("1.2",)
    tail = "but no dependency list, lane, continuous section or Stories section defines it; it is left out of the plan"
    assert findings(plan) == [
        ("error", "undefined-id", f"9.9 is named in the gates (line 5) {tail}", 5),
        ("error", "undefined-id", f"7.7 is named in the critical path (line 8) {tail}", 8),
        (
            "warning",
            "unreadable",
            "cannot read 'a voir avec l'equipe': expected the ids of the stories that wait",
            14,
        ),
        ("error", "undefined-id", f"8.8 is named in checkpoint A (line 19) {tail}", 19),
    ]


def test_lane_order_plan():
    plan = plan_file("lane_order.md")
    assert findings(plan) == [
        ("warning", "lane-order", "lane A of the 2-dev plan puts 1.3 before its prerequisite 1.2", 21),
        ("warning", "lane-order", "lane B of the 2-dev plan puts 1.4 before its prerequisite 1.1", 24),
    ]


def test_not_longest_plan():
    plan = plan_file("not_longest.md")
    assert findings(plan) == [
        (
            "warning",
            "critical-path-not-longest",
            "the declared critical path 1.1 -> 1.2 (length 2) is shorter than the longest path "
            "1.1 -> 1.3 -> 1.4 (length 7)",
            10,
        )
    ]


def noise(size: int) -> str:
    rnd = random.Random(20260210)
    alphabet = "abcdefghijklmnopqrstuvwxyz 0123456789.,;:-*#()[]`>→é\n\t"
    return "".join(rnd.choice(alphabet) for _ in range(size))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("   \n\n\t\n", id="blank"),
        pytest.param("\x00" * 512, id="nul-bytes"),
        pytest.param(noise(10_000), id="10kB-noise"),
        pytest.param(bytes(range(256)).decode("latin-1") * 40, id="every-byte"),
    ],
)
def test_garbage_gives_an_empty_plan_with_a_finding(text):
    plan = read_plan(text)
    assert plan.stories == () and plan.edges == () and plan.modes == ()
    assert ("error", "no-stories") in [(f.severity, f.code) for f in plan.findings]


# -- never raises ------------------------------------------------------------------------------

FRAGMENTS = [line for line in SEED_TEXT.splitlines() if line.strip()] + [
    "# ", "## 3) ", "1) ", "- ", "* ", "1. ", "| 1.1 | x | 2 | 1.0 |", "Sprint 2: Epic 2 + 3.1", "Dev A (x): 1.1 -> 9.9",
    "Critical path: 1.1 -> 1.1", "After 1.1: 1.1", "[3d]", "(2 j)", "estimate: 3", "Story 10.2: T", "### Story 3.12",
    "En fil rouge: 5.3 par Dev Z", "Checkpoint A: 7.7 done", "2-dev plan (recommended)", "→", "(", ")", "`",
]  # fmt: skip
plan_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=40).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=2000), plan_like))
def test_read_plan_never_raises_and_keeps_its_invariants(text):
    plan = read_plan(text)
    ids = plan.story_ids
    assert ids == sorted(ids, key=story_sort_key) and len(set(ids)) == len(ids)
    assert len(set(plan.edges)) == len(plan.edges)
    assert all(plan.has(a) and plan.has(b) for a, b in plan.edges)
    assert all(plan.has(g.story) for g in plan.gates)
    assert all(plan.has(s) for s in plan.critical_path)
    lines = text.count("\n") + 1
    for finding in plan.findings:
        assert finding.severity in ("error", "warning", "info")
        assert finding.line is None or 1 <= finding.line <= lines
        assert "reader error" not in finding.message
    found = [f.line for f in plan.findings]
    assert found == sorted(found, key=lambda n: (n is None, n or 0))
