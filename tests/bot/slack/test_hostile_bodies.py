"""A request whose body is not what it claims is a 400 (signed) or a 401 (not signed), never a 500:
the signature is checked before anything reads the body, then the body is read defensively. No
traceback reaches the log for what a stranger sends, and nothing is touched."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest

from bot.slack import ACTION_START, MODAL_DONE
from tests.helpers.slack import sign

SLUG = "k3s-mono-pgsql"
FORM, JSON = "application/x-www-form-urlencoded", "application/json"
USER = {"id": "U0ANN", "team_id": "T0FAKE"}
DEEP = 100_000


def payload(data: object) -> tuple[str, str]:
    return FORM, urlencode({"payload": data if isinstance(data, str) else json.dumps(data)})


def nested(levels: int, leaf: str = "1") -> str:
    return '{"a":' * levels + leaf + "}" * levels


def click(**changes: object) -> dict:
    body = {"type": "block_actions", "user": USER, "trigger_id": "1.2.abc",
            "actions": [{"action_id": ACTION_START, "value": json.dumps({"story": "1.1"}), "action_ts": "1.5"}]}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def submission(view: object) -> dict:
    return {"type": "view_submission", "user": USER, "view": view}


HOSTILE: dict[str, tuple[str, str]] = {
    "broken-json": (JSON, '{"type": "event_callback", "event": {'),
    "json-array": (JSON, "[1, 2, 3]"),
    "json-string": (JSON, '"hello"'),
    "json-null": (JSON, "null"),
    "json-number": (JSON, "42"),
    "empty-body": (FORM, ""),
    "empty-object": (JSON, "{}"),
    "payload-not-json": payload("not json"),
    "payload-array": payload([{"type": "block_actions"}]),
    "payload-truncated": payload('{"type": "block_actions", "user": {"id": '),
    "block-actions-without-user": payload(click(user=None)),
    "block-actions-user-string": payload(click(user="U0ANN")),
    "block-actions-user-id-list": payload(click(user={"id": ["U0ANN"]})),
    "block-actions-actions-string": payload(click(actions=ACTION_START)),
    "block-actions-actions-strings": payload(click(actions=[ACTION_START])),
    "block-actions-no-actions": payload(click(actions=[])),
    "block-actions-action-id-number": payload(click(actions=[{"action_id": 5}])),
    "block-actions-team-number": payload(click(team=5)),
    "block-actions-channel-list": payload(click(channel=["C0PLAN"])),
    "block-actions-response-url-dict": payload(click(response_url={"url": "x"})),
    "authorizations-not-a-list": payload(click(authorizations=5)),
    "view-submission-without-view": payload(submission(None)),
    "view-submission-view-list": payload(submission([])),
    "view-submission-state-string": payload(submission({"callback_id": MODAL_DONE, "state": "x"})),
    "view-submission-value-object": payload(submission({
        "callback_id": MODAL_DONE, "private_metadata": json.dumps({"story": "1.1"}),
        "state": {"values": {"evidence": {"link": {"value": {"url": "https://x.example"}}}}}})),
    "view-submission-metadata-number": payload(submission({"callback_id": MODAL_DONE, "private_metadata": 5})),
    "event-without-event": (JSON, json.dumps({"type": "event_callback", "event_id": "Ev1"})),
    "event-list": (JSON, json.dumps({"type": "event_callback", "event": [1]})),
    "home-without-user": (JSON, json.dumps({"type": "event_callback", "event_id": "Ev2",
                                            "event": {"type": "app_home_opened", "tab": "home"}})),
    "home-user-number": (JSON, json.dumps({"type": "event_callback", "event": {"type": "app_home_opened",
                                                                             "user": 7}})),
    "url-verification-without-challenge": (JSON, json.dumps({"type": "url_verification"})),
    "type-number": (JSON, json.dumps({"type": 5, "user": USER})),
    "command-without-user": (FORM, urlencode({"command": "/start", "text": "1.1"})),
    "command-not-a-command": (FORM, urlencode({"command": "start", "text": "1.1", "user_id": "U0ANN"})),
    "json-command-number": (JSON, json.dumps({"command": 5, "user_id": "U0ANN"})),
    "typed-command-without-user": (JSON, json.dumps({"type": "whatever", "command": "/start", "text": "1.1"})),
    "deep-json-array": (JSON, "[" * DEEP + "]" * DEEP),
    "deep-json-object": (JSON, nested(DEEP)),
    "deep-payload": payload("[" * DEEP + "]" * DEEP),
    "deep-but-parsable": (JSON, json.dumps({"type": "event_callback", "event": {"type": "x"}})[:-1]
                          + ', "deep": ' + nested(500) + "}"),
}


def traceback_lines(caplog) -> list[str]:
    """Tracebacks and errors of the app, Bolt and the HTTP server (asyncio's complaints about other
    tests' sessions, collected late, are not ours to judge here)."""
    return [f"{r.name} {r.levelname} {r.getMessage()}" for r in caplog.records
            if (r.exc_info or r.levelno >= logging.ERROR) and r.name.startswith(("deliverybot", "aiohttp", "slack"))]


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
async def test_hostile_bodies_are_400_or_401_without_a_traceback(workspace, seeded_service, caplog, signed):
    caplog.set_level(logging.DEBUG)
    wrong = []
    for case, (content_type, body) in HOSTILE.items():
        headers = sign(body) if signed else sign(body, secret="not-the-secret")
        resp = await workspace.post(body, content_type, headers=headers)
        expected = 400 if signed else 401
        if resp.status != expected:
            wrong.append(f"{case}: {resp.status}")
    assert wrong == [], f"expected {400 if signed else 401}"
    assert traceback_lines(caplog) == []
    assert seeded_service.store.status(SLUG, "1.1").state == "todo"
    assert seeded_service.store.events(SLUG) == []
    assert workspace.slack.calls == []
    if signed:  # one WARNING line each, saying why, and nothing of the body
        refused = [r for r in caplog.records if "refused (400)" in r.getMessage()]
        assert len(refused) == len(HOSTILE)


async def test_a_well_formed_click_still_gets_in_after_the_checks(workspace, seeded_service):
    result = await workspace.click("U0ANN", ACTION_START, json.dumps({"plan": SLUG, "story": "1.1"}))
    assert result["status"] == 200
    await workspace.slack.wait_for_responses(result["payload"]["response_url"], timeout=10)
    assert seeded_service.store.status(SLUG, "1.1").state == "in_progress"


async def test_a_name_from_anywhere_reaches_slack_escaped(workspace, seeded_service):
    """A holder, preparer or reviewer named `<!channel>` (a console, a script, an old database)
    is shown as text in Slack, never as the channel-wide ping."""
    for text in ("/start 1.1", "/review 1.1 https://git.example.com/pull/1 @<!here>"):
        seeded_service.handle("<!channel>", text)
    for command, text in (("/delivery", "status 1.1"), ("/board", "1.1"), ("/board", ""), ("/unblocked", "all"),
                          ("/next", "")):
        result = await workspace.command("U0ANN", command, text)
        reply = json.dumps(result["reply"].body)
        assert "<!channel>" not in reply and "<!here>" not in reply, (command, text)
        assert "!channel" in reply or command != "/delivery"  # named, escaped


async def test_without_a_signing_secret_nothing_gets_in(fake_slack, seeded_service):
    """Socket Mode serves /healthz and /metrics on PORT too: its POST /slack/events, with no secret
    to check a signature against, lets nothing through to Bolt."""
    import aiohttp

    from bot.settings import Settings
    from bot.slack.app import build_app
    from bot.slack.web import build_web_app
    from tests.helpers.slack import start_site

    settings = Settings(SLACK_BOT_TOKEN="xoxb-test-token", SLACK_APP_TOKEN="xapp-test", SLACK_API_URL=fake_slack.api_url)
    bolt, _gateway = build_app(settings, seeded_service)
    runner, base = await start_site(build_web_app(bolt, seeded_service))
    body = urlencode(fake_slack.slash_command("/start", "1.1", user_id="U0ANN", channel_id="C0PLAN"))
    try:
        async with aiohttp.ClientSession() as session:
            for headers in (sign(body), sign(body, secret="")):
                async with session.post(f"{base}/slack/events", data=body.encode(),
                                        headers={"Content-Type": FORM, **headers}) as resp:
                    assert resp.status == 401
    finally:
        await runner.cleanup()
    assert seeded_service.store.events(SLUG) == []


async def test_a_command_that_says_payload_is_still_a_command(workspace, seeded_service):
    """Bolt reads a form body holding the word "payload" anywhere as an empty body (a 404 for the
    command); the body checked before it is the one dispatched."""
    result = await workspace.command("U0ANN", "/incident", "major the payload is too big on 1.1")
    assert result["status"] == 200 and "INC-1" in result["reply"].body["text"]
