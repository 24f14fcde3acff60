"""What counts as a story id (and what does not: dates, versions, list markers)."""

from __future__ import annotations

import pytest

from planner.reader import read_plan
from planner.reader.tokens import ID_RE


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


def test_id_pattern_on_its_own():
    assert ID_RE.findall("1.1 -> 10.2, 3.12; v1.2 1.2.3 2.0x 7.") == ["1.1", "10.2", "3.12"]
