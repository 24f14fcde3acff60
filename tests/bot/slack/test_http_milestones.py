"""Checkpoints, incidents and the end of the plan over real HTTP, signed as Slack signs: the channel
posts (with their header) a person reads, and every new refusal word for word, with nothing posted
and nothing written."""

import json

import pytest

from bot.render.plain import plain
from tests.helpers.bot import LINK, SLUG, STORIES
from tests.helpers.milestones import (
    CHECKPOINTS,
    FIX,
    REFUSALS,
    RUNBOOK,
    deliver,
    expected_proofs,
    label,
    refusal_said,
)
from tests.helpers.slack import CHANNEL, all_text, slack_accepts

LEAD, ANN, BOB = "U0LEAD", "U0ANN", "U0BOB"
PEOPLE = {"lead": LEAD, "dev": ANN, "reviewer": BOB}
MENTIONS = {role: f"<@{user}>" for role, user in PEOPLE.items()}


async def channel_posts(slack, count: int) -> list:
    calls = await slack.wait_for("chat.postMessage", count, timeout=20)
    return [c for c in calls if c.args["channel"] == CHANNEL]


async def test_an_incident_is_announced_in_the_channel_and_closed_with_fix_and_runbook(workspace, seeded_service):
    slack = workspace.slack
    opened = (await workspace.command(ANN, "/incident", "critique the PV was lost on 4.1"))["reply"]
    said = (f"🚨 INC-1 critical on {label('4.1')}, opened by <@{ANN}>: the PV was lost\n"
            "A critical incident is closed only with its fix and its runbook: "
            "/incident close INC-1 <fix link> <runbook link>\n"
            "⛔ It holds checkpoint C: no proofs are taken until it is closed.")
    assert plain(opened.text) == said
    [post] = await channel_posts(slack, 1)
    assert plain(post.args["text"]) == said and "&lt;fix link&gt;" in all_text(slack_accepts(post.args["blocks"]))

    closed = (await workspace.command(BOB, "/incident", f"close INC-1 <{FIX}> <{RUNBOOK}|runbook>"))["reply"]
    assert plain(closed.text) == (f"✅ INC-1 (critical on {label('4.1')}) closed by <@{BOB}> — fix: {FIX} · "
                                  f"runbook: {RUNBOOK}.\nCheckpoint C is no longer held: proofs are taken once reached.")
    posts = await channel_posts(slack, 2)
    assert posts[-1].args["text"] == closed.text
    listed = (await workspace.command(ANN, "/incident"))["reply"]
    assert plain(listed.text).startswith(f"No open incident in {SLUG} (1 closed).")


async def test_the_checkpoint_reached_post_follows_the_done_with_its_header(workspace, seeded_service):
    slack = workspace.slack
    *first, last = CHECKPOINTS["A"][0]
    deliver(seeded_service, first, dev=ANN, reviewer=BOB)
    assert seeded_service.handle(ANN, f"/start {last}").ok
    assert seeded_service.handle(ANN, f"/review {last} {LINK}").ok
    before = len(slack.calls_to("chat.postMessage"))  # the setup told nobody: it went past Slack
    reply = (await workspace.command(BOB, "/done", f"{last} {LINK}"))["reply"]
    assert "🏁 Checkpoint A reached" in reply.text
    posts = (await channel_posts(slack, before + 2))[-2:]
    assert "is done, approved by" in posts[0].args["text"]
    blocks = slack_accepts(posts[1].args["blocks"])
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == "🏁 Checkpoint A reached"
    assert plain(posts[1].args["text"]) == (
        f"🏁 Checkpoint A reached: {', '.join(CHECKPOINTS['A'][0])} — proofs expected: {expected_proofs('A')}\n"
        "A lead attaches them: /checkpoint A <proof link> [more links] [note]")

    validated = (await workspace.command(LEAD, "/checkpoint", "A <https://ci.example.com/vpn|vpn> done by ops"))
    assert plain(validated["reply"].text) == (f"🏁 Checkpoint A validated by <@{LEAD}>: https://ci.example.com/vpn. "
                                              "Note: done by ops")
    post = (await channel_posts(slack, before + 3))[-1]
    assert slack_accepts(post.args["blocks"])[0]["text"]["text"] == "🏁 Checkpoint A validated"


async def test_the_end_of_the_plan_is_posted_with_its_figures(workspace, seeded_service):
    slack = workspace.slack
    deliver(seeded_service, [s for s in seeded_service.context().plan.story_ids if s != "5.4"],
            dev=ANN, reviewer=BOB)
    assert seeded_service.handle(ANN, "/start 5.4").ok and seeded_service.handle(ANN, f"/review 5.4 {LINK}").ok
    reply = (await workspace.command(BOB, "/done", f"5.4 {LINK}"))["reply"]
    assert f"🎉 {SLUG} is delivered: all {STORIES} stories done in " in reply.text
    post = (await channel_posts(slack, 2))[-1]
    blocks = slack_accepts(post.args["blocks"])
    assert blocks[0]["text"]["text"] == "🎉 Plan delivered"
    text = plain(post.args["text"])
    assert text.startswith(f"🎉 {SLUG} is delivered: all {STORIES} stories done in ")
    assert " · 0 reviews sent back · 0 forced starts · 0 incidents.\n" in text
    assert text.endswith(f"Checkpoints not validated yet: {', '.join(CHECKPOINTS)} — /checkpoint NAME <proof link>…")


@pytest.mark.parametrize(("setup", "role", "text", "code", "said"), [case[1:] for case in REFUSALS],
                         ids=[case[0] for case in REFUSALS])
async def test_every_new_refusal_reads_the_same_over_http_and_writes_nothing(workspace, seeded_service, setup,
                                                                             role, text, code, said):
    setup(seeded_service, PEOPLE)
    events, audit = len(seeded_service.store.events(SLUG)), len(seeded_service.store.audit(SLUG))
    command, _, words = text.partition(" ")
    result = await workspace.command(PEOPLE[role], command, words)
    reply = result["reply"]
    assert result["status"] == 200 and reply.body["response_type"] == "ephemeral"
    assert plain(reply.text) == refusal_said(seeded_service, said, MENTIONS)
    assert plain(all_text(slack_accepts(reply.body["blocks"]))).startswith(plain(reply.text).split("\n")[0])
    assert len(seeded_service.store.events(SLUG)) == events and len(seeded_service.store.audit(SLUG)) == audit
    assert workspace.slack.calls_to("chat.postMessage") == []  # the setup went past Slack; the refusal told no one
    assert json.dumps(reply.body).count("<!") == 0
