"""Back-pressure over real signed HTTP: service work is bounded (DELIVERYBOT_MAX_PENDING), and a
request beyond the bound is acknowledged at once and told "busy, try again" through the same
response_url, without ever reaching the service; the admitted ones finish normally."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from urllib.parse import urlencode

import aiohttp
import pytest
from pydantic import ValidationError

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from bot.settings import Settings, configuration_problems
from bot.slack.app import build_app
from bot.slack.metrics import REGISTRY
from bot.slack.web import build_web_app
from storage.store import Store
from tests.helpers.bot import SEED, SLUG
from tests.helpers.slack import CHANNEL, SECRET, SlackHttp, start_site

ANN, BOB, CAT = "U0ANN", "U0BOB", "U0CAT"
BUSY = "deliverybot is busy right now: nothing was done. Try again in a few seconds."
BOUND = 2


class Held:
    """The service, slowed down for real: every `handle` waits for the test to open the gate."""

    def __init__(self, service: DeliveryService) -> None:
        self.gate = threading.Event()
        self.calls: list[str] = []
        self._handle = service.handle
        service.handle = self.handle  # type: ignore[method-assign]

    def handle(self, user: str, text: str, **where):
        self.calls.append(text)
        assert self.gate.wait(10), "the test never released the service"
        return self._handle(user, text, **where)


@pytest.fixture
async def busy_workspace(fake_slack, tmp_path, monkeypatch):
    monkeypatch.setenv("DELIVERYBOT_MAX_PENDING", str(BOUND))
    settings = Settings(SLACK_BOT_TOKEN="xoxb-test-token", SLACK_SIGNING_SECRET=SECRET,
                        SLACK_API_URL=fake_slack.api_url, SLACK_RESPONSE_URL_HOSTS="127.0.0.1")
    store = Store(f"sqlite:///{tmp_path}/bot.db")
    import_plan(store, SEED, channel=CHANNEL)
    service = DeliveryService(store, settings=settings)  # as `deliverybot run` builds it
    held = Held(service)
    bolt, gateway = build_app(settings, service)
    runner, base = await start_site(build_web_app(bolt, service))
    try:
        async with aiohttp.ClientSession() as session:
            yield SlackHttp(base, fake_slack, session), gateway, held, store
    finally:
        held.gate.set()  # never leave a worker thread waiting
        await runner.cleanup()
        await gateway.close()


async def send_command(workspace: SlackHttp, user: str, command: str, text: str = "") -> tuple[dict, int, float]:
    """Post a slash command without waiting for its reply: (payload, HTTP status, seconds to the ack)."""
    payload = workspace.slack.slash_command(command, text, user_id=user, user_name=user.lower(), channel_id=CHANNEL)
    started = time.monotonic()
    resp = await workspace.post(urlencode(payload), "application/x-www-form-urlencoded")
    return payload, resp.status, time.monotonic() - started


async def until(condition, timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.005)


def busy_count(kind: str) -> float:
    return REGISTRY.get_sample_value("deliverybot_requests_total", {"kind": kind, "outcome": "busy"}) or 0.0


async def test_beyond_the_bound_a_request_is_told_busy_at_once_and_never_reaches_the_service(busy_workspace):
    workspace, gateway, held, store = busy_workspace
    slack = workspace.slack
    assert gateway.max_pending == BOUND
    busy_commands, busy_buttons, busy_modals = busy_count("command"), busy_count("button"), busy_count("modal")

    # BOUND calls are admitted and held in the service: acknowledged at once all the same
    admitted = []
    for user, command in ((ANN, "/board"), (BOB, "/unblocked")):
        payload, status, ack_s = await send_command(workspace, user, command)
        assert status == 200 and ack_s < 1.0
        admitted.append(payload)
    await until(lambda: gateway.pending == BOUND and len(held.calls) == BOUND)

    # one more: acked at once, told "busy" on its response_url while the others still wait
    payload, status, ack_s = await send_command(workspace, ANN, "/start", "1.1")
    assert status == 200 and ack_s < 1.0
    [refused] = await slack.wait_for_responses(payload["response_url"], timeout=1.0)
    assert refused.text == BUSY and refused.response_type == "ephemeral"
    assert BUSY in json.dumps(refused.blocks)
    assert busy_count("command") == busy_commands + 1

    # a click beyond the bound: the same sentence beside the message
    click = await workspace.click(ANN, "start_story", json.dumps({"plan": SLUG, "story": "1.1"}))
    assert click["status"] == 200
    [said] = await slack.wait_for_responses(click["payload"]["response_url"], timeout=1.0)
    assert said.text == BUSY and busy_count("button") == busy_buttons + 1

    # /done without a link still opens its modal (worded without the database: no wait on the
    # queue), and its submission is refused next to the field, the modal left open with the values
    _, status, _ = await send_command(workspace, BOB, "/done", "1.1")
    assert status == 200
    view = (await slack.wait_for("views.open", 1, timeout=1.0))[0].args["view"]
    status, body = await workspace.submit(BOB, view, {"evidence": {"link": {
        "type": "plain_text_input", "value": "https://git.example.com/infra/pull/1"}}})
    assert status == 200 and body == {"response_action": "errors", "errors": {"evidence": BUSY}}
    assert busy_count("modal") == busy_modals + 1

    # nothing refused reached the service, nothing was written, nobody was told anything else
    assert held.calls == ["/board ", "/unblocked "]
    assert store.status(SLUG, "1.1").state == "todo" and store.events(SLUG) == []
    assert slack.calls_to("chat.postMessage") == []
    assert all(not slack.responses_for(p["response_url"]) for p in admitted)  # still held

    # released: the admitted calls answer as they always do, and the bound is free again
    held.gate.set()
    board, unblocked = [(await slack.wait_for_responses(p["response_url"], timeout=2.0))[0] for p in admitted]
    assert board.text != BUSY and "1.1" in board.text
    assert unblocked.text != BUSY and "1.1" in unblocked.text
    await until(lambda: gateway.pending == 0)

    # and a new command is served normally: the /start refused earlier now happens, once
    started = await workspace.command(ANN, "/start", "1.1")
    assert started["reply"].text.startswith(f"▶ <@{ANN}> started 1.1"), started["reply"].text
    assert store.status(SLUG, "1.1").state == "in_progress"
    assert held.calls[-1] == "/start 1.1"


async def test_a_burst_beyond_the_bound_is_answered_in_full_and_never_holds_more(busy_workspace):
    workspace, gateway, held, store = busy_workspace
    held.gate.set()
    seen: list[int] = []

    async def watch() -> None:
        while True:
            seen.append(gateway.pending)
            await asyncio.sleep(0)

    watcher = asyncio.create_task(watch())
    try:
        replies = await asyncio.gather(*(workspace.command(user, "/board") for user in (ANN, BOB, CAT) * 4))
    finally:
        watcher.cancel()
    assert all(r["status"] == 200 for r in replies)
    # twelve at once on a bound of two: each hears an answer, the board or "busy", and the
    # gateway never held more than the bound
    assert all(r["reply"].text == BUSY or "1.1" in r["reply"].text for r in replies)
    assert max(seen) <= BOUND
    await until(lambda: gateway.pending == 0)
    assert (await workspace.command(CAT, "/board"))["reply"].text != BUSY


def test_the_bound_is_a_setting_of_at_least_one(monkeypatch):
    assert Settings.model_construct().max_pending == 64
    monkeypatch.setenv("DELIVERYBOT_MAX_PENDING", "8")
    assert Settings().max_pending == 8
    monkeypatch.setenv("DELIVERYBOT_MAX_PENDING", "0")
    with pytest.raises(ValidationError) as refused:
        Settings()
    [problem] = configuration_problems(refused.value)
    assert problem.startswith("DELIVERYBOT_MAX_PENDING: ") and "greater than or equal to 1" in problem
