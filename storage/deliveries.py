"""Slack deliveries already handled, in the database so every replica sees them.

`first` inserts the delivery's id and says whether this was the first time; a retry reaching
any replica finds the row. Ids older than a day are pruned on the way (Slack retries within
minutes), so the table stays small.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from storage.tables import DELIVERIES

KEEP = timedelta(days=1)


def first(session: Session, delivery_id: str, at: datetime) -> bool:
    """True when `delivery_id` was not recorded yet (it is now); False for a second delivery."""
    table = DELIVERIES.c
    if session.connection().execute(select(func.count()).select_from(DELIVERIES).where(table.id == delivery_id)).scalar():
        return False
    session.exec(delete(DELIVERIES).where(table.at < at - KEEP))
    session.exec(insert(DELIVERIES).values(id=delivery_id, at=at))
    return True
