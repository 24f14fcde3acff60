"""The digest log decides "was today's digest sent": one claim per plan per local date."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.helpers.storage import SLUG

DAY = date(2026, 12, 1)


def test_one_claim_per_plan_and_day(plan_store):
    assert plan_store.claim_digest(SLUG, DAY, "proc-1")
    assert not plan_store.claim_digest(SLUG, DAY, "proc-2")
    assert not plan_store.claim_digest(SLUG, DAY, "proc-1")  # a second tick of the same process
    assert plan_store.claim_digest(SLUG, DAY + timedelta(days=1), "proc-2")
    run = plan_store.digest_run(SLUG, DAY)
    assert (run.status, run.claimed_by) == ("claimed", "proc-1")


def test_claim_then_mark_sent(plan_store):
    plan_store.claim_digest(SLUG, DAY, "p")
    plan_store.finish_digest(SLUG, DAY, message_ts="1700000000.000100")
    run = plan_store.digest_run(SLUG, DAY)
    assert run.status == "sent" and run.message_ts == "1700000000.000100" and run.finished_at
    assert plan_store.last_sent_digest(SLUG).local_date == DAY
    assert not plan_store.claim_digest(SLUG, DAY, "p")


def test_a_claim_never_marked_sent_is_stuck_not_reclaimable(plan_store):
    plan_store.claim_digest(SLUG, DAY, "crashed")
    later = datetime.now(UTC) + timedelta(hours=1)
    stuck = plan_store.stuck_digests(SLUG, later)
    assert [r.local_date for r in stuck] == [DAY] and not stuck[0].reported
    assert not plan_store.claim_digest(SLUG, DAY, "restarted")
    plan_store.mark_stuck_reported(SLUG, [DAY])
    assert plan_store.stuck_digests(SLUG, later)[0].reported
    assert plan_store.stuck_digests(SLUG, datetime.now(UTC)) == []  # within the grace period: in flight


def test_twenty_racing_claims_one_winner(plan_store):
    with ThreadPoolExecutor(20) as pool:
        won = list(pool.map(lambda i: plan_store.claim_digest(SLUG, DAY, f"proc-{i}"), range(20)))
    assert won.count(True) == 1
    assert len(plan_store.digest_runs(SLUG)) == 1


def test_only_the_owner_of_a_claim_releases_it_and_then_it_can_be_claimed_again(plan_store):
    assert plan_store.claim_digest(SLUG, DAY, "proc_1")
    assert not plan_store.release_digest(SLUG, DAY, "proc")  # not a prefix match on the owner
    assert not plan_store.release_digest(SLUG, DAY, "proc%1")  # LIKE wildcards are escaped
    assert plan_store.release_digest(SLUG, DAY, "proc_1")
    assert plan_store.digest_run(SLUG, DAY) is None
    assert plan_store.claim_digest(SLUG, DAY, "proc-2")
    plan_store.finish_digest(SLUG, DAY, status="skipped")
    assert not plan_store.release_digest(SLUG, DAY, "proc-2")  # finished: nothing to give back
    assert plan_store.digest_run(SLUG, DAY).status == "skipped"


def test_finishing_a_digest_nobody_claimed_is_a_key_error(plan_store):
    with pytest.raises(KeyError, match="no digest claimed"):
        plan_store.finish_digest(SLUG, DAY)


LEASE = timedelta(minutes=10)
T9 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_staged_claim_records_its_steps_and_is_taken_over_once_its_lease_is_over(plan_store):
    token = plan_store.start_digest(SLUG, DAY, "pod-a", channel="C1", at=T9, lease=LEASE)
    assert token and plan_store.start_digest(SLUG, DAY, "pod-b", channel="C1", at=T9, lease=LEASE) is None
    assert plan_store.advance_digest(SLUG, DAY, token, at=T9, lease=LEASE, stage="main", message_ts="1.000100")
    assert plan_store.take_over_digest(SLUG, DAY, "pod-b", at=T9 + timedelta(minutes=9), lease=LEASE) is None
    with ThreadPoolExecutor(10) as pool:  # the lease is over: ten replicas try, one takes it
        taken = list(pool.map(lambda i: plan_store.take_over_digest(SLUG, DAY, f"pod-{i}", at=T9 + LEASE,
                                                                     lease=LEASE), range(10)))
    [run] = [t for t in taken if t is not None]
    assert (run.stage, run.message_ts, run.channel, run.lease_until) == ("main", "1.000100", "C1", T9 + 2 * LEASE)
    assert not plan_store.advance_digest(SLUG, DAY, token, at=T9 + LEASE, lease=LEASE, stage="thread")  # pod-a lost it
    assert plan_store.let_go_digest(SLUG, DAY, run.token, at=T9 + LEASE)
    again = plan_store.take_over_digest(SLUG, DAY, "pod-a", at=T9 + LEASE, lease=LEASE)  # let go: at once
    assert again is not None and again.stage == "main" and again.claimed_by == "pod-a"


def test_a_claim_without_stage_is_never_taken_over(plan_store):
    assert plan_store.claim_digest(SLUG, DAY, "old-pod", at=T9)
    assert plan_store.take_over_digest(SLUG, DAY, "pod-b", at=T9 + timedelta(days=1), lease=LEASE) is None
