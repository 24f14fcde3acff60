"""Gate lines: which story, which kind, and what it comes before."""

from __future__ import annotations

import pytest

from planner.reader import read_plan


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


def test_a_gate_without_a_kind_is_reported_and_the_same_gate_twice_counts_once():
    text = "Critical gates:\n- 1.1 is the entry gate\n- 1.1 is the entry gate\n- 1.2\n\n## Stories\n- 1.1\n- 1.2\n"
    plan = read_plan(text)
    assert [(g.story, g.kind, g.line) for g in plan.gates] == [("1.1", "entry", 2)]
    assert [(f.code, f.line) for f in plan.findings] == [("unreadable", 4)]
    assert "which kind of gate is 1.2?" in plan.findings[0].message
