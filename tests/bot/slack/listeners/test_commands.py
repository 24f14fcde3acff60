"""Slash commands over signed HTTP: the umbrella command works like the command it wraps."""

from __future__ import annotations

SLUG = "k3s-mono-pgsql"


async def test_delivery_done_without_a_link_opens_the_evidence_modal_like_done(workspace):
    result = await workspace.command("U0BOB", "/delivery", "done 1.1")
    assert result["status"] == 200
    [opened] = await workspace.slack.wait_for("views.open", 1, timeout=20)
    assert opened.args["view"]["callback_id"] == "done_modal"
    assert '"story":"1.1"' in opened.args["view"]["private_metadata"]


async def test_delivery_start_moves_the_story(workspace, seeded_service):
    reply = (await workspace.command("U0ANN", "/delivery", "start 1.1"))["reply"]
    assert "started 1.1" in reply.text
    assert seeded_service.store.status(SLUG, "1.1").state == "in_progress"
