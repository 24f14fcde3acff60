"""A real service on a real SQLite file with the seed plan imported, and a team to drive it.

The constants and the Walker live in tests/helpers/bot.py; only the fixtures are here."""

import pytest

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from storage.store import Store
from tests.helpers.bot import SEED, Walker, big_digest, seed_mid_delivery


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A working directory and an empty SQLite database for the command line under test."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path}/deliverybot.db")


@pytest.fixture
def service(store):
    import_plan(store, SEED)
    store.add_lead("lea", "test")
    return DeliveryService(store)


@pytest.fixture
def walk(service):
    return Walker(service)


@pytest.fixture
def seed(store):
    """A digest of the seed plan mid-delivery, at a given time (the digest text and block tests)."""
    return seed_mid_delivery(store)


@pytest.fixture(scope="module")
def big():
    """The digest of a generated 2,000-story plan, built once per module."""
    return big_digest()
