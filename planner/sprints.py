"""Where the active mode's sprints stand: the current sprint, its progress, and stories late
against their sprint.

A plan gives sprints per staffing mode (the seed gives them for the 2-dev plan only), as ordered
lists of stories and nothing else: no dates. So lateness is read from the order of work, not
from a calendar:

- a sprint has *started* when one of its stories is in progress, in review or done;
- the *current* sprint is the first sprint of the active mode that is not all done (None once
  every sprint is done);
- a story is *late* when it is not done and belongs to a sprint earlier than the latest sprint
  that has started: the team moved on to later work and left it behind.

A story named by several sprints counts in the first one. Pure: data in, JSON-ready dict out.
"""

from __future__ import annotations

from collections.abc import Mapping

from planner.model import Mode, Plan
from planner.state import State, StoryStatus


def sprint_progress(plan: Plan, mode: Mode | None, statuses: Mapping[str, StoryStatus]) -> dict:
    """The active mode's sprints, as data.

    Keys: mode (the mode's number of developers, None without a mode), count (its sprints),
    sprints ([{name, index, done, total, started}], index from 1), current (None, or that dict
    plus in_progress, review and open: the current sprint's stories not done), all_done (every
    sprint done), late ([{story, label, sprint, index, state, assignee}] in sprint order) and
    outside (the plan's stories in no sprint of the mode; empty when the mode has none).
    """
    sprints = mode.sprints if mode else ()
    home: dict[str, int] = {}  # story -> the index (0-based) of the first sprint that names it
    for i, sprint in enumerate(sprints):
        for sid in sprint.stories:
            if plan.has(sid):
                home.setdefault(sid, i)
    members: list[list[str]] = [[] for _ in sprints]
    for sid, i in home.items():
        members[i].append(sid)

    rows: list[dict] = []
    for i, sprint in enumerate(sprints):
        states = [_state(statuses, s) for s in members[i]]
        rows.append({
            "name": sprint.name,
            "index": i + 1,
            "done": states.count(State.DONE),
            "total": len(states),
            "started": any(s != State.TODO for s in states),
        })
    current_at = next((i for i, r in enumerate(rows) if r["done"] < r["total"]), None)
    current: dict | None = None
    if current_at is not None:
        ids = members[current_at]
        current = {
            **rows[current_at],
            "in_progress": sum(1 for s in ids if _state(statuses, s) == State.IN_PROGRESS),
            "review": sum(1 for s in ids if _state(statuses, s) == State.REVIEW),
            "open": [s for s in _ordered(plan, ids) if _state(statuses, s) != State.DONE],
        }
    latest = max((i for i, r in enumerate(rows) if r["started"]), default=-1)
    late = []
    for i in range(latest):
        for sid in _ordered(plan, members[i]):
            status = statuses.get(sid)
            if _state(statuses, sid) != State.DONE:
                story = plan.story(sid)
                late.append({
                    "story": sid,
                    "label": story.label if story else sid,
                    "sprint": sprints[i].name,
                    "index": i + 1,
                    "state": str(_state(statuses, sid)),
                    "assignee": status.assignee if status else None,
                })
    return {
        "mode": mode.devs if mode else None,
        "count": len(rows),
        "sprints": rows,
        "current": current,
        "all_done": bool(rows) and current is None,
        "late": late,
        "outside": [s for s in plan.story_ids if s not in home] if rows else [],
    }


def _ordered(plan: Plan, ids: list[str]) -> list[str]:
    wanted = set(ids)
    return [s for s in plan.story_ids if s in wanted]


def _state(statuses: Mapping[str, StoryStatus], sid: str) -> State:
    status = statuses.get(sid)
    return status.state if status else State.TODO
