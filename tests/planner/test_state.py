"""Story states are the fold of their events: what each action changes, and what it refuses."""

from datetime import UTC, datetime, timedelta

import pytest

from planner.state import Action, Event, State, StoryStatus, apply_event, fold_events

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
PR = "https://git.example.com/pr/7"
PROOF = "https://ci.example.com/run/7"


def event(action: Action, before: State, after: State, actor: str = "ann", minutes: int = 0, **kw) -> Event:
    return Event("1.1", action, actor, before, after, T0 + timedelta(minutes=minutes), **kw)


START = event(Action.START, State.TODO, State.IN_PROGRESS)
REVIEW = event(Action.REVIEW, State.IN_PROGRESS, State.REVIEW, minutes=10, evidence=PR, reviewer="bob")
DONE = event(Action.DONE, State.REVIEW, State.DONE, actor="bob", minutes=20, evidence=PROOF)


def test_a_story_walks_todo_in_progress_review_done():
    status = StoryStatus("1.1")
    status = apply_event(status, START)
    assert (status.state, status.assignee, status.forced, status.since, status.version) == (
        State.IN_PROGRESS, "ann", False, START.at, 1,
    )  # fmt: skip
    status = apply_event(status, REVIEW)
    assert (status.state, status.reviewer, status.evidence) == (State.REVIEW, "bob", PR)
    status = apply_event(status, DONE)
    assert (status.state, status.assignee, status.reviewer, status.evidence, status.version) == (
        State.DONE, "ann", "bob", PROOF, 3,
    )  # fmt: skip


def test_whoever_approves_is_the_reviewer_of_record():
    approved_by_lea = event(Action.DONE, State.REVIEW, State.DONE, actor="lea", minutes=20, evidence=PROOF)
    status = fold_events(["1.1"], [START, REVIEW, approved_by_lea])["1.1"]
    assert status.reviewer == "lea"


def test_a_forced_start_is_remembered_until_a_reopen():
    forced = event(Action.FORCE_START, State.TODO, State.IN_PROGRESS, actor="lea", reason="hotfix")
    status = apply_event(StoryStatus("1.1"), forced)
    assert status.forced and status.assignee == "lea"
    reopened = [
        forced,
        event(Action.REVIEW, State.IN_PROGRESS, State.REVIEW, actor="lea", minutes=1, evidence=PR),
        event(Action.DONE, State.REVIEW, State.DONE, actor="bob", minutes=2, evidence=PROOF),
        event(Action.REOPEN, State.DONE, State.IN_PROGRESS, actor="lea", minutes=3, reason="broke"),
    ]
    assert not fold_events(["1.1"], reopened)["1.1"].forced


def test_changes_requested_send_the_story_back_and_keep_the_holder():
    changes = event(Action.CHANGES, State.REVIEW, State.IN_PROGRESS, actor="bob", minutes=15, reason="tests")
    status = fold_events(["1.1"], [START, REVIEW, changes])["1.1"]
    assert (status.state, status.assignee, status.evidence) == (State.IN_PROGRESS, "ann", PR)


def test_an_event_that_does_not_start_from_the_current_state_is_refused():
    with pytest.raises(ValueError, match="starts from review, story is todo"):
        apply_event(StoryStatus("1.1"), DONE)


def test_fold_gives_every_story_a_status_even_untouched_ones():
    statuses = fold_events(["1.1", "1.2"], [START])
    assert statuses["1.2"] == StoryStatus("1.2")
    assert statuses["1.1"].state == State.IN_PROGRESS
    assert fold_events(["1.1"], [])["1.1"].state == State.TODO
