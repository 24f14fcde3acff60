"""The shared statement helpers: the dialect's upsert, and aware UTC times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.sql import insert_on_conflict, require_aware
from storage.tables import LEADS


def test_upserts_use_the_dialect_of_the_session(backend, store):
    with Session(store.engine) as session:
        stmt = insert_on_conflict(session, LEADS)
    assert isinstance(stmt, postgresql.Insert if backend == "postgresql" else sqlite.Insert)
    assert stmt.table is LEADS


def test_aware_times_become_utc_and_naive_ones_are_refused_by_name():
    paris = datetime(2025, 6, 2, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    assert require_aware(paris, "at") == paris and require_aware(paris, "at").tzinfo == UTC
    with pytest.raises(ValueError, match="since is a naive datetime"):
        require_aware(datetime(2025, 6, 2, 9, 30), "since")
