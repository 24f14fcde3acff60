"""Character helpers: every one keeps positions valid, so spans found in one text fit the other."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.reader.text import blank_out, fold, split_colon, top_groups, words_in


def test_fold_lowercases_and_drops_accents():
    assert fold("Après Été PostgreSQL") == "apres ete postgresql"
    assert fold("d’accélération") == "d'acceleration"  # curly apostrophes read as straight ones


@pytest.mark.parametrize("text", ["ﬁn", "İstanbul", "Straße", "Å"])
def test_fold_keeps_one_character_for_one_when_folding_would_change_the_length(text):
    assert len(fold(text)) == len(text)


@given(st.text(max_size=200))
def test_fold_never_changes_the_length(text):
    assert len(fold(text)) == len(text)


def test_top_groups_are_the_outer_brackets_only():
    assert top_groups("1.1 (title [3d]) [2d]") == [(4, 16), (17, 21)]
    assert top_groups("a (b] c) (d)") == [(9, 12)]  # a mismatched closer abandons the open group
    assert top_groups("(unclosed") == []


def test_blank_out_replaces_spans_with_as_many_spaces():
    assert blank_out("1.1 (x) y", [(4, 7)]) == "1.1     y"


def test_words_are_letters_only():
    assert words_in("Dev A: 1.1 -> 1.3, café_au_lait") == ["Dev", "A", "café", "au", "lait"]


@pytest.mark.parametrize(
    ("text", "head", "rest"),
    [
        ("Apres 1.1: 1.2", "Apres 1.1", " 1.2"),
        ("Dev A (core: infra): 1.1", "Dev A (core: infra)", " 1.1"),  # colons inside brackets do not count
        ("proof at https://ci.example.com/run/1", "proof at https://ci.example.com/run/1", None),
        ("no colon", "no colon", None),
    ],
)
def test_split_colon(text, head, rest):
    assert split_colon(text) == (head, rest)
