"""Storage fixtures: every store test runs on SQLite, and on PostgreSQL when CI provides one.

PostgreSQL tests each get a fresh schema (selected through the URL's `options=-csearch_path=`),
so they can run against a shared database and leave nothing behind.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine

from storage.store import Store

# The helpers must be importable by plain name whatever pytest's import mode: the processes the
# race test spawns import them to find their entry point. Appended, so nothing is shadowed.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.append(_HERE)

from storage_helpers import SLUG, STORY_IDS  # noqa: E402

POSTGRES_ENV = "DELIVERYBOT_TEST_POSTGRES_URL"
POSTGRES_SKIP = (
    "PostgreSQL tests need DELIVERYBOT_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/test)"
)


def _admin_url(base: str) -> str:
    return "postgresql+psycopg://" + base.split("://", 1)[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    if request.param == "postgresql" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(POSTGRES_SKIP)
    return request.param


@pytest.fixture
def new_db_url(backend, tmp_path) -> Iterator[Callable[[], str]]:
    """A factory of URLs, each naming a new empty database of the test's backend."""
    schemas: list[str] = []
    base = os.environ.get(POSTGRES_ENV, "")
    admin = create_engine(_admin_url(base)) if backend == "postgresql" else None

    def make() -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'db-{uuid.uuid4().hex[:8]}' / 'deliverybot.db'}"
        schema = f"dbt_test_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        schemas.append(schema)
        separator = "&" if "?" in base else "?"
        return f"{base}{separator}options={quote(f'-csearch_path={schema}')}"

    yield make
    if admin is not None:
        with admin.begin() as conn:
            for schema in schemas:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


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
