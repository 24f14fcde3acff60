"""Helpers shared by the storage tests and by the processes the race tests spawn.

Kept free of pytest so a spawned process imports little more than the store itself. A spawned
process finds this module as `tests.helpers.storage` because it inherits the parent's sys.path,
where pytest put the repository root (`pythonpath` in pyproject.toml).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select

from planner.state import Action, Event, State, fold_events
from planner.workflow import MOVES, STAYS
from storage.store import Store
from storage.tables import PLANS, SETTINGS

SLUG = "k3s"
STORY_IDS = ["1.1", "1.2", "2.1", "3.12", "4.1"]
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

ACTION_STATES = MOVES  # (from, to) of each action, as the workflow defines them


def make_event(story_id: str, action: Action, actor: str, minutes: float = 0, *, stays_in: State | None = None,
               **fields) -> Event:
    """An event with the (from, to) pair its action implies, `minutes` after T0. An action that
    leaves the story where it is (prepare, assign) stays in `stays_in`, by default the first
    state the workflow allows it in."""
    if action in ACTION_STATES:
        from_state, to_state = ACTION_STATES[action]
    else:
        from_state = to_state = stays_in or STAYS[action][0]
    return Event(story_id, action, actor, from_state, to_state, T0 + timedelta(minutes=minutes), **fields)


def walk_to_review(store: Store, story_id: str, assignee: str = "alice") -> None:
    """Start a story and send it to review, asserting each step is accepted."""
    for step, event in enumerate(
        [
            make_event(story_id, Action.START, assignee),
            make_event(
                story_id, Action.REVIEW, assignee, 1, evidence="https://git.example/pr/1", reviewer="bob"
            ),
        ]
    ):
        result = store.transition(SLUG, event)
        assert result.ok and not result.conflict, f"step {step} refused: {result}"


def assert_states_follow_events(store: Store, slug: str = SLUG) -> None:
    """The storage invariant: every stored status equals the fold of the stored events."""
    stored = store.statuses(slug)
    replayed = fold_events(stored, store.events(slug))
    assert replayed.keys() == stored.keys()
    for story_id, status in stored.items():
        assert status == replayed[story_id], (
            f"{story_id}: stored {status} but events say {replayed[story_id]}"
        )


def write_setting_rows(store: Store, slug: str, rows: Mapping[str, str]) -> None:
    """Put settings rows in the table as an older release left them: JSON text by key, any key,
    any JSON value (null included), replacing rows of the same keys. Plain SQL on the store's
    engine, past the typed API, which would refuse most of what an old database can hold."""
    with store.engine.begin() as conn:
        plan = conn.execute(select(PLANS.c.id).where(PLANS.c.slug == slug)).scalar_one()
        conn.execute(delete(SETTINGS).where(SETTINGS.c.plan_id == plan, SETTINGS.c.key.in_(list(rows))))
        if rows:
            conn.execute(insert(SETTINGS), [{"plan_id": plan, "key": k, "value": v} for k, v in rows.items()])


def setting_rows(store: Store, slug: str) -> dict[str, str]:
    """The plan's settings rows exactly as stored: JSON text by key, unknown keys included."""
    query = (
        select(SETTINGS.c.key, SETTINGS.c.value)
        .join(PLANS, PLANS.c.id == SETTINGS.c.plan_id)
        .where(PLANS.c.slug == slug)
        .order_by(SETTINGS.c.key)
    )
    with store.engine.connect() as conn:
        return {key: value for key, value in conn.execute(query)}


def done_event(actor: str, story_id: str = "1.1") -> Event:
    return make_event(story_id, Action.DONE, actor, 5, evidence=f"https://ci.example/{actor}")


def race_done_in_process(url: str, actor: str, barrier, results) -> None:
    """Body of one racing process: open its own store, wait for the others, try to finish 1.1."""
    try:
        store = Store(url, create=False)
        try:
            barrier.wait(timeout=60)
            results.put((actor, store.transition(SLUG, done_event(actor))))
        finally:
            store.close()
    except BaseException as exc:  # report, so the test fails with the reason instead of a timeout
        results.put((actor, repr(exc)))
    # Skip interpreter teardown (~0.1 s of CPU per process with SQLAlchemy loaded, x20 on a small
    # CI runner): the result is flushed to the parent and the store is closed, nothing else is owed.
    results.close()
    results.join_thread()
    os._exit(0)
