"""The modals a button opens: their callback, their private metadata and their inputs."""

import json

from fakeslack.blocks import check_view as fake_check_view

from bot.slack import MODAL_CHANGES, MODAL_DONE, MODAL_REVIEW
from bot.slack.blocks.modals import changes_modal, done_modal, review_modal
from tests.helpers.bot import LINK, NASTY, NASTY_ESCAPED
from tests.helpers.slack import all_text


def _input(view, block_id):
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def test_done_modal():
    view = done_modal("p", f"1.2 {NASTY}", "1.2", "C0PLAN", initial_link=LINK)
    assert fake_check_view(view, ("modal",)) == []
    assert view["type"] == "modal" and view["callback_id"] == MODAL_DONE
    assert json.loads(view["private_metadata"]) == {"plan": "p", "story": "1.2", "channel": "C0PLAN"}
    element = _input(view, "evidence")["element"]
    assert element["action_id"] == "link" and element["type"] == "plain_text_input"
    assert element["placeholder"]["text"] == "https://…" and element["initial_value"] == LINK
    assert NASTY_ESCAPED in all_text(view["blocks"])


def test_changes_modal():
    view = changes_modal(plan="p", story_label="1.2", story_id="1.2", channel=None)
    assert fake_check_view(view, ("modal",)) == []
    assert view["callback_id"] == MODAL_CHANGES
    assert json.loads(view["private_metadata"]) == {"plan": "p", "story": "1.2", "channel": None}
    element = _input(view, "reason")["element"]
    assert element["action_id"] == "text" and element["multiline"] is True


def test_review_modal():
    view = review_modal(plan=None, story_label="1.2", story_id="1.2", channel="C1")
    assert fake_check_view(view, ("modal",)) == []
    assert view["callback_id"] == MODAL_REVIEW
    assert json.loads(view["private_metadata"]) == {"plan": None, "story": "1.2", "channel": "C1"}
    assert _input(view, "evidence")["element"]["action_id"] == "link"
    reviewer = _input(view, "reviewer")
    assert reviewer["optional"] is True
    assert reviewer["element"] == {**reviewer["element"], "type": "users_select", "action_id": "user"}
