"""The pass over the lines: headings, numbered sections, skipped sections, garbage, and the promise
that no text makes the reader raise."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.model import story_sort_key
from planner.reader import read_plan
from planner.reader.lines import Reader
from tests.helpers.plans import seed_text

SEED_TEXT = seed_text()


def test_the_first_heading_is_the_title_without_markup():
    assert read_plan("Intro\n## **Delivery** `plan`\n# Second\n").title == "Delivery plan"


def test_a_numbered_line_is_a_section_only_when_it_continues_the_numbering():
    text = "1) Stories\n- 1.1\n- 1.2\n1) first step\n2) second step\n3) Plan 1 dev\nDev A: 1.1 -> 1.2\n"
    plan = read_plan(text)
    assert plan.story_ids == ["1.1", "1.2"]
    assert plan.mode(1) is None  # "3) Plan 1 dev" continues the list "1) 2)": an item, not a heading
    text = "1) Stories\n- 1.1\n- 1.2\n3) Plan 1 dev\nDev A: 1.1 -> 1.2\n"
    assert read_plan(text).mode(1).lane("A").stories == ("1.1", "1.2")


def test_unknown_sections_and_sub_sections_are_skipped_whole():
    text = "## Vision\n- 7.5 is a version\n## Stories\n- 1.1\nNotes:\n- 1.2 maybe later\n"
    plan = read_plan(text)
    assert plan.story_ids == ["1.1"] and plan.findings == ()


def test_quotes_fences_and_control_characters_are_not_content():
    text = "> ## Stories\n> - 1.1\n```\n- 9.9\n```\n- 1.2\x07\n"
    assert read_plan(text).story_ids == ["1.1", "1.2", "9.9"]  # a fence line is dropped, not its content


def test_a_reader_bug_costs_one_line_not_the_plan(monkeypatch):
    real = Reader.item_stories

    def flaky(self, number, text, is_bullet, scan):
        if number == 3:
            raise RuntimeError("boom")
        real(self, number, text, is_bullet, scan)

    monkeypatch.setattr(Reader, "item_stories", flaky)
    plan = read_plan("## Stories\n- 1.1\n- 1.2\n- 1.3\n")
    assert plan.story_ids == ["1.1", "1.3"]
    assert [(f.code, f.message, f.line) for f in plan.findings] == [
        ("unreadable", "cannot read this line (reader error: RuntimeError)", 3)
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
