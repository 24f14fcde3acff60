"""What headings and label lines announce, in French (with or without accents) and in English."""

from __future__ import annotations

import pytest

from planner.reader import read_plan
from planner.reader.labels import classify


@pytest.mark.parametrize(
    ("text", "in_mode", "kind", "data"),
    [
        ("Plan 3 dev (recommande)", False, "mode", {"devs": 3, "recommended": True, "name": None}),
        ("Plan 4 dev (mode rocket)", False, "mode", {"devs": 4, "recommended": False, "name": "mode rocket"}),
        ("3-dev plan (recommended)", False, "mode", {"devs": 3, "recommended": True, "name": None}),
        ("Apres 1.3 + 1.4", False, "after", {"preds": ["1.3", "1.4"]}),
        ("Dev B (support + hardening)", True, "lane", {"key": "B", "label": "support + hardening"}),
        ("Sprint 2", True, "sprint", {"name": "Sprint 2"}),
        ("En fil rouge", True, "floating", {"head": "En fil rouge"}),
        ("Checkpoint A", False, "checkpoint", {"name": "A"}),
        ("Verrous critiques (gates)", False, "gates", {}),
        ("Chemin critique", False, "critical", {}),
        ("Peut tourner en flux quasi continu", False, "continuous", {}),
        ("Regles anti-chaos", False, "rules", {}),
        ("Stories parallelisables", False, "stories", {}),
    ],
)
def test_labels(text, in_mode, kind, data):
    label = classify(text, in_mode=in_mode, heading=True)
    assert label is not None and (label.kind, label.data) == (kind, data)


def test_lanes_sprints_and_floating_only_inside_a_mode_and_unknown_labels_are_none():
    assert classify("Dev B (support)", in_mode=False, heading=False) is None
    assert classify("Sprint 1", in_mode=False, heading=False) is None
    assert classify("Gain attendu", in_mode=True, heading=True) is None
    assert classify("Vision execution", in_mode=False, heading=True) is None


def test_the_text_after_the_colon_is_kept_inline():
    label = classify("Dev A (core): 1.1 -> 1.3", in_mode=True, heading=False)
    assert label is not None and (label.kind, label.inline) == ("lane", " 1.1 -> 1.3")


def test_after_label_forms():
    text = "Apres 1.1 + 1.2:\n- 2.1\nAfter 1.1 and 1.2: 2.2\nAprès 1.1, 1.2 :\n- 2.3\nAfter 1.1 is done:\n- 2.4\n"
    plan = read_plan(text)
    assert set(plan.edges) == {(a, b) for a in ("1.1", "1.2") for b in ("2.1", "2.2", "2.3")} | {
        ("1.1", "2.4")
    }


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
