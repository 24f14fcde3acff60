"""The digest log: claim -> post -> mark sent, decided by our own table, never the scheduler.

Mixed into Store. APScheduler's memory is not trusted for "was today's digest sent": a restart
with replace_existing drops missed runs and two schedulers would both fire. The UNIQUE
(plan, local_date) row is claimed before posting, so exactly one process posts per plan per day.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete
from sqlmodel import select

from storage.tables import DigestRunRow


@dataclass(frozen=True)
class DigestRun:
    slug: str
    local_date: date
    status: str
    claimed_by: str
    claimed_at: datetime
    finished_at: datetime | None = None
    message_ts: str | None = None
    reported: bool = False


class DigestRunsMixin:
    def claim_digest(self, slug: str, local_date: date, owner: str, *, at: datetime | None = None) -> bool:
        """True when this call now owns `local_date`'s digest of the plan (and must post it).

        Each call claims with a fresh token, so a second tick of the same process loses too."""
        token = f"{owner}#{uuid.uuid4().hex[:12]}"
        with self._write() as session:
            plan_id = self._plan_id(session, slug)
            stmt = self._insert(DigestRunRow).values(
                plan_id=plan_id, local_date=local_date.isoformat(), status="claimed",
                claimed_by=token, claimed_at=at or self._clock(), reported=False,
            ).on_conflict_do_nothing(index_elements=["plan_id", "local_date"])
            session.exec(stmt)
            row = session.exec(select(DigestRunRow).where(
                DigestRunRow.plan_id == plan_id, DigestRunRow.local_date == local_date.isoformat())).one()
            return row.claimed_by == token

    def release_digest(self, slug: str, local_date: date, owner: str) -> bool:
        """Give up `owner`'s claim on a digest it knows it did not post, so it can be claimed again.
        Returns False when there was no such claim (someone else's, or already sent)."""
        table = DigestRunRow.__table__
        with self._write() as session:
            stmt = delete(table).where(
                table.c.plan_id == self._plan_id(session, slug), table.c.local_date == local_date.isoformat(),
                table.c.status == "claimed", table.c.claimed_by.startswith(f"{owner}#", autoescape=True))
            return session.exec(stmt).rowcount == 1

    def finish_digest(
        self, slug: str, local_date: date, *, status: str = "sent", message_ts: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Mark a claimed digest sent (or skipped, when a quiet plan asked for no digest)."""
        with self._write() as session:
            row = self._digest_row(session, slug, local_date)
            row.status, row.message_ts, row.finished_at = status, message_ts, at or self._clock()
            session.add(row)

    def digest_run(self, slug: str, local_date: date) -> DigestRun | None:
        with self._read() as session:
            plan_id = self._plan_id(session, slug)
            row = session.exec(select(DigestRunRow).where(
                DigestRunRow.plan_id == plan_id, DigestRunRow.local_date == local_date.isoformat())).first()
            return self._digest(slug, row) if row else None

    def digest_runs(self, slug: str) -> list[DigestRun]:
        with self._read() as session:
            plan_id = self._plan_id(session, slug)
            rows = session.exec(select(DigestRunRow).where(DigestRunRow.plan_id == plan_id)
                                .order_by(DigestRunRow.local_date)).all()
            return [self._digest(slug, row) for row in rows]

    def last_sent_digest(self, slug: str) -> DigestRun | None:
        sent = [run for run in self.digest_runs(slug) if run.status == "sent"]
        return sent[-1] if sent else None

    def stuck_digests(self, slug: str, now: datetime, grace: timedelta = timedelta(minutes=15)) -> list[DigestRun]:
        """Claims never marked sent after `grace`: a crash between claim and post, or post and mark."""
        return [run for run in self.digest_runs(slug)
                if run.status == "claimed" and run.claimed_at < now - grace]

    def mark_stuck_reported(self, slug: str, local_dates: list[date]) -> None:
        with self._write() as session:
            for day in local_dates:
                row = self._digest_row(session, slug, day)
                row.reported = True
                session.add(row)

    def _digest_row(self, session, slug: str, local_date: date) -> DigestRunRow:
        plan_id = self._plan_id(session, slug)
        row = session.exec(select(DigestRunRow).where(
            DigestRunRow.plan_id == plan_id, DigestRunRow.local_date == local_date.isoformat())).first()
        if row is None:
            raise KeyError(f"no digest claimed for {slug} on {local_date}")
        return row

    @staticmethod
    def _digest(slug: str, row: DigestRunRow) -> DigestRun:
        return DigestRun(slug=slug, local_date=date.fromisoformat(row.local_date), status=row.status,
                         claimed_by=row.claimed_by.rsplit("#", 1)[0], claimed_at=row.claimed_at, finished_at=row.finished_at,
                         message_ts=row.message_ts, reported=row.reported)
