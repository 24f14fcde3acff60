"""The error boundary over signed HTTP: a fault of ours, before or after the ack, reaches the person
as "something went wrong on our side (ref …)", the log holds the traceback under the same reference,
and nothing is written."""

from __future__ import annotations

import json
import logging
import re

import pytest

import bot.service.queries
import bot.slack.gateway
from tests.helpers.slack import CHANNEL

pytestmark = pytest.mark.faults  # every test here injects a fault of ours

SLUG = "k3s-mono-pgsql"
ANN = "U0ANN"
REF = re.compile(r"ref ([0-9a-f]{8})")


def boom(*_args, **_kwargs):
    raise RuntimeError("simulated fault deep behind the listener")


def logged_refs(caplog) -> set[str]:
    """References of logged failures that carry their traceback."""
    return {m.group(1) for r in caplog.records if r.exc_info and (m := REF.search(r.getMessage()))}


async def test_a_fault_behind_a_command_gives_the_person_a_reference(workspace, seeded_service, monkeypatch,
                                                                     caplog):
    monkeypatch.setattr(bot.service.queries, "unblocked", boom)
    with caplog.at_level(logging.ERROR, logger="deliverybot"):
        result = await workspace.command(ANN, "/unblocked")
    assert result["status"] == 200
    text = result["reply"].text
    assert "Something went wrong on our side" in text and "simulated fault" not in text
    ref = REF.search(text).group(1)
    assert ref in logged_refs(caplog)


async def test_a_fault_in_the_slack_layer_after_the_ack_still_answers(workspace, seeded_service, monkeypatch,
                                                                      caplog):
    monkeypatch.setattr(bot.slack.gateway, "reply_blocks", boom)  # rendering blocks, after ack()
    with caplog.at_level(logging.ERROR, logger="deliverybot"):
        result = await workspace.command(ANN, "/start", "1.1")
    assert result["status"] == 200
    ref = REF.search(result["reply"].text).group(1)
    assert ref in logged_refs(caplog)
    assert not any("didn't call ack" in r.getMessage() for r in caplog.records)


async def test_a_fault_behind_a_home_button_is_told_by_dm_and_writes_nothing(workspace, seeded_service,
                                                                            monkeypatch, caplog):
    monkeypatch.setattr(bot.slack.gateway.Gateway, "run", boom)
    with caplog.at_level(logging.ERROR, logger="deliverybot"):
        click = await workspace.click(ANN, "start_story", json.dumps({"plan": SLUG, "story": "1.1"}),
                                      channel=None, response_url=False)
    assert click["status"] == 200
    dm = (await workspace.slack.wait_for("chat.postMessage", 1, timeout=20))[0]
    assert dm.args["channel"] == "D" + ANN[1:]
    assert REF.search(dm.args["text"]).group(1) in logged_refs(caplog)
    assert seeded_service.store.status(SLUG, "1.1").state == "todo"


async def test_a_fault_behind_a_modal_closes_it_and_tells_the_person(workspace, seeded_service, monkeypatch,
                                                                     caplog):
    seeded_service.handle(ANN, "/start 1.1")
    seeded_service.handle(ANN, "/review 1.1 https://git.example.com/pr/1")
    await workspace.command("U0BOB", "/done", "1.1")
    view = (await workspace.slack.wait_for("views.open", 1, timeout=20))[0].args["view"]
    view["private_metadata"] = json.dumps({"plan": SLUG, "story": "1.1", "channel": CHANNEL})
    monkeypatch.setattr(bot.slack.gateway.Gateway, "run", boom)  # the submission fails before its ack
    with caplog.at_level(logging.ERROR, logger="deliverybot"):
        status, _body = await workspace.submit("U0BOB", view, {"evidence": {"link": {
            "type": "plain_text_input", "value": "https://git.example.com/pr/1"}}})
    assert status == 200  # acknowledged: Slack does not show "We had some trouble connecting"
    dm = (await workspace.slack.wait_for("chat.postMessage", 1, timeout=20))[0]
    assert dm.args["channel"] == "D0BOB" and REF.search(dm.args["text"]).group(1) in logged_refs(caplog)
    assert seeded_service.store.status(SLUG, "1.1").state == "review"
