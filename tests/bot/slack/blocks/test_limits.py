"""check_message / check_view: every Block Kit limit Slack enforces, named with where it broke."""

import pytest

from bot.slack.blocks.limits import check_message, check_view


def _sec(text="x"):
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _btn(action_id="a", value="v"):
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": "b"},
        "action_id": action_id,
        "value": value,
    }


@pytest.mark.parametrize(
    ("blocks", "message"),
    [
        ([_sec()] * 51, "/blocks: 51 blocks, limit 50"),
        ([_sec("x" * 3001)], "/blocks/0/text/text: 3001 characters, limit 3000"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "/blocks/0/text/text: 151"),
        ([{"type": "actions", "elements": [_btn(value="v" * 2001)]}], "/blocks/0/elements/0/value: 2001"),
        (
            [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
            "/blocks/0/fields: 11 fields",
        ),
        ([{"type": "actions", "elements": [_btn(f"a{i}") for i in range(26)]}], "26 elements, limit 25"),
        ([{"type": "actions", "elements": [_btn("start"), _btn("start")]}], "duplicate action_id 'start'"),
        ([_sec(" ")], "empty section text"),
        ([_sec("x" * 2900) for _ in range(20)], "sanity bound"),
    ],
)
def test_check_message_refuses(blocks, message):
    with pytest.raises(ValueError, match="Block Kit limit broken|sanity") as err:
        check_message(blocks)
    assert message in str(err.value)


def test_check_message_and_view_accept_at_the_limit():
    assert check_message([_sec("x" * 3000)] * 10)
    assert check_message([_sec()] * 50)
    check_view({"type": "home", "blocks": [_sec()] * 100})
    with pytest.raises(ValueError, match="/view/blocks: 101 blocks, limit 100"):
        check_view({"type": "home", "blocks": [_sec()] * 101})
    with pytest.raises(ValueError, match="/view/title/text: 25 characters"):
        check_view({"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}, "blocks": []})
