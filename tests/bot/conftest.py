"""A real service on a real SQLite file with the seed plan imported, and helpers to drive it."""

from pathlib import Path

import pytest

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from storage.store import Store

SEED = Path(__file__).resolve().parents[2] / "plans" / "k3s-mono-pgsql.md"
LINK = "https://git.example.com/infra/pull/42"


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path}/deliverybot.db")


@pytest.fixture
def service(store):
    import_plan(store, SEED)
    store.add_lead("lea", "test")
    return DeliveryService(store)


class Walker:
    """Moves stories through the whole workflow the way a team would, asserting each step."""

    def __init__(self, service):
        self.service = service

    def ok(self, actor, text):
        reply = self.service.handle(actor, text)
        assert reply.ok, f"{actor} {text}: {reply.text}"
        return reply

    def finish(self, sid, dev="dev", reviewer="rev"):
        self.ok(dev, f"/start {sid}")
        self.ok(dev, f"/review {sid} {LINK} @{reviewer}")
        return self.ok(reviewer, f"/done {sid} {LINK}")


@pytest.fixture
def walk(service):
    return Walker(service)
