"""App Home refreshes coalesce per person (issue 13): every move re-publishes the Home of the people
it concerns, and on a busy plan those builds were most of a move's cost. While one person's Home
is being built, or within a second of the last build, later changes only ask for one more build,
made when that second is over with the state as of then: a burst costs two builds, the first
change after a quiet spell shows at once, and the Home the person ends up with is current.
Against the fake Slack."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from bot.settings import Settings
from bot.slack.app import build_app
from storage.store import Store
from tests.helpers.bot import LINK, SEED
from tests.helpers.slack import CHANNEL, SECRET

ANN = "U0ANN"


@pytest.fixture
async def gateway_on_seed(fake_slack, tmp_path):
    settings = Settings(SLACK_BOT_TOKEN="xoxb-test-token", SLACK_SIGNING_SECRET=SECRET,
                        SLACK_API_URL=fake_slack.api_url, SLACK_RESPONSE_URL_HOSTS="127.0.0.1")
    store = Store(f"sqlite:///{tmp_path}/bot.db")
    import_plan(store, SEED, channel=CHANNEL)
    service = DeliveryService(store, settings=settings)
    _bolt, gateway = build_app(settings, service)
    try:
        yield gateway, service
    finally:
        await gateway.close()


async def test_a_burst_of_changes_builds_a_home_twice_and_it_ends_current(gateway_on_seed, fake_slack):
    gateway, service = gateway_on_seed
    gate, builds = threading.Event(), []
    home = service.home

    def held_home(user, **kw):  # the first build waits for the test: the burst lands meanwhile
        builds.append(user)
        assert gate.wait(10), "the test never released the build"
        return home(user, **kw)

    service.home = held_home  # type: ignore[method-assign]
    first = asyncio.create_task(gateway.refresh_homes([ANN]))
    while not builds:
        await asyncio.sleep(0.005)
    assert service.handle(ANN, "/start 1.1").ok  # the state changes while the first build is held
    burst = [asyncio.create_task(gateway.refresh_homes([ANN])) for _ in range(5)]
    await asyncio.gather(*burst)  # they return at once: the build under way will go again
    assert len(builds) == 1
    gate.set()
    await asyncio.wait_for(first, 10)
    assert builds == [ANN, ANN]  # one build for the burst of five
    published = fake_slack.calls_to("views.publish")
    assert len(published) == 2
    last = json.dumps(published[-1].args, ensure_ascii=False)
    assert "*1.1 baseline hardening* — in progress" in last  # the Home shows the story ann started
    assert ANN not in gateway._homes_building  # nothing left marked: the next change builds at once
    await gateway.refresh_homes([ANN])
    assert len(fake_slack.calls_to("views.publish")) == 3


async def test_a_home_is_built_at_most_once_per_interval_and_the_last_change_is_shown(gateway_on_seed, fake_slack):
    gateway, service = gateway_on_seed
    gateway.home_interval = 0.5
    started = time.monotonic()
    await gateway.refresh_homes([ANN])  # after a quiet spell: at once
    assert len(fake_slack.calls_to("views.publish")) == 1
    assert service.handle(ANN, "/start 1.1").ok
    due = asyncio.create_task(gateway.refresh_homes([ANN]))  # within the interval: built when it is over
    await asyncio.sleep(0.05)
    assert service.handle(ANN, f"/review 1.1 {LINK} @U0BOB").ok  # a later change, before that build
    await asyncio.gather(*(gateway.refresh_homes([ANN]) for _ in range(5)))  # they return at once
    assert len(fake_slack.calls_to("views.publish")) == 1  # nothing published within the interval
    await asyncio.wait_for(due, 10)
    assert time.monotonic() - started >= 0.5
    published = fake_slack.calls_to("views.publish")
    assert len(published) == 2  # one build for the seven refreshes
    last = json.dumps(published[-1].args, ensure_ascii=False)
    assert "*1.1 baseline hardening* — in review, waiting for <@U0BOB>" in last  # as of the build, not of the first refresh


async def test_a_stalled_publish_gives_up_at_the_client_timeout_and_the_next_refresh_works(gateway_on_seed, fake_slack):
    """Every call to Slack shares one HTTP session; it keeps the Web API client's timeout, so a
    views.publish Slack never answers holds that person's refreshes for that long, not minutes."""
    gateway, service = gateway_on_seed
    gateway.home_interval = 0
    gateway.client.timeout = 1
    await gateway.http_session().close()
    fresh = gateway.http_session()  # made again, as at start, now with this timeout
    assert gateway.client.session is fresh
    fake_slack.stall("views.publish", 30)
    started = time.monotonic()
    await asyncio.wait_for(gateway.refresh_homes([ANN]), 20)  # one WARNING line, nothing raised
    assert time.monotonic() - started < 10
    assert service.handle(ANN, "/start 1.1").ok
    await gateway.refresh_homes([ANN])
    last = json.dumps(fake_slack.calls_to("views.publish")[-1].args, ensure_ascii=False)
    assert "*1.1 baseline hardening* — in progress" in last
