"""Text that reads right in Slack, over signed HTTP: mentions stay mentions, what Slack sends
escaped is not escaped twice, modal errors are plain, and a graph the bot may not post says why."""

from __future__ import annotations

import json

from tests.helpers.slack import CHANNEL

SLUG = "k3s-mono-pgsql"
ANN, BOB = "U0ANN", "U0BOB"
LINK = "https://git.example.com/infra/pull/9"


async def test_a_refusal_names_the_holder_as_a_mention(workspace, seeded_service):
    seeded_service.handle(ANN, "/start 1.1")
    text = (await workspace.command(BOB, "/start", "1.1"))["reply"].text
    assert "held by <@U0ANN>" in text and "&lt;@" not in text


async def test_what_slack_sent_escaped_is_escaped_once(workspace, seeded_service):
    seeded_service.handle(ANN, "/start 1.1")
    seeded_service.handle(ANN, f"/review 1.1 {LINK} <@{BOB}>")
    # Slack sends a typed "&" and "<" as entities (should_escape), mentions as <@U…|name>.
    result = await workspace.command(BOB, "/review", "1.1 changes retry &amp; backoff &lt;5s")
    assert "retry &amp; backoff &lt;5s" in result["reply"].text and "&amp;amp;" not in result["reply"].text
    [event] = [e for e in seeded_service.store.events(SLUG, "1.1") if e.action == "changes"]
    assert event.reason == "retry & backoff <5s"  # stored as the person typed it
    dm = (await workspace.slack.wait_for("chat.postMessage", 2, timeout=20))
    assert all("&amp;amp;" not in c.args["text"] for c in dm)


async def test_a_modal_error_is_plain_text_without_the_usage_tail(workspace, seeded_service):
    seeded_service.handle(ANN, "/start 1.1")
    seeded_service.handle(ANN, f"/review 1.1 {LINK}")
    await workspace.click(BOB, "done_story", json.dumps({"plan": SLUG, "story": "1.1"}))
    view = (await workspace.slack.wait_for("views.open", 1, timeout=20))[0].args["view"]
    status, body = await workspace.submit(BOB, view, {"evidence": {"link": {"type": "plain_text_input",
                                                                            "value": "see the CI run"}}})
    error = body["errors"]["evidence"]
    assert status == 200 and error.startswith("Can't mark 1.1 done: an evidence link is required")
    assert "Usage" not in error
    status, body = await workspace.submit(BOB, view, {"evidence": {"link": {"type": "plain_text_input",
                                                                            "value": "javascript:alert(1)"}}})
    error = body["errors"]["evidence"]
    assert "&lt;" not in error and "&amp;" not in error and len(error) <= 150
    assert error.startswith("Can't mark 1.1 done: evidence links must start with http:// or https://")
    assert seeded_service.store.status(SLUG, "1.1").state == "review"


async def test_the_graph_where_the_bot_is_not_invited_says_to_invite_it(workspace):
    workspace.slack.fail("files.completeUploadExternal", "not_in_channel")
    result = await workspace.command(ANN, "/board", "graph", channel=CHANNEL)
    posts = await workspace.slack.wait_for_responses(result["payload"]["response_url"], count=2, timeout=20)
    assert "/invite @deliverybot" in posts[1].text


async def test_app_home_follows_a_change_for_the_people_it_concerns(workspace, seeded_service):
    """Actor, reviewer and the lane owners told get their Home re-published after a move."""
    cat = "U0CAT"
    for lane, user in (("A", cat), ("B", BOB)):
        await workspace.command("U0LEAD", "/team", f"lane {lane} <@{user}|{user.lower()}>")
    await workspace.command(ANN, "/start", "1.1")
    first = await workspace.slack.wait_for("views.publish", 2, timeout=20)
    # ANN took 1.1 from CAT's lane A: both Homes show it.
    assert {c.args["user_id"] for c in first} == {ANN, cat}
    assert all("1.1" in json.dumps(c.args["view"]) for c in first)
    await workspace.command(ANN, "/review", f"1.1 {LINK} <@{BOB}|bob>")
    published = await workspace.slack.wait_for("views.publish", 4, timeout=20)
    assert {c.args["user_id"] for c in published[2:]} == {ANN, BOB}  # BOB's Home now lists the review
    await workspace.command(BOB, "/done", f"1.1 {LINK}")
    published = await workspace.slack.wait_for("views.publish", 7, timeout=20)
    # BOB approved, ANN held it, and CAT owns lane A where 1.3 just opened (BOB's lane B opened too).
    assert {c.args["user_id"] for c in published[4:]} == {ANN, BOB, cat}
