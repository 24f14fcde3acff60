"""Replies, announcements and DMs as Block Kit: what a person sees in Slack, and that Slack would accept it."""

import json
from datetime import datetime

import pytest
from fakeslack.blocks import check_view as fake_check_view

from bot.service.replies import Notification, Reply
from bot.slack import ACTION_APPROVE, ACTION_CHANGES, ACTION_DONE, ACTION_PREPARE, ACTION_REVIEW, ACTION_START
from bot.slack.blocks.home import home_view
from bot.slack.blocks.replies import announcement_blocks, dm_blocks, reply_blocks
from planner.board import board, story_card, unblocked
from planner.graph import PlanGraph
from planner.model import Gate, Plan, Story
from planner.staffing import Staffing
from planner.state import State, StoryStatus
from tests.helpers.bot import LINK, NASTY, NASTY_ESCAPED
from tests.helpers.slack import (
    all_text,
    buttons,
    ids,
    make_plan,
    mrkdwn_texts,
    slack_accepts,
    value,
)


@pytest.fixture(scope="module")
def huge():
    return make_plan(2000, critical=300, checkpoint=1000)


def unblocked_reply(staffing, statuses=None, scope="ready"):
    data = unblocked(staffing, statuses or {}, scope=scope, person="U0ALICE")
    return Reply(True, "fallback", kind="unblocked", data={"plan": "big", **data})


def story_reply(card, **extra):
    data = {
        "plan": "big",
        **card,
        "evidence": None,
        "forced": False,
        "since": None,
        "prerequisites": [],
        "open_prerequisites": [],
        "startable": False,
        "unblocks_ids": [],
        "finalisation": False,
        "history": [],
        **extra,
    }
    return Reply(True, "fallback", kind="story", data=data)


# -- /unblocked ---------------------------------------------------------------------------------


def test_unblocked_start_buttons_carry_plan_and_story(small):
    blocks = slack_accepts(reply_blocks(unblocked_reply(small)))
    starts = [b for _, b in buttons(blocks) if b["action_id"] == ACTION_START]
    assert len(starts) == 8
    for i, btn in buttons(blocks):
        v = value(btn)
        assert v == {"plan": "big", "story": v["story"]}
        assert f"*{v['story']} " in blocks[i]["text"]["text"]  # the button sits on its own story


def test_unblocked_groups_stories_under_the_lane_owner(small):
    blocks = reply_blocks(unblocked_reply(small))
    owner_of, heading = {}, None
    for block in blocks:
        text = block.get("text", {}).get("text", "")
        if block["type"] == "section" and "accessory" not in block:
            heading = text
        elif "accessory" in block:
            owner_of[value(block["accessory"])["story"]] = heading
    # lane A holds stories 0, 4; lane B 1, 5; C and D are unbound
    assert "<@U0ALICE>" in owner_of["1.1"] and "<@U0ALICE>" in owner_of["1.5"]
    assert "<@U0BOB>" in owner_of["1.2"] and "<@U0BOB>" in owner_of["1.6"]
    assert owner_of["1.3"].startswith("*Unclaimed — Dev C")


def test_unblocked_marks_gate_critical_and_unblocks():
    plan = Plan(
        title="p",
        stories=(Story("1.1", "root"), Story("1.2"), Story("1.3")),
        edges=(("1.1", "1.2"), ("1.2", "1.3")),
        gates=(Gate("1.1", "entry"),),
    )
    staffing = Staffing(PlanGraph(plan))
    blocks = reply_blocks(unblocked_reply(staffing))
    story = next(b for b in blocks if "accessory" in b)
    text = story["text"]["text"]
    assert "*1.1 root*" in text and "entry gate" in text and "critical path" in text and "unblocks 2" in text


def test_unblocked_escapes_titles(small):
    blocks = reply_blocks(unblocked_reply(small))
    text = all_text(blocks)
    assert NASTY_ESCAPED in text
    assert "<!channel>" not in json.dumps(blocks)


def test_unblocked_all_lists_blocked_with_what_they_wait_for():
    staffing = make_plan(6, entry_gate=True)
    blocks = slack_accepts(reply_blocks(unblocked_reply(staffing, scope="all")))
    blocked = next(t for t in mrkdwn_texts(blocks) if t.startswith("*Blocked*"))
    assert "*Blocked*: 5" in blocked
    assert f"1.2 {NASTY_ESCAPED} — waits for 1.1" in blocked


def test_unblocked_all_says_a_story_held_by_a_cycle_can_never_start():
    plan = Plan(title="P", stories=tuple(Story(s, None) for s in ("1.1", "2.2", "3.2", "4.1")),
                edges=(("1.1", "2.2"), ("2.2", "3.2"), ("3.2", "2.2"), ("1.1", "4.1")))
    staffing = Staffing(PlanGraph(plan), None, {})
    blocks = slack_accepts(reply_blocks(unblocked_reply(staffing, scope="all")))
    blocked = next(t for t in mrkdwn_texts(blocks) if t.startswith("*Blocked*"))
    assert "2.2 — can never start: cycle 2.2 → 3.2 → 2.2" in blocked and "3.2 — can never start" in blocked
    assert "4.1 — waits for 1.1" in blocked


def test_unblocked_nothing_startable():
    staffing = make_plan(4, entry_gate=True)
    statuses = {"1.1": StoryStatus("1.1", State.IN_PROGRESS, assignee="U0ALICE")}
    blocks = slack_accepts(reply_blocks(unblocked_reply(staffing, statuses, scope="all")))
    assert any("Nothing is startable" in t for t in mrkdwn_texts(blocks))
    assert not buttons(blocks)
    assert any("*In progress / review*: 1" in t and "<@U0ALICE>" in t for t in mrkdwn_texts(blocks))


def test_2000_startable_stories_fit_one_message(huge):
    reply = unblocked_reply(huge)
    assert len(reply.data["items"]) == 2000  # the full data stays in the reply
    blocks = slack_accepts(reply_blocks(reply))
    assert len(blocks) <= 50
    starts = [b for _, b in buttons(blocks) if b["action_id"] == ACTION_START]
    assert 0 < len(starts) <= 20
    more = next(t for t in mrkdwn_texts(blocks) if "more startable" in t)
    assert f"…and {2000 - len(starts):,} more startable" in more
    assert "--json" in more
    # the first stories shown are the highest priority: the critical path first
    assert value(starts[0])["story"] == reply.data["items"][0]["id"]


def test_2000_stories_scope_all_and_blocked(huge):
    blocks = slack_accepts(reply_blocks(unblocked_reply(huge, scope="all")))
    assert len(blocks) <= 50
    gated = make_plan(2000, entry_gate=True)
    blocks = slack_accepts(reply_blocks(unblocked_reply(gated, scope="all")))
    assert len(blocks) <= 50
    blocked = next(t for t in mrkdwn_texts(blocks) if t.startswith("*Blocked*"))
    assert "*Blocked*: 1,999" in blocked and "…and 1,984 more" in blocked


def test_2000_story_board_is_compact(huge):
    statuses = {sid: StoryStatus(sid, State.IN_PROGRESS, assignee="U0ALICE") for sid in ids(400)}
    statuses["1.3"] = StoryStatus("1.3", State.REVIEW, assignee="U0BOB", reviewer="U0ALICE")
    data = board(huge, statuses)
    blocks = slack_accepts(reply_blocks(Reply(True, "t", kind="board", data={"plan": "big", **data})))
    assert len(blocks) <= 10
    text = all_text(blocks)
    assert "*Done*\n0 / 2,000" in text
    assert "🚦 1.3 (data): in review, <@U0BOB>" in text
    assert "A: 0/1000 — missing 1.1, 1.2" in text and "+988" in text
    assert "*Critical path*: at 1.1 (in progress), step 1 of 300" in text


# -- /board ------------------------------------------------------------------------------------


def test_board_shows_forced_starts_and_checkpoints(small):
    statuses = {"1.1": StoryStatus("1.1", State.DONE), "1.4": StoryStatus("1.4", State.IN_PROGRESS)}
    data = board(small, statuses)
    data["forced_open"] = [{"story": "1.4", "assignee": "U0BOB", "open": ["1.2"]}]
    blocks = slack_accepts(reply_blocks(Reply(True, "t", kind="board", data={"plan": "big", **data})))
    text = all_text(blocks)
    assert "⚠ *Forced starts still open*" in text and "1.4 (<@U0BOB>) still waits for 1.2" in text
    assert "*Critical path*: at 1.2 (to do), step 2 of 3" in text


@pytest.mark.parametrize(
    ("state", "startable", "expected"),
    [
        ("todo", True, [ACTION_START]),
        ("todo", False, []),
        ("in_progress", False, [ACTION_REVIEW]),
        ("review", False, [ACTION_DONE, ACTION_CHANGES]),
        ("done", False, []),
    ],
)
def test_story_buttons_follow_its_state(small, state, startable, expected):
    status = StoryStatus(
        "1.2",
        State(state),
        assignee="U0BOB" if state != "todo" else None,
        reviewer="U0ALICE" if state == "review" else None,
    )
    card = story_card("1.2", small, {"1.2": status})
    reply = story_reply(
        card,
        startable=startable,
        evidence=LINK if state == "review" else None,
        open_prerequisites=[] if startable else ["1.1"],
    )
    blocks = slack_accepts(reply_blocks(reply))
    found = [b for _, b in buttons(blocks)]
    assert [b["action_id"] for b in found] == expected
    for b in found:
        assert value(b)["plan"] == "big" and value(b)["story"] == "1.2"
    if state == "review":
        assert found[0]["style"] == "primary"
        assert value(found[0])["link"] == LINK  # the Done modal opens prefilled
    if state == "todo" and not startable:
        assert any("*Blocked*: waits for 1.1" in t for t in mrkdwn_texts(blocks))


def test_story_shows_lane_owner_history_and_escapes(small):
    card = story_card("1.2", small, {})
    history = [
        {
            "action": "changes",
            "actor": "U0ALICE",
            "from": "review",
            "to": "in_progress",
            "at": "2025-03-01T10:00:00+00:00",
            "evidence": None,
            "reviewer": None,
            "reason": NASTY,
        }
    ]
    blocks = slack_accepts(reply_blocks(story_reply(card, history=history, prerequisites=["1.1"])))
    text = all_text(blocks)
    assert (
        blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == f"1.2 {NASTY}"
    )  # plain text: harmless
    assert "Dev B (lane b), bound to <@U0BOB>" in text
    assert f"2025-03-01 10:00 <@U0ALICE> changes: in review → in progress — {NASTY_ESCAPED}" in text
    assert "<!channel>" not in "".join(mrkdwn_texts(blocks))


# -- transitions, refusals, next, team, help ----------------------------------------------------


def test_transition_to_review_offers_done():
    reply = Reply(
        True,
        "👀 1.2 x is in review.",
        kind="transition",
        data={
            "plan": "p",
            "story": "1.2",
            "action": "review",
            "from": "in_progress",
            "to": "review",
            "newly_startable": [],
            "gate": None,
        },
    )
    blocks = slack_accepts(reply_blocks(reply))
    assert blocks[0]["text"]["text"] == "👀 1.2 x is in review."
    done = [b for _, b in buttons(blocks) if b["action_id"] == ACTION_DONE]
    assert (
        len(done) == 1 and done[0]["style"] == "primary" and value(done[0]) == {"plan": "p", "story": "1.2"}
    )


def test_gate_passed_stands_out_and_huge_unblock_is_capped():
    newly = ids(2000)[1:]
    text = (
        "🚦 Gate passed (entry): ✅ 1.1 is done.\nNow startable: "
        + ", ".join(newly)
        + " — their owners were told."
    )
    reply = Reply(
        True,
        text,
        kind="transition",
        data={
            "plan": "p",
            "story": "1.1",
            "action": "done",
            "from": "review",
            "to": "done",
            "newly_startable": newly,
            "gate": "entry",
        },
    )
    blocks = slack_accepts(reply_blocks(reply))
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "🚦 Gate passed", "emoji": True},
    }
    assert any("Now startable (1,999)" in t and "+1,979" in t for t in mrkdwn_texts(blocks))


def test_refusal_shows_reason_and_warning():
    reply = Reply(
        False,
        "1.3 can't start yet: it waits for 1.2 (to do).",
        kind="refusal",
        data={"error": "not-startable", "story": "1.3", "open_prerequisites": ["1.2"]},
    )
    blocks = slack_accepts(reply_blocks(reply))
    assert blocks[0]["type"] == "section" and "can't start yet" in blocks[0]["text"]["text"]
    assert blocks[1]["type"] == "context" and "⚠ Still open: 1.2" in blocks[1]["elements"][0]["text"]
    assert not buttons(blocks)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("lane", [ACTION_START]),
        ("prepared", [ACTION_START]),
        ("elsewhere", [ACTION_START]),
        ("continue", [ACTION_REVIEW]),
        ("review", [ACTION_DONE, ACTION_CHANGES]),
        ("prepare", [ACTION_PREPARE]),
        ("preparing", []),
        ("nothing", []),
    ],
)
def test_next_offers_the_right_button(kind, expected):
    story = None if kind == "nothing" else "1.2"
    reply = Reply(
        True,
        "Next for you: *1.2*",
        kind="next",
        data={"plan": "p", "story": story, "why": "w", "reason": kind},
    )
    blocks = slack_accepts(reply_blocks(reply))
    assert [b["action_id"] for _, b in buttons(blocks)] == expected


def test_team_help_and_other_kinds_render():
    team = Reply(
        True,
        "t",
        kind="team",
        data={
            "plan": "p",
            "mode": 3,
            "allow_solo": False,
            "channel": "C0PLAN",
            "leads": ["U0LEAD"],
            "lanes": [
                {"lane": "A", "label": "core", "person": "U0ALICE", "stories": ["1.1", "1.2"]},
                {"lane": "B", "label": None, "person": None, "stories": []},
            ],
        },
    )
    text = all_text(slack_accepts(reply_blocks(team)))
    assert "*Dev A* (core)\n<@U0ALICE> — 2 stories" in text and "*Dev B*\nnobody" in text
    assert "Leads: <@U0LEAD> · four eyes: on" in text
    for kind in ("help", "team-changed", "duplicate", "info"):
        blocks = slack_accepts(reply_blocks(Reply(True, "line one\n" + "x" * 5000, kind=kind)))
        assert blocks[0]["text"]["text"].startswith("line one")


# -- notifications -----------------------------------------------------------------------------


def test_announcement_gate_passed_header():
    note = Notification(
        "channel",
        "C1",
        "🚦 Gate passed (data): ✅ 4.1 x is done.\nNow startable: 4.2 (<@U1>), 4.3 (unclaimed).",
        {"story": "4.1", "action": "done", "gate": True, "newly_startable": ["4.2", "4.3"]},
    )
    blocks = slack_accepts(announcement_blocks(note))
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == "🚦 Gate passed"
    assert "Now startable (2): 4.2 (<@U1>), 4.3 (unclaimed)" in all_text(blocks)
    plain = announcement_blocks(Notification("channel", "C1", "▶ @dev started 1.1.", {"gate": False}))
    assert [b["type"] for b in plain] == ["section"]


def test_review_request_dm_has_approve_and_changes():
    note = Notification(
        "dm",
        "U0REV",
        "<@U0DEV> asks you to review 1.2 x — https://x/pull/1.\nApprove: /done 1.2 …",
        {"story": "1.2", "review_request": True, "plan": "p"},
    )
    blocks = slack_accepts(dm_blocks(note))
    found = [b for _, b in buttons(blocks)]
    assert [b["action_id"] for b in found] == [ACTION_APPROVE, ACTION_CHANGES]
    assert found[0]["style"] == "primary" and found[0]["text"]["text"] == "Approve (done)"
    assert all(value(b) == {"plan": "p", "story": "1.2"} for b in found)


def test_now_startable_dm_caps_start_buttons():
    sids = ids(40)
    note = Notification("dm", "U0ALICE", "Now startable in your lane: many.", {"stories": sids, "plan": "p"})
    blocks = slack_accepts(dm_blocks(note))
    starts = [b for _, b in buttons(blocks) if b["action_id"] == ACTION_START]
    assert [value(b)["story"] for b in starts] == sids[:10]
    assert "…and 30 more" in blocks[-1]["elements"][0]["text"]


# -- on the real service -----------------------------------------------------------------------


def test_every_reply_of_a_real_walk_renders(service, walk):
    replies = [
        service.handle("lea", cmd)
        for cmd in (
            "/unblocked",
            "/unblocked all",
            "/unblocked mine",
            "/board",
            "/board 1.1",
            "/next",
            "/team",
            "/start 2.2",
            "/frobnicate",
        )
    ]
    replies.append(walk.ok("dev", "/start 1.1"))
    replies.append(walk.ok("dev", f"/review 1.1 {LINK} @rev"))
    replies.append(service.handle("rev", "/board 1.1"))
    replies.append(service.handle("rev", "/next"))
    replies.append(walk.ok("rev", f"/done 1.1 {LINK}"))
    replies.append(service.handle("lea", "/board 1.1"))
    for reply in replies:
        slack_accepts(reply_blocks(reply))
        for note in reply.notifications:
            slack_accepts(dm_blocks(note) if note.kind == "dm" else announcement_blocks(note))
    gate = replies[-2]
    assert reply_blocks(gate)[0]["text"]["text"] == "🚦 Gate passed"
    review_dm = next(n for n in replies[-5].notifications if n.data.get("review_request"))
    assert [b["action_id"] for _, b in buttons(dm_blocks(review_dm))] == [ACTION_APPROVE, ACTION_CHANGES]
    after = reply_blocks(service.handle("lea", "/unblocked"))
    started = {value(b)["story"] for _, b in buttons(after) if b["action_id"] == ACTION_START}
    assert started == {"1.3", "1.4", "2.4", "5.3", "5.4"}
    home = home_view(service.home("rev"))
    assert fake_check_view(home, ("home",)) == []


def test_usage_placeholders_do_not_become_links():
    reply = Reply(
        True,
        "Next for you: *1.2* — w.\n/review 1.2 <link> when ready, <@U0ALICE> <https://x|pr>",
        kind="next",
        data={"plan": "p", "story": "1.2", "why": "w", "reason": "continue"},
    )
    text = reply_blocks(reply)[0]["text"]["text"]
    assert "/review 1.2 &lt;link&gt; when ready, <@U0ALICE> <https://x|pr>" in text
    help_text = all_text(reply_blocks(Reply(True, "/start ID force <reason>", kind="help")))
    assert "force &lt;reason&gt;" in help_text


# -- preparations, reopened stories, sprints ---------------------------------------------------------

PREPARED_AT = "2026-03-02T09:00:00+01:00"


def test_board_shows_reopened_work_the_sprint_late_stories_and_preparations(small):
    statuses = {"1.1": StoryStatus("1.1", State.DONE)}
    data = board(small, statuses)
    data.update(
        reopened=[{"story": "1.1", "label": "1.1", "state": "in_progress", "assignee": "U0ALICE",
                   "reopened_at": "2026-03-03T10:00:00+01:00",
                   "after": [{"story": "1.3", "state": "review", "assignee": "U0BOB"}]}],
        sprint={"mode": 4, "count": 3, "all_done": False, "outside": [], "sprints": [],
                "current": {"name": NASTY, "index": 2, "done": 1, "total": 4, "in_progress": 2, "review": 0},
                "late": [{"story": "1.1", "label": "1.1", "sprint": "Sprint 1", "index": 1, "state": "in_progress",
                          "assignee": "U0ALICE"}]},
        preparations=[{"story": "1.5", "label": "1.5", "preparer": "U0BOB", "prepared_since": PREPARED_AT,
                       "waiting_for": ["1.1"], "startable": False}],
    )
    blocks = slack_accepts(reply_blocks(Reply(True, "t", kind="board", data={"plan": "big", **data})))
    texts = mrkdwn_texts(blocks)
    assert ("↩ *Reopened*\n• 1.1 — reopened 3 Mar, in progress, <@U0ALICE>; ⚠ started or done on top of it "
            "since: 1.3 (in review)") in texts
    assert (f"🏃 *Sprint*: {NASTY_ESCAPED} (2 of 3, 4-dev plan) — 1/4 done · 2 in progress\n"
            "⚠ *Late against their sprint*: 1\n• 1.1 (Sprint 1) — in progress, <@U0ALICE>") in texts
    assert "🧰 *Being prepared*: 1\n• 1.5 — prepared by <@U0BOB> since 2 Mar; waits for 1.1" in texts
    assert texts[-1].startswith("`/board ID`")  # the hint stays last
    data["sprint"] = board(small, statuses)["sprint"]  # the generated plan's mode has no sprints
    blocks = reply_blocks(Reply(True, "t", kind="board", data={"plan": "big", **data}))
    assert "🏃 *Sprints*: the 4-dev plan has none." in mrkdwn_texts(blocks)


def test_unblocked_and_a_story_say_who_prepares_it():
    staffing = make_plan(6, entry_gate=True)
    prepared = StoryStatus("1.2", State.TODO, preparer="U0BOB", prepared_since=datetime.fromisoformat(PREPARED_AT))
    blocks = slack_accepts(reply_blocks(unblocked_reply(staffing, {"1.2": prepared}, scope="all")))
    blocked = next(t for t in mrkdwn_texts(blocks) if t.startswith("*Blocked*"))
    assert f"• 1.2 {NASTY_ESCAPED} — waits for 1.1; 🧰 prepared by <@U0BOB> since 2 Mar" in blocked
    ready = {"1.1": StoryStatus("1.1", State.DONE), "1.2": prepared}
    blocks = slack_accepts(reply_blocks(unblocked_reply(staffing, ready)))
    assert any(t.startswith(f"*1.2 {NASTY_ESCAPED}*") and t.endswith("🧰 prepared by <@U0BOB> since 2 Mar")
               for t in mrkdwn_texts(blocks))
    card = story_card("1.2", staffing, {"1.2": prepared})
    blocks = slack_accepts(reply_blocks(story_reply(card, open_prerequisites=["1.1"])))
    assert "🧰 Being prepared by <@U0BOB> since 2 Mar." in mrkdwn_texts(blocks)
