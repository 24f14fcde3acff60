"""Database faults become one `DatabaseUnavailable(kind, sentence)` (storage/errors.py), raised by
the store; a SQLite file deleted or replaced under the store is refused before anything is written;
SQLite's write lock held beyond the busy timeout is waited for again, within a bound.

In-process and quick; tests/bot/test_database_faults.py runs the same faults through real processes.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest

import storage.db
import storage.store
from storage.errors import DatabaseUnavailable, classify_server, classify_sqlite
from storage.store import Store
from tests.helpers.storage import SLUG, STORY_IDS


@pytest.fixture
def sqlite_file(tmp_path) -> Path:
    return tmp_path / "data" / "deliverybot.db"


@pytest.fixture
def sqlite_store(sqlite_file):
    store = Store(f"sqlite:///{sqlite_file}")
    store.save_plan(SLUG, "plan", "# plan\n", STORY_IDS)
    yield store
    store.close()


def wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_a_deleted_file_is_refused_before_any_write(sqlite_store, sqlite_file):
    assert sqlite_store.health() is None
    before = wal_size(sqlite_file)
    sqlite_file.unlink()
    with pytest.raises(DatabaseUnavailable) as caught:
        sqlite_store.add_lead("lea", "test")
    assert caught.value.kind == "deleted"
    assert str(sqlite_file) in caught.value.sentence and "restart" in caught.value.sentence
    assert wal_size(sqlite_file) == before, "a write went into the deleted file"
    assert sqlite_store.fault is not None and sqlite_store.fault.kind == "deleted"
    fault = sqlite_store.health()
    assert fault is not None and fault.kind == "deleted"
    with pytest.raises(DatabaseUnavailable):  # reads too: they would show what is about to vanish
        sqlite_store.list_plans()


def test_a_replaced_file_is_refused(sqlite_store, sqlite_file, tmp_path):
    copy = tmp_path / "copy.db"
    copy.write_bytes(sqlite_file.read_bytes())
    os.replace(copy, sqlite_file)
    with pytest.raises(DatabaseUnavailable) as caught:
        sqlite_store.add_lead("lea", "test")
    assert caught.value.kind == "replaced" and "restart deliverybot" in caught.value.sentence
    reopened = Store(f"sqlite:///{sqlite_file}")  # a new process opens the new file and uses it
    try:
        assert reopened.add_lead("lea", "test")
    finally:
        reopened.close()


def test_a_corrupt_file_and_a_missing_directory_are_sentences(tmp_path):
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(os.urandom(8192))
    with pytest.raises(DatabaseUnavailable) as caught:
        Store(f"sqlite:///{corrupt}")
    assert caught.value.kind == "corrupt" and "backup" in caught.value.sentence
    (tmp_path / "a-file").write_text("not a directory")
    with pytest.raises(DatabaseUnavailable) as caught:
        Store(f"sqlite:///{tmp_path / 'a-file' / 'sub' / 'deliverybot.db'}")
    assert caught.value.kind == "missing" and "directory" in caught.value.sentence


def test_a_closed_postgresql_port_is_unreachable_with_the_password_hidden():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens
    with pytest.raises(DatabaseUnavailable) as caught:
        Store(f"postgresql://bot:s3cret@127.0.0.1:{port}/deliverybot")
    assert caught.value.kind == "unreachable"
    assert f"127.0.0.1:{port}" in caught.value.sentence and "s3cret" not in caught.value.sentence
    assert "check that PostgreSQL is up" in caught.value.sentence


def test_classification_leaves_our_own_errors_alone():
    assert classify_sqlite(sqlite3.IntegrityError("UNIQUE constraint failed"), "x.db") is None
    assert classify_sqlite(ValueError("bug"), "x.db") is None
    assert classify_server(KeyError("bug"), "postgresql://h/db") is None
    assert classify_sqlite(sqlite3.OperationalError("attempt to write a readonly database"), "x.db").kind == "read-only"
    assert classify_sqlite(sqlite3.OperationalError("database or disk is full"), "x.db").kind == "full"
    assert classify_sqlite(sqlite3.DatabaseError("file is not a database"), "x.db").kind == "corrupt"


@pytest.fixture
def short_waits(monkeypatch):
    """A busy timeout of 0.1 s and a retry budget of 1 s, so lock tests take a second, not a minute."""
    monkeypatch.setattr(storage.db, "SQLITE_BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(storage.store, "WRITE_RETRY_S", 1.0)


def hold_write_lock(path: Path, seconds: float) -> threading.Thread:
    held = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None, timeout=5)
        conn.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert held.wait(5)
    return thread


def test_a_write_waits_for_the_lock_beyond_the_busy_timeout(short_waits, sqlite_file):
    store = Store(f"sqlite:///{sqlite_file}")
    try:
        holder = hold_write_lock(sqlite_file, 0.5)  # five busy timeouts
        assert store.add_lead("lea", "test")  # begun again until the lock was free
        holder.join()
        assert store.leads() == ["lea"] and store.fault is None
    finally:
        store.close()


def test_a_lock_held_beyond_the_retries_is_refused_and_nothing_written(short_waits, sqlite_file):
    store = Store(f"sqlite:///{sqlite_file}")
    try:
        holder = hold_write_lock(sqlite_file, 2.0)
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable) as caught:
            store.add_lead("lea", "test")
        assert caught.value.kind == "locked" and "try again" in caught.value.sentence
        assert time.monotonic() - started < 1.9  # bounded: the budget, not forever
        holder.join()
        assert store.leads() == []
        assert store.health() is None and store.fault is None  # the probe write went through: ready again
    finally:
        store.close()
