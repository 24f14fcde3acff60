"""Staffing: the active mode, lanes bound to people, and what each person should do next."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.graph import PlanGraph
from planner.model import Lane, Mode, Plan, Story, story_sort_key
from planner.staffing import Staffing, Suggestion
from planner.state import Action, Event, StoryStatus, apply_event
from planner.workflow import Request, decide, moves_of
from tests.helpers.plans import read_seed, status, statuses, tiny_plan


@pytest.fixture
def graph() -> PlanGraph:
    return PlanGraph(tiny_plan())


def test_staffing_next_story_and_owner(graph):
    staffing = Staffing(graph, 2, {"A": "ann", "B": "bob"})
    sts = statuses(**{"1_1": ("done",)})
    assert staffing.owner_of("1.2") == "ann"
    assert staffing.owner_of("9.9") is None and staffing.may_take("bob", "9.9")
    assert not staffing.may_take("ann", "9.9")
    assert staffing.next_for("ann", sts).story_id == "1.2"
    # bob's lane (2.2) is blocked: he prepares it; 9.9, floating to his lane, is finalised at the end
    prepare = staffing.next_for("bob", sts)
    assert (prepare.story_id, prepare.kind, prepare.waits_for) == ("2.2", "prepare", ("2.1",))
    # nothing left in his lane to start or prepare, and ann on other work: ann's next story is free
    sts["2.2"] = status("2.2", "todo", preparer="zed")
    sts["9.9"] = status("9.9", "in_progress", "ann")
    elsewhere = staffing.next_for("bob", sts)
    assert elsewhere.story_id == "1.2" and elsewhere.kind == "elsewhere" and elsewhere.critical
    assert elsewhere.owner == "ann"
    assert staffing.next_for("ann", sts).kind == "continue"
    assert staffing.lane_label("1.2") == "Dev A (core)"
    assert staffing.lane_label("9.9") == "floating (Dev B)"


def test_a_review_waiting_for_you_comes_before_your_lane(graph):
    staffing = Staffing(graph, 2, {"A": "ann", "B": "bob"})
    sts = statuses(**{"1_1": ("done",)})
    sts["2.2"] = status("2.2", "review", "cid", reviewer="ann")
    assert staffing.next_for("ann", sts).kind == "review"
    assert staffing.next_for("ann", sts).story_id == "2.2"


def test_nothing_startable_says_so(graph):
    staffing = Staffing(graph, 2, {"A": "ann"})
    sts = statuses(**{"1_1": ("in_progress", "zed")})
    for sid in ("1.2", "2.1"):  # ann's blocked stories are prepared by someone else: nothing to prepare either
        sts[sid] = status(sid, "todo", preparer="zed")
    suggestion = staffing.next_for("ann", sts)
    assert (suggestion.story_id, suggestion.kind) == (None, "nothing")
    assert suggestion.has_lane and not suggestion.lane_finished


def test_the_mode_is_the_one_asked_for_else_the_recommended_one():
    modes = (
        Mode(2, lanes=(Lane("A", None, ("1.1",)),)),
        Mode(3, recommended=True, lanes=(Lane("A", None, ("1.2",)), Lane("B", None, ("1.1",)))),
    )
    graph = PlanGraph(Plan(title="p", stories=(Story("1.1"), Story("1.2")), modes=modes))
    assert Staffing(graph).mode.devs == 3
    assert Staffing(graph, 2).mode.devs == 2
    assert Staffing(graph, 7).mode.devs == 3  # a mode the plan does not have: the recommended one
    # lanes are bound by letter, so "Dev A" stays the same person in every mode
    assert Staffing(graph, 2, {"A": "ann"}).owner_of("1.1") == "ann"
    assert Staffing(graph, 3, {"A": "ann"}).owner_of("1.1") is None


def test_a_plan_without_modes_has_no_lanes():
    graph = PlanGraph(Plan(title="p", stories=(Story("1.1"),)))
    staffing = Staffing(graph, bindings={"A": "ann"})
    assert staffing.mode is None and staffing.lanes_of("ann") == []
    assert staffing.lane_label("1.1") == "no lane"
    assert not staffing.may_take("ann", "1.1")


# -- /next on the seed's 3-dev plan: lanes mean something ------------------------------------------

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TEAM = {"A": "alice", "B": "bob", "C": "carol"}


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def seed() -> Staffing:
    """The seed in its 3-dev plan, lanes A, B and C bound to alice, bob and carol."""
    return Staffing(PlanGraph(read_seed()), 3, TEAM)


def lane(staffing: Staffing, key: str) -> tuple[str, ...]:
    found = staffing.mode.lane(key) if staffing.mode else None
    assert found is not None
    return found.stories


def done(*sids: str, when: datetime = T0) -> dict[str, StoryStatus]:
    return {s: status(s, "done", "zed", since=when) for s in sids}


def test_section_8_start_now_alice_starts_the_gate_bob_and_carol_prepare(seed):
    """Section 8, "Lancer Dev A sur 1.1", "Preparer Dev B sur 1.4", "Preparer Dev C sur 3.1", is /next."""
    entry = seed.plan.entry_gate
    assert seed.next_for("alice", {}) == Suggestion(entry, "lane", lane="A", critical=True, gate="entry")
    for person, key in (("bob", "B"), ("carol", "C")):
        first = lane(seed, key)[0]
        suggestion = seed.next_for(person, {})
        assert (suggestion.kind, suggestion.story_id, suggestion.lane) == ("prepare", first, key)
        assert suggestion.waits_for == tuple(seed.graph.open_prerequisites(first, {})) and entry in suggestion.waits_for


def test_while_the_gate_is_in_progress_bob_hears_of_his_preparation_not_of_alices_gate(seed):
    entry, prepared = seed.plan.entry_gate, lane(seed, "B")[0]
    sts = {entry: status(entry, "in_progress", "alice", since=at(1)),
           prepared: status(prepared, "todo", preparer="bob", prepared_since=at(2))}
    assert seed.next_for("alice", sts).kind == "continue"
    bob = seed.next_for("bob", sts)
    assert (bob.kind, bob.story_id, bob.waits_for) == ("preparing", prepared, (entry,))
    carol = seed.next_for("carol", sts)
    assert (carol.kind, carol.story_id) == ("prepare", lane(seed, "C")[0])
    assert entry not in {seed.next_for(p, sts).story_id for p in ("bob", "carol", "dan")}


def test_once_the_gate_is_done_the_preparer_hears_first_and_nobody_else_is_sent_to_it(seed):
    entry, prepared = seed.plan.entry_gate, lane(seed, "B")[0]
    sts = {**done(entry), prepared: status(prepared, "todo", preparer="bob", prepared_since=at(-5))}
    assert seed.next_for("bob", sts) == Suggestion(prepared, "prepared", lane="B")
    alice = seed.next_for("alice", sts)
    assert (alice.kind, alice.story_id) == ("lane", lane(seed, "A")[1])
    for person in ("alice", "carol", "dan"):
        assert seed.next_for(person, sts).story_id != prepared


def test_a_review_waiting_on_you_comes_first_gates_and_critical_path_before_the_rest(seed):
    plan = seed.plan
    critical = next(s for s in plan.critical_path if s != plan.entry_gate)
    side = min((s for s in plan.story_ids if not seed.graph.is_critical(s) and not plan.gate_of(s)),
               key=story_sort_key)
    assert story_sort_key(side) < story_sort_key(critical)  # id order alone would pick the other one
    mine = next(s for s in lane(seed, "A") if s not in (critical, side, plan.entry_gate))
    sts = {**done(plan.entry_gate), critical: status(critical, "review", "bob", reviewer="alice"),
           side: status(side, "review", "carol", reviewer="alice"), mine: status(mine, "in_progress", "alice")}
    assert (seed.next_for("alice", sts).kind, seed.next_for("alice", sts).story_id) == ("review", critical)
    sts[critical] = status(critical, "done", "bob")
    assert seed.next_for("alice", sts).story_id == side
    sts[side] = status(side, "done", "carol")
    assert (seed.next_for("alice", sts).kind, seed.next_for("alice", sts).story_id) == ("continue", mine)


def test_the_story_you_hold_comes_before_your_prepared_one(seed):
    entry, prepared = seed.plan.entry_gate, lane(seed, "B")[0]
    held = next(s for s in lane(seed, "B")[1:] if seed.graph.prerequisites(s) == [entry])
    sts = {**done(entry), prepared: status(prepared, "todo", preparer="bob"), held: status(held, "in_progress", "bob")}
    assert (seed.next_for("bob", sts).kind, seed.next_for("bob", sts).story_id) == ("continue", held)


def test_your_lane_in_its_order_before_anything_elsewhere(seed):
    """bob's lane has startable stories: carol, with nothing to start, prepares her own lane; nobody is
    sent into bob's lane while he is free to take it."""
    entry = seed.plan.entry_gate
    sts = done(entry, *lane(seed, "B")[:1])
    bob = seed.next_for("bob", sts)
    first_startable = next(s for s in lane(seed, "B") if seed.graph.is_startable(s, sts))
    assert (bob.kind, bob.story_id) == ("lane", first_startable)
    assert seed.next_for("carol", sts).kind == "prepare"
    # dan has no lane: every startable story belongs to someone free to take it
    assert seed.next_for("dan", sts) == Suggestion(None, "nothing")


def test_a_story_of_someone_elses_lane_is_free_once_they_moved_on(seed):
    """alice's lane is finished. When carol's data gate is done, what it opened in carol's lane stays
    hers; once she started one of them, the rest is free for alice, critical path first."""
    plan, graph = seed.plan, seed.graph
    gate = next(g.story for g in plan.gates if g.kind == "data")
    opened = [s for s in lane(seed, "C") if graph.prerequisites(s) and set(graph.prerequisites(s)) <= {gate, plan.entry_gate}]
    assert len(opened) >= 2 and any(graph.is_critical(s) for s in opened)
    ancestors = [s for s in plan.story_ids if gate in graph.unblocks_all(s)]
    earlier_in_c = lane(seed, "C")[: lane(seed, "C").index(gate)]
    sts = done(*lane(seed, "A"), *ancestors, *earlier_in_c, gate, when=at(10))
    for s in plan.story_ids:  # everyone else's work is under way elsewhere: nothing to prepare
        if s not in sts and s not in opened and not graph.is_startable(s, sts):
            sts[s] = status(s, "todo", preparer="zed")
    alice = seed.next_for("alice", sts)
    assert alice.lane_finished and alice.story_id not in opened
    carol_first = seed.next_for("carol", sts)
    assert (carol_first.kind, carol_first.story_id) == ("lane", opened[0])
    sts[opened[0]] = status(opened[0], "in_progress", "carol", since=at(20))
    alice = seed.next_for("alice", sts)
    assert (alice.kind, alice.owner, alice.lane_finished) == ("elsewhere", "carol", True)
    assert alice.story_id in opened[1:] and alice.critical
    # carol busy since *before* they opened: they were announced to her, so they stay hers
    sts[opened[0]] = status(opened[0], "in_progress", "carol", since=at(5))
    assert seed.next_for("alice", sts).story_id not in opened


def test_the_finalisation_story_comes_once_no_other_story_is_left_to_do(seed):
    plan = seed.plan
    (final,) = plan.finalisation
    key = next(k for k in TEAM if final in lane(seed, k))
    owner, others = TEAM[key], [s for s in plan.story_ids if s != final]
    sts = done(*(s for s in others if s in lane(seed, key)), plan.entry_gate)
    assert seed.graph.is_startable(final, sts)
    suggestion = seed.next_for(owner, sts)
    assert suggestion.story_id != final and suggestion.later == (final,) and not suggestion.lane_finished
    last = others[-1]
    sts = {last: status(last, "todo"), **done(*others[:-1])}
    assert seed.next_for(owner, sts).story_id != final  # one other story still to do: not yet
    sts[last] = status(last, "in_progress", "zed")
    assert (seed.next_for(owner, sts).kind, seed.next_for(owner, sts).story_id) == ("lane", final)
    # its review waits until it can be approved: every other story done
    sts[final] = status(final, "review", owner, reviewer="alice" if owner != "alice" else "bob")
    reviewer = sts[final].reviewer or ""
    assert seed.next_for(reviewer, sts).kind != "review"
    sts[last] = status(last, "done", "zed")
    assert (seed.next_for(reviewer, sts).kind, seed.next_for(reviewer, sts).story_id) == ("review", final)


def test_a_finished_lane_says_so(seed):
    sts = done(*lane(seed, "A"))
    suggestion = seed.next_for("alice", sts)
    assert suggestion.lane_finished and suggestion.has_lane and suggestion.kind in ("elsewhere", "nothing")
    assert not seed.next_for("bob", sts).lane_finished


# -- a property: whatever happened, the order holds --------------------------------------------------

PEOPLE = ("alice", "bob", "carol", "dan")
ACTIONS = (Action.START, Action.REVIEW, Action.CHANGES, Action.DONE, Action.PREPARE, Action.RELEASE)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(ACTIONS), st.integers(0, 40),
                          st.sampled_from(PEOPLE)), max_size=120))
def test_next_never_leaves_your_lane_while_it_has_work_and_never_takes_what_is_someone_elses(moves):
    staffing = Staffing(PlanGraph(read_seed()), 3, TEAM)
    plan, graph = staffing.plan, staffing.graph
    sts: dict[str, StoryStatus] = {}
    for n, (actor, action, pick, other) in enumerate(moves):
        reviewer = other if action == Action.REVIEW else None
        allowed = [sid for sid in plan.story_ids if decide(
            Request(action, sid, actor, is_lead=False, evidence="https://ci.example.com/1", reviewer=reviewer),
            graph, sts).allowed]
        if not allowed:
            continue
        sid = allowed[pick % len(allowed)]  # one of the moves the rules allow this person
        before = sts.get(sid) or StoryStatus(sid)
        frm, to = moves_of(action, before.state)
        sts[sid] = apply_event(before, Event(sid, action, actor, frm, to, at(n), reviewer=reviewer))
        for person in PEOPLE:
            check_next(staffing, person, sts)


def check_next(staffing: Staffing, person: str, sts: dict[str, StoryStatus]) -> None:
    graph, s = staffing.graph, staffing.next_for(person, sts)
    state = (sts.get(s.story_id) or StoryStatus(s.story_id)) if s.story_id else None
    mine = [x for lane in staffing.lanes_of(person) for x in lane.stories]
    if s.kind in ("prepared", "lane", "elsewhere"):
        assert state is not None and graph.is_startable(s.story_id, sts)
        assert state.preparer in (None, person)  # never a story someone else prepares
        assert staffing.finalisation_due(s.story_id, sts)
    if s.kind == "review":
        assert state is not None and state.state == "review" and state.reviewer == person
    if s.kind in ("prepare", "preparing"):
        assert state is not None and state.state == "todo" and s.waits_for
    if s.kind in ("elsewhere", "nothing"):
        # nothing of their own to start or prepare
        for x in mine:
            st_x = sts.get(x) or StoryStatus(x)
            if st_x.state == "todo" and staffing.finalisation_due(x, sts):
                assert st_x.preparer not in (None, person), (person, x, s)
        assert s.lane_finished == (bool(mine) and all((sts.get(x) or StoryStatus(x)).state == "done" for x in mine))
    if s.kind == "elsewhere" and s.owner and s.owner != person:
        assert any(v.state == "in_progress" and v.assignee == s.owner for v in sts.values())
