"""The rules of work (DESIGN §3) as pure decisions.

`decide` answers one question — may this person do this to this story now? — with either the
transition to make or a refusal: a code and the facts behind it (who holds the story, what it
waits for, which link was wrong). People are named by id; `bot.render.refusals` words the
refusal for whoever asked. Every way in (command, button, modal, CLI) asks this one function,
so the rules can never differ between them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from planner.cycles import held_by_cycles
from planner.graph import PlanGraph
from planner.links import LinkProblem, evidence_problem
from planner.state import Action, State, StoryStatus, status_of

# (from, to) of every action that moves a story: the only moves the workflow knows.
MOVES: dict[Action, tuple[State, State]] = {
    Action.START: (State.TODO, State.IN_PROGRESS),
    Action.FORCE_START: (State.TODO, State.IN_PROGRESS),
    Action.REVIEW: (State.IN_PROGRESS, State.REVIEW),
    Action.CHANGES: (State.REVIEW, State.IN_PROGRESS),
    Action.DONE: (State.REVIEW, State.DONE),
    Action.REOPEN: (State.DONE, State.IN_PROGRESS),
    Action.RELEASE: (State.IN_PROGRESS, State.TODO),
}
# Actions that leave the story where it is, and the states they apply in.
STAYS: dict[Action, tuple[State, ...]] = {
    Action.PREPARE: (State.TODO,),
    Action.UNPREPARE: (State.TODO,),
    Action.ASSIGN: (State.IN_PROGRESS, State.REVIEW),
}


def moves_of(action: Action, state: State) -> tuple[State, State]:
    """(from, to) of `action` on a story in `state`: fixed for a move, (state, state) for a stay."""
    if action in MOVES:
        return MOVES[action]
    return (state, state)


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
    person: str | None = None  # assign: who the story is handed to


@dataclass(frozen=True)
class Waiting:
    """An open prerequisite and where it stands."""

    story_id: str
    state: State
    assignee: str | None = None


@dataclass(frozen=True)
class Decision:
    """Allowed, or refused with `code` and the facts a person needs to hear why.

    Codes: wrong-state family (already-done, not-started, review-before-done, already-yours,
    held-by-other, not-in-review, in-review, not-done), not-startable, lead-only, reason-required,
    not-assignee, bad-link, four-eyes, not-reviewer, finalisation, prerequisites-open (done while
    a prerequisite is not: a forced start's bypass, or a reopened prerequisite), prepared-by-other,
    startable-now (nothing to prepare), already-preparing, not-preparer, not-holder,
    same-person (assign to who already holds it).
    """

    allowed: bool
    action: Action
    story_id: str
    code: str = ""
    state: State | None = None  # the story's state, when it is the reason
    holder: str | None = None  # who holds the story (in progress) or sent it to review
    approver: str | None = None  # who approved a done story
    waiting: tuple[Waiting, ...] = ()  # not-startable: open prerequisites
    cycle: tuple[str, ...] = ()  # not-startable: the dependency cycle that holds it for good (planner.cycles)
    unfinished: tuple[str, ...] = field(default=())  # finalisation: the other stories not done
    link: LinkProblem | None = None  # bad-link: what is wrong with the evidence
    since: datetime | None = None  # prepared-by-other: since when
    reviewer: str | None = None  # not-reviewer: the reviewer who was named

    @property
    def moves(self) -> tuple[State, State]:
        return MOVES.get(self.action, (State.TODO, State.TODO))

    @property
    def open_prerequisites(self) -> tuple[str, ...]:
        """What must be done first: open prerequisites, or for a finalisation story every other one."""
        return tuple(w.story_id for w in self.waiting) or self.unfinished


Decider = Callable[[Request, StoryStatus, PlanGraph, Mapping[str, StoryStatus]], Decision]


def decide(req: Request, graph: PlanGraph, statuses: Mapping[str, StoryStatus]) -> Decision:
    """Allowed transition, or refusal with its facts. Never changes anything."""
    status = status_of(statuses, req.story_id)
    return _DECIDERS[req.action](req, status, graph, statuses)


def _refuse(req: Request, code: str, *, state: State | None = None, holder: str | None = None,
            approver: str | None = None, waiting: tuple[Waiting, ...] = (), unfinished: tuple[str, ...] = (),
            link: LinkProblem | None = None, since: datetime | None = None,
            reviewer: str | None = None, cycle: tuple[str, ...] = ()) -> Decision:
    return Decision(False, req.action, req.story_id, code, state=state, holder=holder, approver=approver,
                    waiting=waiting, unfinished=unfinished, link=link, since=since, reviewer=reviewer,
                    cycle=cycle)


def _ok(req: Request) -> Decision:
    return Decision(True, req.action, req.story_id)


def wrong_state(req: Request, status: StoryStatus) -> Decision:
    """The refusal for a story that is not where the action starts from."""
    state = status.state
    if state == State.DONE:
        return _refuse(req, "already-done", state=state, approver=status.reviewer)
    if state == State.TODO:
        return _refuse(req, "not-started", state=state)
    if state == State.IN_PROGRESS:
        if req.action == Action.DONE:
            return _refuse(req, "review-before-done", state=state, holder=status.assignee)
        if req.action in (Action.START, Action.FORCE_START):
            code = "already-yours" if status.assignee == req.actor else "held-by-other"
            return _refuse(req, code, state=state, holder=status.assignee)
        return _refuse(req, "not-in-review", state=state, holder=status.assignee)
    return _refuse(req, "in-review", state=state, holder=status.assignee)


def _start(req: Request, status: StoryStatus, graph: PlanGraph, statuses: Mapping[str, StoryStatus]) -> Decision:
    if status.state != State.TODO:
        return wrong_state(req, status)
    open_prereqs = graph.open_prerequisites(req.story_id, statuses)
    if open_prereqs:
        cycle = held_by_cycles(graph, statuses).get(req.story_id, ())  # () at once for a sound plan
        return _refuse(req, "not-startable", waiting=_waitings(open_prereqs, statuses), cycle=cycle)
    if status.preparer and status.preparer != req.actor and not (req.is_lead and (req.reason or "").strip()):
        return _refuse(req, "prepared-by-other", holder=status.preparer, since=status.prepared_since)
    return _ok(req)


def _prepare(req: Request, status: StoryStatus, graph: PlanGraph, statuses: Mapping[str, StoryStatus]) -> Decision:
    """Prepare a story that can't start yet (the plan's section 8: branch, variables, secrets)."""
    if status.state != State.TODO:
        return wrong_state(req, status)
    if status.preparer == req.actor:
        return _refuse(req, "already-preparing", since=status.prepared_since)
    if status.preparer:
        return _refuse(req, "prepared-by-other", holder=status.preparer, since=status.prepared_since)
    if not graph.open_prerequisites(req.story_id, statuses):
        return _refuse(req, "startable-now")
    return _ok(req)


def _unprepare(req: Request, status: StoryStatus, graph: PlanGraph,
               statuses: Mapping[str, StoryStatus]) -> Decision:
    if status.state != State.TODO or not status.preparer:
        return _refuse(req, "not-preparer", state=status.state)
    if status.preparer != req.actor and not req.is_lead:
        return _refuse(req, "not-preparer", holder=status.preparer, state=status.state)
    return _ok(req)


def _assign(req: Request, status: StoryStatus, graph: PlanGraph, statuses: Mapping[str, StoryStatus]) -> Decision:
    """Hand a story someone holds to `req.person`: the holder hands over, or a lead decides."""
    if status.state not in STAYS[Action.ASSIGN]:
        return wrong_state(req, status)
    if req.actor != status.assignee and not req.is_lead:
        return _refuse(req, "not-holder", holder=status.assignee, state=status.state)
    if req.person == status.assignee:
        return _refuse(req, "same-person", holder=status.assignee)
    return _ok(req)


def _release(req: Request, status: StoryStatus, graph: PlanGraph, statuses: Mapping[str, StoryStatus]) -> Decision:
    """Back to to-do: the holder lets go, or a lead takes it off them."""
    if status.state != State.IN_PROGRESS:
        return wrong_state(req, status)
    if req.actor != status.assignee and not req.is_lead:
        return _refuse(req, "not-holder", holder=status.assignee, state=status.state)
    return _ok(req)


def _force_start(req: Request, status: StoryStatus, graph: PlanGraph,
                 statuses: Mapping[str, StoryStatus]) -> Decision:
    if status.state != State.TODO:
        return wrong_state(req, status)
    if not req.is_lead:
        return _refuse(req, "lead-only")
    if not (req.reason or "").strip():
        return _refuse(req, "reason-required")
    return _ok(req)


def _review(req: Request, status: StoryStatus, graph: PlanGraph, statuses: Mapping[str, StoryStatus]) -> Decision:
    if status.state != State.IN_PROGRESS:
        return wrong_state(req, status)
    if req.actor != status.assignee and not req.is_lead:
        return _refuse(req, "not-assignee", holder=status.assignee)
    problem = evidence_problem(req.evidence)
    if problem:
        return _refuse(req, "bad-link", link=problem)
    if req.reviewer and req.reviewer in _authors(status, req.actor) and not req.allow_solo:
        return _refuse(req, "four-eyes", holder=status.assignee)
    return _ok(req)


def _changes(req: Request, status: StoryStatus, graph: PlanGraph, statuses: Mapping[str, StoryStatus]) -> Decision:
    if status.state != State.REVIEW:
        return wrong_state(req, status)
    if req.actor in _authors(status) and not req.is_lead:
        return _refuse(req, "four-eyes", holder=status.assignee)
    return _ok(req)


def _done(req: Request, status: StoryStatus, graph: PlanGraph, statuses: Mapping[str, StoryStatus]) -> Decision:
    if status.state != State.REVIEW:
        return wrong_state(req, status)
    problem = evidence_problem(req.evidence)
    if problem:
        return _refuse(req, "bad-link", link=problem)
    if req.actor in _authors(status) and not req.allow_solo:
        return _refuse(req, "four-eyes", holder=status.assignee)
    if status.reviewer and req.actor != status.reviewer and not req.is_lead and not req.allow_solo:
        return _refuse(req, "not-reviewer", reviewer=status.reviewer, holder=status.assignee)
    open_prereqs = graph.open_prerequisites(req.story_id, statuses)
    if open_prereqs:  # a forced start's bypass, or a prerequisite reopened since: no lasting bypass
        return _refuse(req, "prerequisites-open", waiting=_waitings(open_prereqs, statuses))
    if req.story_id in graph.plan.finalisation:
        others = graph.unfinished_others(req.story_id, statuses)
        if others:
            return _refuse(req, "finalisation", unfinished=tuple(others))
    return _ok(req)


def _reopen(req: Request, status: StoryStatus, graph: PlanGraph, statuses: Mapping[str, StoryStatus]) -> Decision:
    if status.state != State.DONE:
        return _refuse(req, "not-done", state=status.state)
    if not req.is_lead:
        return _refuse(req, "lead-only")
    if not (req.reason or "").strip():
        return _refuse(req, "reason-required")
    return _ok(req)


def _authors(status: StoryStatus, *more: str) -> tuple[str, ...]:
    """Who did this round's work: its authors, the holder (a story of older data has no authors)."""
    return tuple(p for p in (*status.authors, status.assignee, *more) if p)


def _waitings(story_ids: list[str], statuses: Mapping[str, StoryStatus]) -> tuple[Waiting, ...]:
    return tuple(_waiting(p, statuses) for p in story_ids)


def _waiting(story_id: str, statuses: Mapping[str, StoryStatus]) -> Waiting:
    status = status_of(statuses, story_id)
    return Waiting(story_id, status.state, status.assignee if status.state != State.TODO else None)


_DECIDERS: dict[Action, Decider] = {
    Action.START: _start,
    Action.FORCE_START: _force_start,
    Action.REVIEW: _review,
    Action.CHANGES: _changes,
    Action.DONE: _done,
    Action.REOPEN: _reopen,
    Action.PREPARE: _prepare,
    Action.UNPREPARE: _unprepare,
    Action.ASSIGN: _assign,
    Action.RELEASE: _release,
}
