"""The whole seed plan delivered over real HTTP by a team of four, through commands, buttons and
modals, checking every reply and every message and DM the fake Slack received."""

import asyncio
import json

from planner.state import fold_events
from tests.helpers.bot import SEED_TEXT, SLUG, STORIES
from tests.helpers.plans import checkpoint_blocks, named_ids
from tests.helpers.slack import CHANNEL

LEAD, ANN, BOB, CAT = "U0LEAD", "U0ANN", "U0BOB", "U0CAT"
LANES = {"A": ANN, "B": BOB, "C": CAT}
LINK = "https://git.example.com/infra/pull/"
GATES = {"1.1", "2.2", "4.1", "5.1"}
# The 3-dev plan of the seed, as a person reads it.
LANE_OF = {**{s: "A" for s in ("1.1", "1.3", "2.1", "2.2", "2.3")},
           **{s: "B" for s in ("1.4", "1.2", "2.4", "4.2", "5.3", "5.4")},
           **{s: "C" for s in ("3.1", "3.2", "3.3", "4.1", "4.3", "5.1", "5.2")}}


# What each story waits for, read off the seed by hand ("Apres" sections, critical path, entry gate).
AFTER = {"1.1": set(), "1.3": {"1.1"}, "1.4": {"1.1"}, "2.4": {"1.1"}, "5.3": {"1.1"}, "5.4": {"1.1"},
         "1.2": {"1.3", "1.4"}, "2.1": {"1.3"}, "2.2": {"2.1"}, "2.3": {"2.2"}, "3.1": {"2.2"},
         "3.3": {"2.2"}, "4.1": {"2.2"}, "3.2": {"3.1"}, "4.2": {"4.1"}, "4.3": {"4.1"}, "5.1": {"4.1"},
         "5.2": {"5.1"}}


def expected_dms(done_before: set, sid: str) -> dict:
    """Who must be told what, when `sid` is done: each lane owner once, with their new stories."""
    def startable(done):
        return {s for s, needs in AFTER.items() if s not in done and needs <= done}
    # 5.4 is finalised at the end: it opens when the last other story starts, not on a done.
    new = startable(done_before | {sid}) - startable(done_before) - {"5.4"}
    told: dict = {}
    for story in sorted(new):
        told.setdefault(LANES[LANE_OF[story]], []).append(story)
    return told


CHECKPOINTS = checkpoint_blocks(SEED_TEXT)  # name -> (stories, proofs), read off the seed


def milestones(done_before: set, sid: str) -> list[str]:
    """The announcements the done of `sid` adds: each checkpoint whose last story it is, then the end
    of the plan when it is the last story."""
    done = done_before | {sid}
    said = [f"🏁 Checkpoint {name} reached: {', '.join(ids)}" for name, (ids, _) in CHECKPOINTS.items()
            if set(ids) <= done and not set(ids) <= done_before]
    if done == set(AFTER):
        said.append(f"🎉 {SLUG} is delivered: all {STORIES} stories done in ")
    return said


def reviewer_for(owner: str) -> str:
    return {ANN: BOB, BOB: CAT, CAT: ANN}[owner]


async def posts_after(slack, method: str, before: int, count: int) -> list:
    calls = await slack.wait_for(method, before + count, timeout=20)
    return calls[before:]


def dm_user(slack, call) -> str:
    """Which user a chat.postMessage went to: the fake opens D<id> for U<id>."""
    return "U" + call.args["channel"][1:]


async def test_the_whole_seed_plan_over_http(workspace, seeded_service):
    slack = workspace.slack
    for lane, user in LANES.items():
        result = await workspace.command(LEAD, "/team", f"lane {lane} <@{user}|{user.lower()}>")
        assert result["reply"].text == f"Lane {lane} is now <@{user}>'s."

    delivered = []
    assert set(AFTER) == set(LANE_OF) == set(named_ids(SEED_TEXT))  # the hand-read model covers the seed
    assert expected_dms(set(), "1.1") == {ANN: ["1.3"], BOB: ["1.4", "2.4", "5.3"]}
    for step in range(STORIES):
        first = await workspace.command(ANN, "/unblocked")
        reply = first["reply"]
        buttons = [json.loads(b["accessory"]["value"]) for b in reply.body["blocks"]
                   if b.get("accessory", {}).get("action_id") == "start_story"]
        assert buttons, reply.text
        startable = [b["story"] for b in buttons]
        sid = next((s for s in startable if s != "5.4"), startable[0])
        owner = LANES[LANE_OF[sid]]
        assert f"<@{owner}>" in reply.text  # grouped under the person whose lane holds it
        posted = len(slack.calls_to("chat.postMessage", ok=True))

        # start: by button on even steps, by command on odd ones
        if step % 2 == 0:
            click = await workspace.click(owner, "start_story", json.dumps({"plan": SLUG, "story": sid}))
            assert click["status"] == 200
            answer = (await slack.wait_for_responses(click["payload"]["response_url"], timeout=20))[0]
        else:
            answer = (await workspace.command(owner, "/start", sid))["reply"]
        assert answer.text.startswith(f"▶ <@{owner}> started {sid}"), answer.text
        # 5.4 opens when nothing else is to do; its owner hears it, unless they just started that story
        last_other = sid != "5.4" and len(delivered) == STORIES - 2 and owner != LANES[LANE_OF["5.4"]]
        announce = await posts_after(slack, "chat.postMessage", posted, 2 if last_other else 1)
        assert announce[0].args["channel"] == CHANNEL and f"started {sid}" in announce[0].args["text"]
        if last_other:
            assert dm_user(slack, announce[1]) == LANES[LANE_OF["5.4"]]
            assert announce[1].args["text"].startswith("Now startable in your lane: 5.4")

        # review, naming a reviewer: the reviewer gets a DM with Approve / Request changes
        reviewer = reviewer_for(owner)
        posted = len(slack.calls_to("chat.postMessage", ok=True))
        answer = (await workspace.command(owner, "/review", f"{sid} <{LINK}{step}> <@{reviewer}|r>"))["reply"]
        assert f"{sid}" in answer.text and "is in review" in answer.text
        sent = await posts_after(slack, "chat.postMessage", posted, 2)
        assert sent[0].args["channel"] == CHANNEL
        assert dm_user(slack, sent[1]) == reviewer and "asks you to review" in sent[1].args["text"]
        approve = [e for b in sent[1].args["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert {e["action_id"] for e in approve} == {"approve_review", "request_changes"}

        # done: through the DM's Approve button and the modal on even steps, by command on odd ones
        posted = len(slack.calls_to("chat.postMessage", ok=True))
        if sid == "5.4" and len(delivered) < STORIES - 1:
            raise AssertionError("5.4 must come last")
        if step % 2 == 0:
            value = next(e["value"] for e in approve if e["action_id"] == "approve_review")
            opened = len(slack.calls_to("views.open", ok=True))
            assert (await workspace.click(reviewer, "approve_review", value, channel=None,
                                          response_url=False))["status"] == 200
            view = (await slack.wait_for("views.open", opened + 1, timeout=20))[-1].args["view"]
            status, body = await workspace.submit(
                reviewer, view, {"evidence": {"link": {"type": "plain_text_input", "value": f"{LINK}{step}"}}})
            assert status == 200 and not body, body  # closes: no errors
        else:
            answer = (await workspace.command(reviewer, "/done", f"{sid} {LINK}{step}"))["reply"]
            assert f"{sid}" in answer.text and "is done, approved by" in answer.text
        expected = expected_dms(set(delivered), sid)
        expected.pop(reviewer, None)  # who approved it reads what opened in the reply, not in a DM
        announced = milestones(set(delivered), sid)
        confirmation = 1 if step % 2 == 0 else 0  # the modal's submitter is told by DM it went through
        news = await posts_after(slack, "chat.postMessage", posted,
                                 1 + len(announced) + len(expected) + confirmation)
        channel_post = next(c for c in news if c.args["channel"] == CHANNEL)
        # right after the done's own post: a checkpoint reached, the end of the plan, with their header
        said = [c for c in news if c.args["channel"] == CHANNEL][1:]
        assert [c.args["text"][:len(a)] for c, a in zip(said, announced, strict=True)] == announced
        assert all(c.args["blocks"][0]["type"] == "header" for c in said)
        assert f"{sid}" in channel_post.args["text"] and "is done" in channel_post.args["text"]
        if sid in GATES:
            assert channel_post.args["text"].startswith("🚦 Gate passed")
            assert channel_post.args["blocks"][0]["type"] == "header"
        if confirmation:
            mine = [c for c in news if c.args["channel"] != CHANNEL and dm_user(slack, c) == reviewer
                    and "is done, approved by" in c.args["text"]]
            assert len(mine) == 1
            news.remove(mine[0])
        dms = {dm_user(slack, c): c.args["text"] for c in news if c.args["channel"] != CHANNEL}
        assert set(dms) == set(expected), (sid, dms)
        for user, stories in expected.items():
            assert all(s in dms[user] for s in stories), dms[user]
        delivered.append(sid)

    statuses = seeded_service.store.statuses(SLUG)
    assert all(s.state == "done" for s in statuses.values()) and len(statuses) == STORIES
    assert delivered[-1] == "5.4" and len(set(delivered)) == STORIES
    events = seeded_service.store.events(SLUG)
    assert len(events) == 3 * STORIES  # start, review, done
    assert {k: v.state for k, v in fold_events(statuses, events).items()} == {k: v.state for k, v in statuses.items()}
    final = await workspace.command(ANN, "/unblocked")
    assert "Nothing is startable right now" in final["reply"].text
    board = await workspace.command(ANN, "/board")
    assert f"{STORIES}/{STORIES} done" in board["reply"].text
    # nothing was ever posted that Slack would reject, and no call failed
    assert not [c for c in slack.calls if c.failed]


async def test_a_refused_button_says_exactly_what_the_command_says(workspace, seeded_service):
    by_command = (await workspace.command(ANN, "/start", "2.1"))["reply"].text
    click = await workspace.click(ANN, "start_story", json.dumps({"plan": SLUG, "story": "2.1"}))
    by_button = (await workspace.slack.wait_for_responses(click["payload"]["response_url"], timeout=20))[0].text
    assert by_button == by_command and "can't start yet: it waits for 1.1" in by_button
    assert seeded_service.store.events(SLUG) == []
    assert workspace.slack.calls_to("chat.postMessage") == []


async def test_done_without_a_link_opens_the_evidence_modal_which_validates(workspace, seeded_service):
    seeded_service.handle(ANN, "/start 1.1")
    seeded_service.handle(ANN, f"/review 1.1 {LINK}1")
    result = await workspace.command(BOB, "/done", "1.1")
    assert result["status"] == 200
    view = (await workspace.slack.wait_for("views.open", 1, timeout=20))[0].args["view"]
    assert view["callback_id"] == "done_modal"
    status, body = await workspace.submit(BOB, view, {"evidence": {"link": {"type": "plain_text_input",
                                                                            "value": "javascript:alert(1)"}}})
    assert status == 200 and body["response_action"] == "errors" and "http" in body["errors"]["evidence"]
    status, body = await workspace.submit(ANN, view, {"evidence": {"link": {"type": "plain_text_input",
                                                                            "value": f"{LINK}1"}}})
    assert body["response_action"] == "errors" and "four eyes" in body["errors"]["evidence"]
    assert seeded_service.store.status(SLUG, "1.1").state == "review"
    status, body = await workspace.submit(BOB, view, {"evidence": {"link": {"type": "plain_text_input",
                                                                            "value": f"{LINK}1"}}})
    assert status == 200 and not body
    assert seeded_service.store.status(SLUG, "1.1").state == "done"


async def test_rate_limited_announcements_still_arrive_once(workspace, seeded_service):
    workspace.slack.fail("chat.postMessage", error="ratelimited", retry_after=1, times=2)
    await workspace.command(ANN, "/start", "1.1")
    delivered = await workspace.slack.wait_for("chat.postMessage", 1, timeout=20)
    await asyncio.sleep(0.3)
    attempts = workspace.slack.calls_to("chat.postMessage")
    assert [c.failed for c in attempts] == [True, True, False]
    assert len(delivered) == 1 and "started 1.1" in delivered[0].args["text"]


async def test_reviewer_requests_changes_through_the_dm_button_and_modal(workspace, seeded_service):
    slack = workspace.slack
    seeded_service.handle(ANN, "/start 1.1")
    review = await workspace.command(ANN, "/review", f"1.1 {LINK}7 <@{BOB}|bob>")
    assert "is in review" in review["reply"].text
    dm = (await slack.wait_for("chat.postMessage", 2, timeout=20))[1]
    buttons = {e["action_id"]: e["value"] for b in dm.args["blocks"] if b["type"] == "actions" for e in b["elements"]}
    posted = len(slack.calls_to("chat.postMessage", ok=True))
    await workspace.click(BOB, "request_changes", buttons["request_changes"], channel=None, response_url=False)
    view = (await slack.wait_for("views.open", 1, timeout=20))[-1].args["view"]
    assert view["callback_id"] == "changes_modal"
    status, body = await workspace.submit(BOB, view, {"reason": {"text": {"type": "plain_text_input",
                                                                          "value": "Add the <!channel> runbook"}}})
    assert status == 200 and not body
    assert seeded_service.store.status(SLUG, "1.1").state == "in_progress"
    news = await posts_after(slack, "chat.postMessage", posted, 3)  # channel, the author's DM, BOB's confirmation
    to_ann = [c for c in news if c.args["channel"] != CHANNEL and dm_user(slack, c) == ANN]
    assert len(to_ann) == 1 and "asked for changes on 1.1" in to_ann[0].args["text"]
    assert "<!channel>" not in json.dumps([c.args for c in news])  # the reason is escaped everywhere


async def test_start_from_app_home_answers_by_dm(workspace, seeded_service):
    click = await workspace.click(ANN, "start_story", json.dumps({"plan": SLUG, "story": "1.1"}), channel=None,
                                  response_url=False)
    assert click["status"] == 200
    posts = await workspace.slack.wait_for("chat.postMessage", 2, timeout=20)
    assert seeded_service.store.status(SLUG, "1.1").state == "in_progress"
    dm = [c for c in posts if c.args["channel"] == "D" + ANN[1:]]
    assert len(dm) == 1 and "started 1.1" in dm[0].args["text"]


async def test_a_slow_modal_submission_closes_in_time_and_reports_by_message(workspace, seeded_service,
                                                                             monkeypatch):
    import bot.slack.listeners.views as views

    monkeypatch.setattr(views, "MODAL_WAIT", 0)  # as if the service needed longer than Slack waits
    seeded_service.handle(ANN, "/start 1.1")
    seeded_service.handle(ANN, f"/review 1.1 {LINK}1")
    await workspace.command(ANN, "/done", "1.1")
    view = (await workspace.slack.wait_for("views.open", 1, timeout=20))[0].args["view"]
    view["private_metadata"] = json.dumps({"plan": SLUG, "story": "1.1", "channel": CHANNEL})
    status, body = await workspace.submit(ANN, view, {"evidence": {"link": {"type": "plain_text_input",
                                                                            "value": f"{LINK}1"}}})
    assert status == 200 and not body  # closed at once, no error shown in the modal
    told = await workspace.slack.wait_for("chat.postEphemeral", 1, timeout=20)
    assert told[0].args["user"] == ANN and "four eyes" in told[0].args["text"]
    assert seeded_service.store.status(SLUG, "1.1").state == "review"
