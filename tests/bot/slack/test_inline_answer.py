"""A slash command answered within a few milliseconds is answered in its acknowledgement (issue 13):
Slack shows that message as one posted to the response_url, and the app makes no second request.
An answer that takes longer is not waited for: the ack goes at once, the answer to the
response_url after. Over signed HTTP against the fake Slack."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest

import bot.slack.listeners.commands as commands

ANN = "U0ANN"


async def test_an_answer_ready_within_the_budget_is_the_ack_itself(workspace, monkeypatch):
    monkeypatch.setattr(commands, "INLINE_ANSWER_S", 5.0)  # a loaded test machine: any answer is "fast"
    asked = await workspace.command(ANN, "/unblocked")
    [reply] = workspace.slack.responses_for(asked["payload"]["response_url"])
    assert reply.immediate and "1.1" in reply.text  # in the HTTP response: no POST to the response_url
    assert reply.get("response_type") == "ephemeral" and reply.get("blocks")
    moved = await workspace.command(ANN, "/start", "1.1")
    assert moved["reply"].immediate and moved["reply"].text.startswith(f"▶ <@{ANN}> started 1.1")
    assert len(workspace.slack.responses_for(moved["payload"]["response_url"])) == 1
    announced = await workspace.slack.wait_for("chat.postMessage", 1, timeout=10)  # after the ack, as before
    assert "1.1" in announced[0].args["text"]


async def test_a_slow_answer_is_not_waited_for_and_goes_to_the_response_url(workspace, seeded_service, monkeypatch):
    monkeypatch.setattr(commands, "INLINE_ANSWER_S", 0.05)
    handle = seeded_service.handle

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return handle(*args, **kwargs)

    monkeypatch.setattr(seeded_service, "handle", slow)
    started = time.monotonic()
    payload = workspace.slack.slash_command("/unblocked", "", user_id=ANN, channel_id="C0PLAN")
    resp = await workspace.post(urlencode(payload), "application/x-www-form-urlencoded")
    assert resp.status == 200 and time.monotonic() - started < 0.45  # acked before the answer exists
    assert workspace.slack.responses_for(payload["response_url"]) == []  # a bare ack shows nothing
    [reply] = await workspace.slack.wait_for_responses(payload["response_url"], timeout=10)
    assert not reply.immediate and "1.1" in reply.text


@pytest.mark.parametrize("text", ["/unblocked", "/board"])
async def test_an_inline_answer_is_a_message_slack_accepts(workspace, monkeypatch, text):
    monkeypatch.setattr(commands, "INLINE_ANSWER_S", 5.0)
    asked = await workspace.command(ANN, text)
    [reply] = workspace.slack.responses_for(asked["payload"]["response_url"])
    assert reply.immediate and not reply.refused  # the fake checks it as it checks a response_url post


async def test_a_reply_for_the_whole_channel_is_posted_not_acked(workspace, monkeypatch):
    """In an ack, an in_channel reply would show the channel the command as typed too: it goes to
    the response_url as before."""
    monkeypatch.setattr(commands, "INLINE_ANSWER_S", 5.0)
    switched = await workspace.command("U0LEAD", "/team", "mode 3")
    reply = switched["reply"]
    assert not reply.immediate and reply.get("response_type") == "in_channel" and "3" in reply.text
