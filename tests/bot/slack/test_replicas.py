"""One delivery, one effect, whichever replica receives it: a slash command, a click or a modal
submission delivered twice (Slack's retry, a proxy's, a double send) reaches two app instances on
one database; the request id is derived from the delivery, so the second finds the first's event
(events.request_id is UNIQUE) instead of acting again. Replies go to Slack's hosts only."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from urllib.parse import urlencode

import aiohttp
import pytest

import bot.slack.listeners.commands as commands
from bot.service.delivery import DeliveryService
from bot.settings import Settings
from bot.slack import ACTION_START
from bot.slack.app import build_app
from bot.slack.blocks.modals import done_modal
from bot.slack.gateway import slack_response_url
from bot.slack.payloads import delivery_id
from bot.slack.web import build_web_app
from storage.store import Store
from tests.helpers.bot import LINK
from tests.helpers.slack import CHANNEL, SECRET, SlackHttp, sign, start_site

SLUG = "k3s-mono-pgsql"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def replicas(fake_slack, seeded_service):
    """Two app instances (two Bolt apps, two HTTP servers, two services) on one database."""
    second = DeliveryService(Store(seeded_service.store.engine.url.render_as_string(hide_password=False)))
    settings = Settings(SLACK_BOT_TOKEN="xoxb-test-token", SLACK_SIGNING_SECRET=SECRET,
                        SLACK_API_URL=fake_slack.api_url, SLACK_RESPONSE_URL_HOSTS="127.0.0.1",
                        DATABASE_URL="sqlite://")
    runners, sites = [], []
    async with aiohttp.ClientSession() as session:
        for service in (seeded_service, second):
            bolt, _gateway = build_app(settings, service)
            runner, base = await start_site(build_web_app(bolt, service))
            runners.append(runner)
            sites.append(SlackHttp(base, fake_slack, session))
        yield sites
    for runner in runners:
        await runner.cleanup()


def story_events(service: DeliveryService, action: str) -> list:
    return [e for e in service.store.events(SLUG, "1.1") if str(e.action.value) == action]


async def test_a_slash_command_delivered_to_two_replicas_acts_once(replicas, seeded_service, fake_slack):
    """/incident opens a new INC-n each time it runs: nothing but the request id tells a second
    delivery from a second incident."""
    one, two = replicas
    payload = fake_slack.slash_command("/incident", "major the database is slow on 1.1", user_id="U0ANN",
                                       user_name="ann", channel_id=CHANNEL)
    body = urlencode(payload)
    statuses = await asyncio.gather(one.post(body, FORM), two.post(body, FORM))
    assert [r.status for r in statuses] == [200, 200]
    replies = await fake_slack.wait_for_responses(payload["response_url"], count=2, timeout=20)
    texts = sorted(r.body["text"] for r in replies)
    opened = [e for e in seeded_service.store.audit(SLUG) if e.action == "incident-open"]
    assert len(opened) == 1, opened
    assert sum("INC-2" in text for text in texts) == 0, texts
    await asyncio.sleep(0.3)  # the channel hears of it once, not once per replica
    announced = [m for m in fake_slack.messages_in(CHANNEL) if "INC-1" in json.dumps(m)]
    assert len(announced) == 1, announced


async def test_a_click_delivered_twice_acts_once(replicas, seeded_service, fake_slack):
    one, two = replicas
    payload = {
        "type": "block_actions", "user": {"id": "U0ANN", "username": "ann", "team_id": fake_slack.team_id},
        "team": {"id": fake_slack.team_id}, "trigger_id": fake_slack.new_trigger_id(),
        "channel": {"id": CHANNEL}, "container": {"type": "message", "channel_id": CHANNEL},
        "response_url": fake_slack.new_response_url(),
        "actions": [{"type": "button", "action_id": ACTION_START, "block_id": "b1", "action_ts": f"{time.time():.6f}",
                     "value": json.dumps({"plan": SLUG, "story": "1.1"})}],
    }
    body = urlencode({"payload": json.dumps(payload)})
    assert (await one.post(body, FORM)).status == 200
    await fake_slack.wait_for_responses(payload["response_url"], count=1, timeout=20)
    assert (await two.post(body, FORM)).status == 200
    replies = await fake_slack.wait_for_responses(payload["response_url"], count=2, timeout=20)
    assert len(story_events(seeded_service, "start")) == 1
    assert "Already recorded" in replies[1].body["text"]  # recognised as the same click, not refused


async def test_a_modal_submitted_twice_approves_once(replicas, seeded_service, fake_slack):
    seeded_service.handle("U0ANN", "/start 1.1")
    seeded_service.handle("U0ANN", f"/review 1.1 {LINK}")
    view = done_modal(plan=SLUG, story_label="1.1", story_id="1.1", channel=CHANNEL)
    payload = {
        "type": "view_submission", "team": {"id": fake_slack.team_id},
        "user": {"id": "U0BOB", "username": "bob", "team_id": fake_slack.team_id},
        "trigger_id": fake_slack.new_trigger_id(),
        "view": {**view, "id": "V0MODAL", "hash": "1.abc",
                 "state": {"values": {"evidence": {"link": {"type": "plain_text_input", "value": LINK}}}}},
    }
    body = urlencode({"payload": json.dumps(payload)})
    acks = []
    for replica in replicas:
        async with replica.session.post(f"{replica.base}/slack/events", data=body.encode(),
                                        headers={"Content-Type": FORM, **sign(body)}) as resp:
            assert resp.status == 200
            acks.append(await resp.text())
    assert all("errors" not in ack for ack in acks), acks  # the second closes the modal: already recorded
    assert len(story_events(seeded_service, "done")) == 1
    assert seeded_service.store.status(SLUG, "1.1").state == "done"


def test_the_request_id_is_the_delivery_s_own():
    command = {"command": "/start", "text": "1.1", "user_id": "U0ANN", "trigger_id": "1.2.abc"}
    assert delivery_id(command) == delivery_id(dict(command))
    assert delivery_id(command) != delivery_id({**command, "trigger_id": "1.2.abd"})
    click = {"type": "block_actions", "user": {"id": "U0ANN"}, "trigger_id": "7.8.x",
             "actions": [{"action_id": ACTION_START, "action_ts": "1.5"}]}
    assert delivery_id(click) != delivery_id({**click, "user": {"id": "U0BOB"}})
    assert delivery_id({"type": "event_callback", "event_id": "Ev1"}) == delivery_id(
        {"type": "event_callback", "event_id": "Ev1"})
    assert delivery_id({"command": "/start", "user_id": "U0ANN"}) is None  # nothing unique: a fresh id


# -- replies go to Slack only ------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "ok"), [
    ("https://hooks.slack.com/commands/T0/1/abc", True),
    ("https://HOOKS.slack.com/actions/T0/1/abc", True),
    ("http://hooks.slack.com/commands/T0/1/abc", False),  # not over TLS
    ("https://hooks.slack.com.evil.example/commands/x", False),
    ("https://evil.example/hooks.slack.com/commands/x", False),
    ("https://user:pw@hooks.slack.com/commands/x", False),
    ("https://hooks.slack.com:99999/commands/x", False),
    ("http://127.0.0.1:8080/response/1", False),  # the fake's host only when the setting names it
    ("javascript:alert(1)", False),
    ("", False),
])
def test_only_slack_s_hosts_are_response_urls(url, ok):
    assert slack_response_url(url, Settings.defaults().slack_response_url_hosts) is ok


def test_the_response_url_hosts_are_a_setting():
    assert Settings.defaults().slack_response_url_hosts == ("hooks.slack.com",)
    hosts = Settings(SLACK_RESPONSE_URL_HOSTS="hooks.slack.com, 127.0.0.1").slack_response_url_hosts
    assert slack_response_url("http://127.0.0.1:8080/response/1", hosts)
    assert not slack_response_url("http://localhost:8080/response/1", hosts)


async def test_a_signed_request_s_foreign_response_url_is_not_posted_to(workspace, seeded_service, caplog,
                                                                      monkeypatch):
    monkeypatch.setattr(commands, "INLINE_ANSWER_S", 0)  # the answer goes to the response_url, if anywhere
    caplog.set_level(logging.WARNING)
    slack = workspace.slack
    payload = slack.slash_command("/start", "1.1", user_id="U0ANN", user_name="ann", channel_id=CHANNEL)
    foreign = payload["response_url"].replace("127.0.0.1", "localhost")  # the same server, another host
    payload["response_url"] = foreign
    resp = await workspace.post(urlencode(payload), FORM)
    assert resp.status == 200
    for _ in range(200):
        if seeded_service.store.status(SLUG, "1.1").state == "in_progress":
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    assert seeded_service.store.status(SLUG, "1.1").state == "in_progress"  # the command itself ran
    assert slack.responses_for(foreign) == []
    assert "outside Slack's hosts" in caplog.text


async def test_an_events_api_retry_reaching_the_other_replica_has_no_second_effect(replicas, fake_slack):
    """App Home opened writes nothing, so no request id can tell its retry: the event id is kept in
    the database both replicas share, and the retry on the second one publishes nothing."""
    one, two = replicas
    opened = {"type": "app_home_opened", "user": "U0ANN", "channel": "D0ANN", "tab": "home"}
    assert await one.event(opened, event_id="Ev0RETRY1") == 200
    await fake_slack.wait_for("views.publish", 1, timeout=20)
    assert await two.event(opened, event_id="Ev0RETRY1", retry=1) == 200
    await asyncio.sleep(0.5)
    assert len(fake_slack.calls_to("views.publish")) == 1
    assert await two.event(opened, event_id="Ev0OTHER2") == 200  # another event is still handled
    await fake_slack.wait_for("views.publish", 2, timeout=20)
