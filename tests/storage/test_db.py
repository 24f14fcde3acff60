"""The engine settings the store's safety rests on: WAL, foreign keys, busy timeout, BEGIN IMMEDIATE."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.db import SQLITE_BUSY_TIMEOUT_MS, make_engine
from storage.store import Store
from tests.helpers.storage import SLUG, STORY_IDS


@pytest.fixture
def sqlite_store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'not' / 'yet' / 'there' / 'bot.db'}")
    store.save_plan(SLUG, "K3s", "# plan\n", STORY_IDS)
    yield store, tmp_path / "not" / "yet" / "there" / "bot.db"
    store.close()


def test_sqlite_file_is_created_in_wal_mode_with_foreign_keys_and_busy_timeout(sqlite_store):
    store, path = sqlite_store
    assert path.is_file()
    outsider = sqlite3.connect(path)  # WAL is a property of the file, seen by any connection
    try:
        assert outsider.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        outsider.close()
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS


def test_sqlite_enforces_foreign_keys(sqlite_store):
    store, _ = sqlite_store
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO story_states (plan_id, story_id, state, forced, version) VALUES (999, '1.1', 'todo', 0, 0)"
            )
        )


def test_sqlite_write_transaction_takes_the_write_lock_at_begin(sqlite_store):
    store, path = sqlite_store
    outsider = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        # Nothing is written in the transaction, yet its write lock must already be held.
        with store.engine.begin(), pytest.raises(sqlite3.OperationalError, match="locked"):
            outsider.execute("BEGIN IMMEDIATE")
        outsider.execute("BEGIN IMMEDIATE")  # released at commit
        outsider.execute("ROLLBACK")
    finally:
        outsider.close()


def test_sqlite_reads_do_not_wait_for_a_writer(sqlite_store):
    store, path = sqlite_store
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE plans SET title = 'uncommitted'")
        with ThreadPoolExecutor(1) as pool:
            plan = pool.submit(store.get_plan, SLUG).result(timeout=5)
        assert plan.title == "K3s"  # the last committed value, without waiting for the lock
        writer.execute("ROLLBACK")
    finally:
        writer.close()


@pytest.mark.parametrize(
    "url",
    ["postgresql://u@db:5432/x", "postgres://u@db:5432/x", "postgresql+psycopg://u@db:5432/x"],
)
def test_postgres_urls_all_use_psycopg3(url):
    engine = make_engine(url)  # no connection is made here
    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.dialect.driver == "psycopg"
    assert (engine.url.host, engine.url.database, engine.url.username) == ("db", "x", "u")
    assert engine.pool._pre_ping


@pytest.mark.parametrize(
    "url, message",
    [
        ("postgresql+psycopg2://u@db/x", "driver"),
        ("mysql://u@db/x", "scheme"),
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
    ],
)
def test_unsupported_urls_are_refused_with_a_reason(url, message):
    with pytest.raises(ValueError, match=message):
        make_engine(url)
