"""Slack mrkdwn: cutting text without breaking what it holds."""

import pytest

from bot.render.mrkdwn import truncate


def test_truncate():
    assert truncate("short", 10) == "short"
    cut = truncate("a" * 50, 10)
    assert cut == "a" * 9 + "…" and len(cut) == 10
    assert truncate("ab &amp; cd", 6) == "ab…"  # never half an escape
    assert truncate("hi <@U0ALICE> there", 10) == "hi…"  # never half a mention
    with pytest.raises(ValueError):
        truncate("x", 0)
