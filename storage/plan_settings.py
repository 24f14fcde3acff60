"""Per-plan settings: one row per key, the value as JSON text, so any JSON value fits without a migration."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from storage.plans import plan_id
from storage.sql import insert_on_conflict
from storage.tables import SETTINGS, SettingRow


def raw_settings(session: Session, slug: str) -> dict[str, Any]:
    """Every stored key of the plan with its decoded JSON value, by key."""
    rows = session.exec(
        select(SettingRow).where(SettingRow.plan_id == plan_id(session, slug)).order_by(col(SettingRow.key))
    )
    return {row.key: json.loads(row.value) for row in rows}


def raw_setting(session: Session, slug: str, key: str) -> tuple[bool, Any]:
    """(found, decoded value): a stored JSON null is found, unlike an absent key."""
    row = session.get(SettingRow, (plan_id(session, slug), key))
    return (True, json.loads(row.value)) if row else (False, None)


def set_raw(session: Session, plan: int, key: str, encoded: str) -> None:
    stmt = insert_on_conflict(session, SETTINGS).values(plan_id=plan, key=key, value=encoded)
    session.exec(stmt.on_conflict_do_update(index_elements=["plan_id", "key"], set_={"value": encoded}))
