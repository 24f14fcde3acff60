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
