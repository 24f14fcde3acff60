"""What every topic module needs beyond plain SELECTs: the dialect's upsert and aware UTC times.

SQLite and PostgreSQL both support `INSERT ... ON CONFLICT`, with the same shape, but SQLAlchemy
spells it through each dialect's own `insert`; topic modules ask here instead of knowing which
database the session is on.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def insert_on_conflict(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `table` that supports `on_conflict_do_nothing/_update` on this session's database."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def require_aware(value: datetime, what: str) -> datetime:
    """`value` in UTC; ValueError for a naive datetime, whose clock we cannot know.

    Checked before any write so the caller hears which argument was wrong, not a driver error."""
    if value.tzinfo is None:
        raise ValueError(f"{what} is a naive datetime: pass an aware UTC datetime")
    return value.astimezone(UTC)
