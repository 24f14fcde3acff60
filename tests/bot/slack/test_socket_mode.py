"""Socket Mode against the fake Slack: envelopes in, acknowledgements and Web API calls out.

The real Bolt app (build_app) is connected with slack_bolt's AsyncSocketModeHandler to the fake's
WebSocket (issued by apps.connections.open). Every interaction below goes through an envelope the
fake pushes, and is checked on what came back: the envelope ack (with its payload for modals), the
response_url posts, the Web API calls, and the state in the store.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.render.plain import modal_error
from bot.render.refusals import link_problem_text
from bot.settings import Settings
from bot.slack import ACTION_START, MODAL_DONE
from bot.slack.app import build_app
from planner.links import link_problem
from tests.helpers.slack import CHANNEL

BOT_TOKEN = "xoxb-socket-test-bot-token"
APP_TOKEN = "xapp-1-socket-test-app-token"
PLAN = "k3s-mono-pgsql"
AUTHOR, REVIEWER = "U0ANN", "U0BEA"
LINK = "https://x.example/pr/1"
WAIT = 20  # seconds: generous, the machine may be loaded; every wait returns as soon as it can


@pytest.fixture
async def socket_slack(fake_slack, seeded_service):
    """The app connected to the fake over Socket Mode; yields the fake."""
    settings = Settings(
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=fake_slack.api_url,
        SLACK_RESPONSE_URL_HOSTS="127.0.0.1",
    )
    app, _gateway = build_app(settings, seeded_service)
    handler = AsyncSocketModeHandler(app, APP_TOKEN)
    await handler.connect_async()
    try:
        await fake_slack.wait_socket_connected(timeout=WAIT)
        yield fake_slack
    finally:
        await handler.close_async()


def user(user_id: str) -> dict:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": "T0FAKE01"}


def changes(store) -> int:
    """Everything the store has written for the plan: story events and team/settings audit rows."""
    return len(store.events(PLAN)) + len(store.audit(PLAN))


def done_submission(slack, actor: str, link: str, story: str = "1.1") -> dict:
    meta = {"plan": PLAN, "story": story, "channel": CHANNEL}
    return {
        "type": "view_submission",
        "team": {"id": "T0FAKE01", "domain": "fake-workspace"},
        "user": user(actor),
        "api_app_id": "A0FAKE01",
        "token": "legacy",
        "trigger_id": slack.new_trigger_id(),
        "view": {
            "id": f"V{uuid.uuid4().hex[:8].upper()}",
            "type": "modal",
            "callback_id": MODAL_DONE,
            "private_metadata": json.dumps(meta),
            "blocks": [],
            "state": {"values": {"evidence": {"link": {"type": "plain_text_input", "value": link}}}},
            "hash": "1.abc",
        },
    }


def to_review(service, story: str = "1.1") -> None:
    for text in (f"/start {story}", f"/review {story} {LINK}"):
        reply = service.handle(AUTHOR, text, channel=CHANNEL)
        assert reply.ok, reply.text
    assert service.store.status(PLAN, story).state.value == "review"


async def test_the_app_opens_its_socket_with_the_app_token(socket_slack):
    opened = socket_slack.calls_to("apps.connections.open", ok=True)
    assert len(opened) == 1
    assert opened[0].token == APP_TOKEN
    assert socket_slack.socket_connects == 1


async def test_slash_command_is_acked_and_answered_on_its_response_url(socket_slack):
    payload = socket_slack.slash_command(
        "/unblocked", "", user_id=AUTHOR, user_name="ann", channel_id=CHANNEL
    )
    envelope = await socket_slack.socket_send("slash_commands", payload)

    ack = await socket_slack.socket_ack(envelope, timeout=WAIT)
    assert ack["envelope_id"] == envelope["envelope_id"]
    posts = await socket_slack.wait_for_responses(payload["response_url"], timeout=WAIT)
    assert len(posts) == 1
    body = posts[0].body
    assert "1.1" in body["text"]
    start_buttons = [
        b for b in body.get("blocks", []) if (b.get("accessory") or {}).get("action_id") == ACTION_START
    ]
    assert start_buttons, "the /unblocked reply offers a Start button"
    value = json.loads(start_buttons[0]["accessory"]["value"])
    assert (value["plan"], value["story"]) == (PLAN, "1.1")


async def test_start_button_starts_the_story_and_announces_it(socket_slack, seeded_service):
    assert seeded_service.store.status(PLAN, "1.1").state.value == "todo"
    payload = {
        "type": "block_actions",
        "user": user(AUTHOR),
        "api_app_id": "A0FAKE01",
        "token": "legacy",
        "team": {"id": "T0FAKE01", "domain": "fake-workspace"},
        "trigger_id": socket_slack.new_trigger_id(),
        "response_url": socket_slack.new_response_url(),
        "channel": {"id": CHANNEL, "name": "delivery"},
        "container": {"type": "message", "channel_id": CHANNEL, "message_ts": "1700000000.000100"},
        "actions": [
            {
                "type": "button",
                "action_id": ACTION_START,
                "block_id": "ready-1.1",
                "value": json.dumps({"plan": PLAN, "story": "1.1"}),
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    envelope = await socket_slack.socket_send("interactive", payload)

    ack = await socket_slack.socket_ack(envelope, timeout=WAIT)
    assert ack["envelope_id"] == envelope["envelope_id"]
    announced = await socket_slack.wait_for("chat.postMessage", timeout=WAIT)
    status = seeded_service.store.status(PLAN, "1.1")
    assert status.state.value == "in_progress"
    assert status.assignee == AUTHOR
    assert announced[0].args["channel"] == CHANNEL
    assert "started 1.1" in announced[0].args["text"]
    assert announced[0].token == BOT_TOKEN
    # The clicker hears back on the message's response_url.
    posts = await socket_slack.wait_for_responses(payload["response_url"], timeout=WAIT)
    assert "1.1" in posts[0].body["text"]


async def test_done_modal_by_the_author_is_refused_like_the_command(socket_slack, seeded_service):
    store = seeded_service.store
    to_review(seeded_service)
    before = changes(store)

    envelope = await socket_slack.socket_send("interactive", done_submission(socket_slack, AUTHOR, LINK))
    ack = await socket_slack.socket_ack(envelope, timeout=WAIT)

    assert ack["envelope_id"] == envelope["envelope_id"]
    assert ack["payload"]["response_action"] == "errors"
    reason = ack["payload"]["errors"]["evidence"]
    assert "four eyes" in reason
    # Exactly what the command says (the command is refused too, so running it changes nothing).
    command = seeded_service.handle(AUTHOR, f"/done 1.1 {LINK}", channel=CHANNEL)
    assert not command.ok
    assert reason == modal_error(command.text)
    assert changes(store) == before
    assert store.status(PLAN, "1.1").state.value == "review"
    assert socket_slack.calls_to("chat.postMessage") == []
    assert socket_slack.calls_to("chat.postEphemeral") == []


async def test_done_modal_by_someone_else_finishes_the_story(socket_slack, seeded_service):
    store = seeded_service.store
    to_review(seeded_service)
    before = changes(store)

    envelope = await socket_slack.socket_send("interactive", done_submission(socket_slack, REVIEWER, LINK))
    ack = await socket_slack.socket_ack(envelope, timeout=WAIT)

    assert ack["envelope_id"] == envelope["envelope_id"]
    assert "response_action" not in (ack.get("payload") or {}), ack  # the modal closes
    status = store.status(PLAN, "1.1")
    assert status.state.value == "done"
    assert status.evidence == LINK
    assert changes(store) == before + 1
    ephemeral = await socket_slack.wait_for("chat.postEphemeral", timeout=WAIT)
    assert ephemeral[0].args["user"] == REVIEWER
    assert ephemeral[0].args["channel"] == CHANNEL
    announced = await socket_slack.wait_for("chat.postMessage", timeout=WAIT)
    assert any(c.args["channel"] == CHANNEL and "1.1" in c.args["text"] for c in announced)


async def test_done_modal_with_a_javascript_link_writes_nothing(socket_slack, seeded_service):
    store = seeded_service.store
    to_review(seeded_service)
    before = changes(store)
    bad = "javascript:alert(document.cookie)//https://x.example/pr/1"

    envelope = await socket_slack.socket_send("interactive", done_submission(socket_slack, REVIEWER, bad))
    ack = await socket_slack.socket_ack(envelope, timeout=WAIT)

    assert ack["payload"]["response_action"] == "errors"
    assert set(ack["payload"]["errors"]) == {"evidence"}
    assert link_problem_text(link_problem(bad)) in ack["payload"]["errors"]["evidence"]
    # the service decides, so the modal says exactly what the command says
    command = seeded_service.handle(REVIEWER, f"/done 1.1 {bad}", channel=CHANNEL)
    assert ack["payload"]["errors"]["evidence"] == modal_error(command.text)
    assert changes(store) == before
    assert store.status(PLAN, "1.1").state.value == "review"
    assert socket_slack.calls_to("chat.postMessage") == []
    assert socket_slack.calls_to("chat.postEphemeral") == []
