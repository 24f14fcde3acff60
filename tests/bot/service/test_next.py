"""/next through the service, on the seed's 3-dev plan with lanes A, B and C bound to alice, bob and
carol: the plan's section 8 ("start now"), a preparation that opens, the changes asked for, and a
whole delivery in which every DM that announces newly startable work agrees with /next."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from planner.staffing import NEXT_ORDER
from tests.helpers.bot import LINK, SEED, configure

TEAM = {"A": "alice", "B": "bob", "C": "carol"}
PEOPLE = (*TEAM.values(), "lea")  # lea leads and has no lane


class Ticking:
    """A clock one minute further at each reading: every event has its own time."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def team(store):
    import_plan(store, SEED)
    store.add_lead("lea", "test")
    service = DeliveryService(store, clock=Ticking())
    configure(service, "mode 3")
    for key, person in TEAM.items():
        configure(service, "lane", key, f"@{person}")
    return service


def ok(service, actor, text):
    reply = service.handle(actor, text)
    assert reply.ok, f"{actor} {text}: {reply.text}"
    return reply


def lane(service, key: str) -> tuple[str, ...]:
    mode = service.context().staffing.mode
    assert mode is not None and mode.devs == 3
    found = mode.lane(key)
    assert found is not None
    return found.stories


def headline(reply) -> str:
    return reply.text.split("\n")[0]


def test_section_8_start_now_is_what_next_says(team):
    entry = team.context().plan.entry_gate
    alice = ok(team, "alice", "/next")
    assert alice.data["story"] == entry and alice.data["suggestion"] == "lane"
    assert alice.text.endswith(f"/start {entry}")
    for person, key in (("bob", "B"), ("carol", "C")):
        first = lane(team, key)[0]
        reply = ok(team, person, "/next")
        assert (reply.data["story"], reply.data["suggestion"]) == (first, "prepare")
        assert f"prepare {first}" in reply.text and entry in reply.data["waits_for"]
        assert reply.text.endswith(f"/prepare {first}")


def test_bob_hears_of_his_preparation_while_the_gate_is_in_progress_not_of_the_gate(team):
    entry, prepared = team.context().plan.entry_gate, lane(team, "B")[0]
    ok(team, "bob", f"/prepare {prepared}")
    ok(team, "carol", f"/prepare {lane(team, 'C')[0]}")
    ok(team, "alice", f"/start {entry}")
    bob = ok(team, "bob", "/next")
    assert (bob.data["story"], bob.data["suggestion"]) == (prepared, "preparing")
    assert headline(bob).startswith(f"Next for you: *{team.context().story(prepared).label}* — ")
    assert f"you are preparing {prepared}; it waits for {entry}" in bob.text
    for person in ("bob", "carol"):
        assert ok(team, person, "/next").data["story"] != entry
    assert ok(team, "alice", "/next").data["suggestion"] == "continue"

    # the gate is done: bob's /next says his preparation can start, and nobody else is sent to it
    ok(team, "alice", f"/review {entry} {LINK} @carol")
    done = ok(team, "carol", f"/done {entry} {LINK}")
    told = [n for n in done.notifications if n.kind == "dm" and n.to == "bob"]
    assert told and told[0].text.startswith(f"{entry} is done: {prepared}")
    bob = ok(team, "bob", "/next")
    assert (bob.data["story"], bob.data["suggestion"]) == (prepared, "prepared")
    assert f"you prepared {prepared} and it can start now" in bob.text and bob.text.endswith(f"/start {prepared}")
    assert all(ok(team, p, "/next").data["story"] != prepared for p in PEOPLE if p != "bob")


def test_next_says_what_changes_were_asked_on_the_story_you_hold(team):
    entry = team.context().plan.entry_gate
    ok(team, "alice", f"/start {entry}")
    ok(team, "alice", f"/review {entry} {LINK} @bob")
    assert ok(team, "bob", "/next").data["suggestion"] == "review"
    ok(team, "bob", f"/review {entry} changes pin the <kernel> version")
    reply = ok(team, "alice", "/next")
    assert reply.data["suggestion"] == "continue"
    assert reply.data["changes"] == {"by": "bob", "reason": "pin the <kernel> version"}
    assert "@bob asked for changes: pin the &lt;kernel&gt; version — make them and send it back to review" in reply.text
    ok(team, "alice", f"/review {entry} {LINK}")  # back to bob, who asked
    assert ok(team, "bob", "/next").data["story"] == entry
    home = team.home("alice")
    assert "asked for changes" not in home["next"]["why"]


def test_app_home_next_story_says_the_changes_too(team):
    entry = team.context().plan.entry_gate
    ok(team, "alice", f"/start {entry}")
    ok(team, "alice", f"/review {entry} {LINK} @bob")
    ok(team, "bob", f"/review {entry} changes add the runbook")
    home = team.home("alice")
    assert home["next"]["kind"] == "continue" and "@bob asked for changes: add the runbook" in home["next"]["why"]


# -- a whole delivery, everyone doing what /next says -------------------------------------------------


def rank(service, person: str, suggestion: str, story: str | None) -> tuple[int, int]:
    """Where a suggestion stands in `person`'s order: its kind, then its place in their lane."""
    ctx = service.context()
    place = 0
    if story is not None and suggestion == "lane":
        mine = [s for lane_ in ctx.staffing.lanes_of(person) for s in lane_.stories]
        place = mine.index(story) if story in mine else len(mine)
    elif story is not None and suggestion == "prepared":
        place = sorted(ctx.graph.startable(ctx.statuses), key=ctx.graph.priority_key).index(story)
    return NEXT_ORDER.index(suggestion), place


def check_agreement(service, reply) -> None:
    """Every DM this move sent that announces newly startable stories to X: /next for X proposes
    the story, or something earlier in X's order; /next for anyone else proposes none of them.
    A finalisation story is announced only once it is due (no other story to do), as /next proposes it."""
    ctx = service.context()
    nexts = {p: ok(service, p, "/next").data for p in PEOPLE}
    for note in reply.notifications:
        if note.kind != "dm" or "stories" not in note.data:
            continue
        taker = note.to
        for sid in note.data["stories"]:
            for other in PEOPLE:
                if other != taker:
                    assert nexts[other]["story"] != sid, (other, sid, "announced to", taker)
            assert ctx.staffing.finalisation_due(sid, ctx.statuses), (sid, "announced before it is due")
            kind = "prepared" if ctx.status(sid).preparer == taker else "lane"
            mine = nexts[taker]
            assert mine["story"] == sid or rank(service, taker, mine["suggestion"], mine["story"]) < rank(
                service, taker, kind, sid), (taker, sid, mine)
        # and the DM asks them to start what /next offers them, when it is one of these
        if nexts[taker]["story"] in note.data["stories"]:
            assert f"/start {nexts[taker]['story']}" in note.text


def all_done(team) -> bool:
    ctx = team.context()  # (a story never moved has no status row: ask the context, not its dict)
    return all(ctx.status(sid).state == "done" for sid in ctx.plan.story_ids)


def test_in_a_whole_delivery_the_dm_and_next_never_disagree(team):
    """alice, bob and carol deliver the seed doing only what /next tells them (reviews by the next
    teammate, one round of changes asked): after every move, the DMs and /next agree, nobody is sent
    into another lane while theirs has something to start or prepare, and a finished lane says so."""
    people = list(TEAM.values())
    heard: dict[str, list[dict]] = {p: [] for p in people}
    changes_asked = False
    for _ in range(200):
        if all_done(team):
            break
        moved = False
        for person in people:
            nxt = ok(team, person, "/next").data
            heard[person].append(nxt)
            sid, kind = nxt["story"], nxt["suggestion"]
            if kind == "review" and not changes_asked:
                changes_asked = True
                reply = ok(team, person, f"/review {sid} changes add the runbook")
            elif kind == "review":
                reply = ok(team, person, f"/done {sid} {LINK}")
            elif kind == "continue":
                reviewer = people[(people.index(person) + 1) % len(people)]
                reply = ok(team, person, f"/review {sid} {LINK} @{reviewer}")
            elif kind in ("prepared", "lane", "elsewhere"):
                reply = ok(team, person, f"/start {sid}")
            elif kind == "prepare":
                reply = ok(team, person, f"/prepare {sid}")
            else:
                continue
            moved = True
            check_agreement(team, reply)
        assert moved, "nobody had anything to do before the plan was done"
    assert all_done(team)
    # what people read on the way
    said = {p: {h["suggestion"] for h in heard[p]} for p in people}
    assert "prepare" in said["bob"] and "prepare" in said["carol"]
    assert any(h["changes"] for p in people for h in heard[p])
    for person in people:
        mine = [s for lane_ in team.context().staffing.lanes_of(person) for s in lane_.stories]
        for h in heard[person]:
            if h["suggestion"] == "elsewhere":  # only ever once their own lane had nothing left for them
                assert h["lane_finished"] or "nothing in your lane to start or prepare" in h["why"], h
                assert h["story"] not in mine
    final = ok(team, "alice", "/next")
    assert final.data["lane_finished"] and "your lane is finished" in final.text
