"""What each person chose for themselves (workspace-wide, not per plan): the language they read.

Only a choice is stored. A Slack locale is not: it is Slack's to change, and the Slack side
caches it for a while (`bot.slack.locales`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, delete
from sqlalchemy import select as sql_select
from sqlmodel import Session

from storage.sql import insert_on_conflict
from storage.tables import PEOPLE

_LANGUAGE = sql_select(PEOPLE.c.lang).where(PEOPLE.c.name == bindparam("name"))


def language(conn: Connection, name: str) -> str | None:
    """What `name` chose (every request asks: one Core statement)."""
    lang: str | None = conn.execute(_LANGUAGE, {"name": name}).scalar()
    return lang


def set_language(session: Session, name: str, lang: str | None, at: datetime) -> None:
    """Store `name`'s language; None forgets the choice."""
    if lang is None:
        session.exec(delete(PEOPLE).where(PEOPLE.c.name == name))
        return
    stmt = insert_on_conflict(session, PEOPLE).values(name=name, lang=lang, changed_at=at)
    session.exec(stmt.on_conflict_do_update(index_elements=["name"], set_={"lang": lang, "changed_at": at}))
