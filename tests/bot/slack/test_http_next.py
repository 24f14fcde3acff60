"""/next over signed HTTP on the seed's 3-dev plan: its Prepare button is /prepare, through the same service."""

from __future__ import annotations

import json

SLUG = "k3s-mono-pgsql"
LEAD, ALICE, BOB, CAROL = "U0LEAD", "U0ALICE", "U0BOB", "U0CAROL"


async def test_next_offers_carol_her_preparation_and_its_button_prepares_it(workspace, seeded_service):
    for words in ("mode 3", f"lane A <@{ALICE}|alice>", f"lane B <@{BOB}|bob>", f"lane C <@{CAROL}|carol>"):
        assert (await workspace.command(LEAD, "/team", words))["status"] == 200
    nxt = (await workspace.command(CAROL, "/next"))["reply"]
    buttons = [b["accessory"] for b in nxt.body["blocks"] if b.get("accessory", {}).get("type") == "button"]
    assert [b["action_id"] for b in buttons] == ["prepare_story"], nxt.text
    story = json.loads(buttons[0]["value"])["story"]
    assert f"prepare {story}" in nxt.text
    click = await workspace.click(CAROL, "prepare_story", buttons[0]["value"])
    [reply] = await workspace.slack.wait_for_responses(click["payload"]["response_url"], timeout=20)
    assert reply.text == f"🛠 <@{CAROL}> is preparing {story} while it waits."
    assert seeded_service.store.status(SLUG, story).preparer == CAROL
    again = (await workspace.command(CAROL, "/next"))["reply"]
    assert f"you are preparing {story}" in again.text
