"""What the team looks at, as data: startable stories, the board, one story's file.

These are plain dicts (JSON-ready) so the same answer feeds the CLI's --json, the console's
text and Slack's blocks without any of them recomputing a rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from planner.cycles import held_by_cycles
from planner.graph import PlanGraph
from planner.model import story_sort_key
from planner.sprints import sprint_progress
from planner.staffing import Staffing
from planner.state import Event, State, StoryStatus, status_of


def story_card(sid: str, staffing: Staffing, statuses: Mapping[str, StoryStatus]) -> dict:
    """Everything a person needs to pick a story up, in one small dict."""
    graph, plan = staffing.graph, staffing.plan
    story = plan.story(sid)
    status = status_of(statuses, sid)
    gate = plan.gate_of(sid)
    lane = staffing.lane_of(sid)
    return {
        "id": sid,
        "title": story.title if story else None,
        "label": story.label if story else sid,
        "state": str(status.state),
        "assignee": status.assignee,
        "reviewer": status.reviewer,
        "owner": staffing.owner_of(sid),
        "lane": lane.key if lane else None,
        "lane_label": staffing.lane_label(sid),
        "floating": staffing.is_floating(sid),
        "floating_lanes": list(staffing.mode.floating_lanes) if staffing.mode and staffing.is_floating(sid) else [],
        "gate": gate.kind if gate else None,
        "critical": graph.is_critical(sid),
        "unblocks": len(graph.unblocks(sid)),
        "unblocks_all": graph.unblocks_count(sid),
        **preparation(status),
    }


def preparation(status: StoryStatus) -> dict:
    """Who prepares a story that can't start yet, and since when (None, None: nobody)."""
    return {
        "preparer": status.preparer,
        "prepared_since": status.prepared_since.isoformat() if status.prepared_since else None,
    }


def unblocked(
    staffing: Staffing, statuses: Mapping[str, StoryStatus], *, scope: str = "ready", person: str | None = None
) -> dict:
    """The answer to /unblocked. scope: "ready" (startable), "mine" (startable and mine), "all"
    (startable, then every blocked story with what it waits for)."""
    graph = staffing.graph
    startable = graph.startable(statuses)
    if scope == "mine" and person:
        startable = [s for s in startable if staffing.may_take(person, s)]
    result = {
        "scope": scope,
        "mode": staffing.mode.devs if staffing.mode else None,
        "startable": startable,
        "items": [story_card(s, staffing, statuses) for s in startable],
    }
    if scope == "all":
        blocked = [
            s for s in staffing.plan.story_ids
            if _state(statuses, s) == State.TODO and s not in startable
        ]
        cycles = held_by_cycles(graph, statuses)  # waits nothing will ever end (a plan forced in with a cycle)
        result["blocked"] = [
            {**story_card(s, staffing, statuses), "waiting_for": graph.open_prerequisites(s, statuses),
             "cycle": list(cycles[s]) if s in cycles else None}
            for s in sorted(blocked, key=graph.priority_rank)
        ]
        result["active"] = [
            story_card(s, staffing, statuses)
            for s in staffing.plan.story_ids
            if _state(statuses, s) in (State.IN_PROGRESS, State.REVIEW)
        ]
    return result


def board(staffing: Staffing, statuses: Mapping[str, StoryStatus], startable: Sequence[str] | None = None) -> dict:
    """The compact board: counts per state, gates, checkpoints, the critical path's position.
    `startable`: `graph.startable(statuses)` when the caller already has it."""
    plan, graph = staffing.plan, staffing.graph
    # Only a story with a status can be anything but to do: the rest are counted, not looked at.
    moved = [sid for sid in plan.story_ids if sid in statuses]
    counts = {str(state): 0 for state in State}
    for sid in moved:
        counts[str(_state(statuses, sid))] += 1
    counts[str(State.TODO)] += len(plan.story_ids) - len(moved)
    critical = graph.critical_path()
    current = next((s for s in critical if _state(statuses, s) != State.DONE), None)
    return {
        "total": len(plan.story_ids),
        "counts": counts,
        "startable": len(graph.startable(statuses) if startable is None else startable),
        "gates": [
            {
                "story": g.story,
                "kind": g.kind,
                "state": str(_state(statuses, g.story)),
                "assignee": _status(statuses, g.story).assignee,
                "waiting_behind": sum(
                    1 for s in graph.unblocks_all(g.story) if (st := statuses.get(s)) is None or st.state != State.DONE
                ),
            }
            for g in plan.gates
        ],
        "checkpoints": [
            {
                "name": c.name,
                "done": sum(1 for s in c.stories if _state(statuses, s) == State.DONE),
                "total": len(c.stories),
                "missing": [s for s in c.stories if _state(statuses, s) != State.DONE],
            }
            for c in plan.checkpoints
        ],
        "critical_path": {"path": list(critical), "current": current,
                          "state": str(_state(statuses, current)) if current else None},
        "in_progress": [s for s in moved if _state(statuses, s) == State.IN_PROGRESS],
        "review": [s for s in moved if _state(statuses, s) == State.REVIEW],
        "forced_open": forced_open(graph, statuses),
        "preparations": preparations(staffing, statuses),
        "reopened": reopened_flags(graph, statuses),
        "sprint": sprint_progress(plan, staffing.mode, statuses),
    }


def preparations(staffing: Staffing, statuses: Mapping[str, StoryStatus]) -> list[dict]:
    """Stories to do that someone prepares (branch, variables, secrets) until they can start, in
    the order people take them: what each still waits for, and whether it can start now (or, held
    by a dependency cycle, never: `cycle`)."""
    graph = staffing.graph
    out = []
    held: dict[str, tuple[str, ...]] | None = None
    for sid in staffing.plan.story_ids:
        status = statuses.get(sid)  # a story never moved has nobody preparing it
        if status is not None and status.state == State.TODO and status.preparer:
            story = staffing.plan.story(sid)
            waiting = graph.open_prerequisites(sid, statuses)
            held = held_by_cycles(graph, statuses) if held is None else held  # once, and only when someone prepares
            cycle = {"cycle": list(held[sid])} if sid in held else {}  # a wait no finished story will end
            out.append({"story": sid, "label": story.label if story else sid, **preparation(status),
                        "waiting_for": waiting, "startable": not waiting, **cycle})
    return sorted(out, key=lambda p: graph.priority_key(p["story"]))


def reopened_flags(graph: PlanGraph, statuses: Mapping[str, StoryStatus]) -> list[dict]:
    """Stories a lead reopened and that are not done again, each with the stories that depend on
    it and were started or done after it was reopened (`after`: work built on what is being redone)."""
    built_on = graph.after_reopen(statuses)
    out = []
    for sid in graph.reopened(statuses):
        status = _status(statuses, sid)
        story = graph.plan.story(sid)
        out.append({
            "story": sid,
            "label": story.label if story else sid,
            "state": str(status.state),
            "assignee": status.assignee,
            "reopened_at": status.reopened_at.isoformat() if status.reopened_at else None,
            "after": [{"story": d, "state": str(_state(statuses, d)), "assignee": _status(statuses, d).assignee}
                      for d in built_on.get(sid, [])],
        })
    return out


def forced_open(graph: PlanGraph, statuses: Mapping[str, StoryStatus]) -> list[dict]:
    """Stories started by a lead's bypass whose prerequisites are still not done ("no lasting bypass")."""
    out = []
    for sid in graph.plan.story_ids:
        status = statuses.get(sid)  # a story never moved was never forced
        if status is not None and status.forced and status.state != State.DONE:
            open_prereqs = graph.open_prerequisites(sid, statuses)
            if open_prereqs:
                out.append({"story": sid, "assignee": status.assignee, "open": open_prereqs})
    return out


def story_file(
    sid: str, staffing: Staffing, statuses: Mapping[str, StoryStatus], events: Sequence[Event]
) -> dict:
    """One story: its card, why it is blocked (if it is), and its history."""
    graph = staffing.graph
    status = _status(statuses, sid)
    card = story_card(sid, staffing, statuses)
    card.update(
        story=sid,
        evidence=status.evidence,
        forced=status.forced,
        bypass_open=status.forced and bool(graph.open_prerequisites(sid, statuses)),
        reviewer=status.reviewer if status.state == State.REVIEW else None,
        reopened_at=status.reopened_at.isoformat() if status.reopened_at and status.state != State.DONE else None,
        since=status.since.isoformat() if status.since else None,
        prerequisites=graph.prerequisites(sid),
        open_prerequisites=graph.open_prerequisites(sid, statuses),
        startable=graph.is_startable(sid, statuses),
        cycle=list(cycle) if (cycle := held_by_cycles(graph, statuses).get(sid)) else None,
        unblocks_ids=graph.unblocks(sid),
        finalisation=sid in staffing.plan.finalisation,
        history=[
            {
                "action": str(e.action), "actor": e.actor, "from": str(e.from_state), "to": str(e.to_state),
                "at": e.at.isoformat(), "evidence": e.evidence, "reviewer": e.reviewer, "reason": e.reason,
                "person": e.person,
            }
            for e in events if e.story_id == sid
        ],
    )
    return card


def removed_with_work(plan_ids: Sequence[str], stored: Mapping[str, StoryStatus]) -> list[dict]:
    """Stories the plan no longer has (a re-import dropped them) that had work: moved at least
    once, or not to do. Their rows and events are kept by the store; this is what says so on the
    board and after the import, so work is never silently gone from sight."""
    ids = set(plan_ids)
    gone = [st for sid, st in stored.items() if sid not in ids and (st.version > 0 or st.state != State.TODO)]
    return [{"story": st.story_id, "state": str(st.state), "assignee": st.assignee}
            for st in sorted(gone, key=lambda st: story_sort_key(st.story_id))]


def _status(statuses: Mapping[str, StoryStatus], sid: str) -> StoryStatus:
    return status_of(statuses, sid)


def _state(statuses: Mapping[str, StoryStatus], sid: str) -> State:
    return _status(statuses, sid).state
