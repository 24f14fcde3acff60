"""Schema migrations (storage/schema.py, storage/migrations/): what each kind of database becomes.

"A database of release 0.1.0" is built from tests/data/schema-0.1.0.<dialect>.sql, the DDL that
release's create_all ran, frozen, so a change to storage/tables.py cannot quietly change what
"the old release" means here. Its data is a team's, written through today's store into a scratch
database and copied, 0.1.0's columns only, into the old tables (today's models read and write
columns 0.1.0 did not have). Every test runs on SQLite and, when CI provides one, PostgreSQL.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Connection, Engine, column, inspect, select, table, text
from sqlmodel import SQLModel

from planner.state import Action, State, fold_events
from storage import schema
from storage.db import make_engine
from storage.schema import BASELINE, HEAD, SCHEMA_LOCK, SchemaError, SchemaState
from storage.store import Store
from tests.helpers.storage import (
    SLUG,
    STORY_IDS,
    T0,
    done_event,
    make_event,
    walk_to_review,
)

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "tests" / "data"
OURS = sorted(schema.RELEASE_0_1_0)
ADDED_TABLES = {"deliveries", "people"}  # tables later revisions create (0004, 0005)


def revisions(script_location: str = schema.SCRIPT_LOCATION) -> tuple[str, ...]:
    """Every revision of the scripts, oldest first."""
    return tuple(reversed([s.revision for s in schema._script(script_location).walk_revisions()]))


AFTER_BASELINE = revisions()[1:]  # what an upgrade runs on a database at the baseline


def stamped(revision: str, applied: tuple[str, ...]) -> str:
    """What an upgrade says of a 0.1.0 database it stamped at the baseline, then brought further."""
    return (f"database at revision {revision} (stamped an existing 0.1.0 database at {BASELINE}, "
            f"then applied {', '.join(applied)})")


STAMPED = stamped(HEAD, AFTER_BASELINE)


# -- building databases -------------------------------------------------------------------------


@pytest.fixture
def engines(new_db_url):
    """Opens engines on new databases (or on a given URL); disposes them after the test."""
    made: list[Engine] = []

    def open_(url: str | None = None) -> Engine:
        made.append(make_engine(url or new_db_url()))
        return made[-1]

    yield open_
    for engine in made:
        engine.dispose()


def release_0_1_0_ddl(dialect: str) -> list[str]:
    sql = (SNAPSHOTS / f"schema-0.1.0.{dialect}.sql").read_text(encoding="utf-8")
    sql = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
    return [statement.strip() for statement in sql.split(";") if statement.strip()]


def create_release_0_1_0(engine: Engine) -> None:
    """The database `Store(url)` of release 0.1.0 left: its tables, no alembic_version."""
    with engine.begin() as conn:
        for statement in release_0_1_0_ddl(engine.dialect.name):
            conn.exec_driver_sql(statement)


def upgrade_to(engine: Engine, revision: str) -> None:
    """Run the revisions up to `revision` only, as `schema.upgrade` runs them all: in one
    transaction holding the schema lock."""
    from alembic import command

    with schema._schema_transaction(engine) as conn:
        command.upgrade(schema.alembic_config(connection=conn), revision)


def fill_like_a_team(store: Store) -> None:
    """What a team's database holds after a few weeks, written through the store's API."""
    store.save_plan(SLUG, "K3s mono PostgreSQL", "# plan\n", STORY_IDS, channel="C-DELIVERY")
    store.save_plan("side", "Side project", "# side\n", ["a.1", "a.2"])
    walk_to_review(store, "1.1", assignee="alice")
    assert store.transition(SLUG, done_event("bob")).ok  # 1.1 done
    walk_to_review(store, "1.2", assignee="carol")  # 1.2 in review
    assert store.transition(SLUG, make_event("2.1", Action.FORCE_START, "lea", 7, reason="prod is down",
                                             request_id="req-force-2.1")).ok
    walk_to_review(store, "4.1", assignee="dan")
    assert store.transition(SLUG, make_event("4.1", Action.DONE, "erin", 9, evidence="https://ci/4.1")).ok
    assert store.transition(SLUG, make_event("4.1", Action.REOPEN, "lea", 11, reason="flaky")).ok
    assert store.transition("side", make_event("a.1", Action.START, "zoe", 3, request_id="req-a.1")).ok
    store.add_lead("lea", "install")
    store.add_lead("U0BOB", "lea")
    store.bind_lane(SLUG, "A", "alice")
    store.bind_lane(SLUG, "B", "U0BOB")
    store.record_audit(SLUG, "lea", "team-lane", "lane B -> U0BOB", at=T0, request_id="req-audit-1")
    store.record_audit(SLUG, "lea", "team-mode", None, at=T0 + timedelta(hours=1))
    store.update_plan_settings(
        SLUG, mode=2, allow_solo=True, digest_time=clock(9, 30), digest_tz="Europe/Paris",
        digest_workdays="mon-fri", digest_cutoff=clock(12, 0), holidays=[date(2025, 12, 25), date(2026, 1, 1)],
        digest_skip_quiet=True, stale_after=5,
    )
    assert store.claim_digest(SLUG, date(2025, 3, 3), "pod-a", at=T0)
    store.finish_digest(SLUG, date(2025, 3, 3), message_ts="1741000000.000100", at=T0 + timedelta(seconds=2))
    assert store.claim_digest(SLUG, date(2025, 3, 4), "pod-b", at=T0 + timedelta(days=1))  # stuck
    store.mark_stuck_reported(SLUG, [date(2025, 3, 4)])
    assert store.claim_digest(SLUG, date(2025, 3, 5), "pod-a", at=T0 + timedelta(days=2))
    store.finish_digest(SLUG, date(2025, 3, 5), status="skipped", at=T0 + timedelta(days=2))


# Foreign keys first: plans, then what refers to them; events refer to story_states too.
COPY_ORDER = ("plans", "story_states", "leads", "lane_bindings", "settings", "digest_runs", "events")
SERIAL = ("plans", "events", "digest_runs")  # PostgreSQL: SERIAL ids, their sequences set after a copy


def columns_0_1_0(conn: Connection, name: str) -> list[str]:
    """The columns 0.1.0's table had, in the table's order (later revisions add theirs after)."""
    return [c["name"] for c in inspect(conn).get_columns(name) if c["name"] in schema.RELEASE_0_1_0[name]]


def copy_0_1_0_rows(source: Engine, target: Engine) -> None:
    """Copy every row of `source`, the columns 0.1.0 had and nothing else, into `target`'s tables,
    values as stored (ids included), and set PostgreSQL's sequences past the copied ids as
    storage/backup.py does after a restore."""
    assert sorted(COPY_ORDER) == OURS
    with source.connect() as src, target.begin() as dst:
        for name in COPY_ORDER:
            old = table(name, *(column(c) for c in columns_0_1_0(src, name)))
            found = [dict(row._mapping) for row in src.execute(select(old))]
            if found:
                dst.execute(old.insert(), found)
        if target.dialect.name == "postgresql":
            for name in SERIAL:
                dst.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                    f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)")


def a_team(engines) -> Store:
    """A scratch database at the head, filled like a team's through the store's API."""
    scratch = Store(engines())
    fill_like_a_team(scratch)
    return scratch


def release_0_1_0_of_a_team(engine: Engine, engines) -> Store:
    """Make `engine`'s database one that release 0.1.0 left after a team's few weeks: 0.1.0's
    tables holding a scratch team's rows. The scratch store is returned: what it says is what
    the old database must say once upgraded (0002 folds its new columns from the events)."""
    scratch = a_team(engines)
    create_release_0_1_0(engine)
    copy_0_1_0_rows(scratch.engine, engine)
    assert rows(engine) == rows(scratch.engine)
    return scratch


def what_the_store_says(store: Store) -> dict:
    """Everything the bot can read back, through the typed API."""
    slugs = [plan.slug for plan in store.list_plans()]
    return {
        "plans": store.list_plans(),
        "export": store.export(),
        "leads": store.lead_records(),
        **{f"{slug}:{what}": read(slug) for slug in slugs for what, read in {
            "statuses": store.statuses, "events": store.events, "audit": store.audit,
            "lanes": store.lane_bindings, "settings": store.plan_settings, "digests": store.digest_runs,
            "states": store.plan_states}.items()},
        "heads": store.plan_heads(),
    }


def assert_states_follow_events(store: Store) -> None:
    """The storage invariant, on every plan: each status is the fold of its events — the columns
    0002 added included, which the upgrade filled from the log."""
    for plan in store.list_plans():
        stored = store.statuses(plan.slug)
        assert fold_events(stored, store.events(plan.slug)) == stored


def assert_backups_round_trip(store: Store, engines) -> None:
    """An upgraded database's backup restores into an empty one; so does the same backup as
    0.1.0 wrote it (without 0002's fields, which the restore folds from the events)."""
    backup = store.export()
    restored = Store(engines())
    restored.import_(backup)
    assert restored.export() == backup
    added = ("preparer", "prepared_since", "authors", "reopened_at")
    old = backup | {"plans": [plan | {
        "states": [{k: v for k, v in state.items() if k not in added} for state in plan["states"]],
        "events": [{k: v for k, v in event.items() if k != "person"} for event in plan["events"]]}
        for plan in backup["plans"]]}
    from_0_1_0 = Store(engines())
    from_0_1_0.import_(old)
    assert from_0_1_0.export() == backup


def rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every 0.1.0 table, as stored: 0.1.0's columns only, in the table's order."""
    with engine.connect() as conn:
        return {name: sorted(tuple(row) for row in conn.execute(select(table(
            name, *(column(c) for c in columns_0_1_0(conn, name)))))) for name in OURS}


def added_values(engine: Engine) -> dict[str, list[tuple]]:
    """What the columns 0.1.0 did not have hold, NULLs left out, by table (none: {})."""
    found = {}
    with engine.connect() as conn:
        for name in OURS:
            added = [c["name"] for c in inspect(conn).get_columns(name) if c["name"] not in schema.RELEASE_0_1_0[name]]
            values = [tuple(row) for row in conn.execute(select(table(name, *(column(c) for c in added))))
                      if any(v is not None for v in row)] if added else []
            if values:
                found[name] = values
    return found


def table_ids(engine: Engine) -> dict[str, int]:
    """Each table's identity in the database (SQLite's root page, PostgreSQL's oid): a table
    rebuilt (copied to a new one, the old dropped) gets a new one; one altered in place keeps it."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            found = conn.execute(text("SELECT name, rootpage FROM sqlite_master WHERE type = 'table'"))
        else:
            found = conn.execute(text("SELECT relname, oid::int8 FROM pg_class "
                                      "WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'"))
        return {name: ident for name, ident in found if name in schema.RELEASE_0_1_0}


def describe(engine: Engine) -> dict[str, list]:
    """The schema as the database has it (alembic_version left out), comparable across databases."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            found = conn.execute(text(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                "AND tbl_name != 'alembic_version' ORDER BY type, name"))
            return {"objects": [(kind, name, table, re.sub(r"\s+", " ", sql).strip())
                                for kind, name, table, sql in found]}
        here = conn.execute(text("SELECT current_schema()")).scalar_one()
        columns = conn.execute(text(
            "SELECT table_name, ordinal_position, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name != 'alembic_version' ORDER BY 1, 2"))
        constraints = conn.execute(text(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema() "
            "AND c.conrelid::regclass::text != 'alembic_version' ORDER BY 1, 2"))
        indexes = conn.execute(text(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename != 'alembic_version' ORDER BY 1, 2"))
        sequences = conn.execute(text(
            "SELECT sequence_name, data_type FROM information_schema.sequences "
            "WHERE sequence_schema = current_schema() ORDER BY 1"))
        return {
            "columns": [tuple(r) for r in columns],
            "constraints": [tuple(r) for r in constraints],
            "indexes": [(t, i, d.replace(f"{here}.", "")) for t, i, d in indexes],
            "sequences": [tuple(r) for r in sequences],
        }


def version_table(engine: Engine) -> list:
    """How the database defines alembic_version (the table the revisions' stamp made)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            found = conn.execute(text("SELECT sql FROM sqlite_master WHERE tbl_name = 'alembic_version' AND sql IS NOT NULL"))
            return [re.sub(r"\s*([(),])\s*", r"\1", sql).replace('"', "") for (sql,) in found]  # as written, spaces aside
        found = conn.execute(text(
            "SELECT column_name, data_type, character_maximum_length, is_nullable FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'alembic_version' "
            "UNION ALL SELECT conname, pg_get_constraintdef(oid), NULL, NULL FROM pg_constraint "
            "WHERE conrelid::regclass::text = 'alembic_version'"))
        return sorted(tuple(map(str, row)) for row in found)


def version_rows(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return []
        return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]


def table_names(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


# -- the revisions themselves -------------------------------------------------------------------


def test_head_is_the_newest_script_and_revisions_form_one_line():
    assert schema.head() == HEAD, "a new revision was added: set storage.schema.HEAD to it"
    script = schema._script(schema.SCRIPT_LOCATION)
    line = [s.revision for s in script.walk_revisions()]  # newest first
    assert line[-1] == BASELINE and script.get_revision(BASELINE).down_revision is None
    assert len(script.get_bases()) == 1 and len(script.get_heads()) == 1
    assert all(len(r) <= 32 for r in line), "alembic_version.version_num is VARCHAR(32)"


def test_migrations_ship_as_python_files_in_the_storage_package():
    root = REPO / "storage" / "migrations"
    assert (root / "__init__.py").is_file() and (root / "versions" / "__init__.py").is_file()
    assert (root / "env.py").is_file()
    # Only .py files are needed at run time (setuptools packages them with `storage*`); the
    # template is for writing new revisions, in the repository.
    needed = {p.name for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert needed - {"script.py.mako"} == {p.name for p in root.rglob("*.py")}


def test_the_baseline_builds_exactly_the_schema_of_release_0_1_0(engines):
    old, new, full = engines(), engines(), engines()
    create_release_0_1_0(old)
    upgrade_to(new, BASELINE)
    assert describe(new) == describe(old)
    assert version_rows(new) == [BASELINE]
    assert schema.inspect_schema(new) == SchemaState("versioned", BASELINE, HEAD)

    # A full upgrade runs every revision, the baseline first, and ends at the head; from the
    # baseline, it runs the others to the same schema.
    done = schema.upgrade(full)
    assert done.before.kind == "empty" and done.applied == (BASELINE, *AFTER_BASELINE) and done.revision == HEAD
    assert done.applied == revisions() and version_rows(full) == [HEAD]
    onward = schema.upgrade(new)
    assert onward.applied == AFTER_BASELINE and onward.revision == HEAD and version_rows(new) == [HEAD]
    assert describe(new) == describe(full)


def test_the_models_equal_the_migrated_schema(engines, backend):
    """What storage/tables.py declares is what the revisions build: autogenerate finds nothing to
    do. When this fails after a change to tables.py, the change needs a revision."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = engines()
    schema.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []


def test_the_stores_create_all_path_builds_what_the_migrations_build(engines):
    by_migrations, by_store = engines(), engines()
    schema.upgrade(by_migrations)
    done = schema.ensure(by_store)
    assert done.created_all and done.revision == HEAD
    assert describe(by_store) == describe(by_migrations)
    assert version_rows(by_store) == [HEAD]
    # stamped without Alembic, as Alembic stamps: the same version table, which Alembic then reads
    assert version_table(by_store) == version_table(by_migrations)
    assert schema.inspect_schema(by_store).current and schema.upgrade(by_store).applied == ()


# -- what each kind of database becomes ---------------------------------------------------------


def test_a_0_1_0_database_upgrades_in_place_keeping_every_state_event_and_setting(engines):
    engine, at_head = engines(), engines()
    scratch = release_0_1_0_of_a_team(engine, engines)
    said, stored = what_the_store_says(scratch), rows(engine)
    tables_before = table_ids(engine)
    schema.upgrade(at_head)

    done = schema.upgrade(engine)

    assert done.before.kind == "release-0.1.0" and done.revision == HEAD
    assert done.applied == AFTER_BASELINE and done.describe() == STAMPED
    assert version_rows(engine) == [HEAD]
    assert describe(engine) == describe(at_head)  # the schema the revisions build
    assert table_ids(engine) == tables_before  # stamped, then altered in place: not one table rebuilt
    assert rows(engine) == stored and added_values(engine) == added_values(scratch.engine)
    new = Store(engine)  # the store's own path: at the head, nothing to do
    assert what_the_store_says(new) == said
    statuses = new.statuses(SLUG)
    assert [statuses[s].state for s in STORY_IDS] == [
        State.DONE, State.REVIEW, State.IN_PROGRESS, State.TODO, State.IN_PROGRESS]
    assert statuses["2.1"].forced and statuses["4.1"].assignee == "dan"
    events = new.events(SLUG)
    assert [e.id for e in events] == sorted(e.id for e in events) and all(e.id for e in events)
    assert {e.request_id for e in events} >= {"req-force-2.1"}
    settings = new.plan_settings(SLUG)
    assert (settings.mode, settings.allow_solo, settings.digest_time, settings.holidays, settings.stale_after) == (
        2, True, clock(9, 30), (date(2025, 12, 25), date(2026, 1, 1)), 5)
    assert [(r.local_date, r.status) for r in new.digest_runs(SLUG)] == [
        (date(2025, 3, 3), "sent"), (date(2025, 3, 4), "claimed"), (date(2025, 3, 5), "skipped")]
    assert new.leads() == ["U0BOB", "lea"] and new.lane_bindings(SLUG) == {"A": "alice", "B": "U0BOB"}
    assert_states_follow_events(new)
    assert statuses["4.1"].reopened_at is not None and statuses["1.2"].authors == ("carol",)
    assert_backups_round_trip(new, engines)

    # And the bot goes on where it was: ids continue (PostgreSQL's sequences were kept), a
    # retried request is still recognised.
    moved = new.transition(SLUG, make_event("1.2", Action.DONE, "bob", 20, evidence="https://ci/1.2"))
    assert moved.ok and moved.event.id == max(row[0] for row in stored["events"]) + 1
    replay = new.transition(SLUG, make_event("2.1", Action.FORCE_START, "lea", 7, reason="prod is down",
                                             request_id="req-force-2.1"))
    assert replay.duplicate and replay.event.id == next(e.id for e in events if e.request_id == "req-force-2.1")
    assert schema.upgrade(engine).describe() == f"database at revision {HEAD}: already up to date"


def test_a_database_at_the_baseline_upgrades_to_0002_keeping_every_row_and_can_use_the_new_columns(engines):
    engine, at_head, scratch = engines(), engines(), a_team(engines)
    upgrade_to(engine, BASELINE)
    copy_0_1_0_rows(scratch.engine, engine)
    said, stored = what_the_store_says(scratch), rows(engine)
    assert stored == rows(scratch.engine)
    assert schema.inspect_schema(engine) == SchemaState("versioned", BASELINE, HEAD)
    schema.upgrade(at_head)

    done = schema.upgrade(engine)

    assert done.applied == AFTER_BASELINE and done.applied[0] == "0002_work_as_planned" and done.revision == HEAD
    assert done.describe() == f"database at revision {HEAD} (upgraded from {BASELINE}: applied {', '.join(AFTER_BASELINE)})"
    assert version_rows(engine) == [HEAD] and describe(engine) == describe(at_head)
    assert rows(engine) == stored and added_values(engine) == added_values(scratch.engine)
    store = Store(engine)
    assert what_the_store_says(store) == said
    assert_states_follow_events(store)

    # The new columns work: a story that can't start yet is prepared, one in review handed over,
    # a done one reopened; each status and event reads back what 0002 added.
    prepared = store.transition(SLUG, make_event("3.12", Action.PREPARE, "zoe", 30, request_id="req-prepare"))
    assert prepared.ok and (prepared.event.from_state, prepared.event.to_state) == (State.TODO, State.TODO)
    assert prepared.event.id == max(row[0] for row in stored["events"]) + 1
    status = store.status(SLUG, "3.12")
    assert (status.state, status.preparer, status.prepared_since) == (State.TODO, "zoe", T0 + timedelta(minutes=30))
    assert store.events(SLUG, "3.12")[-1] == prepared.event
    handed = store.transition(SLUG, make_event("1.2", Action.ASSIGN, "lea", 31, stays_in=State.REVIEW, person="dan"))
    assert handed.ok and store.events(SLUG, "1.2")[-1].person == "dan"
    status = store.status(SLUG, "1.2")
    assert (status.state, status.assignee, status.authors) == (State.REVIEW, "dan", ("carol", "dan"))
    assert store.transition(SLUG, make_event("1.1", Action.REOPEN, "lea", 32, reason="regressed")).ok
    assert store.status(SLUG, "1.1").reopened_at == T0 + timedelta(minutes=32)
    with engine.connect() as conn:  # in the new columns, as stored
        assert conn.execute(text(
            "SELECT story_id, preparer, authors, reopened_at IS NOT NULL FROM story_states WHERE plan_id = "
            "(SELECT id FROM plans WHERE slug = :slug) AND (preparer IS NOT NULL OR authors IS NOT NULL "
            "OR reopened_at IS NOT NULL) AND story_id IN ('1.1', '1.2', '3.12') ORDER BY story_id"), {"slug": SLUG}).all() == [
            ("1.1", None, "alice", True), ("1.2", None, "carol dan", False), ("3.12", "zoe", None, False)]
        assert conn.execute(text("SELECT person FROM events WHERE person IS NOT NULL")).scalars().all() == ["dan"]
    assert_states_follow_events(store)


def test_an_empty_database_gets_the_baseline_and_an_up_to_date_one_is_left_alone(engines):
    engine = engines()
    assert schema.inspect_schema(engine).kind == "empty"
    first = schema.upgrade(engine)
    assert first.describe() == f"database at revision {HEAD} (created the schema of an empty database)"
    assert first.changed and table_names(engine) == {*OURS, *ADDED_TABLES, "alembic_version"}
    shape = describe(engine)
    again = schema.upgrade(engine)
    assert not again.changed and again.applied == ()
    assert again.describe() == f"database at revision {HEAD}: already up to date"
    assert describe(engine) == shape and version_rows(engine) == [HEAD]
    state = schema.inspect_schema(engine)
    assert state.current and state.describe() == f"database at revision {HEAD}: up to date"


def test_the_store_upgrades_a_0_1_0_database_it_opens(engines):
    engine = engines()
    create_release_0_1_0(engine)
    Store(engine, create=False).save_plan(SLUG, "K3s", "#", STORY_IDS)
    assert schema.inspect_schema(engine).kind == "release-0.1.0"
    assert [p.slug for p in Store(engine).list_plans()] == [SLUG]
    assert version_rows(engine) == [HEAD]


def _foreign(conn) -> None:
    conn.exec_driver_sql("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)")


def _without_digest_runs(conn) -> None:
    for statement in release_0_1_0_ddl(conn.dialect.name):
        if "digest_runs" not in statement:
            conn.exec_driver_sql(statement)


def _extra_column(conn) -> None:
    for statement in release_0_1_0_ddl(conn.dialect.name):
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql("ALTER TABLE leads ADD COLUMN nickname VARCHAR")


def _unknown_revision(conn) -> None:
    for statement in release_0_1_0_ddl(conn.dialect.name):
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('0099_from_the_future')")


@pytest.mark.parametrize(("make", "said"), [
    (_foreign, "holds tables that are not deliverybot's (invoices)"),
    (_without_digest_runs, "are not those of deliverybot 0.1.0 (no table digest_runs)"),
    (_extra_column, "are not those of deliverybot 0.1.0 (leads has nickname)"),
    (_unknown_revision, "at revision 0099_from_the_future, which this release of deliverybot does not know"),
], ids=["foreign", "missing-table", "extra-column", "newer-release"])
def test_a_database_that_is_not_ours_is_refused_and_left_unchanged(engines, make, said):
    engine = engines()
    with engine.begin() as conn:
        make(conn)
    shape, versions = describe(engine), version_rows(engine)
    for attempt in (schema.upgrade, schema.ensure, schema.inspect_schema, Store):
        with pytest.raises(SchemaError, match=re.escape(said)) as refused:
            attempt(engine)
        assert "nothing was changed" in str(refused.value)
    assert describe(engine) == shape and version_rows(engine) == versions


# -- later revisions (a copy of the scripts with one more) --------------------------------------


def scripts_with(tmp_path: Path, name: str, body: str) -> str:
    """A copy of storage/migrations with one more revision after the head; its location."""
    where = tmp_path / f"migrations-{uuid.uuid4().hex[:6]}"
    shutil.copytree(REPO / "storage" / "migrations", where, ignore=shutil.ignore_patterns("__pycache__"))
    (where / "versions" / f"{name}.py").write_text(
        f"import sqlalchemy as sa\nfrom alembic import op\n\nrevision = {name!r}\ndown_revision = {HEAD!r}\n"
        f"branch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n{body}\n", encoding="utf-8")
    return str(where)


REBUILD_PLANS = """\
    # SQLite cannot drop a NOT NULL: it copies `plans`, which every other table refers to, to a new
    # table and drops the old one. PostgreSQL alters it in place.
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.alter_column("title", existing_type=sa.String(), nullable=True)
"""


def test_a_later_revision_rebuilding_a_referenced_table_keeps_every_row_and_foreign_key(engines, tmp_path):
    engine = engines()
    scratch = release_0_1_0_of_a_team(engine, engines)
    said, stored = what_the_store_says(scratch), rows(engine)
    location = scripts_with(tmp_path, "9001_archived_plans", REBUILD_PLANS)
    tables_before = table_ids(engine)

    done = schema.upgrade(engine, script_location=location)

    assert done.applied == (*AFTER_BASELINE, "9001_archived_plans") and done.revision == "9001_archived_plans"
    assert done.describe() == stamped("9001_archived_plans", (*AFTER_BASELINE, "9001_archived_plans"))
    assert version_rows(engine) == ["9001_archived_plans"]
    with engine.connect() as conn:
        assert {c["name"] for c in inspect(conn).get_columns("plans")} >= {"archived"}
        fks = {(fk["referred_table"], tuple(fk["constrained_columns"])) for fk in inspect(conn).get_foreign_keys("events")}
        assert fks == {("plans", ("plan_id",)), ("story_states", ("plan_id", "story_id"))}
        if engine.dialect.name == "sqlite":  # foreign keys are back on, and hold
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    rebuilt = {name for name, ident in table_ids(engine).items() if tables_before[name] != ident}
    assert rebuilt == ({"plans"} if engine.dialect.name == "sqlite" else set())  # as REBUILD_PLANS says
    assert rows(engine) == stored
    with engine.connect() as conn:  # the new column, on every plan kept
        assert conn.execute(text("SELECT slug, archived FROM plans ORDER BY slug")).all() == [
            ("k3s", False), ("side", False)]
    assert what_the_store_says(Store(engine, create=False)) == said
    again = schema.upgrade(engine, script_location=location)
    assert again.applied == () and again.describe() == "database at revision 9001_archived_plans: already up to date"


def test_a_revision_that_fails_leaves_the_database_as_it_was(engines, tmp_path):
    engine = engines()
    release_0_1_0_of_a_team(engine, engines)
    shape, stored = describe(engine), rows(engine)
    location = scripts_with(tmp_path, "9001_half_done", """\
    op.add_column("leads", sa.Column("nickname", sa.String(), nullable=True))
    op.execute("UPDATE leads SET nickname = name")
    raise RuntimeError("the revision failed half-way")
""")
    with pytest.raises(RuntimeError, match="half-way"):
        schema.upgrade(engine, script_location=location)
    assert version_rows(engine) == []  # not even the stamp
    assert describe(engine) == shape and rows(engine) == stored
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


# -- the lock -----------------------------------------------------------------------------------


def test_upgraders_racing_on_a_0_1_0_database_stamp_it_once(new_db_url, engines):
    url = new_db_url()
    release_0_1_0_of_a_team(engines(url), engines)
    racers = [engines(url) for _ in range(4)]
    start = threading.Barrier(len(racers))

    def race(engine: Engine) -> str:
        start.wait(timeout=30)
        return schema.upgrade(engine).describe()

    with ThreadPoolExecutor(len(racers)) as pool:
        said = sorted(pool.map(race, racers))
    assert said == sorted([STAMPED]
                          + [f"database at revision {HEAD}: already up to date"] * 3)
    assert version_rows(racers[0]) == [HEAD]


def _cli_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DELIVERYBOT_"))}
    env["DATABASE_URL"] = url
    env["DELIVERYBOT_LANG"] = "en"  # the assertions are English; the bundled plan is French
    return env


def _opened(pid: int, path: Path) -> bool:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
        return any(os.path.realpath(f"/proc/{pid}/fd/{fd}") == os.path.realpath(path) for fd in fds)
    except OSError:
        return False


def test_two_processes_upgrading_an_empty_database_at_once_create_the_schema_once(backend, new_db_url, engines):
    """Two `deliverybot db upgrade` (two replicas' `run`) start together. The test holds the
    schema lock until both wait for it, then lets go: both exit 0, one created the schema, the
    other found it done."""
    url, name = new_db_url(), f"dbt-race-{uuid.uuid4().hex[:8]}"
    if backend == "postgresql":
        url += f"&application_name={quote(name)}"
    holder = engines(url)
    sqlite_path = Path(holder.url.database or "") if backend == "sqlite" else None
    with holder.connect() as conn:  # creates the file (in WAL mode) on SQLite, as the bot would
        conn.exec_driver_sql("SELECT 1")
    lock: sqlite3.Connection | None = None
    pg = holder.raw_connection() if backend == "postgresql" else None
    if sqlite_path is not None:
        lock = sqlite3.connect(sqlite_path, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # the write lock every upgrade's transaction starts with
    else:
        assert pg is not None
        pg.cursor().execute(f"SELECT pg_advisory_lock({SCHEMA_LOCK})")
        pg.commit()
    started = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-m", "bot.cli", "db", "upgrade"], cwd=REPO, env=_cli_env(url),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            if sqlite_path is not None:
                if not os.path.isdir("/proc/self/fd"):
                    time.sleep(3)  # no /proc: give both time to reach the lock
                    break
                if all(_opened(p.pid, sqlite_path) for p in procs):
                    time.sleep(0.5)  # connected; the lock is their next statement
                    break
            else:
                with holder.connect() as conn:
                    waiting = conn.execute(text(
                        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                        "WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = :name"),
                        {"name": name}).scalar_one()
                if waiting == 2:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the two upgrades never both waited for the lock")
        waited = time.monotonic() - started
        released = time.monotonic()
        if lock is not None:
            lock.execute("ROLLBACK")
        else:
            assert pg is not None
            pg.cursor().execute(f"SELECT pg_advisory_unlock({SCHEMA_LOCK})")
            pg.commit()
        outcomes = [p.communicate(timeout=60) for p in procs]
        after_release = time.monotonic() - released
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        if lock is not None:
            lock.close()
        if pg is not None:
            pg.close()
    print(f"\n[{backend}] both waiting after {waited:.2f} s; both done {after_release:.2f} s after the release")
    assert [p.returncode for p in procs] == [0, 0], outcomes
    assert all(err == "" for _, err in outcomes), outcomes
    assert sorted(out.strip() for out, _ in outcomes) == [
        f"database at revision {HEAD} (created the schema of an empty database)",
        f"database at revision {HEAD}: already up to date",
    ]
    assert version_rows(holder) == [HEAD] and table_names(holder) == {*OURS, *ADDED_TABLES, "alembic_version"}
    fresh = engines()
    schema.upgrade(fresh)
    assert describe(holder) == describe(fresh)


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch, capsys):
    from bot.cli import main

    def run(url: str, *argv: str) -> tuple[int, str, str]:
        monkeypatch.setenv("DATABASE_URL", url)
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out.strip(), err.strip()

    return run


def test_db_upgrade_and_db_current_say_what_they_did(new_db_url, engines, cli):
    url = new_db_url()
    assert cli(url, "db", "current") == (
        1, f"empty database: `deliverybot db upgrade` (or `run`) creates the schema at {HEAD}", "")
    assert cli(url, "db", "upgrade") == (0, f"database at revision {HEAD} (created the schema of an empty database)", "")
    assert cli(url, "db", "upgrade") == (0, f"database at revision {HEAD}: already up to date", "")
    assert cli(url, "db", "current") == (0, f"database at revision {HEAD}: up to date", "")

    old = new_db_url()
    create_release_0_1_0(engines(old))
    code, out, _ = cli(old, "db", "current")
    assert code == 1 and out.startswith("a deliverybot 0.1.0 database without a revision")
    assert cli(old, "db", "upgrade") == (0, STAMPED, "")


def test_db_upgrade_refuses_what_it_cannot_reach_or_recognise_in_one_sentence(new_db_url, engines, cli):
    foreign = new_db_url()
    with engines(foreign).begin() as conn:
        _foreign(conn)
    for command in ("upgrade", "current"):
        code, out, err = cli(foreign, "db", command)
        assert (code, out) == (1, "") and err.startswith("deliverybot: the database holds tables that are not")
        assert "Traceback" not in err and "\n" not in err
    assert version_rows(engines(foreign)) == []

    code, out, err = cli("postgresql://bot:s3cret@127.0.0.1:1/nowhere", "db", "upgrade")
    assert (code, out) == (1, "") and err.startswith("deliverybot: the database server postgresql://bot:***@")
    assert "s3cret" not in err and "\n" not in err
    code, _, err = cli("mysql://bot@db/x", "db", "upgrade")
    assert code == 1 and "unsupported database URL scheme 'mysql'" in err


def test_run_upgrades_first_and_does_not_start_on_a_database_it_cannot_upgrade(new_db_url, engines, cli, capsys):
    from bot.bootstrap import upgrade_schema
    from bot.settings import Settings

    old = new_db_url()
    create_release_0_1_0(engines(old))
    code, out, err = cli(old, "cmd", "--as", "me", "/help")  # any command: its store upgrades too
    assert code == 0 and version_rows(engines(old)) == [HEAD]

    fresh = new_db_url()
    assert upgrade_schema(Settings(DATABASE_URL=fresh))
    assert capsys.readouterr().err.strip() == (
        f"deliverybot: database at revision {HEAD} (created the schema of an empty database)")

    foreign = new_db_url()
    with engines(foreign).begin() as conn:
        _foreign(conn)
    code, out, err = cli(foreign, "run")  # console mode: nothing is started
    assert code == 1 and out == ""
    assert err.startswith("deliverybot: not started: the database holds tables that are not deliverybot's")
    assert "No Slack tokens set" not in err
    code, _, err = cli(foreign, "cmd", "--as", "me", "/help")
    assert code == 2 and "DATABASE_URL: the database holds tables that are not deliverybot's" in err
