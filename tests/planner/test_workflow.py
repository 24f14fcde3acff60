"""The rules of work (DESIGN §3) as pure decisions, on a small hand-built plan."""

from datetime import UTC, datetime, timedelta

import pytest

from planner.graph import PlanGraph
from planner.state import Action, Event, StoryStatus, apply_event
from planner.workflow import Request, decide, moves_of
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


# -- the plan's own ways of working: prepare, hand over, four eyes on the round, no lasting bypass ---

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def folded(*moves: tuple) -> dict[str, StoryStatus]:
    """Statuses after `moves` — (story, action, actor[, person or reviewer]) — applied as events in order."""
    out: dict[str, StoryStatus] = {}
    for n, (sid, action, actor, *other) in enumerate(moves):
        current = out.get(sid) or StoryStatus(sid)
        start, end = moves_of(action, current.state)
        extra = {"reviewer": other[0]} if action == Action.REVIEW and other else {"person": other[0] if other else None}
        out[sid] = apply_event(current, Event(sid, action, actor, start, end, T0 + timedelta(hours=n),
                                              evidence=LINK if action in (Action.REVIEW, Action.DONE) else None,
                                              **extra))
    return out


def test_a_story_that_cannot_start_yet_may_be_prepared_and_then_only_its_preparer_starts_it(graph):
    waiting = folded(("1.1", Action.START, "ann"), ("1.2", Action.PREPARE, "bob"))
    assert waiting["1.2"].preparer == "bob" and waiting["1.2"].prepared_since == T0 + timedelta(hours=1)
    assert decide(Request(Action.PREPARE, "1.2", "cid"), graph, waiting).code == "prepared-by-other"
    assert decide(Request(Action.PREPARE, "1.2", "bob"), graph, waiting).code == "already-preparing"
    opened = {**waiting, **folded(("1.1", Action.START, "ann"), ("1.1", Action.REVIEW, "ann"),
                                  ("1.1", Action.DONE, "lea"))}
    taken = decide(Request(Action.START, "1.2", "cid"), graph, opened)
    assert (taken.code, taken.holder, taken.since) == ("prepared-by-other", "bob", T0 + timedelta(hours=1))
    assert decide(Request(Action.START, "1.2", "bob"), graph, opened).allowed
    assert decide(Request(Action.FORCE_START, "1.2", "lea", is_lead=True, reason="bob is away"), graph, opened).allowed
    # Nothing to prepare on a story that can start now.
    assert decide(Request(Action.PREPARE, "1.2", "bob"), graph, statuses(**{"1_1": ("done",)})).code == "startable-now"


def test_only_the_preparer_or_a_lead_stops_a_preparation(graph):
    sts = folded(("1.2", Action.PREPARE, "bob"))
    assert decide(Request(Action.UNPREPARE, "1.2", "cid"), graph, sts).code == "not-preparer"
    assert decide(Request(Action.UNPREPARE, "1.2", "bob"), graph, sts).allowed
    assert decide(Request(Action.UNPREPARE, "1.2", "lea", is_lead=True), graph, sts).allowed
    assert decide(Request(Action.UNPREPARE, "2.1", "bob"), graph, sts).code == "not-preparer"


def test_hand_over_and_release_by_the_holder_or_a_lead(graph):
    sts = folded(("1.1", Action.START, "ann"))
    assert decide(Request(Action.ASSIGN, "1.1", "cid", person="cid"), graph, sts).code == "not-holder"
    assert decide(Request(Action.ASSIGN, "1.1", "ann", person="ann"), graph, sts).code == "same-person"
    assert decide(Request(Action.ASSIGN, "1.1", "ann", person="bob"), graph, sts).allowed
    assert decide(Request(Action.ASSIGN, "1.2", "lea", is_lead=True, person="bob"), graph, sts).code == "not-started"
    assert decide(Request(Action.RELEASE, "1.1", "bob"), graph, sts).code == "not-holder"
    assert decide(Request(Action.RELEASE, "1.1", "lea", is_lead=True), graph, sts).allowed
    handed = folded(("1.1", Action.START, "ann"), ("1.1", Action.ASSIGN, "ann", "bob"))
    assert (handed["1.1"].assignee, handed["1.1"].authors) == ("bob", ("ann", "bob"))
    released = folded(("1.1", Action.START, "ann"), ("1.1", Action.RELEASE, "ann"))
    assert (released["1.1"].state, released["1.1"].assignee, released["1.1"].authors) == ("todo", None, ())


def test_nobody_who_held_or_sent_the_story_this_round_approves_it(graph):
    sts = folded(("1.1", Action.START, "ann"), ("1.1", Action.ASSIGN, "ann", "bob"), ("1.1", Action.REVIEW, "bob"))
    for author in ("ann", "bob"):
        assert decide(Request(Action.DONE, "1.1", author, evidence=LINK), graph, sts).code == "four-eyes"
    assert decide(Request(Action.DONE, "1.1", "cid", evidence=LINK), graph, sts).allowed
    # A lead who sent it to review for the holder is an author of the round too.
    sent = folded(("1.1", Action.START, "ann"), ("1.1", Action.REVIEW, "lea"))
    assert decide(Request(Action.DONE, "1.1", "lea", is_lead=True, evidence=LINK), graph, sent).code == "four-eyes"
    # Reopened: a new round, whose author is the holder.
    again = folded(("1.1", Action.START, "ann"), ("1.1", Action.ASSIGN, "ann", "bob"), ("1.1", Action.REVIEW, "bob"),
                   ("1.1", Action.DONE, "cid"), ("1.1", Action.REOPEN, "lea"))
    assert again["1.1"].authors == ("bob",) and again["1.1"].reopened_at == T0 + timedelta(hours=4)


def test_a_named_reviewer_or_a_lead_approves_and_is_asked_again_after_changes(graph):
    sts = folded(("1.1", Action.START, "ann"), ("1.1", Action.REVIEW, "ann", "bob"))
    third = decide(Request(Action.DONE, "1.1", "cid", evidence=LINK), graph, sts)
    assert (third.code, third.reviewer) == ("not-reviewer", "bob")
    assert decide(Request(Action.DONE, "1.1", "bob", evidence=LINK), graph, sts).allowed
    assert decide(Request(Action.DONE, "1.1", "lea", is_lead=True, evidence=LINK), graph, sts).allowed
    back = folded(("1.1", Action.START, "ann"), ("1.1", Action.REVIEW, "ann"), ("1.1", Action.CHANGES, "cid"))
    assert back["1.1"].reviewer == "cid"  # the one who asked for changes is the one asked next time


def test_a_forced_story_goes_to_review_but_is_done_only_after_its_prerequisites(graph):
    sts = {**statuses(**{"1_1": ("done", "ann"), "1_2": ("in_progress", "bob")}),
           **folded(("2.1", Action.FORCE_START, "lea"), ("2.1", Action.REVIEW, "lea"))}
    assert sts["2.1"].forced and sts["2.1"].state == "review"
    held = decide(Request(Action.DONE, "2.1", "cid", evidence=LINK), graph, sts)
    assert held.code == "prerequisites-open" and held.open_prerequisites == ("1.2",)
    sts["1.2"] = status("1.2", "done", "bob")
    assert decide(Request(Action.DONE, "2.1", "cid", evidence=LINK), graph, sts).allowed


def test_every_link_of_the_evidence_is_checked(graph):
    sts = folded(("1.1", Action.START, "ann"), ("1.1", Action.REVIEW, "ann"))
    two = f"{LINK} https://ci.example.com/run/7"
    assert decide(Request(Action.DONE, "1.1", "bob", evidence=two), graph, sts).allowed
    bad = decide(Request(Action.DONE, "1.1", "bob", evidence=f"{LINK} javascript:alert(1)"), graph, sts)
    assert bad.code == "bad-link" and bad.link is not None and bad.link.kind == "scheme"
