"""Storage fixtures: every store test runs on SQLite, and on PostgreSQL when CI provides one.

PostgreSQL tests each get a fresh schema (selected through the URL's `options=-csearch_path=`),
so they can run against a shared database and leave nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from storage.store import Store
from tests.helpers.storage import SLUG, STORY_IDS


@pytest.fixture
def open_store(new_db_url) -> Iterator[Callable[..., Store]]:
    """Opens stores (on a new database unless a URL is given) and closes them after the test."""
    stores: list[Store] = []

    def open_(url: str | None = None, **kwargs) -> Store:
        store = Store(url or new_db_url(), **kwargs)
        stores.append(store)
        return store

    yield open_
    for store in stores:
        store.close()


@pytest.fixture
def store(open_store) -> Store:
    return open_store()


@pytest.fixture
def plan_store(store) -> Store:
    """A store holding the plan SLUG with STORY_IDS, nothing started."""
    store.save_plan(SLUG, "K3s mono PostgreSQL", "# plan\n", STORY_IDS, channel="C-DELIVERY")
    return store
