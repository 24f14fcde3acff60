"""The digest log: claim -> post -> mark sent, decided by our own table, never the scheduler.

APScheduler's memory is not trusted for "was today's digest sent": a restart with
replace_existing drops missed runs and two schedulers would both fire. The UNIQUE
(plan, local_date) row is claimed before posting, so exactly one process posts per plan per day.

Since 0003 a claim also records how far its digest got (`stage`: claimed -> main -> thread ->
picture, then status sent) and holds a lease (`claimed_by` until `lease_until`): every step is a
compare-and-set on the claim's token, so a process that lost its lease stops, and a claim whose
lease ran out (its process died, or let it go after an ambiguous Slack failure) may be taken over
by any tick, replica or `digest --post`, which resumes from the stage instead of starting over.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.plans import plan_id
from storage.sql import insert_on_conflict
from storage.tables import DIGEST_RUNS, DigestRunRow


@dataclass(frozen=True)
class DigestRun:
    slug: str
    local_date: date
    status: str  # claimed | sent | skipped
    claimed_by: str
    claimed_at: datetime
    finished_at: datetime | None = None
    message_ts: str | None = None
    reported: bool = False
    stage: str | None = None  # claimed | main | thread | picture; None: a claim made before 0003
    channel: str | None = None
    lease_until: datetime | None = None
    token: str | None = None  # the claim's full claimed_by (owner#token), for compare-and-set

    def lease_over(self, now: datetime, lease: timedelta) -> bool:
        """True when another process may take this claim over at `now`."""
        until = self.lease_until if self.lease_until is not None else self.claimed_at + lease
        return until <= now


def claim(session: Session, slug: str, local_date: date, owner: str, at: datetime) -> bool:
    """True when this call now owns the digest: a claim without stage or lease, as before 0003
    (never taken over; `claim_token` makes the resumable ones)."""
    return claim_token(session, slug, local_date, owner, at, lease=None) is not None


def claim_token(session: Session, slug: str, local_date: date, owner: str, at: datetime, *,
                channel: str | None = None, lease: timedelta | None = timedelta(minutes=10)) -> str | None:
    """The claim's token when this call now owns the digest (stage `claimed`, leased until
    `at + lease`), None when the day was already claimed. Each call claims with a fresh token, so
    a second tick of the same process loses too."""
    token = f"{owner}#{uuid.uuid4().hex[:12]}"
    plan = plan_id(session, slug)
    stmt = insert_on_conflict(session, DIGEST_RUNS).values(
        plan_id=plan,
        local_date=local_date.isoformat(),
        status="claimed",
        claimed_by=token,
        claimed_at=at,
        reported=False,
        stage="claimed" if lease is not None else None,
        channel=channel,
        lease_until=at + lease if lease is not None else None,
    )
    session.exec(stmt.on_conflict_do_nothing(index_elements=["plan_id", "local_date"]))
    row = _find(session, plan, local_date)
    return token if row is not None and row.claimed_by == token else None


def take_over(session: Session, slug: str, local_date: date, owner: str, at: datetime,
              lease: timedelta) -> DigestRun | None:
    """Take over a claim whose lease is over (compare-and-set on its token): the run as it
    stands, now ours (its `token` is the new one), or None (no such claim, still leased, made
    before 0003, or another process took it first)."""
    plan = plan_id(session, slug)
    row = _find(session, plan, local_date)
    if row is None or row.status != "claimed" or row.stage is None:
        return None
    current = _record(slug, row)
    if not current.lease_over(at, lease):
        return None
    token = f"{owner}#{uuid.uuid4().hex[:12]}"
    table = DIGEST_RUNS.c
    stmt = update(DIGEST_RUNS).where(
        table.id == row.id, table.status == "claimed", table.claimed_by == row.claimed_by,
    ).values(claimed_by=token, lease_until=at + lease)
    if session.exec(stmt).rowcount != 1:
        return None
    session.expire_all()
    return _record(slug, _row(session, slug, local_date))


def advance(session: Session, slug: str, local_date: date, token: str, at: datetime, lease: timedelta, *,
            stage: str | None = None, message_ts: str | None = None, channel: str | None = None) -> bool:
    """Renew the lease of the claim `token` holds (and record a stage reached, the main message's
    ts, its channel); False when the token no longer holds it: stop, someone else resumes it."""
    values: dict = {"lease_until": at + lease}
    if stage is not None:
        values["stage"] = stage
    if message_ts is not None:
        values["message_ts"] = message_ts
    if channel is not None:
        values["channel"] = channel
    return _update_own(session, slug, local_date, token, values)


def let_go(session: Session, slug: str, local_date: date, token: str, at: datetime) -> bool:
    """End the lease now, keeping the stage: the next tick anywhere resumes the digest."""
    return _update_own(session, slug, local_date, token, {"lease_until": at})


def _update_own(session: Session, slug: str, local_date: date, token: str, values: dict) -> bool:
    table = DIGEST_RUNS.c
    stmt = update(DIGEST_RUNS).where(
        table.plan_id == plan_id(session, slug),
        table.local_date == local_date.isoformat(),
        table.status == "claimed",
        table.claimed_by == token,
    ).values(**values)
    return session.exec(stmt).rowcount == 1


def release(session: Session, slug: str, local_date: date, owner: str) -> bool:
    """Delete `owner`'s still-claimed row; False when there was none (someone else's, or sent)."""
    table = DIGEST_RUNS.c
    stmt = delete(DIGEST_RUNS).where(
        table.plan_id == plan_id(session, slug),
        table.local_date == local_date.isoformat(),
        table.status == "claimed",
        table.claimed_by.startswith(f"{owner}#", autoescape=True),
    )
    return session.exec(stmt).rowcount == 1


def finish(
    session: Session, slug: str, local_date: date, status: str, message_ts: str | None, at: datetime
) -> None:
    row = _row(session, slug, local_date)
    row.status, row.message_ts, row.finished_at = status, message_ts, at
    session.add(row)


def run(session: Session, slug: str, local_date: date) -> DigestRun | None:
    row = _find(session, plan_id(session, slug), local_date)
    return _record(slug, row) if row else None


def runs(session: Session, slug: str) -> list[DigestRun]:
    """The plan's digests, oldest local date first."""
    rows = session.exec(
        select(DigestRunRow)
        .where(DigestRunRow.plan_id == plan_id(session, slug))
        .order_by(col(DigestRunRow.local_date))
    ).all()
    return [_record(slug, row) for row in rows]


def last_sent(all_runs: list[DigestRun]) -> DigestRun | None:
    sent = [one for one in all_runs if one.status == "sent"]
    return sent[-1] if sent else None


def stuck(all_runs: list[DigestRun], now: datetime, grace: timedelta) -> list[DigestRun]:
    """Claims never marked sent after `grace`: a crash between claim and post, or post and mark.
    They are reported, never re-sent: the post may have gone out."""
    return [one for one in all_runs if one.status == "claimed" and one.claimed_at < now - grace]


def mark_reported(session: Session, slug: str, local_dates: list[date]) -> None:
    for day in local_dates:
        row = _row(session, slug, day)
        row.reported = True
        session.add(row)


def _find(session: Session, plan: int, local_date: date) -> DigestRunRow | None:
    return session.exec(
        select(DigestRunRow).where(
            DigestRunRow.plan_id == plan, DigestRunRow.local_date == local_date.isoformat()
        )
    ).first()


def _row(session: Session, slug: str, local_date: date) -> DigestRunRow:
    row = _find(session, plan_id(session, slug), local_date)
    if row is None:
        raise KeyError(f"no digest claimed for {slug} on {local_date}")
    return row


def _record(slug: str, row: DigestRunRow) -> DigestRun:
    return DigestRun(
        slug=slug,
        local_date=date.fromisoformat(row.local_date),
        status=row.status,
        claimed_by=row.claimed_by.rsplit("#", 1)[0],  # the owner, without the claim's token
        claimed_at=row.claimed_at,
        finished_at=row.finished_at,
        message_ts=row.message_ts,
        reported=row.reported,
        stage=row.stage,
        channel=row.channel,
        lease_until=row.lease_until,
        token=row.claimed_by,
    )
