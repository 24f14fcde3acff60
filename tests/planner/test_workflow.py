"""The rules of work (DESIGN §3) as pure decisions, on a small hand-built plan."""

from datetime import UTC, datetime

import pytest

from planner.graph import PlanGraph
from planner.model import Gate, Lane, Mode, Plan, Story
from planner.staffing import Staffing
from planner.state import Action, State, StoryStatus
from planner.workflow import Request, decide

LINK = "https://git.example.com/pr/1"
NOW = datetime(2026, 11, 26, tzinfo=UTC)


@pytest.fixture
def graph():
    plan = Plan(
        title="tiny",
        stories=tuple(Story(s) for s in ("1.1", "1.2", "2.1", "2.2", "9.9")),
        edges=(("1.2", "2.1"), ("2.1", "2.2")),
        gates=(Gate("1.1", "entry"), Gate("2.1", "data")),
        critical_path=("1.1", "1.2", "2.1", "2.2"),
        continuous=("9.9",),
        finalisation=("9.9",),
        modes=(
            Mode(
                2,
                True,
                lanes=(Lane("A", "core", ("1.1", "1.2", "2.1")), Lane("B", None, ("2.2",))),
                floating=("9.9",),
                floating_lanes=("B",),
            ),
        ),
    )
    return PlanGraph(plan)


def st(sid, state, assignee=None, **kw):
    return StoryStatus(sid, State(state), assignee=assignee, **kw)


def statuses(**states):
    return {
        sid.replace("_", "."): st(sid.replace("_", "."), s[0], s[1] if len(s) > 1 else None)
        for sid, s in states.items()
    }


def test_entry_gate_holds_back_every_story_even_without_edges(graph):
    assert graph.startable({}) == ["1.1"]
    assert graph.open_prerequisites("9.9", {}) == ["1.1"]
    after = statuses(**{"1_1": ("done", "ann")})
    assert graph.startable(after) == ["1.2", "9.9"]


def test_start_refused_names_open_prerequisites_and_a_lead_may_force(graph):
    sts = statuses(**{"1_1": ("done", "ann"), "1_2": ("in_progress", "bob")})
    d = decide(Request(Action.START, "2.1", "cid"), graph, sts)
    assert not d.allowed and d.code == "not-startable"
    assert d.open_prerequisites == ("1.2",)
    assert "1.2 (in progress, @bob)" in d.reason
    assert not decide(Request(Action.FORCE_START, "2.1", "cid", reason="hotfix"), graph, sts).allowed
    assert decide(
        Request(Action.FORCE_START, "2.1", "lea", is_lead=True, reason="hotfix"), graph, sts
    ).allowed
    no_reason = decide(Request(Action.FORCE_START, "2.1", "lea", is_lead=True), graph, sts)
    assert no_reason.code == "reason-required"


def test_a_held_story_cannot_be_claimed_twice(graph):
    sts = statuses(**{"1_1": ("in_progress", "ann")})
    other = decide(Request(Action.START, "1.1", "bob"), graph, sts)
    assert other.code == "held-by-other" and "@ann" in other.reason
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
    if code == "review-before-done":
        assert "review before done" in d.reason


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
    sts["2.2"] = st("2.2", "done")
    assert decide(Request(Action.DONE, "9.9", "bob", evidence=LINK), graph, sts).allowed


def test_changes_by_reviewer_not_author_and_reopen_by_lead_with_reason(graph):
    sts = statuses(**{"1_1": ("review", "ann")})
    assert decide(Request(Action.CHANGES, "1.1", "ann"), graph, sts).code == "four-eyes"
    assert decide(Request(Action.CHANGES, "1.1", "bob"), graph, sts).allowed
    done = statuses(**{"1_1": ("done", "ann")})
    assert decide(Request(Action.REOPEN, "1.1", "bob", reason="broke"), graph, done).code == "lead-only"
    assert decide(Request(Action.REOPEN, "1.1", "lea", is_lead=True), graph, done).code == "reason-required"
    assert decide(Request(Action.REOPEN, "1.1", "lea", is_lead=True, reason="broke"), graph, done).allowed


def test_startable_order_critical_path_first_then_unblocks(graph):
    sts = statuses(**{"1_1": ("done",)})
    assert graph.startable(sts) == ["1.2", "9.9"]  # 1.2 is on the critical path
    assert graph.unblocks_all("1.2") == ["2.1", "2.2"]
    assert graph.unblocks("1.1") == ["1.2", "2.1", "2.2", "9.9"]


def test_newly_startable_after_a_done(graph):
    before = statuses(**{"1_1": ("done",), "1_2": ("review", "ann")})
    after = {**before, "1.2": st("1.2", "done")}
    assert graph.newly_startable(before, after) == ["2.1"]


def test_staffing_next_story_and_owner(graph):
    staffing = Staffing(graph, 2, {"A": "ann", "B": "bob"})
    sts = statuses(**{"1_1": ("done",)})
    assert staffing.owner_of("1.2") == "ann"
    assert staffing.owner_of("9.9") is None and staffing.may_take("bob", "9.9")
    assert not staffing.may_take("ann", "9.9")
    assert staffing.next_for("ann", sts).story_id == "1.2"
    # bob's lane (2.2) is blocked: his floating story comes first, then the best elsewhere
    assert staffing.next_for("bob", sts).story_id == "9.9"
    sts["9.9"] = st("9.9", "in_progress", "zed")
    elsewhere = staffing.next_for("bob", sts)
    assert elsewhere.story_id == "1.2" and elsewhere.kind == "elsewhere" and "critical path" in elsewhere.why
    assert staffing.next_for("zed", sts).kind == "continue"
    assert staffing.lane_label("1.2") == "Dev A (core)"
    assert staffing.lane_label("9.9") == "floating (Dev B)"
