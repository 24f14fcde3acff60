"""The whole app on real HTTP against a fake Slack, with the seed plan on a SQLite file.

The harness and CHANNEL live in tests/helpers/slack.py; only the fixtures are here."""

import aiohttp
import pytest
from fakeslack import FakeSlack

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.web import build_web_app
from storage.store import Store
from tests.helpers.bot import SEED
from tests.helpers.slack import CHANNEL, SECRET, SlackHttp, start_site


@pytest.fixture
async def fake_slack():
    async with FakeSlack() as slack:
        yield slack


@pytest.fixture
def seeded_service(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/bot.db")
    import_plan(store, SEED, channel=CHANNEL)
    store.add_lead("U0LEAD", "test")
    return DeliveryService(store)


@pytest.fixture
async def workspace(fake_slack, seeded_service):
    settings = Settings(SLACK_BOT_TOKEN="xoxb-test-token", SLACK_SIGNING_SECRET=SECRET,
                        SLACK_API_URL=fake_slack.api_url, SLACK_RESPONSE_URL_HOSTS="127.0.0.1",
                        DATABASE_URL="sqlite://")
    bolt, gateway = build_app(settings, seeded_service)
    runner, base = await start_site(build_web_app(bolt, seeded_service))
    async with aiohttp.ClientSession() as session:
        yield SlackHttp(base, fake_slack, session)
    await runner.cleanup()
    await gateway.close()
