"""The fake Slack, proven with the real slack_sdk and slack_bolt clients (no network beyond 127.0.0.1)."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request

import aiohttp
import pytest
from fakeslack import FakeSlack
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient


@pytest.fixture
async def slack():
    async with FakeSlack() as fake:
        yield fake


def web_client(slack: FakeSlack, **kwargs) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=slack.api_url, **kwargs)


# ---------------------------------------------------------------- Web API basics


async def test_server_listens_on_loopback_with_os_chosen_port(slack):
    assert slack.api_url == f"http://127.0.0.1:{slack.port}/api/"
    assert slack.port > 0
    other = FakeSlack()
    async with other:
        assert other.port != slack.port


async def test_post_message_is_recorded_with_args_and_answered_like_slack(slack):
    client = web_client(slack)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*S-1* is ready"}}]

    first = await client.chat_postMessage(channel="C0CHAN01", text="S-1 is ready", blocks=blocks)
    second = await client.chat_postMessage(channel="C0CHAN01", text="S-2 is ready", thread_ts=first["ts"])

    assert first["ok"] is True
    assert first["channel"] == "C0CHAN01"
    assert first["message"]["text"] == "S-1 is ready"
    assert first["message"]["bot_id"] == "B0BOT001"
    assert float(second["ts"]) > float(first["ts"])

    calls = slack.calls_to("chat.postMessage")
    assert [c.args["text"] for c in calls] == ["S-1 is ready", "S-2 is ready"]
    assert calls[0].args["blocks"] == blocks
    assert calls[0].token == "xoxb-test"
    assert calls[0].headers["Authorization"] == "Bearer xoxb-test"
    assert "token" not in calls[0].args
    assert calls[1].args["thread_ts"] == first["ts"]
    assert all(c.ok and not c.failed for c in calls)
    assert [m["text"] for m in slack.messages_in("C0CHAN01")] == ["S-1 is ready", "S-2 is ready"]

    slack.clear()
    assert slack.calls == []


async def test_form_encoded_args_are_decoded_like_json_ones(slack):
    client = web_client(slack)
    blocks = [{"type": "divider"}]
    attachments = [{"text": "old style"}]
    await client.api_call(
        "chat.postMessage",
        data={
            "channel": "C1",
            "text": "form",
            "blocks": json.dumps(blocks),
            "attachments": json.dumps(attachments),
        },
    )
    (call,) = slack.calls_to("chat.postMessage")
    assert call.args["blocks"] == blocks
    assert call.args["attachments"] == attachments
    assert call.args["channel"] == "C1"


async def test_missing_or_wrong_token_is_refused_and_recorded(slack):
    with pytest.raises(SlackApiError) as missing:
        await AsyncWebClient(base_url=slack.api_url).chat_postMessage(channel="C1", text="x")
    assert missing.value.response["error"] == "not_authed"

    with pytest.raises(SlackApiError) as app_token:
        await AsyncWebClient(token="xapp-1-A1-1-abc", base_url=slack.api_url).chat_postMessage(
            channel="C1", text="x"
        )
    assert app_token.value.response["error"] == "not_allowed_token_type"

    with pytest.raises(SlackApiError) as bot_for_socket:
        await web_client(slack).apps_connections_open(app_token="xoxb-test")
    assert bot_for_socket.value.response["error"] == "not_allowed_token_type"

    calls = slack.calls_to("chat.postMessage")
    assert [(c.failed, c.error) for c in calls] == [(True, "not_authed"), (True, "not_allowed_token_type")]
    assert slack.messages == []
    with pytest.raises(TimeoutError):
        await slack.wait_for("chat.postMessage", timeout=0.1)


async def test_unknown_method_is_answered_and_recorded(slack):
    with pytest.raises(SlackApiError) as err:
        await web_client(slack).api_call("chat.scheduleMessage", json={"channel": "C1", "text": "x"})
    assert err.value.response["error"] == "unknown_method"
    (call,) = slack.calls
    assert call.method == "chat.scheduleMessage"
    assert call.failed
    assert call.args == {"channel": "C1", "text": "x"}


async def test_other_methods_answer_with_slack_shapes(slack):
    client = web_client(slack)

    auth = await client.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T0FAKE01", "U0BOT001", "B0BOT001")

    dm = await client.conversations_open(users="U0ALICE1")
    assert dm["channel"]["id"] == "D0ALICE1"
    posted = await client.chat_postMessage(channel="U0ALICE1", text="to a user id lands in the DM")
    assert posted["channel"] == "D0ALICE1"

    slack.users["U0BOB001"] = {"real_name": "Bob Builder", "tz": "Asia/Tokyo"}
    bob = (await client.users_info(user="U0BOB001"))["user"]
    assert (bob["real_name"], bob["profile"]["real_name"], bob["tz"], bob["tz_offset"]) == (
        "Bob Builder",
        "Bob Builder",
        "Asia/Tokyo",
        9 * 3600,
    )
    derived = (await client.users_info(user="U0CAROL1"))["user"]
    assert derived["id"] == "U0CAROL1" and derived["real_name"] and derived["name"]

    eph = await client.chat_postEphemeral(channel="C1", user="U0ALICE1", text="only you")
    assert eph["message_ts"]

    msg = await client.chat_postMessage(channel="C1", text="v1")
    updated = await client.chat_update(channel="C1", ts=msg["ts"], text="v2")
    assert updated["ts"] == msg["ts"] and updated["message"]["text"] == "v2"
    assert slack.messages_in("C1")[0]["text"] == "v2"
    with pytest.raises(SlackApiError, match="message_not_found"):
        await client.chat_update(channel="C1", ts="1.000001", text="nope")

    link = await client.chat_getPermalink(channel="C1", message_ts=msg["ts"])
    assert link["permalink"].endswith(f"/archives/C1/p{msg['ts'].replace('.', '')}")

    await client.reactions_add(channel="C1", timestamp=msg["ts"], name="white_check_mark")
    with pytest.raises(SlackApiError, match="already_reacted"):
        await client.reactions_add(channel="C1", timestamp=msg["ts"], name="white_check_mark")

    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Plan"}, "blocks": []}
    opened = (await client.views_open(trigger_id=slack.new_trigger_id(), view=modal))["view"]
    assert opened["id"].startswith("V") and opened["hash"]
    with pytest.raises(SlackApiError, match="hash_conflict"):
        await client.views_update(view_id=opened["id"], hash="stale", view=modal)
    updated_view = (await client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal))["view"]
    assert updated_view["id"] == opened["id"] and updated_view["hash"] != opened["hash"]
    pushed = await client.views_push(trigger_id=slack.new_trigger_id(), view=modal)
    assert pushed["view"]["id"] != opened["id"]
    home = await client.views_publish(user_id="U0ALICE1", view={"type": "home", "blocks": []})
    assert slack.home_views["U0ALICE1"]["id"] == home["view"]["id"]


async def test_block_kit_limits_are_enforced_like_slack(slack):
    client = web_client(slack)
    too_many = [{"type": "divider"}] * 51
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x", blocks=too_many)
    assert err.value.response["error"] == "invalid_blocks"
    assert "must be less than 51 items [json-pointer:/blocks]" in err.value.response["errors"]

    long_section = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        await client.chat_postMessage(channel="C1", text="x", blocks=long_section)

    await client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "divider"}] * 50)
    big_modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "t"},
        "blocks": [{"type": "divider"}] * 101,
    }
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        await client.views_open(trigger_id="1.2.3", view=big_modal)
    assert len(slack.calls_to("chat.postMessage", ok=True)) == 1
    assert len(slack.calls_to("chat.postMessage", ok=False)) == 2


# ---------------------------------------------------------------- files_upload_v2


async def test_files_upload_v2_end_to_end(slack):
    client = web_client(slack)
    content = b"story,status\nS-1,done\n" * 100

    result = await client.files_upload_v2(
        channel="C0CHAN01",
        filename="plan.csv",
        content=content,
        title="Plan export",
        initial_comment="Here is the plan",
        thread_ts="1700000000.000100",
    )

    assert result["ok"] is True
    file_id = result["file"]["id"]
    assert [c.method for c in slack.calls] == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    assert slack.calls[0].args["filename"] == "plan.csv"
    assert int(slack.calls[0].args["length"]) == len(content)
    upload = slack.uploads[file_id]
    assert upload.data == content
    assert (upload.filename, upload.length, upload.size) == ("plan.csv", len(content), len(content))
    assert upload.completed == {
        "channel_id": "C0CHAN01",
        "channels": ["C0CHAN01"],
        "thread_ts": "1700000000.000100",
        "initial_comment": "Here is the plan",
        "title": "Plan export",
    }
    assert result["file"]["title"] == "Plan export"
    assert result["file"]["size"] == len(content)


async def test_complete_without_uploaded_bytes_is_refused(slack):
    client = web_client(slack)
    url = await client.files_getUploadURLExternal(filename="a.txt", length=3)
    with pytest.raises(SlackApiError, match="file_not_found"):
        await client.files_completeUploadExternal(
            files=[{"id": url["file_id"], "title": "a"}], channel_id="C1"
        )


# ---------------------------------------------------------------- fault injection


async def test_ratelimited_twice_then_delivered_with_retry_handler(slack):
    slack.fail("chat.postMessage", error="ratelimited", status=429, retry_after=0, times=2)
    client = web_client(slack, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=3)])

    response = await client.chat_postMessage(channel="C1", text="digest")

    assert response["ok"] is True
    attempts = slack.calls_to("chat.postMessage")
    assert [(c.failed, c.status, c.error) for c in attempts] == [
        (True, 429, "ratelimited"),
        (True, 429, "ratelimited"),
        (False, 200, None),
    ]
    assert len(slack.calls_to("chat.postMessage", ok=True)) == 1
    assert len(slack.messages) == 1
    assert all(c.args["text"] == "digest" for c in attempts)


async def test_ratelimited_answer_carries_retry_after(slack):
    slack.fail("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as err:
        await web_client(slack).chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"
    assert err.value.response["error"] == "ratelimited"
    # The fault was used up: the next call goes through.
    await web_client(slack).chat_postMessage(channel="C1", text="x")
    assert [c.ok for c in slack.calls_to("chat.postMessage")] == [False, True]


async def test_other_errors_answer_200_and_only_for_that_method(slack):
    slack.fail("chat.postMessage", error="channel_not_found", times=1)
    client = web_client(slack)
    await client.auth_test()
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x")
    assert (err.value.response.status_code, err.value.response["error"]) == (200, "channel_not_found")
    await client.chat_postMessage(channel="C1", text="x")
    assert [c.ok for c in slack.calls] == [True, False, True]


async def test_wait_for_sees_background_calls(slack):
    client = web_client(slack)

    async def later():
        await asyncio.sleep(0.1)
        await client.chat_postMessage(channel="C1", text="one")
        await client.chat_postMessage(channel="C1", text="two")

    task = asyncio.create_task(later())
    calls = await slack.wait_for("chat.postMessage", count=2, timeout=5)
    await task
    assert [c.args["text"] for c in calls] == ["one", "two"]


# ---------------------------------------------------------------- response_url


async def test_response_url_accepts_five_uses_then_refuses(slack):
    url = slack.new_response_url()
    rid = url.rsplit("/", 1)[-1]
    assert url == f"{slack.base_url}/response/{rid}"
    webhook = AsyncWebhookClient(url)

    statuses = []
    for i in range(6):
        response = await webhook.send(text=f"reply {i}", response_type="ephemeral", replace_original=i > 0)
        statuses.append(response.status_code)

    assert statuses == [200, 200, 200, 200, 200, 404]
    assert json.loads(response.body) == {"ok": False, "error": "used_url"}
    posts = slack.responses[rid]
    assert [p.refused for p in posts] == [False] * 5 + [True]
    assert posts[-1].error == "used_url"
    assert [p.text for p in posts[:5]] == [f"reply {i}" for i in range(5)]
    assert (posts[0].replace_original, posts[1].replace_original) == (False, True)
    assert await slack.wait_for_responses(url, count=5, timeout=0.1) == posts[:5]


async def test_response_url_expires_after_30_minutes(slack):
    now = [1000.0]
    slack.clock = lambda: now[0]
    url = slack.new_response_url()
    webhook = AsyncWebhookClient(url)
    assert (await webhook.send(text="in time")).status_code == 200
    now[0] += 30 * 60 + 1
    late = await webhook.send(text="too late")
    assert late.status_code == 404
    assert json.loads(late.body)["error"] == "expired_url"
    assert [p.refused for p in slack.responses_for(url)] == [False, True]


# ---------------------------------------------------------------- Socket Mode with slack_bolt


@pytest.fixture
async def socket_app(slack):
    app = AsyncApp(client=web_client(slack))

    @app.command("/unblocked")
    async def unblocked(ack, command, respond, client):
        await ack(f"Looking at {command['text']}...")
        await respond(f"Nothing is blocked in {command['text']}")
        await client.chat_postMessage(channel=command["channel_id"], text="digest sent")

    handler = AsyncSocketModeHandler(app, app_token="xapp-1-A0FAKE01-1-secret")
    await handler.connect_async()
    try:
        yield handler
    finally:
        await handler.close_async()


async def test_bolt_socket_mode_app_acks_slash_command(slack, socket_app):
    await slack.wait_socket_connected(timeout=5)
    (open_call,) = slack.calls_to("apps.connections.open")
    assert open_call.token == "xapp-1-A0FAKE01-1-secret"

    payload = slack.slash_command("/unblocked", "plan-a")
    envelope = await slack.socket_send("slash_commands", payload)
    assert envelope["type"] == "slash_commands" and envelope["accepts_response_payload"] is True

    ack = await slack.socket_ack(envelope["envelope_id"], timeout=5)
    assert ack == {"envelope_id": envelope["envelope_id"], "payload": {"text": "Looking at plan-a..."}}

    # the ack's message is shown as Slack shows it, then the one posted to the response_url
    replies = await slack.wait_for_responses(payload["response_url"], count=2, timeout=5)
    assert sorted((r.text, r.immediate) for r in replies) == [("Looking at plan-a...", True),
                                                               ("Nothing is blocked in plan-a", False)]
    (posted,) = await slack.wait_for("chat.postMessage", timeout=5)
    assert (posted.args["channel"], posted.args["text"]) == ("C0CHAN01", "digest sent")
    assert slack.calls_to("auth.test", ok=True), "bolt verifies its bot token against the fake"
    assert slack.socket_received[0] == ack


async def test_bolt_socket_mode_reconnects_on_disconnect_message(slack, socket_app):
    await slack.wait_socket_connected(timeout=5)
    await slack.socket_disconnect("refresh_requested")
    assert await slack.wait_socket_connected(timeout=5, count=2) == 2
    assert len(slack.calls_to("apps.connections.open", ok=True)) == 2

    envelope = await slack.socket_send("slash_commands", slack.slash_command("/unblocked", "plan-b"))
    ack = await slack.socket_ack(envelope, timeout=5)
    assert ack["payload"] == {"text": "Looking at plan-b..."}


async def test_bolt_socket_mode_connection_stays_up_through_ping_pong(slack):
    # slack_sdk pings every ping_interval with "sdk-ping-pong:<time>" and reconnects when no pong
    # came back for 4 intervals; the fake must echo pongs so the first session survives.
    app = AsyncApp(client=web_client(slack))
    handler = AsyncSocketModeHandler(app, app_token="xapp-1-A0FAKE01-1-secret", ping_interval=0.2)
    await handler.connect_async()
    try:
        await slack.wait_socket_connected(timeout=5)
        await asyncio.sleep(1.3)
        assert await handler.client.is_connected()
        assert handler.client.last_ping_pong_time is not None
        assert time.time() - handler.client.last_ping_pong_time < 0.8
        assert slack.socket_connects == 1
        assert len(slack.calls_to("apps.connections.open")) == 1
    finally:
        await handler.close_async()


async def test_socket_url_sends_hello_first_and_tickets_are_single_use(slack):
    opened = await web_client(slack).apps_connections_open(app_token="xapp-1-A0FAKE01-1-secret")
    url = opened["url"]
    assert url.startswith(f"ws://127.0.0.1:{slack.port}/socket?ticket=")
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url) as ws:
            hello = await ws.receive_json(timeout=5)
            assert hello["type"] == "hello"
            assert hello["connection_info"] == {"app_id": "A0FAKE01"}
            assert hello["num_connections"] == 1
            envelope = await slack.socket_send(
                "events_api", {"event": {"type": "app_home_opened"}}, retry_attempt=1
            )
            received = await ws.receive_json(timeout=5)
            assert received == envelope
            assert (received["accepts_response_payload"], received["retry_attempt"]) == (False, 1)
            await ws.send_json({"envelope_id": envelope["envelope_id"]})
            assert await slack.socket_ack(envelope, timeout=5) == {"envelope_id": envelope["envelope_id"]}
        with pytest.raises(aiohttp.WSServerHandshakeError) as reused:
            await session.ws_connect(url)
        assert reused.value.status == 401


async def test_socket_send_without_connection_fails_loudly(slack):
    with pytest.raises(RuntimeError, match="no open Socket Mode connection"):
        await slack.socket_send("events_api", {"event": {"type": "app_mention"}})
    with pytest.raises(TimeoutError):
        await slack.socket_ack("never-sent", timeout=0.05)


# ---------------------------------------------------------------- thread mode, sync clients


def test_thread_mode_serves_sync_clients_and_stops():
    with FakeSlack.start_in_thread() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        client.chat_postMessage(channel="C1", text="from a sync client")
        calls = slack.sync(slack.wait_for("chat.postMessage", timeout=2))
        assert calls[0].args["text"] == "from a sync client"

        url = slack.new_response_url()
        request = urllib.request.Request(
            url, data=json.dumps({"text": "hi"}).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
        assert slack.responses_for(url)[0].text == "hi"
        api_url = slack.api_url

    started = time.monotonic()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(api_url + "auth.test", timeout=2)
    assert time.monotonic() - started < 2
