"""One person, one identity: in a Slack Connect channel, people of another workspace read the plan
but act on nothing — not through a command, a button or a modal (signed requests over HTTP)."""

from __future__ import annotations

import json

import pytest

from bot.slack.identity import Actor, actor_of

SLUG = "k3s-mono-pgsql"
OUTSIDER, OUTSIDE_TEAM = "U0GUEST", "T0OTHERCO"
LINK = "https://git.example.com/infra/pull/7"


def events(service) -> int:
    return len(service.store.events(SLUG)) + len(service.store.audit(SLUG))


@pytest.mark.parametrize(("body", "expected"), [
    ({"user": {"id": "U1", "team_id": "T1"}}, Actor("U1", "T1", "T1")),
    ({"user": {"id": "U1", "team_id": "T2"}, "team": {"id": "T1"}}, Actor("U1", "T2", "T1")),
    ({"user": {"id": "U1"}, "team": {"id": "T1"}}, Actor("U1", "T1", "T1")),
    ({"user_id": "U1", "team_id": "T2"}, Actor("U1", "T2", "T1")),
    ({"event": {"user": "U1", "user_team": "T2"}, "team_id": "T1"}, Actor("U1", "T2", "T1")),
])
def test_who_asks_and_from_which_workspace(body, expected):
    actor = actor_of(body, "T1")
    assert actor == expected and actor.guest == (expected.team != "T1")


async def test_a_guest_done_through_the_modal_is_refused_and_writes_nothing(workspace, seeded_service):
    """Four eyes can't be satisfied by someone outside the team."""
    seeded_service.handle("U0ANN", "/start 1.1")
    seeded_service.handle("U0ANN", f"/review 1.1 {LINK}")
    before = events(seeded_service)
    await workspace.click(OUTSIDER, "done_story", json.dumps({"plan": SLUG, "story": "1.1"}),
                          user_team=OUTSIDE_TEAM)
    view = (await workspace.slack.wait_for("views.open", 1, timeout=20))[0].args["view"]
    status, body = await workspace.submit(OUTSIDER, view, {"evidence": {"link": {"type": "plain_text_input",
                                                                                 "value": LINK}}},
                                          user_team=OUTSIDE_TEAM)
    assert status == 200 and body["response_action"] == "errors"
    assert "another workspace" in body["errors"]["evidence"]
    assert seeded_service.store.status(SLUG, "1.1").state == "review" and events(seeded_service) == before


async def test_a_guest_start_button_and_command_are_refused(workspace, seeded_service):
    before = events(seeded_service)
    click = await workspace.click(OUTSIDER, "start_story", json.dumps({"plan": SLUG, "story": "1.1"}),
                                  user_team=OUTSIDE_TEAM)
    told = await workspace.slack.wait_for_responses(click["payload"]["response_url"], timeout=20)
    assert "another workspace" in told[0].text
    result = await workspace.command(OUTSIDER, "/start", "1.1", user_team=OUTSIDE_TEAM)
    assert "another workspace" in result["reply"].text
    assert seeded_service.store.status(SLUG, "1.1").state == "todo" and events(seeded_service) == before


async def test_a_guest_may_read_the_plan(workspace):
    text = (await workspace.command(OUTSIDER, "/board", user_team=OUTSIDE_TEAM))["reply"].text
    assert text.startswith(f"*{SLUG}*") and "another workspace" not in text


async def test_a_guest_cannot_change_the_team_even_if_named_lead(workspace, seeded_service):
    seeded_service.store.add_lead(OUTSIDER, "test")
    result = await workspace.command(OUTSIDER, "/team", "mode 2", user_team=OUTSIDE_TEAM)
    assert "another workspace" in result["reply"].text
    assert seeded_service.store.plan_settings(SLUG).mode is None
