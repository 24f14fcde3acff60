"""Signed slash commands over real HTTP reach the service and answer through response_url."""

from tests.helpers.slack import CHANNEL


async def test_unblocked_over_http(workspace):
    result = await workspace.command("U0ANN", "/unblocked")
    assert result["status"] == 200
    reply = result["reply"]
    assert "1.1 baseline hardening" in reply.body["text"]
    start = [b for b in reply.body["blocks"] if b.get("accessory", {}).get("action_id") == "start_story"]
    assert len(start) == 1
    assert CHANNEL
