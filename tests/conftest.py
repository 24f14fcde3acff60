"""Suite-wide fixtures: no test may reach Slack or read a developer's real tokens, and every
database test runs on SQLite and, when CI provides one, on PostgreSQL."""

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("SLACK_") or name.startswith("DELIVERYBOT_") and name != POSTGRES_ENV:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture(autouse=True)
def _english_unless_asked(request, monkeypatch, _no_slack_env):
    """The suite's word-for-word assertions are English: every process and service a test starts
    speaks English (DELIVERYBOT_LANG=en), except in tests marked `languages`, which exercise how
    the language is chosen (a French plan speaks French, a person's locale, /lang, /team lang)."""
    if request.node.get_closest_marker("languages"):
        return
    from bot.settings import Settings

    monkeypatch.setenv("DELIVERYBOT_LANG", "en")
    monkeypatch.setattr(Settings, "defaults", classmethod(lambda cls: cls.model_construct(forced_lang="en")))


@pytest.fixture(autouse=True)
def _no_fault_of_ours(request, caplog):
    """A test fails when the error boundary caught a fault of ours ("… (ref 1a2b3c4d)" with a
    traceback), unless it is marked `faults`: a refusal and a crash must never look alike."""
    yield
    if request.node.get_closest_marker("faults"):
        return
    caught = [r.getMessage() for r in caplog.get_records("call")
              if r.name.startswith("deliverybot") and r.levelno >= logging.ERROR and r.exc_info and "(ref " in r.getMessage()]
    assert not caught, f"the error boundary caught a fault of ours: {caught}"


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


