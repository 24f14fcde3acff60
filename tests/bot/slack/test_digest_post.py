"""The digest as Slack shows it: a short message, details in its thread, the picture uploaded there."""

import json

from bot.settings import Settings
from bot.slack.app import build_client
from bot.slack.digest_post import post_digest
from tests.helpers.bot import SLUG, STORIES
from tests.helpers.slack import CHANNEL, SECRET


async def test_digest_goes_out_as_message_thread_and_png(fake_slack, seeded_service):
    client = build_client(Settings(SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=fake_slack.api_url))
    seeded_service.handle("U0ANN", "/start 1.1")
    data = seeded_service.digest(SLUG)
    ts = await post_digest(client, seeded_service, SLUG, CHANNEL, data)

    posts = fake_slack.calls_to("chat.postMessage", ok=True)
    assert len(posts) == 2
    main, thread = posts
    assert main.args["channel"] == CHANNEL and "thread_ts" not in main.args
    assert main.args["text"].startswith(f"*{SLUG} — 0/{STORIES} done · gate 1.1 (entry) in progress")
    assert len(main.args["blocks"]) <= 50
    assert thread.args["thread_ts"] == ts and thread.args["channel"] == CHANNEL
    details = json.dumps(thread.args["blocks"])
    assert "1.1 baseline hardening" in details and "Checkpoints" in details

    complete = fake_slack.calls_to("files.completeUploadExternal", ok=True)
    assert len(fake_slack.calls_to("files.getUploadURLExternal", ok=True)) == 1 and len(complete) == 1
    assert complete[0].args["channel_id"] == CHANNEL and complete[0].args["thread_ts"] == ts
    upload = next(iter(fake_slack.uploads.values()))
    assert upload.data.startswith(b"\x89PNG\r\n\x1a\n") and upload.completed


async def test_lead_posts_the_digest_from_slack_and_others_see_it_privately(workspace, seeded_service):
    refused = await workspace.command("U0ANN", "/digest", "post")
    assert "Only a lead" in refused["reply"].text
    mine = await workspace.command("U0ANN", "/digest")
    assert mine["reply"].body.get("response_type") == "ephemeral"
    assert "Gates" in mine["reply"].text
    assert workspace.slack.calls_to("chat.postMessage") == []
    posted = await workspace.command("U0LEAD", "/digest", "post")
    assert "Posting the digest" in posted["reply"].text
    await workspace.slack.wait_for("files.completeUploadExternal", 1, timeout=30)
    main = workspace.slack.calls_to("chat.postMessage", ok=True)[0]
    assert main.args["channel"] == CHANNEL


async def test_board_graph_uploads_the_picture_where_asked(workspace):
    result = await workspace.command("U0ANN", "/board", "graph")
    assert "dependency graph" in result["reply"].text
    done = await workspace.slack.wait_for("files.completeUploadExternal", 1, timeout=30)
    assert done[0].args["channel_id"] == CHANNEL
    assert SECRET not in json.dumps([c.args for c in workspace.slack.calls])


async def test_an_api_url_without_its_trailing_slash_still_reaches_slack(fake_slack):
    assert fake_slack.api_url.endswith("/")
    client = build_client(Settings(SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=fake_slack.api_url.rstrip("/")))
    posted = await client.chat_postMessage(channel=CHANNEL, text="hello")
    assert posted["ok"]
    assert [c.args["text"] for c in fake_slack.calls_to("chat.postMessage", ok=True)] == ["hello"]


async def test_a_digest_slack_could_not_take_is_sent_once_the_channel_is_fixed(fake_slack, seeded_service):
    """No channel at 09:00, then Slack refusing the channel: nothing was posted, so the day is not
    lost; once a lead fixes the channel the digest goes out that morning, once, and no stuck
    claim is reported."""
    from datetime import UTC, date, datetime
    from functools import partial

    from bot.digest.job import DigestJob

    client = build_client(Settings(SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=fake_slack.api_url))
    job = DigestJob(seeded_service, partial(post_digest, client, seeded_service, picture=False))
    assert seeded_service.handle("U0LEAD", "/team digest 09:00 UTC mon-fri").ok
    seeded_service.store.set_plan_channel(SLUG, None)
    assert await job.tick(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)) == {SLUG: "not-posted"}
    assert seeded_service.handle("U0LEAD", "/team channel C0GONE").ok
    fake_slack.fail("chat.postMessage", "channel_not_found")
    assert await job.tick(datetime(2026, 12, 1, 9, 1, tzinfo=UTC)) == {SLUG: "not-posted"}
    assert seeded_service.handle("U0LEAD", f"/team channel {CHANNEL}").ok
    assert await job.tick(datetime(2026, 12, 1, 9, 20, tzinfo=UTC)) == {SLUG: "sent"}
    assert await job.tick(datetime(2026, 12, 1, 9, 21, tzinfo=UTC)) == {SLUG: "already-sent"}
    main = [c for c in fake_slack.calls_to("chat.postMessage", ok=True) if "thread_ts" not in c.args]
    assert [c.args["channel"] for c in main] == [CHANNEL]
    assert seeded_service.store.digest_run(SLUG, date(2026, 12, 1)).status == "sent"
    assert seeded_service.store.stuck_digests(SLUG, datetime(2026, 12, 2, 9, 0, tzinfo=UTC)) == []


async def test_slash_digest_post_twice_posts_once_and_says_so(workspace, seeded_service):
    """The same request delivered twice at once, then again once it went out: one digest, and
    the last one hears it was already posted today, with its ts."""
    import asyncio

    first, second = await asyncio.gather(workspace.command("U0LEAD", "/digest", "post"),
                                         workspace.command("U0LEAD", "/digest", "post"))
    await workspace.slack.wait_for("files.completeUploadExternal", 1, timeout=30)
    for _ in range(100):
        runs = seeded_service.store.digest_runs(SLUG)
        if runs and runs[-1].status == "sent":
            break
        await asyncio.sleep(0.05)
    again = await workspace.command("U0LEAD", "/digest", "post")
    assert "already posted" in again["reply"].text and runs[-1].message_ts in again["reply"].text
    await asyncio.sleep(0.3)
    mains = [c for c in workspace.slack.calls_to("chat.postMessage", ok=True) if "thread_ts" not in c.args]
    assert [c.args["channel"] for c in mains] == [CHANNEL]
    assert len(workspace.slack.calls_to("files.completeUploadExternal", ok=True)) == 1
