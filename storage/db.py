"""Engines that make concurrent writers safe on both databases we support.

SQLite is the default because a team can run the bot with nothing else installed; PostgreSQL is
for deployments with several replicas. Either way the store relies on two properties set here:
a write transaction never starts from a stale snapshot it cannot upgrade (SQLite: `BEGIN
IMMEDIATE` takes the write lock up front, so a second writer waits instead of failing with
"database is locked" half-way), and a dropped connection is noticed before use (`pool_pre_ping`).
The default URL belongs to the bot's settings, not to this module.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

SQLITE_BUSY_TIMEOUT_MS = 30_000

# Execution option read by the SQLite `begin` hook: reads ask for a deferred BEGIN so they never
# queue behind writers (WAL lets readers and one writer run side by side).
READ_ONLY_OPTION = "deliverybot_read_only"

_POSTGRES_SCHEMES = {"postgresql", "postgres", "postgresql+psycopg"}
_SQLITE_SCHEMES = {"sqlite", "sqlite+pysqlite"}


CONNECT_TIMEOUT_S = 5


def make_engine(url: str | URL) -> Engine:
    """An engine for `sqlite:///path` or a PostgreSQL URL, configured for the store's locking.

    Raises ValueError for any other database, for a non-psycopg PostgreSQL driver, and for an
    in-memory SQLite database (each pooled connection would see its own empty database).
    """
    parsed = make_url(url) if isinstance(url, str) else url
    scheme = parsed.drivername
    if scheme in _SQLITE_SCHEMES:
        return _sqlite_engine(parsed)
    if scheme in _POSTGRES_SCHEMES:
        # A server that doesn't answer must not hold a probe, a command or a shutdown for minutes;
        # the URL's own connect_timeout wins.
        timeout = {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT_S}
        return create_engine(parsed.set(drivername="postgresql+psycopg"), pool_pre_ping=True, connect_args=timeout)
    if scheme.startswith("postgresql+"):
        raise ValueError(f"unsupported PostgreSQL driver {scheme!r}: use postgresql:// (psycopg 3 is used)")
    raise ValueError(f"unsupported database URL scheme {scheme!r}: use sqlite:///path or postgresql://...")


def _sqlite_engine(url: URL) -> Engine:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise ValueError("in-memory SQLite is not supported: use a file, e.g. sqlite:///data/deliverybot.db")
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url.set(drivername="sqlite+pysqlite"), pool_pre_ping=True)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # Take transaction control away from pysqlite (it would skip BEGIN before SELECTs and run
    # our read-then-update in two transactions); `_sqlite_on_begin` emits BEGIN instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        _ensure_wal(cursor)
    finally:
        cursor.close()


def _ensure_wal(cursor) -> None:
    # WAL is a property of the file, set once by the first connection. When several processes
    # open a fresh file together, the switch can fail with "database is locked" at once, without
    # SQLite's busy handler waiting, so we wait here, for as long as busy_timeout would.
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def _sqlite_on_begin(connection) -> None:
    # IMMEDIATE makes a writer wait for the lock at BEGIN, where waiting is safe, instead of
    # failing at its first write after having read data another writer then changed.
    read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
