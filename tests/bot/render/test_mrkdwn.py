"""Slack mrkdwn: escaping, naming people, and cutting text without breaking what it holds."""

import re

import pytest

from bot.render.mrkdwn import ELLIPSIS, esc, is_slack_id, mention, truncate, who
from tests.helpers.bot import NASTY, NASTY_ESCAPED


def test_truncate():
    assert truncate("short", 10) == "short"
    cut = truncate("a" * 50, 10)
    assert cut == "a" * 9 + "…" and len(cut) == 10
    assert truncate("ab &amp; cd", 6) == "ab…"  # never half an escape
    assert truncate("hi <@U0ALICE> there", 10) == "hi…"  # never half a mention
    with pytest.raises(ValueError):
        truncate("x", 0)


def test_truncate_never_leaves_half_an_escape_or_half_a_mention_whatever_the_cut():
    text = esc("Fix <b> & <i> in 1.2 & co") + " for <@U0ALICE> and <https://x.example/pr/1|the PR> &amp; more"
    for n in range(1, len(text) + 2):
        cut = truncate(text, n)
        assert len(cut) <= n, n
        body = cut.removesuffix(ELLIPSIS)
        assert cut == text or cut.endswith(ELLIPSIS), n
        assert "&" not in re.sub(r"&(amp|lt|gt);", "", body), (n, cut)  # escapes are whole
        assert body.count("<") == body.count(">"), (n, cut)  # mentions and links are whole
        assert text.startswith(body.rstrip()), (n, cut)


def test_esc_escapes_the_three_characters_slack_reads():
    assert esc(NASTY) == NASTY_ESCAPED
    assert esc("a > b") == "a &gt; b" and esc(42) == "42"
    assert esc("plain text, *bold* and _it_") == "plain text, *bold* and _it_"  # formatting is the caller's


@pytest.mark.parametrize(("name", "said"), [
    ("U0ALICE", "<@U0ALICE>"),  # a Slack user: a real mention, which notifies them
    ("W012ABC", "<@W012ABC>"),  # an Enterprise Grid user
    ("ann", "@ann"),  # a console name: no mention syntax
    ("Ulrich", "@Ulrich"),  # starts with U but is not an id
    ("U1", "@U1"),
    (None, "someone"),
    ("", "someone"),
])
def test_mention_is_a_slack_mention_only_for_slack_ids(name, said):
    assert mention(name) == said
    assert is_slack_id(name) is said.startswith("<@")


def test_who_says_nobody_and_escapes_console_names():
    assert who(None) == "nobody" and who("ann") == "@ann" and who("U0BOB") == "<@U0BOB>"
    assert who("ann<!here>") == "@ann&lt;!here&gt;"  # a name can't mention anyone
