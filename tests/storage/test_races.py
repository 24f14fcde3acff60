"""Twenty people hit /done on the same story at once: one wins, nineteen are told who did.

Run with threads sharing one store, and with separate processes each opening its own store on
the same database, as several bot replicas or a CLI next to the running bot would.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session

from planner.state import Action, State
from storage import transitions
from storage.store import TransitionResult
from tests.helpers.storage import (
    SLUG,
    STORY_IDS,
    assert_states_follow_events,
    done_event,
    make_event,
    race_done_in_process,
    walk_to_review,
)

RACERS = 20


def _check_one_winner(store, results: dict[str, TransitionResult]) -> None:
    assert len(results) == RACERS
    winners = [actor for actor, r in results.items() if r.ok]
    assert len(winners) == 1, f"winners: {winners}"
    (winner,) = winners
    assert results[winner].event.actor == winner and results[winner].event.id is not None
    losers = {actor: r for actor, r in results.items() if actor != winner}
    for actor, lost in losers.items():
        assert lost.conflict and not lost.ok and not lost.duplicate, f"{actor}: {lost}"
        assert lost.status.state == State.DONE
        assert (lost.event.actor, lost.event.action) == (winner, Action.DONE), f"{actor} was not told who won"
    done = [e for e in store.events(SLUG, "1.1") if e.action == Action.DONE]
    assert [e.actor for e in done] == [winner]
    assert store.status(SLUG, "1.1").evidence == f"https://ci.example/{winner}"
    assert_states_follow_events(store)


def test_threads_racing_to_finish_a_story_get_exactly_one_winner(plan_store):
    walk_to_review(plan_store, "1.1", assignee="alice")
    start = threading.Barrier(RACERS)

    def race(actor: str) -> tuple[str, TransitionResult]:
        start.wait(timeout=30)
        return actor, plan_store.transition(SLUG, done_event(actor))

    with ThreadPoolExecutor(RACERS) as pool:
        results = dict(pool.map(race, [f"U{n:02}" for n in range(RACERS)]))
    _check_one_winner(plan_store, results)


def test_processes_racing_to_finish_a_story_get_exactly_one_winner(new_db_url, open_store):
    url = new_db_url()
    store = open_store(url)
    store.save_plan(SLUG, "K3s", "# plan\n", STORY_IDS)
    walk_to_review(store, "1.1", assignee="alice")

    ctx = multiprocessing.get_context("spawn")
    start, queue = ctx.Barrier(RACERS), ctx.Queue()
    actors = [f"U{n:02}" for n in range(RACERS)]
    processes = [ctx.Process(target=race_done_in_process, args=(url, a, start, queue)) for a in actors]
    for process in processes:
        process.start()
    try:
        outcomes = dict(queue.get(timeout=90) for _ in actors)
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    failed = {
        actor: outcome for actor, outcome in outcomes.items() if not isinstance(outcome, TransitionResult)
    }
    assert not failed, f"racing processes crashed: {failed}"
    _check_one_winner(store, outcomes)


def version_of(store) -> tuple[str, str | None, int]:
    """The plan's version as every request reads it: (source sha, channel, change counter)."""
    return next(head.version for head in store.plan_heads() if head.slug == SLUG)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite has one writer at a time anyway
def test_writes_to_one_plan_are_counted_in_commit_order(backend, plan_store):
    """Replicas cache a plan's context on its head's change counter (storage/triggers.py). On
    PostgreSQL two transactions may write one plan at once: the counter makes the second wait for
    the first's commit, so each commit moves the version by one, a reader in between sees the
    version of what is committed, and a writer reading the counter back knows it was alone."""
    before = version_of(plan_store)
    audited = threading.Event()

    def another_replica() -> None:
        plan_store.record_audit(SLUG, "lea", "team-lane", "lane A -> bob")
        audited.set()

    with Session(plan_store.engine) as session, session.begin():  # one replica's /start 1.1, not committed yet
        result = transitions.apply(session, SLUG, make_event("1.1", Action.START, "ann"))
        assert result.ok and result.changes == before[2] + 1
        other = threading.Thread(target=another_replica)
        other.start()
        assert not audited.wait(0.5)  # it waits for our commit
        assert version_of(plan_store) == before  # a reader sees only what is committed
        assert plan_store.status(SLUG, "1.1").state == State.TODO
    other.join(10)
    assert audited.is_set()
    assert plan_store.status(SLUG, "1.1").state == State.IN_PROGRESS
    assert version_of(plan_store) == (before[0], before[1], before[2] + 2)
