"""One line analysed: ids, titles and estimates next to them, arrows, what is left over."""

from __future__ import annotations

import pytest

from planner.reader import read_plan
from planner.reader.scan import scan_line


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


def test_arrows_group_ids_into_steps():
    scan = scan_line("1.3 + 1.4 -> 1.2")
    assert scan.chain == [["1.3", "1.4"], ["1.2"]]
    assert [item.id for item in scan.items] == ["1.3", "1.4", "1.2"]
    assert scan.arrows and scan.leading and scan.residue == []


def test_what_a_bracket_says_about_the_id_before_it():
    (item,) = scan_line("Story 5.4 (documentation/matrice, finalisation en fin de lot) [2d]").items
    assert (item.id, item.title, item.estimate, item.final) == ("5.4", "documentation/matrice", 2.0, True)
    (item,) = scan_line("1.2 Schema (after 1.1)").items
    assert (item.text_title, item.after) == ("Schema", ["1.1"])


def test_an_inline_dependency_clause_is_not_a_subject():
    scan = scan_line("1.3 API, depends on 1.2")
    assert [item.id for item in scan.items] == ["1.3"]
    assert scan.deps == ["1.2"] and scan.all_ids == ["1.3", "1.2"]


def test_prose_leaves_words_and_does_not_lead_with_an_id():
    scan = scan_line("meilleur throughput apres gate 2.2")
    assert not scan.leading
    assert "throughput" in scan.residue
