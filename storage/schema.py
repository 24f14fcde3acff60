"""The schema's version: Alembic revisions (`storage/migrations/versions/`), applied under one lock.

`upgrade(engine)` brings any database it recognises to the newest revision (the head):

- empty (no tables): the revisions run from the first, `0001_baseline`, the schema of 0.1.0;
- made by release 0.1.0 (its `create_all`: our tables, no `alembic_version`): stamped at
  `0001_baseline`, then the later revisions run;
- at a revision: the revisions after it run; at the head, nothing happens.

Anything else is refused with a `SchemaError` before anything is written: tables that are not
ours (or ours with columns missing or added), or a revision this release does not know (a
database a newer release upgraded).

All of it is one transaction holding the schema lock from its first statement: on PostgreSQL
`pg_advisory_xact_lock(SCHEMA_LOCK)`, the id release 0.1.0's `create_all` took too, so replicas
starting together (an old one included) change the schema once and the others then find it
done; on SQLite the write lock that `BEGIN IMMEDIATE` takes (`storage.db`). Both databases roll
DDL back, so a failed upgrade leaves the database as it was. On SQLite foreign keys are off
during the transaction (the pragma is ignored inside one, so it is set around it) and checked
before it commits, as SQLite's own procedure for altering tables asks: `op.batch_alter_table`
(env.py sets `render_as_batch`) copies and drops tables that others refer to.

`ensure(engine)` is the store's path, quick when there is nothing to do: a database at the head
is left alone without loading Alembic (`HEAD` names it; a test keeps it equal to the scripts'
head), an empty one gets `create_all` stamped at the head (what the revisions build, which
tests/storage/test_migrations.py checks), anything else goes through `upgrade`.

`upgrade_url` and `inspect_url` are the command line's: every failure is a `SchemaError` whose
message is one sentence (an unreachable database, a revision that failed and was rolled back).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

from sqlalchemy import Connection, Engine, inspect, make_url, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:  # Alembic is imported only when a schema has to change (~0.2 s on the CLI path)
    from alembic.config import Config
    from alembic.script import ScriptDirectory

SCRIPT_LOCATION = "storage:migrations"
BASELINE = "0001_baseline"
HEAD = "0006_plan_changes"  # the newest revision in storage/migrations/versions: bump it with each new one
SCHEMA_LOCK = 4242001  # PostgreSQL advisory lock id of every schema change, this release's and 0.1.0's
VERSION_TABLE = "alembic_version"
# Alembic's `context` and `op` are process-wide proxies: two threads running commands at once (on
# two databases: one database's lock already serialises its own) would swap each other's.
_ALEMBIC_COMMANDS = threading.Lock()

# What release 0.1.0 created: its tables and their columns. An unversioned database holding
# exactly these is stamped at BASELINE. Frozen: it does not follow storage/tables.py.
RELEASE_0_1_0: Mapping[str, frozenset[str]] = {
    "plans": frozenset({"id", "slug", "title", "channel", "source", "source_sha", "imported_at"}),
    "story_states": frozenset(
        {"plan_id", "story_id", "state", "assignee", "reviewer", "evidence", "forced", "since", "version"}
    ),
    "events": frozenset(
        {"id", "plan_id", "story_id", "action", "actor", "from_state", "to_state", "evidence", "reviewer",
         "reason", "request_id", "at"}
    ),
    "leads": frozenset({"name", "added_by", "added_at"}),
    "lane_bindings": frozenset({"plan_id", "lane", "person"}),
    "settings": frozenset({"plan_id", "key", "value"}),
    "digest_runs": frozenset(
        {"id", "plan_id", "local_date", "status", "claimed_by", "claimed_at", "finished_at", "message_ts",
         "reported"}
    ),
}

Kind = Literal["empty", "release-0.1.0", "versioned"]
T = TypeVar("T")


class SchemaError(Exception):
    """The database cannot be brought to this release's schema, or cannot be reached; the message
    says why in one sentence. Nothing was changed."""


@dataclass(frozen=True)
class SchemaState:
    """What a database holds, as `upgrade` sees it before acting."""

    kind: Kind
    revision: str | None  # from alembic_version; None when empty or 0.1.0
    head: str  # this release's newest revision

    @property
    def current(self) -> bool:
        return self.revision == self.head

    def describe(self) -> str:
        if self.kind == "empty":
            return f"empty database: `deliverybot db upgrade` (or `run`) creates the schema at {self.head}"
        if self.kind == "release-0.1.0":
            then = "" if self.head == BASELINE else f" and upgrades it to {self.head}"
            return f"a deliverybot 0.1.0 database without a revision: `deliverybot db upgrade` stamps it at {BASELINE}{then}"
        if self.current:
            return f"database at revision {self.revision}: up to date"
        return f"database at revision {self.revision}, this release's is {self.head}: run `deliverybot db upgrade`"


@dataclass(frozen=True)
class Upgrade:
    """What `upgrade` (or `ensure`) did."""

    before: SchemaState
    revision: str  # where the database is now: the head
    applied: tuple[str, ...] = ()  # revisions run, oldest first (a stamp runs none)
    created_all: bool = False  # `ensure` on an empty database: create_all, stamped at the head

    @property
    def changed(self) -> bool:
        return self.before.kind != "versioned" or bool(self.applied)

    def describe(self) -> str:
        now = f"database at revision {self.revision}"
        if self.before.kind == "empty":
            return f"{now} (created the schema of an empty database)"
        if self.before.kind == "release-0.1.0":
            at = "" if self.revision == BASELINE else f" at {BASELINE}"
            then = f", then applied {', '.join(self.applied)}" if self.applied else ""
            return f"{now} (stamped an existing 0.1.0 database{at}{then})"
        if not self.applied:
            return f"{now}: already up to date"
        return f"{now} (upgraded from {self.before.revision}: applied {', '.join(self.applied)})"


# -- Alembic ------------------------------------------------------------------------------------


def alembic_config(url: str | None = None, *, connection: Connection | None = None,
                   script_location: str = SCRIPT_LOCATION) -> Config:
    """Alembic's configuration without an alembic.ini: the script directory in this package, and
    the connection to work on or (for a developer's `command.revision`) a URL."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", script_location)
    config.set_main_option("file_template", "%%(rev)s")  # rev ids carry their name: 0002_what_changed.py
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # ConfigParser interpolation
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def _script(script_location: str) -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(script_location=script_location))


def head(script_location: str = SCRIPT_LOCATION) -> str:
    """The newest revision of the scripts. One line of revisions: two heads are a bug."""
    heads = _script(script_location).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must have one head, not {sorted(heads)}")
    return heads[0]


# -- the three entry points ---------------------------------------------------------------------


def inspect_schema(engine: Engine, *, script_location: str = SCRIPT_LOCATION) -> SchemaState:
    """What the database holds (no lock, nothing written). SchemaError when it is not ours."""
    with engine.connect() as conn:
        return _state(conn, script_location)


def upgrade(engine: Engine, *, script_location: str = SCRIPT_LOCATION) -> Upgrade:
    """Bring the database to the head under the schema lock (see the module's docstring).

    `engine` must come from `storage.db.make_engine` (SQLite's lock is its BEGIN IMMEDIATE).
    Raises SchemaError, having changed nothing, for a database that is not ours; a database
    error (unreachable, a revision failing) propagates, the transaction rolled back."""
    with _schema_transaction(engine) as conn:
        before = _state(conn, script_location)
        if before.current:
            return Upgrade(before, before.head)
        from alembic import command

        config = alembic_config(connection=conn, script_location=script_location)
        start = before.revision
        with _ALEMBIC_COMMANDS:
            if before.kind == "release-0.1.0":
                command.stamp(config, BASELINE)
                start = BASELINE
            command.upgrade(config, "head")
        now = _revision(conn)
        if now != before.head:
            raise RuntimeError(f"the upgrade ended at revision {now}, not {before.head}")
        script = _script(script_location)
        applied = [s.revision for s in script.iterate_revisions(before.head, start or "base")]
        return Upgrade(before, now, tuple(reversed(applied)))


def ensure(engine: Engine) -> Upgrade:
    """A usable schema for the store, quickly when there is nothing to do: at the head, nothing;
    empty, `create_all` stamped at the head (one transaction, under the lock); else `upgrade`."""
    with _schema_transaction(engine) as conn:
        before = _state(conn, SCRIPT_LOCATION)
        if before.current:
            return Upgrade(before, before.head)
        if before.kind == "empty":
            from sqlmodel import SQLModel

            import storage.tables  # noqa: F401  (the tables, on SQLModel.metadata)

            SQLModel.metadata.create_all(conn)
            _stamp(conn, before.head)
            return Upgrade(before, before.head, created_all=True)
    return upgrade(engine)


def upgrade_url(url: str) -> Upgrade:
    """`deliverybot db upgrade` and `run`: `upgrade` on a URL, every failure a SchemaError."""
    return _on_url(url, upgrade)


def inspect_url(url: str) -> SchemaState:
    """`deliverybot db current`: `inspect_schema` on a URL, every failure a SchemaError."""
    return _on_url(url, inspect_schema)


def _on_url(url: str, action: Callable[[Engine], T]) -> T:
    from storage.db import make_engine

    where = _safe(url)
    try:
        engine = make_engine(url)
    except (ValueError, OSError) as err:
        raise SchemaError(f"cannot open the database {where}: {err}") from None
    try:
        try:
            with engine.connect():
                pass
        except (SQLAlchemyError, OSError) as err:
            fault = _unavailable(err, engine, where)  # one sentence saying what to do (storage.errors)
            raise SchemaError(fault or f"cannot reach the database {where}: {_first_line(err)}") from None
        try:
            return action(engine)
        except SQLAlchemyError as err:
            raise SchemaError(f"the schema of {where} could not be changed, and was left as it was: "
                              f"{_first_line(err)}") from None
    finally:
        engine.dispose()


def _unavailable(err: BaseException, engine: Engine, where: str) -> str | None:
    from storage.errors import classify_server, classify_sqlite

    if engine.dialect.name == "sqlite":
        fault = classify_sqlite(err, engine.url.database or where)
    else:
        fault = classify_server(err, where)
    return fault.sentence if fault else None


def _safe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL: make_engine says so; don't echo what may hold a password
        return "(DATABASE_URL)"


def _first_line(err: BaseException) -> str:
    orig = getattr(err, "orig", None) or err
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    return lines[0] if lines else type(orig).__name__


# -- the transaction and the lock ---------------------------------------------------------------


@contextmanager
def _schema_transaction(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # before BEGIN: SQLite ignores this pragma inside a transaction
            _sqlite_pragma(conn, "foreign_keys = OFF")
            # A table rebuild (batch mode) renames its copy back over a table that the change
            # counter's trigger on `events` names (storage/triggers.py); without this, SQLite
            # checks the trigger against the dropped table and refuses the rename.
            _sqlite_pragma(conn, "legacy_alter_table = ON")
        try:
            with conn.begin():  # SQLite: BEGIN IMMEDIATE, the database's write lock, held to the end
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise SchemaError(f"the upgrade would break {len(broken)} foreign key(s) "
                                          f"(first: {tuple(broken[0])}); nothing was changed")
        finally:
            if sqlite and not conn.closed and not conn.invalidated:
                _sqlite_pragma(conn, "foreign_keys = ON")
                _sqlite_pragma(conn, "legacy_alter_table = OFF")


def _sqlite_pragma(conn: Connection, pragma: str) -> None:
    # On the DBAPI connection: through `conn` it would begin a transaction first (storage.db's hook).
    dbapi = conn.connection.dbapi_connection
    if dbapi is None:
        raise RuntimeError("the connection has no DBAPI connection")
    cursor = dbapi.cursor()
    try:
        cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


# -- recognising a database ---------------------------------------------------------------------


def _stamp(conn: Connection, revision: str) -> None:
    """A new database marked at `revision` as Alembic's `stamp` marks it (its version table, one
    row), without importing Alembic and reading every revision script: a fresh SQLite file is what
    the first `plan import` or `run` of a team opens, and that cost a fifth of a second."""
    conn.execute(text(f"CREATE TABLE {VERSION_TABLE} (version_num VARCHAR(32) NOT NULL, "
                      f"CONSTRAINT {VERSION_TABLE}_pkc PRIMARY KEY (version_num))"))
    conn.execute(text(f"INSERT INTO {VERSION_TABLE} (version_num) VALUES (:revision)"), {"revision": revision})


def _revision(conn: Connection) -> str | None:
    rows = [row[0] for row in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))]
    if len(rows) > 1:
        raise SchemaError(f"the database is at several revisions at once ({', '.join(sorted(rows))}); "
                          "nothing was changed")
    return rows[0] if rows else None


def _state(conn: Connection, script_location: str) -> SchemaState:
    newest = HEAD if script_location == SCRIPT_LOCATION else head(script_location)
    inspector = inspect(conn)
    tables = set(inspector.get_table_names())
    revision = _revision(conn) if VERSION_TABLE in tables else None
    tables.discard(VERSION_TABLE)
    if revision is not None:
        if revision != newest and revision not in {s.revision for s in _script(script_location).walk_revisions()}:
            raise SchemaError(
                f"the database is at revision {revision}, which this release of deliverybot does not know "
                f"(its newest is {newest}; a newer release upgraded it?); nothing was changed")
        return SchemaState("versioned", revision, newest)
    if not tables:
        return SchemaState("empty", None, newest)
    ours = set(RELEASE_0_1_0)
    if not ours & tables:
        raise SchemaError(
            f"the database holds tables that are not deliverybot's ({_names(tables)}): point DATABASE_URL "
            "at an empty database or at deliverybot's own; nothing was changed")
    problems = [f"no table {name}" for name in sorted(ours - tables)]
    for name in sorted(ours & tables):
        columns = {c["name"] for c in inspector.get_columns(name)}
        missing, extra = RELEASE_0_1_0[name] - columns, columns - RELEASE_0_1_0[name]
        if missing or extra:
            problems.append(f"{name} " + " and ".join(
                ([f"lacks {_names(missing)}"] if missing else []) + ([f"has {_names(extra)}"] if extra else [])))
    if problems:
        raise SchemaError(
            "the database has no schema revision and its tables are not those of deliverybot 0.1.0 "
            f"({'; '.join(problems)}), so it cannot be upgraded; nothing was changed")
    return SchemaState("release-0.1.0", None, newest)


def _names(names: set[str] | frozenset[str]) -> str:
    return ", ".join(sorted(names))
