"""One line analysed: ids, titles and estimates next to them, arrows, what is left over."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.reader import read_plan
from planner.reader.scan import ID_LIST_RE, scan_any_line, scan_line


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


ID_LINES = [
    "1.5, 1.6, 1.7",
    "1.1 -> 1.4 -> 1.7",
    "1.1 → 1.2 ⟶ 1.3 => 1.4 --> 1.5",
    "1.3 + 1.4 -> 1.2",
    "  2.1; 2.2.",
    "10.11,12.13 ,",
    "9.9",
]
NOT_ID_LINES = ["1.1.2, 1.3", "v1.2, 1.3", "1.1 Baseline", "1.1 (2d)", "1.1 - 1.2", "10.02.2026", "1.1 and 1.2"]


@pytest.mark.parametrize("text", ID_LINES + NOT_ID_LINES)
def test_a_line_of_ids_reads_as_the_general_scan_reads_it(text):
    """The short way for "1.1 -> 1.2, 1.3" lines must say exactly what the general analysis says."""
    assert scan_line(text) == scan_any_line(text)


@pytest.mark.parametrize("text", ID_LINES)
def test_a_line_of_ids_takes_the_short_way(text):
    assert ID_LIST_RE.fullmatch(text)


@pytest.mark.parametrize("text", NOT_ID_LINES)
def test_a_line_with_words_or_odd_ids_takes_the_general_way(text):
    assert not ID_LIST_RE.fullmatch(text)


@given(
    st.lists(st.tuples(st.integers(0, 999), st.integers(0, 999)), min_size=1, max_size=12),
    st.lists(st.sampled_from([",", ", ", " -> ", "->", " → ", " + ", ";", " , ", "  "]), min_size=11, max_size=11),
    st.sampled_from(["", ".", ",", " ", "  ;"]),
)
def test_any_line_of_ids_reads_the_same_both_ways(ids, separators, end):
    text = "".join(f"{a}.{b}" + (separators[i] if i < len(ids) - 1 else end) for i, (a, b) in enumerate(ids))
    assert scan_line(text) == scan_any_line(text)
