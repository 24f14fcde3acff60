"""The write path: a story moves only from the state the event starts from, exactly once."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.state import Action, State, fold_events
from storage import transitions
from tests.helpers.storage import (
    SLUG,
    T0,
    assert_states_follow_events,
    done_event,
    make_event,
    walk_to_review,
)

PR = "https://git.example/pr/41"
PROOF = "https://ci.example/run/7"


def test_full_walk_from_todo_to_done_is_logged_and_folds_back(plan_store):
    steps = [
        make_event("4.1", Action.START, "alice", 0, request_id="r1"),
        make_event("4.1", Action.REVIEW, "alice", 10, evidence=PR, reviewer="bob"),
        make_event("4.1", Action.DONE, "bob", 20, evidence=PROOF),
    ]
    results = [plan_store.transition(SLUG, event) for event in steps]
    assert [(r.ok, r.conflict, r.duplicate) for r in results] == [(True, False, False)] * 3
    assert [r.status.state for r in results] == [State.IN_PROGRESS, State.REVIEW, State.DONE]
    final = plan_store.status(SLUG, "4.1")
    assert final == results[-1].status
    assert (final.assignee, final.reviewer, final.evidence) == ("alice", "bob", PROOF)
    assert (final.since, final.version, final.forced) == (T0 + timedelta(minutes=20), 3, False)
    logged = plan_store.events(SLUG)
    assert logged == [r.event for r in results]
    assert [e.id for e in logged] == sorted(e.id for e in logged) and None not in [e.id for e in logged]
    assert [(e.action, e.actor, e.from_state, e.to_state) for e in logged] == [
        (Action.START, "alice", State.TODO, State.IN_PROGRESS),
        (Action.REVIEW, "alice", State.IN_PROGRESS, State.REVIEW),
        (Action.DONE, "bob", State.REVIEW, State.DONE),
    ]
    assert logged[0].request_id == "r1" and logged[1].evidence == PR and logged[1].reviewer == "bob"
    assert_states_follow_events(plan_store)


def test_transition_from_the_wrong_state_is_a_conflict_that_writes_nothing(plan_store):
    walk_to_review(plan_store, "1.1", assignee="alice")
    assert plan_store.transition(SLUG, done_event("bob")).ok
    before_events, before_status = plan_store.events(SLUG), plan_store.status(SLUG, "1.1")

    late = plan_store.transition(SLUG, done_event("carol"))

    assert (late.ok, late.conflict, late.duplicate) == (False, True, False)
    assert late.status == before_status and late.status.state == State.DONE
    assert (late.event.actor, late.event.action) == ("bob", Action.DONE)  # "already done by bob"
    assert plan_store.events(SLUG) == before_events
    assert plan_store.status(SLUG, "1.1") == before_status


def test_conflict_on_a_story_nobody_touched_names_no_event(plan_store):
    result = plan_store.transition(SLUG, done_event("bob", story_id="1.2"))
    assert result.conflict and not result.ok and result.event is None
    assert result.status.state == State.TODO
    assert plan_store.events(SLUG) == []


def test_retried_request_has_no_second_effect(plan_store):
    first = plan_store.transition(SLUG, make_event("1.1", Action.START, "alice", request_id="slack-1"))
    retry = plan_store.transition(SLUG, make_event("1.1", Action.START, "alice", request_id="slack-1"))
    # Same request id, different content (e.g. a replayed payload): still the first one's effect.
    other = plan_store.transition(SLUG, make_event("1.2", Action.START, "bob", request_id="slack-1"))
    assert first.ok and not first.duplicate
    for again in (retry, other):
        assert (again.ok, again.duplicate, again.conflict) == (True, True, False)
        assert again.event == first.event
        assert again.status == first.status
    assert len(plan_store.events(SLUG)) == 1
    assert plan_store.status(SLUG, "1.2").state == State.TODO
    assert_states_follow_events(plan_store)


def test_stale_read_loses_the_compare_and_set_even_after_an_a_b_a_change(plan_store, monkeypatch):
    """A read that raced with another writer must not overwrite it, even if the state looks the same.

    SQLite serialises writers, so the race is staged: the first status read inside
    `transition` returns what the story looked like before changes were requested and the story
    came back to review (state REVIEW again, but version 2 instead of 4).
    """
    walk_to_review(plan_store, "1.1", assignee="alice")
    stale = plan_store.status(SLUG, "1.1")
    assert plan_store.transition(SLUG, make_event("1.1", Action.CHANGES, "bob", 2)).ok
    assert plan_store.transition(SLUG, make_event("1.1", Action.REVIEW, "alice", 3, evidence=PR)).ok
    current, events_before = plan_store.status(SLUG, "1.1"), plan_store.events(SLUG)
    assert (current.state, current.version, stale.state, stale.version) == (State.REVIEW, 4, State.REVIEW, 2)

    real_read = transitions.current_status
    reads = []

    def first_read_is_stale(session, plan_id, story_id):
        reads.append(story_id)
        return stale if len(reads) == 1 else real_read(session, plan_id, story_id)

    monkeypatch.setattr(transitions, "current_status", first_read_is_stale)
    result = plan_store.transition(SLUG, done_event("bob"))
    monkeypatch.undo()

    assert len(reads) >= 2  # the staged stale read was used, then the real state re-read
    assert result.conflict and not result.ok
    assert result.status == current
    assert (result.event.action, result.event.actor) == (Action.REVIEW, "alice")
    assert plan_store.events(SLUG) == events_before
    assert plan_store.status(SLUG, "1.1") == current


def test_force_start_and_reopen_keep_state_and_log_in_step(plan_store):
    forced = plan_store.transition(SLUG, make_event("2.1", Action.FORCE_START, "lead", reason="gate late"))
    assert forced.ok and forced.status.forced and forced.status.assignee == "lead"
    assert plan_store.transition(SLUG, make_event("2.1", Action.REVIEW, "lead", 1, evidence=PR)).ok
    assert plan_store.transition(SLUG, make_event("2.1", Action.DONE, "bob", 2, evidence=PROOF)).ok
    reopened = plan_store.transition(
        SLUG, make_event("2.1", Action.REOPEN, "lead", 3, reason="prod incident")
    )
    assert reopened.ok and reopened.status.state == State.IN_PROGRESS and not reopened.status.forced
    assert plan_store.events(SLUG, "2.1")[0].reason == "gate late"
    assert plan_store.events(SLUG, "2.1")[-1].reason == "prod incident"
    assert_states_follow_events(plan_store)


STORIES = ["1.1", "1.2", "2.1"]
ACTIONS = list(Action)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    commands=st.lists(
        st.tuples(st.sampled_from(STORIES), st.sampled_from(ACTIONS), st.sampled_from(["alice", "bob"])),
        max_size=25,
    )
)
def test_any_command_sequence_keeps_states_equal_to_the_event_fold(store, commands):
    slug = f"p{len(store.list_plans())}"  # a fresh plan per example, in the same database
    store.save_plan(slug, "prop", "", STORIES)
    accepted = []
    for minute, (story_id, action, actor) in enumerate(commands):
        event = make_event(story_id, action, actor, minute, evidence=f"https://x/{minute}")
        expected_state = fold_events(STORIES, accepted)[story_id].state
        result = store.transition(slug, event)
        assert result.ok == (expected_state == event.from_state)
        assert result.conflict == (not result.ok)
        if result.ok:
            accepted.append(event)
    assert [(e.story_id, e.action) for e in store.events(slug)] == [(e.story_id, e.action) for e in accepted]
    assert store.statuses(slug) == fold_events(STORIES, accepted)
    assert_states_follow_events(store, slug)
