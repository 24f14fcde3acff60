"""The rules of work (DESIGN §3) as pure decisions, on a small hand-built plan."""

import pytest

from planner.graph import PlanGraph
from planner.state import Action
from planner.workflow import Request, decide
from tests.helpers.plans import status, statuses, tiny_plan

LINK = "https://git.example.com/pr/1"


@pytest.fixture
def graph() -> PlanGraph:
    return PlanGraph(tiny_plan())


def test_start_refused_names_open_prerequisites_and_a_lead_may_force(graph):
    sts = statuses(**{"1_1": ("done", "ann"), "1_2": ("in_progress", "bob")})
    d = decide(Request(Action.START, "2.1", "cid"), graph, sts)
    assert not d.allowed and d.code == "not-startable"
    assert d.open_prerequisites == ("1.2",)
    assert [(w.story_id, w.state, w.assignee) for w in d.waiting] == [("1.2", "in_progress", "bob")]
    assert not decide(Request(Action.FORCE_START, "2.1", "cid", reason="hotfix"), graph, sts).allowed
    assert decide(
        Request(Action.FORCE_START, "2.1", "lea", is_lead=True, reason="hotfix"), graph, sts
    ).allowed
    no_reason = decide(Request(Action.FORCE_START, "2.1", "lea", is_lead=True), graph, sts)
    assert no_reason.code == "reason-required"


def test_a_held_story_cannot_be_claimed_twice(graph):
    sts = statuses(**{"1_1": ("in_progress", "ann")})
    other = decide(Request(Action.START, "1.1", "bob"), graph, sts)
    assert other.code == "held-by-other" and other.holder == "ann"
    assert decide(Request(Action.START, "1.1", "ann"), graph, sts).code == "already-yours"


def test_review_needs_the_holder_and_an_http_link(graph):
    sts = statuses(**{"1_1": ("in_progress", "ann")})
    assert decide(Request(Action.REVIEW, "1.1", "bob", evidence=LINK), graph, sts).code == "not-assignee"
    assert decide(Request(Action.REVIEW, "1.1", "ann"), graph, sts).code == "bad-link"
    assert (
        decide(Request(Action.REVIEW, "1.1", "ann", evidence="javascript:alert(1)"), graph, sts).code
        == "bad-link"
    )
    assert (
        decide(Request(Action.REVIEW, "1.1", "ann", evidence=LINK, reviewer="ann"), graph, sts).code
        == "four-eyes"
    )
    assert decide(Request(Action.REVIEW, "1.1", "ann", evidence=LINK, reviewer="bob"), graph, sts).allowed


@pytest.mark.parametrize(
    "state,code", [("todo", "not-started"), ("in_progress", "review-before-done"), ("done", "already-done")]
)
def test_done_only_from_review(graph, state, code):
    sts = statuses(**{"1_1": (state, "ann")})
    d = decide(Request(Action.DONE, "1.1", "bob", evidence=LINK), graph, sts)
    assert not d.allowed and d.code == code
    assert d.state == state


def test_done_four_eyes_unless_solo(graph):
    sts = statuses(**{"1_1": ("review", "ann")})
    assert decide(Request(Action.DONE, "1.1", "ann", evidence=LINK), graph, sts).code == "four-eyes"
    assert decide(Request(Action.DONE, "1.1", "ann", evidence=LINK, allow_solo=True), graph, sts).allowed
    assert decide(Request(Action.DONE, "1.1", "bob", evidence=LINK), graph, sts).allowed
    assert decide(Request(Action.DONE, "1.1", "bob", evidence="ftp://x/y"), graph, sts).code == "bad-link"


def test_finalisation_story_done_only_after_all_others(graph):
    sts = statuses(
        **{
            "1_1": ("done",),
            "1_2": ("done",),
            "2_1": ("done",),
            "2_2": ("review", "x"),
            "9_9": ("review", "ann"),
        }
    )
    d = decide(Request(Action.DONE, "9.9", "bob", evidence=LINK), graph, sts)
    assert d.code == "finalisation" and d.open_prerequisites == ("2.2",)
    sts["2.2"] = status("2.2", "done")
    assert decide(Request(Action.DONE, "9.9", "bob", evidence=LINK), graph, sts).allowed


def test_changes_by_reviewer_not_author_and_reopen_by_lead_with_reason(graph):
    sts = statuses(**{"1_1": ("review", "ann")})
    assert decide(Request(Action.CHANGES, "1.1", "ann"), graph, sts).code == "four-eyes"
    assert decide(Request(Action.CHANGES, "1.1", "bob"), graph, sts).allowed
    done = statuses(**{"1_1": ("done", "ann")})
    assert decide(Request(Action.REOPEN, "1.1", "bob", reason="broke"), graph, done).code == "lead-only"
    assert decide(Request(Action.REOPEN, "1.1", "lea", is_lead=True), graph, done).code == "reason-required"
    assert decide(Request(Action.REOPEN, "1.1", "lea", is_lead=True, reason="broke"), graph, done).allowed
