"""The plan's log lock: held by one write transaction at a time, so entries numbered from what the
log holds (INC-n) are numbered by one writer at a time, on SQLite and PostgreSQL."""

import threading
import time

import pytest

from tests.helpers.storage import SLUG


def test_the_lock_belongs_to_a_transaction(plan_store):
    with pytest.raises(RuntimeError, match="inside atomic"):
        plan_store.lock_log(SLUG)
    with plan_store.atomic():
        plan_store.lock_log(SLUG)
        plan_store.record_audit(SLUG, "ann", "incident-open", '{"n": 1}')
    assert [e.action for e in plan_store.audit(SLUG)] == ["incident-open"]


def test_a_second_writer_waits_until_the_first_commits(plan_store):
    """Each writer reads the log's length under the lock and writes the next number: with the lock
    the second reads what the first wrote, so the numbers never repeat."""
    numbers: list[int] = []

    def write(pause: float) -> None:
        with plan_store.atomic():
            plan_store.lock_log(SLUG)
            n = len(plan_store.audit(SLUG)) + 1
            time.sleep(pause)  # the other writer tries meanwhile
            plan_store.record_audit(SLUG, "ann", "incident-open", f'{{"n": {n}}}')
            numbers.append(n)

    writers = [threading.Thread(target=write, args=(0.3,)), threading.Thread(target=write, args=(0.0,))]
    writers[0].start()
    time.sleep(0.1)
    writers[1].start()
    for w in writers:
        w.join(timeout=30)
    assert numbers == [1, 2]
