"""Story states and the event log they are folded from.

A story's current state is a cache of its events: `fold_events` is the single definition of
what a sequence of events means, and storage keeps its state rows equal to that fold.
"Blocked" is deliberately absent: it is computed from the graph each time, never stored.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from planner.marks import N_


class State(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    REVIEW = "review"
    DONE = "done"


# How people say each state (the digest's headline, and the bot's sentences).
STATE_WORDS = {
    State.TODO: N_("to do"),
    State.IN_PROGRESS: N_("in progress"),
    State.REVIEW: N_("in review"),
    State.DONE: N_("done"),
}


class Action(StrEnum):
    """What an event did. The (from, to) pair of each action is fixed by the workflow rules."""

    START = "start"  # todo -> in_progress
    FORCE_START = "force_start"  # todo -> in_progress, by a lead, prerequisites still open
    REVIEW = "review"  # in_progress -> review
    CHANGES = "changes"  # review -> in_progress (changes requested)
    DONE = "done"  # review -> done
    REOPEN = "reopen"  # done -> in_progress, by a lead, with a reason
    PREPARE = "prepare"  # todo -> todo: someone prepares a story that can't start yet (branch, secrets)
    UNPREPARE = "unprepare"  # todo -> todo: the preparation is given up
    ASSIGN = "assign"  # in_progress or review, unchanged: the story is handed to `person`
    RELEASE = "release"  # in_progress -> todo: nobody holds it any more


@dataclass(frozen=True)
class StoryStatus:
    """Where one story stands now. A story nobody touched is TODO with no assignee."""

    story_id: str
    state: State = State.TODO
    assignee: str | None = None
    reviewer: str | None = None
    evidence: str | None = None  # the latest link (review: the PR; done: the proof)
    forced: bool = False  # started by a lead's bypass, prerequisites open at the time
    since: datetime | None = None  # when it entered its current state
    version: int = 0  # bumps on each transition; used for compare-and-set
    preparer: str | None = None  # who prepares it while it can't start yet (to do only)
    prepared_since: datetime | None = None
    # Who did the work this round (held it, or sent it to review) since it was last started or
    # reopened: none of them may approve it (four eyes on the work, not on the holder).
    authors: tuple[str, ...] = ()
    reopened_at: datetime | None = None  # reopened by a lead and not done again since


@dataclass(frozen=True)
class Event:
    """One append-only line of history: who moved which story from where to where, and why."""

    story_id: str
    action: Action
    actor: str
    from_state: State
    to_state: State
    at: datetime
    evidence: str | None = None
    reviewer: str | None = None
    reason: str | None = None  # why (force, reopen, changes) or the note that came with review/done
    request_id: str | None = None
    id: int | None = None
    person: str | None = None  # who else the event names: the new holder (assign), the lane owner
    #                            a start took the story from, the preparer a lead overrode


def _with(authors: tuple[str, ...], *people: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*authors, *(p for p in people if p))))



@functools.lru_cache(maxsize=65536)
def untouched(story_id: str) -> StoryStatus:
    """The status of a story nobody ever moved: to do, nobody on it. A context keeps rows only for
    stories that moved, so every other lookup asks for this: one shared (frozen) value per id
    rather than a new one each time (a 2,000-story board asks thousands of times)."""
    return StoryStatus(story_id=story_id)


def status_of(statuses: Mapping[str, StoryStatus], story_id: str) -> StoryStatus:
    """Where `story_id` stands in `statuses` (a story without a status is to do)."""
    return statuses.get(story_id) or untouched(story_id)

def apply_event(status: StoryStatus, event: Event) -> StoryStatus:
    """The status after `event`. Raises ValueError when the event does not start from the status."""
    if event.from_state != status.state:
        raise ValueError(
            f"event {event.action} on {event.story_id} starts from {event.from_state}, story is {status.state}"
        )
    changes: dict = {"state": event.to_state, "since": event.at, "version": status.version + 1}
    if event.from_state == event.to_state:
        changes.update(since=status.since)  # preparing or handing over doesn't move the story
    action = event.action
    if action in (Action.START, Action.FORCE_START):
        changes.update(assignee=event.actor, forced=action == Action.FORCE_START, reviewer=None,
                       preparer=None, prepared_since=None, authors=(event.actor,))
    elif action == Action.PREPARE:
        changes.update(preparer=event.actor, prepared_since=event.at)
    elif action == Action.UNPREPARE:
        changes.update(preparer=None, prepared_since=None)
    elif action == Action.ASSIGN:
        changes.update(assignee=event.person, authors=_with(status.authors, event.person))
    elif action == Action.RELEASE:
        changes.update(assignee=None, reviewer=None, forced=False, authors=(), evidence=None)
    elif action == Action.REOPEN:
        changes.update(forced=False, reviewer=None, reopened_at=event.at, authors=_with((), status.assignee))
    elif action == Action.REVIEW:
        changes.update(reviewer=event.reviewer, authors=_with(status.authors, event.actor))
    elif action == Action.CHANGES:
        changes.update(reviewer=event.actor)  # the one who asked is asked again at the next review
    elif action == Action.DONE:
        changes.update(reviewer=event.actor, reopened_at=None)  # whoever approved is the reviewer of record
    if event.evidence:
        changes.update(evidence=event.evidence)
    return replace(status, **changes)


def fold_events(story_ids: Iterable[str], events: Iterable[Event]) -> dict[str, StoryStatus]:
    """Replay events (oldest first) into the status of every story."""
    statuses = {sid: StoryStatus(story_id=sid) for sid in story_ids}
    for event in events:
        current = statuses.get(event.story_id, StoryStatus(story_id=event.story_id))
        statuses[event.story_id] = apply_event(current, event)
    return statuses
