"""What our buttons and modals carry back through Slack: encoded compactly and under Slack's
limit, decoded without trusting it (a crafted value is an empty story, never an exception)."""

import json

import pytest

from bot.slack.blocks.limits import BUTTON_VALUE_MAX
from bot.slack.payloads import STORY_MAX, ButtonValue, ModalMetadata
from tests.helpers.bot import LINK, NASTY

GARBAGE = [None, "", "not json", "[1, 2]", '"1.1"', "12", "null", '{"story": ["1.1"]}', '{"story": {"id": "1.1"}}',
           '{"plan": "p"}', "{" * 5000]


@pytest.mark.parametrize("button", [
    ButtonValue("1.2", plan="k3s", label="1.2 Argo App-of-Apps", link=LINK),
    ButtonValue("1.2", plan=None),
    ButtonValue("10.12", plan="p", label=NASTY + " é ✓"),
])
def test_a_button_value_comes_back_as_it_was_sent(button):
    encoded = button.encode()
    assert len(encoded) <= BUTTON_VALUE_MAX
    assert ButtonValue.decode(encoded) == button


def test_a_label_that_only_repeats_the_story_is_not_sent():
    encoded = ButtonValue("1.2", plan="p", label="1.2").encode()
    assert json.loads(encoded) == {"plan": "p", "story": "1.2"}
    assert ButtonValue.decode(encoded) == ButtonValue("1.2", plan="p")


@pytest.mark.parametrize("metadata", [
    ModalMetadata("1.2", plan="k3s", channel="C0PLAN"),
    ModalMetadata("1.2", plan=None, channel=None),
])
def test_modal_metadata_comes_back_as_it_was_sent(metadata):
    assert ModalMetadata.decode(metadata.encode()) == metadata


@pytest.mark.parametrize("raw", GARBAGE)
def test_garbage_or_wrong_types_decode_to_an_empty_story(raw):
    assert ButtonValue.decode(raw).story == ""
    assert ModalMetadata.decode(raw).story == ""


def test_wrong_types_elsewhere_are_dropped_and_a_long_story_is_cut():
    button = ButtonValue.decode(json.dumps({"story": "1.1", "plan": ["k3s"], "label": {"x": 1}, "link": 7}))
    assert button == ButtonValue("1.1", plan=None, label=None, link="7")
    long = ButtonValue.decode(json.dumps({"story": "1." + "1" * 500}))
    assert len(long.story) == STORY_MAX


def test_an_oversized_link_is_dropped_first_then_the_label():
    link = "https://git.example.com/pr/" + "1" * 2100
    label = "1.2 " + "x" * 2100
    no_link = json.loads(ButtonValue("1.2", plan="p", label="1.2 short", link=link).encode())
    assert no_link == {"plan": "p", "story": "1.2", "label": "1.2 short"}
    no_label = json.loads(ButtonValue("1.2", plan="p", label=label, link=LINK).encode())
    assert no_label == {"plan": "p", "story": "1.2"}  # the link went first, then the label still did not fit
    for button in (ButtonValue("1.2", "p", label, link), ButtonValue("1.2", "p", "1.2 y", link)):
        encoded = button.encode()
        assert len(encoded) <= BUTTON_VALUE_MAX
        assert ButtonValue.decode(encoded).story == "1.2" and ButtonValue.decode(encoded).plan == "p"
