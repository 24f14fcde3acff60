"""Plain text from mrkdwn: the console's, and a modal field's error (no markup, no usage tail, one short line)."""

from __future__ import annotations

import pytest

from bot.render.plain import MODAL_ERROR_MAX, cut_at_word, modal_error, plain


def test_plain_drops_bold_and_entities():
    assert plain("*1.1 baseline* is done &amp; approved by &lt;me&gt;") == "1.1 baseline is done & approved by <me>"


def test_a_modal_error_is_one_plain_line_without_the_usage_tail():
    text = "Too many words: the evidence is one link. Usage: /done ID LINK"
    assert modal_error(text) == "Too many words: the evidence is one link."
    two = "1.1 is already done (approved by <@U0BOB|bob>).\nA lead can reopen it: /start 1.1 reopen &lt;reason&gt;."
    assert modal_error(two) == "1.1 is already done (approved by @bob). A lead can reopen it: /start 1.1 reopen <reason>."
    assert modal_error("held by <@U0ANN>") == "held by @U0ANN"


@pytest.mark.parametrize("limit", [20, 47, 80, MODAL_ERROR_MAX])
def test_a_long_error_is_cut_after_a_word_with_an_ellipsis(limit):
    text = "Can't mark 1.1 done: evidence links must start with http:// or https:// (got javascript). " * 3
    cut = modal_error(text, limit)
    assert len(cut) <= limit and cut.endswith("…")
    assert text.startswith(cut[:-1])  # nothing but whole words before the ellipsis
    assert text[len(cut) - 1] in " .,;:)" or cut[:-1].endswith((".", ",", ":", ")"))


def test_short_text_is_left_whole():
    assert cut_at_word("four eyes", 150) == "four eyes"
