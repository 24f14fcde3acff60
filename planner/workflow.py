"""The rules of work (DESIGN §3) as pure decisions.

`decide` answers one question — may this person do this to this story now? — with either the
transition to make or a refusal that says why, in words a person understands, and what to do
instead. Every way in (command, button, modal, CLI) asks this one function, so the rules can
never differ between them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from planner.graph import PlanGraph
from planner.links import link_problem
from planner.state import Action, State, StoryStatus

STATE_WORDS = {
    State.TODO: "to do",
    State.IN_PROGRESS: "in progress",
    State.REVIEW: "in review",
    State.DONE: "done",
}

# (from, to) of every action: the only moves the workflow knows.
MOVES: dict[Action, tuple[State, State]] = {
    Action.START: (State.TODO, State.IN_PROGRESS),
    Action.FORCE_START: (State.TODO, State.IN_PROGRESS),
    Action.REVIEW: (State.IN_PROGRESS, State.REVIEW),
    Action.CHANGES: (State.REVIEW, State.IN_PROGRESS),
    Action.DONE: (State.REVIEW, State.DONE),
    Action.REOPEN: (State.DONE, State.IN_PROGRESS),
}


@dataclass(frozen=True)
class Request:
    """What someone asks: `action` on `story_id`, with the words that came with it."""

    action: Action
    story_id: str
    actor: str
    is_lead: bool = False
    evidence: str | None = None
    reviewer: str | None = None
    reason: str | None = None
    allow_solo: bool = False


@dataclass(frozen=True)
class Decision:
    allowed: bool
    action: Action
    code: str = ""  # machine-readable refusal: wrong-state, not-startable, four-eyes, ...
    reason: str = ""  # why, for a person
    hint: str = ""  # what to do instead
    open_prerequisites: tuple[str, ...] = field(default=())

    @property
    def moves(self) -> tuple[State, State]:
        return MOVES[self.action]


def _who(person: str | None) -> str:
    if not person:
        return "someone"
    return f"<@{person}>" if is_slack_id(person) else f"@{person}"


def is_slack_id(person: str | None) -> bool:
    """U123ABC / W123ABC: a Slack user, who can be mentioned and sent a DM (console names can't)."""
    return bool(person) and len(person) > 2 and person[0] in "UW" and person[1:].isalnum() and person[1:].upper() == person[1:]


def mention(person: str | None) -> str:
    """How to name a person in a reply: a Slack mention for Slack ids, @name otherwise."""
    return _who(person)


def decide(req: Request, graph: PlanGraph, statuses: Mapping[str, StoryStatus]) -> Decision:
    """Allowed transition, or refusal with its reason. Never changes anything."""
    status = statuses.get(req.story_id) or StoryStatus(story_id=req.story_id)
    deciders = {
        Action.START: _start,
        Action.FORCE_START: _force_start,
        Action.REVIEW: _review,
        Action.CHANGES: _changes,
        Action.DONE: _done,
        Action.REOPEN: _reopen,
    }
    return deciders[req.action](req, status, graph, statuses)


def _refuse(req: Request, code: str, reason: str, hint: str = "", open_prereqs=()) -> Decision:
    return Decision(False, req.action, code, reason, hint, tuple(open_prereqs))


def _ok(req: Request) -> Decision:
    return Decision(True, req.action)


def wrong_state(req: Request, status: StoryStatus) -> Decision:
    """The refusal for a story that is not where the action starts from, with the way forward."""
    sid, state = req.story_id, status.state
    if state == State.DONE:
        by = f" (approved by {_who(status.reviewer)})" if status.reviewer else ""
        return _refuse(
            req, "already-done", f"{sid} is already done{by}.",
            f"A lead can reopen it: /start {sid} reopen <reason>.",
        )
    if state == State.TODO:
        return _refuse(req, "not-started", f"{sid} is not started yet.", f"Start it first: /start {sid}.")
    if state == State.IN_PROGRESS:
        held = f"in progress, held by {_who(status.assignee)}"
        if req.action == Action.DONE:
            return _refuse(
                req, "review-before-done",
                f"{sid} is {held}. The plan's rule: a story goes to review before done.",
                f"Send it to review first: /review {sid} <link to the pull request or proof>.",
            )
        if req.action in (Action.START, Action.FORCE_START):
            if status.assignee == req.actor:
                return _refuse(req, "already-yours", f"You already hold {sid}.",
                               f"When it is ready: /review {sid} <link>.")
            return _refuse(req, "held-by-other", f"{sid} is already {held}.",
                           "Pick another story: /unblocked or /next.")
        return _refuse(req, "not-in-review", f"{sid} is {held}, not in review.")
    # review
    by = f" (sent by {_who(status.assignee)})" if status.assignee else ""
    return _refuse(
        req, "in-review", f"{sid} is in review{by}.",
        f"The reviewer closes it with /done {sid} <evidence link>, or asks for changes: /review {sid} changes <what>.",
    )


def _start(req: Request, status: StoryStatus, graph: PlanGraph, statuses) -> Decision:
    if status.state != State.TODO:
        return wrong_state(req, status)
    open_prereqs = graph.open_prerequisites(req.story_id, statuses)
    if open_prereqs:
        waiting = ", ".join(_describe(p, statuses) for p in open_prereqs)
        return _refuse(
            req, "not-startable", f"{req.story_id} can't start yet: it waits for {waiting}.",
            f"Take a startable story (/unblocked), or a lead can force it: /start {req.story_id} force <reason>.",
            open_prereqs,
        )
    return _ok(req)


def _force_start(req: Request, status: StoryStatus, graph: PlanGraph, statuses) -> Decision:
    if status.state != State.TODO:
        return wrong_state(req, status)
    if not req.is_lead:
        return _refuse(req, "lead-only", "Only a lead can force a story past its prerequisites.",
                       "Ask a lead (/team shows them).")
    if not (req.reason or "").strip():
        return _refuse(req, "reason-required", "Forcing a start needs a reason; it is shown in every digest.",
                       f"/start {req.story_id} force <why this can't wait>")
    return _ok(req)


def _review(req: Request, status: StoryStatus, graph: PlanGraph, statuses) -> Decision:
    if status.state != State.IN_PROGRESS:
        return wrong_state(req, status)
    if req.actor != status.assignee and not req.is_lead:
        return _refuse(req, "not-assignee",
                       f"{req.story_id} is held by {_who(status.assignee)}; only they or a lead can send it to review.")
    problem = link_problem(req.evidence)
    if problem:
        return _refuse(req, "bad-link", f"Can't send {req.story_id} to review: {problem}.",
                       f"/review {req.story_id} https://… [@reviewer]")
    if req.reviewer and req.reviewer == status.assignee and not req.allow_solo:
        return _refuse(req, "four-eyes", "The reviewer must be someone other than the person who did the work.",
                       f"/review {req.story_id} <link> @someone-else")
    return _ok(req)


def _changes(req: Request, status: StoryStatus, graph: PlanGraph, statuses) -> Decision:
    if status.state != State.REVIEW:
        return wrong_state(req, status)
    if req.actor == status.assignee and not req.is_lead:
        return _refuse(req, "four-eyes", "Changes are requested by the reviewer, not by the author.",
                       f"To keep working on it, ask your reviewer; to close it, someone else runs /done {req.story_id} <link>.")
    return _ok(req)


def _done(req: Request, status: StoryStatus, graph: PlanGraph, statuses) -> Decision:
    if status.state != State.REVIEW:
        return wrong_state(req, status)
    problem = link_problem(req.evidence)
    if problem:
        return _refuse(req, "bad-link", f"Can't mark {req.story_id} done: {problem}.",
                       f"/done {req.story_id} https://… (the proof the acceptance criteria are met)")
    if req.actor == status.assignee and not req.allow_solo:
        return _refuse(
            req, "four-eyes",
            f"You did {req.story_id}, so someone else must approve it (four eyes).",
            "Ask your reviewer to run /done, or a lead can allow solo teams: /team solo on.",
        )
    if req.story_id in graph.plan.finalisation:
        others = graph.unfinished_others(req.story_id, statuses)
        if others:
            shown = ", ".join(others[:10]) + (f" and {len(others) - 10} more" if len(others) > 10 else "")
            return _refuse(
                req, "finalisation",
                f"{req.story_id} is finalised at the end: {len(others)} other stories are not done yet ({shown}).",
                "Keep it in review and finish it once every other story is done.",
                others,
            )
    return _ok(req)


def _reopen(req: Request, status: StoryStatus, graph: PlanGraph, statuses) -> Decision:
    if status.state != State.DONE:
        return _refuse(req, "not-done", f"{req.story_id} is {STATE_WORDS[status.state]}, not done; nothing to reopen.")
    if not req.is_lead:
        return _refuse(req, "lead-only", "Only a lead can reopen a done story.", "Ask a lead (/team shows them).")
    if not (req.reason or "").strip():
        return _refuse(req, "reason-required", "Reopening needs a reason.", f"/start {req.story_id} reopen <why>")
    return _ok(req)


def _describe(story_id: str, statuses: Mapping[str, StoryStatus]) -> str:
    status = statuses.get(story_id) or StoryStatus(story_id=story_id)
    if status.state == State.TODO:
        return f"{story_id} (to do)"
    return f"{story_id} ({STATE_WORDS[status.state]}, {_who(status.assignee)})"
