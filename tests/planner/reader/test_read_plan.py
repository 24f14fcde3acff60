"""`read_plan`, the reader's public API, on whole plans: the bundled seed and an English plan.

Story ids, counts and line numbers of the seed are derived from its Markdown with plain regular
expressions (tests/helpers/plans.py); what the seed states (gates, critical path, lanes,
checkpoints, rules, the four gaps DESIGN §2 names) is spelled out, because that is the spec.
"""

from __future__ import annotations

import re

import pytest

from planner.graph import PlanGraph
from planner.model import Plan
from planner.reader import read_plan
from tests.helpers.plans import (
    TEST_PLANS,
    chain_links,
    findings,
    line_of,
    named_ids,
    plan_file,
    read_seed,
    seed_text,
)

SEED_TEXT = seed_text()
SEED_APRES_EDGES = {
    ("1.1", "1.3"), ("1.1", "1.4"), ("1.1", "2.4"), ("1.1", "5.3"), ("1.3", "1.2"), ("1.4", "1.2"),
    ("2.2", "2.3"), ("2.2", "3.1"), ("2.2", "3.3"), ("2.2", "4.1"), ("3.1", "3.2"), ("4.1", "4.2"),
    ("4.1", "4.3"), ("4.1", "5.1"), ("5.1", "5.2"),
}  # fmt: skip
SEED_CRITICAL = ("1.1", "1.3", "2.1", "2.2", "4.1", "5.1", "5.2")


def line(needle: str) -> int:
    return line_of(SEED_TEXT, needle)


@pytest.fixture(scope="module")
def seed() -> Plan:
    return read_seed()


def lanes(plan: Plan, devs: int) -> list[tuple]:
    mode = plan.mode(devs)
    assert mode is not None
    return [(lane.key, lane.label, lane.stories) for lane in mode.lanes]


# -- the seed ----------------------------------------------------------------------------------


def test_seed_title_and_stories(seed):
    assert seed.title == "Plan De Livraison Parallele - k3s-mono-pgsql"
    assert seed.story_ids == named_ids(SEED_TEXT)  # the seed names no id it does not define


def test_seed_edges_are_the_apres_lists_plus_the_critical_path_links(seed):
    expected = SEED_APRES_EDGES | chain_links(SEED_TEXT)
    assert expected - SEED_APRES_EDGES == {("1.3", "2.1"), ("2.1", "2.2")}
    assert set(seed.edges) == expected
    assert len(seed.edges) == len(expected)  # each edge once


def test_seed_lanes_are_not_dependencies(seed):
    # Dev B of the 2-dev plan orders 2.4 -> 2.3 -> 3.1: the order of work, not an edge.
    assert ("2.4", "2.3") not in seed.edges
    assert ("2.3", "3.1") not in seed.edges
    assert ("4.3", "5.3") not in seed.edges


def test_seed_gates(seed):
    assert [(g.story, g.kind, g.line) for g in seed.gates] == [
        ("1.1", "entry", line("Story 1.1 (baseline")),
        ("2.2", "acceleration", line("Story 2.2 (Argo")),
        ("4.1", "data", line("Story 4.1 (PostgreSQL")),
        ("5.1", "recovery", line("Story 5.1 (backups")),
    ]
    assert seed.entry_gate == "1.1"


def test_seed_critical_path(seed):
    assert seed.critical_path == SEED_CRITICAL
    assert seed.critical_path_line == line("`1.1 -> 1.3")
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


def test_seed_modes(seed):
    assert [(m.devs, m.recommended, m.name, m.line) for m in seed.modes] == [
        (2, False, None, line("Plan 2 dev")),
        (3, True, None, line("Plan 3 dev")),
        (4, False, "mode rocket", line("Plan 4 dev")),
    ]
    assert seed.recommended_mode.devs == 3


def test_seed_two_dev_lanes_and_sprints(seed):
    assert lanes(seed, 2) == [
        ("A", "critical path", SEED_CRITICAL),
        ("B", "support + hardening", ("1.4", "1.2", "2.4", "2.3", "3.1", "3.2", "4.2", "4.3", "5.3", "5.4")),
    ]
    assert [(s.name, s.stories, s.line) for s in seed.mode(2).sprints] == [
        ("Sprint 1", ("1.1", "1.2", "1.3", "1.4"), line("Sprint 1:")),
        ("Sprint 2", ("2.1", "2.2", "2.3", "2.4", "3.1"), line("Sprint 2:")),
        ("Sprint 3", ("4.1", "4.2", "4.3", "5.1"), line("Sprint 3:")),
        ("Sprint 4", ("5.2", "5.3", "5.4"), line("Sprint 4:")),
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
        ("A", ("1.1", "1.3", "1.4"), ("preuves hardening + VPN + secrets",), line("Checkpoint A:")),
        ("B", ("2.1", "2.2", "2.4"), ("GitOps stable + gates CI actives",), line("Checkpoint B:")),
        ("C", ("3.1", "3.2", "4.1", "4.2"), ("monitoring + alerting + DB privee",), line("Checkpoint C:")),
        ("D", ("5.1", "5.2"), ("backup/restore drill valide",), line("Checkpoint D:")),
    ]


def test_seed_rules(seed):
    assert seed.rules == (
        "Pas de merge sans preuve AC.",
        "Pas de bypass GitOps durable.",
        "Tout incident critique => correction + runbook.",
        "Story en `review` obligatoire avant `done`.",
    )


def test_seed_findings_are_exactly_the_four_gaps(seed):
    # DESIGN §2: mode 2 leaves 3.3 to nobody, mode 4 leaves 2.3 to nobody, 3.2 and 3.3 are in no sprint.
    assert findings(seed) == [
        ("warning", "unassigned", "3.3 is in no lane of the 2-dev plan", line("Plan 2 dev")),
        ("warning", "no-sprint", "3.2 is in no sprint of the 2-dev plan", line("Sprint 1:")),
        ("warning", "no-sprint", "3.3 is in no sprint of the 2-dev plan", line("Sprint 1:")),
        ("warning", "unassigned", "2.3 is in no lane of the 4-dev plan (mode rocket)", line("Plan 4 dev")),
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
    text = (TEST_PLANS / "english.md").read_text(encoding="utf-8")
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
