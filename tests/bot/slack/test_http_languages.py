"""The whole bundled plan walked in French over signed HTTP against the fake Slack, and who reads
which language there: a person's Slack locale, /lang, /team lang (docs/i18n.md)."""

from __future__ import annotations

import asyncio

import pytest

from tests.bot.i18n.test_walks import shown
from tests.bot.i18n.walk import AFTER, Team, script
from tests.helpers.bot import SEED_TEXT
from tests.helpers.languages import leaks
from tests.helpers.slack import CHANNEL

pytestmark = pytest.mark.languages


async def settle(slack, method: str = "chat.postMessage") -> None:
    """Wait until the app stopped posting (notifications go out after each reply)."""
    seen = -1
    while seen != len(slack.calls_to(method)):
        seen = len(slack.calls_to(method))
        await asyncio.sleep(0.3)


async def test_the_whole_plan_over_http_in_french(workspace, seeded_service):
    """A French team (Slack locale fr-FR) in a French plan: replies, DMs, posts and App Home in French."""
    slack = workspace.slack
    team = Team("U0LEAD", "U0ANN", "U0BOB", "U0CAT")
    for user in (team.lead, team.a, team.b, team.c):
        slack.users[user] = {"locale": "fr-FR"}
    texts: list[str] = []
    assert (await workspace.command(team.a, "/done", "1.1"))["status"] == 200  # no link yet: the modal asks for one
    for step in script(team, lambda person: f"<@{person}|{person.lower()}>"):
        command, _, rest = step.text.partition(" ")
        result = await workspace.command(step.actor, command, rest)
        assert result["status"] == 200, step
        reply = result["reply"]
        texts += [reply.text, *shown(reply.body.get("blocks") or [])]
    assert await workspace.event({"type": "app_home_opened", "user": team.a, "tab": "home"}) == 200
    await settle(slack)
    await slack.wait_for("views.publish", 1, timeout=20)
    for call in slack.calls_to("chat.postMessage", ok=True):
        texts += [call.args.get("text") or "", *shown(call.args.get("blocks") or [])]
    modal = slack.calls_to("views.open", ok=True)[0].args["view"]
    assert modal["title"]["text"] == "Marquer terminée" and modal["submit"]["text"] == "Terminer", modal
    for method in ("views.publish", "views.open"):
        calls = slack.calls_to(method, ok=True)
        assert calls, method
        texts += [t for call in calls for t in shown(call.args.get("view") or {})]

    states = seeded_service.store.statuses(seeded_service.context().slug)
    assert {sid: str(states[sid].state) for sid in AFTER} == dict.fromkeys(AFTER, "done")
    assert not leaks(texts, expected="fr", plan_text=SEED_TEXT)
    said = "\n".join(texts)
    assert "a démarré" in said and "est terminée" in said, said[:2000]


async def test_a_person_whose_slack_locale_is_english_reads_english_in_a_french_plan(workspace):
    slack = workspace.slack
    slack.users["U0ANN"] = {"locale": "en-US"}
    slack.users["U0BOB"] = {"locale": "fr-FR"}
    ann = (await workspace.command("U0ANN", "/unblocked"))["reply"]
    bob = (await workspace.command("U0BOB", "/unblocked"))["reply"]
    assert "Unclaimed" in ann.text and "Sans preneur" not in ann.text, ann.text
    assert "Sans preneur" in bob.text and "Unclaimed" not in bob.text, bob.text
    posted = len(slack.calls_to("chat.postMessage", ok=True))
    started = (await workspace.command("U0ANN", "/start", "1.1"))["reply"]
    assert started.text.startswith("▶ <@U0ANN> started 1.1"), started.text
    await settle(slack)
    channel = [c.args["text"] for c in slack.calls_to("chat.postMessage", ok=True)[posted:]
               if c.args["channel"] == CHANNEL]
    assert channel and channel[0].startswith("▶ <@U0ANN> a démarré 1.1"), channel  # the channel keeps the plan's
    asked = [c for c in slack.calls_to("users.info") if c.args.get("user") == "U0ANN"]
    assert len(asked) == 1 and asked[0].args.get("include_locale") in (True, "true", "1")  # asked once, then kept
    chose = (await workspace.command("U0ANN", "/lang", "fr"))["reply"]  # her own choice beats Slack's
    assert chose.text.startswith("C'est noté : je te parle désormais en français"), chose.text


async def test_when_slack_does_not_say_a_locale_the_person_reads_the_plan_s_language(workspace):
    slack = workspace.slack
    slack.fail("users.info", "internal_error", status=500, times=5)
    reply = (await workspace.command("U0DEV", "/unblocked"))["reply"]
    assert "Sans preneur" in reply.text, reply.text
