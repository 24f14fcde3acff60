"""Section 8 of the bundled plan over signed HTTP: preparing, being told first, a prepared story
refused to someone else (by command and by button, as a mention), a hand-over announced and DMed."""

from __future__ import annotations

import json

from tests.helpers.slack import CHANNEL

SLUG = "k3s-mono-pgsql"
LEAD, ALICE, BOB, CAROL = "U0LEAD", "U0ALICE", "U0BOB", "U0CAROL"
PR, PROOF = "https://git.example.com/infra/pull/8", "https://ci.example.com/run/8"


def dm_channel(user: str) -> str:
    return "D" + user[1:]  # how the fake Slack names a user's DM channel


async def test_section_8_over_slack(workspace, seeded_service):
    slack = workspace.slack
    for words in ("mode 3", f"lane A <@{ALICE}|alice>", f"lane B <@{BOB}|bob>", f"lane C <@{CAROL}|carol>"):
        assert (await workspace.command(LEAD, "/team", words))["status"] == 200
    await workspace.command(ALICE, "/start", "1.1")
    prepared = (await workspace.command(BOB, "/prepare", "1.4"))["reply"]
    assert prepared.text == f"🛠 <@{BOB}> is preparing 1.4 while it waits."
    refused = (await workspace.command(CAROL, "/prepare", "1.4"))["reply"]
    assert refused.text.startswith(f"1.4 is already prepared by <@{BOB}> since ")
    started = [c for c in await slack.wait_for("chat.postMessage", 2, timeout=20)]  # 1.1 started, 1.4 prepared
    assert {c.args["channel"] for c in started} == {CHANNEL}

    slack.clear()
    await workspace.command(ALICE, "/review", f"1.1 {PR} <@{BOB}|bob> hardening ok")
    await slack.wait_for("chat.postMessage", 2, timeout=20)  # the channel, and bob asked to review
    slack.clear()
    await workspace.command(LEAD, "/done", f"1.1 {PROOF}")  # a lead, in the named reviewer's place
    posts = await slack.wait_for("chat.postMessage", 3, timeout=20)  # the channel, bob, alice
    dms = [(c.args["channel"], c.args["text"]) for c in posts if c.args["channel"].startswith("D")]
    assert dms[0] == (dm_channel(BOB), "1.1 is done: 1.4 is yours (you prepared it) — /start 1.4\n"
                                       "Also startable in your lane: 2.4, 5.3.")
    first_to_bob = next(c for c in posts if c.args["channel"] == dm_channel(BOB))
    start_buttons = [b["accessory"] for b in json.loads(json.dumps(first_to_bob.args["blocks"]))
                     if b.get("accessory", {}).get("type") == "button"]
    assert [json.loads(e["value"])["story"] for e in start_buttons] == ["1.4", "2.4", "5.3"]

    # Carol clicks Start on 1.4 (from /unblocked): refused as a mention, nothing written.
    before = len(seeded_service.store.events(SLUG))
    click = await workspace.click(CAROL, "start_story", json.dumps({"plan": SLUG, "story": "1.4"}))
    [reply] = await slack.wait_for_responses(click["payload"]["response_url"], timeout=20)
    assert reply.text.startswith(f"1.4 is prepared by <@{BOB}> since ") and "&lt;@" not in reply.text
    assert len(seeded_service.store.events(SLUG)) == before

    slack.clear()
    await workspace.command(BOB, "/start", "1.4")
    await slack.wait_for("chat.postMessage", 1, timeout=20)  # the channel hears it
    slack.clear()
    handed = (await workspace.command(BOB, "/assign", f"1.4 <@{CAROL}|carol>"))["reply"]
    assert handed.text == f"🤝 <@{BOB}> handed 1.4 to <@{CAROL}>."
    posts = await slack.wait_for("chat.postMessage", 2, timeout=20)
    assert {c.args["channel"] for c in posts} == {CHANNEL, dm_channel(CAROL)}
    assert seeded_service.store.status(SLUG, "1.4").assignee == CAROL
