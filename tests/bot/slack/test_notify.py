"""Delivering what a move must tell, against the fake Slack: DMs only to Slack users, channel
announcements where the plan says (or where the command came from), and one failed post never
stops the others — it is counted as failed for the operator."""

import logging

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.service.replies import Notification, Reply
from bot.slack.metrics import REGISTRY
from bot.slack.notify import Notifier
from tests.helpers.bot import LINK

ORIGIN = "C0ORIGIN"


@pytest.fixture
def slack(fake_slack):
    return fake_slack  # the fake Web API of tests/bot/slack/conftest.py


@pytest.fixture
def notifier(slack):
    return Notifier(AsyncWebClient(base_url=slack.api_url, token="xoxb-test"))


def reply(*notes: Notification) -> Reply:
    return Reply(True, "done", notifications=notes)


def posted(slack) -> list[tuple[str, str]]:
    return [(m["channel"], m["text"]) for m in slack.messages]


def counted(kind: str, result: str) -> float:
    return REGISTRY.get_sample_value("deliverybot_notifications_total", {"kind": kind, "result": result}) or 0.0


async def test_a_dm_goes_only_to_a_slack_user_and_a_console_name_is_skipped(slack, notifier, caplog):
    caplog.set_level(logging.WARNING)
    await notifier.deliver(reply(Notification("dm", "U0ANN", "for ann"), Notification("dm", "bob", "for bob"),
                                 Notification("dm", None, "for nobody")), ORIGIN)
    assert posted(slack) == [("D0ANN", "for ann")]
    assert [c.args["users"] for c in slack.calls_to("conversations.open")] == ["U0ANN"]
    assert "not a Slack user id" in caplog.text


async def test_the_dm_channel_is_opened_once_per_person(slack, notifier):
    for text in ("first", "second"):
        await notifier.deliver(reply(Notification("dm", "U0ANN", text)), ORIGIN)
    assert len(slack.calls_to("conversations.open")) == 1
    assert posted(slack) == [("D0ANN", "first"), ("D0ANN", "second")]


async def test_an_announcement_goes_where_the_note_says_else_to_the_origin_channel(slack, notifier, caplog):
    await notifier.deliver(reply(Notification("channel", "C0PLAN", "to the plan")), ORIGIN)
    await notifier.deliver(reply(Notification("channel", None, "to the origin")), ORIGIN)
    assert posted(slack) == [("C0PLAN", "to the plan"), (ORIGIN, "to the origin")]
    caplog.set_level(logging.WARNING)
    await notifier.deliver(reply(Notification("channel", None, "nowhere to go")), None)
    assert len(slack.messages) == 2 and "announcement with no channel" in caplog.text


async def test_a_slack_error_on_one_notification_does_not_stop_the_others(slack, notifier, caplog):
    failed_before, sent_before = counted("channel", "failed"), counted("dm", "sent")
    slack.fail("chat.postMessage", "channel_not_found")
    caplog.set_level(logging.ERROR)
    await notifier.deliver(reply(Notification("channel", "C0GONE", "lost"), Notification("dm", "U0ANN", "kept"),
                                 Notification("channel", "C0PLAN", "also kept")), ORIGIN)
    assert posted(slack) == [("D0ANN", "kept"), ("C0PLAN", "also kept")]
    assert [c.error for c in slack.calls_to("chat.postMessage", ok=False)] == ["channel_not_found"]
    assert "channel_not_found" in caplog.text and "C0GONE" in caplog.text
    assert counted("channel", "failed") == failed_before + 1
    assert counted("dm", "sent") == sent_before + 1


async def test_a_move_tells_the_lane_owner_by_dm_and_the_channel_it_came_from(service, slack, notifier):
    assert service.handle("lea", "/team lane A @U0ANN").ok
    assert service.handle("lea", "/team lane B @bob").ok  # a console name: no DM for bob
    assert service.handle("U0ANN", "/start 1.1").ok
    assert service.handle("U0ANN", f"/review 1.1 {LINK} @U0BOB").ok
    done = service.handle("U0BOB", f"/done 1.1 {LINK}")
    assert done.ok
    await notifier.deliver(done, ORIGIN)
    channels = [m["channel"] for m in slack.messages]
    assert channels.count(ORIGIN) == 1 and channels.count("D0ANN") == 1 and len(channels) == 2
    [dm] = [m for m in slack.messages if m["channel"] == "D0ANN"]
    assert "/start " in dm["text"] and dm["blocks"]  # the DM carries Start buttons too
    [announcement] = [m for m in slack.messages if m["channel"] == ORIGIN]
    assert announcement["text"].startswith("🚦 Gate passed (entry)")
