"""Facade-level behaviour of Store: table creation, engine ownership, atomic()."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from storage.db import make_engine
from storage.store import Store
from tests.helpers.storage import SLUG, STORY_IDS


def test_store_runs_on_the_psycopg_driver_for_postgres(backend, store):
    assert store.engine.dialect.driver == ("psycopg" if backend == "postgresql" else "pysqlite")
    assert store.list_plans() == []


def test_stores_starting_together_on_a_fresh_database_all_come_up(new_db_url, open_store):
    """Several bot processes booting at once each create the tables; none may crash doing so."""
    url = new_db_url()
    start = threading.Barrier(8)

    def boot(n: int) -> list[str]:
        start.wait(timeout=30)
        store = open_store(url)
        return [plan.slug for plan in store.list_plans()]

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(boot, range(8))) == [[]] * 8
    open_store(url).save_plan(SLUG, "K3s", "#", STORY_IDS)
    assert [plan.slug for plan in open_store(url).list_plans()] == [SLUG]


def test_atomic_writes_all_or_nothing_and_reads_its_own_writes(plan_store):
    with plan_store.atomic():
        plan_store.bind_lane(SLUG, "A", "ann")
        assert plan_store.lane_bindings(SLUG) == {"A": "ann"}  # read inside: this transaction's data
        plan_store.record_audit(SLUG, "lea", "team-lane", "lane A -> ann")
    assert plan_store.lane_bindings(SLUG) == {"A": "ann"} and len(plan_store.audit(SLUG)) == 1

    with pytest.raises(RuntimeError), plan_store.atomic():
        plan_store.bind_lane(SLUG, "B", "bob")
        with plan_store.atomic():  # nested: joins the outer transaction
            plan_store.record_audit(SLUG, "lea", "team-lane", "lane B -> bob")
        raise RuntimeError("the audit write failed after the change")
    assert plan_store.lane_bindings(SLUG) == {"A": "ann"} and len(plan_store.audit(SLUG)) == 1


def test_atomic_is_per_thread(plan_store):
    """Another thread's writes during an atomic() block are its own transactions, not joined."""
    with plan_store.atomic():
        plan_store.bind_lane(SLUG, "A", "ann")
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(plan_store.lane_bindings, SLUG).result(timeout=30) == {}


def test_close_disposes_only_an_engine_the_store_made(new_db_url):
    url = new_db_url()
    engine = make_engine(url)
    try:
        given = Store(engine)
        given.close()
        assert Store(engine, create=False).list_plans() == []  # the caller's engine still works
    finally:
        engine.dispose()
