"""manifest.yaml against Slack's v1 manifest schema, and against what the code really does.

* It validates against the official schema (tests/data/manifest.schema.1.0.0.json, MIT).
* Its slash commands are exactly bot.slack.COMMANDS, and exactly what the Bolt app registers.
* Its bot scopes are "commands" plus the scopes of the Web API methods the source of bot/ calls,
  no more and no less (DESIGN §6).
* Its event subscriptions are exactly the events the app listens to.

What the app registers is recorded on the real Bolt app: build_app is run with AsyncApp replaced by
a subclass that notes each public registration call before handing it to Bolt, and the number of
listeners Bolt ends up with must equal the number noted, so nothing registers unseen.
"""

from __future__ import annotations

import ast
import copy
import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
import yaml
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

import bot.slack
from bot.service.delivery import DeliveryService
from bot.settings import Settings
from storage.store import Store

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / "manifest.yaml"
SCHEMA = Path(__file__).resolve().parent / "data" / "manifest.schema.1.0.0.json"
BOT_SOURCE = REPO / "bot"

# Bot token scope each Web API method needs (None: no scope; a tuple: one per channel type the
# bot works in, all needed). A method the code calls that is not listed here fails the scope test
# until someone looks its scope up and adds it.
SCOPE_OF: dict[str, str | tuple[str, ...] | None] = {
    "api_test": None,
    "auth_test": None,
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "chat_delete": "chat:write",
    "chat_scheduleMessage": "chat:write",
    "chat_getPermalink": None,
    "conversations_open": "im:write",
    # the digest looks for its own messages (metadata) in a plan channel, public or private
    "conversations_history": ("channels:history", "groups:history"),
    "conversations_replies": ("channels:history", "groups:history"),
    "views_open": None,
    "views_push": None,
    "views_update": None,
    "views_publish": None,
    "files_upload_v2": "files:write",
    "files_getUploadURLExternal": "files:write",
    "files_completeUploadExternal": "files:write",
    "users_info": "users:read",
    "users_lookupByEmail": "users:read.email",
    "reactions_add": "reactions:write",
}
# Bolt listener arguments that call the Web API when used.
LISTENER_ARG_METHODS = {"say": "chat_postMessage"}
# The Web API methods slack_sdk knows, by their Python names (chat_postMessage, views_open, ...).
WEB_API_METHODS = frozenset(
    name
    for name in dir(AsyncWebClient)
    if not name.startswith("_") and name != "api_call" and callable(getattr(AsyncWebClient, name))
)
# Registration methods of a Bolt app, as recorded by RecordingApp.
REGISTRARS = (
    "command",
    "event",
    "message",
    "action",
    "block_action",
    "view",
    "view_submission",
    "view_closed",
    "options",
    "block_suggestion",
    "shortcut",
    "global_shortcut",
    "message_shortcut",
    "attachment_action",
    "dialog_submission",
    "dialog_cancellation",
    "dialog_suggestion",
    "function",
)


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def schema_errors(manifest: dict, schema: dict) -> list[str]:
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(manifest)
    ]


# ---------------------------------------------------------------------------------------- schema


def test_manifest_is_valid_against_the_v1_schema(manifest, schema):
    assert schema_errors(manifest, schema) == []


@pytest.mark.parametrize(
    "break_it",
    [
        lambda m: m.update(unknown_top_level_key=True),
        lambda m: m["features"]["slash_commands"][0].pop("description"),
        lambda m: m["oauth_config"]["scopes"].update(bot="chat:write"),
        lambda m: m["settings"].update(socket_mode_enabled="yes"),
    ],
    ids=["unknown-key", "command-without-description", "scopes-not-a-list", "bool-as-string"],
)
def test_the_schema_check_catches_a_broken_manifest(manifest, schema, break_it):
    broken = copy.deepcopy(manifest)
    break_it(broken)
    assert schema_errors(broken, schema) != []


# ------------------------------------------------------------------------------ what registers


class RecordingApp(AsyncApp):
    """The real Bolt AsyncApp, noting every registration call (kind, first argument)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.registered: list[tuple[str, object]] = []

    def __getattribute__(self, name: str):
        attr = super().__getattribute__(name)
        if name in REGISTRARS:
            registered = super().__getattribute__("registered")

            def recording(*args, **kwargs):
                registered.append((name, args[0] if args else kwargs))
                return attr(*args, **kwargs)

            return recording
        return attr


@pytest.fixture
def bolt_app(tmp_path, monkeypatch) -> RecordingApp:
    from bot.slack import app as app_module

    monkeypatch.setattr(app_module, "AsyncApp", RecordingApp)
    settings = Settings(SLACK_BOT_TOKEN="xoxb-manifest-test", SLACK_SIGNING_SECRET="manifest-test-secret")
    app, _gateway = app_module.build_app(settings, DeliveryService(Store(f"sqlite:///{tmp_path}/bot.db")))
    assert isinstance(app, RecordingApp)
    return app


def registered(app: RecordingApp, kind: str) -> list:
    return [what for k, what in app.registered if k == kind]


def test_every_listener_was_recorded(bolt_app):
    # Bolt's own list: if something registered through a call RecordingApp does not see, the
    # sets compared below would be incomplete.
    assert len(bolt_app._async_listeners) == len(bolt_app.registered) > 0


def test_manifest_commands_are_exactly_COMMANDS(manifest):
    names = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert sorted(names) == sorted(bot.slack.COMMANDS)
    assert len(set(names)) == len(names), "a command is listed twice"


def test_the_app_registers_exactly_COMMANDS(bolt_app):
    names = registered(bolt_app, "command")
    assert all(isinstance(n, str) for n in names), names
    assert Counter(names) == Counter(bot.slack.COMMANDS)


def test_every_documented_action_and_modal_has_a_listener(bolt_app):
    actions = {v for k, v in vars(bot.slack).items() if k.startswith("ACTION_")}
    modals = {v for k, v in vars(bot.slack).items() if k.startswith("MODAL_")}
    assert actions and modals
    assert set(registered(bolt_app, "action")) == actions
    assert set(registered(bolt_app, "view")) == modals


def test_manifest_commands_are_described(manifest):
    for command in manifest["features"]["slash_commands"]:
        assert command["description"].strip(), command
        # Mentions arrive as <@U123|name> only when escaping is on; the parser relies on it.
        assert command.get("should_escape") is True, command


# -------------------------------------------------------------------------------------- events


def test_event_subscriptions_equal_the_events_the_app_listens_to(bolt_app, manifest):
    listened = registered(bolt_app, "event")
    assert all(isinstance(e, str) for e in listened), listened
    subscribed = manifest.get("settings", {}).get("event_subscriptions", {}).get("bot_events", [])
    assert sorted(set(listened)) == sorted(subscribed)
    assert len(set(subscribed)) == len(subscribed)


def test_interactivity_and_app_home_are_switched_on_for_what_the_app_handles(bolt_app, manifest):
    interactive = registered(bolt_app, "action") + registered(bolt_app, "view")
    assert manifest["settings"]["interactivity"]["is_enabled"] is bool(interactive)
    if "app_home_opened" in registered(bolt_app, "event"):
        assert manifest["features"]["app_home"]["home_tab_enabled"] is True


# -------------------------------------------------------------------------------------- scopes


def web_api_calls(source: str, filename: str = "<source>") -> set[str]:
    """Web API methods a Python source calls: `<anything>.<web api method>(...)`,
    `<anything>.api_call("x.y", ...)`, and Bolt listener arguments such as `say`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in WEB_API_METHODS:
                found.add(name)
            elif name == "api_call" and node.args and isinstance(node.args[0], ast.Constant):
                found.add(str(node.args[0].value).replace(".", "_"))
        elif isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
            for arg in node.args.args + node.args.kwonlyargs:
                if arg.arg in LISTENER_ARG_METHODS:
                    found.add(LISTENER_ARG_METHODS[arg.arg])
    return found


def test_the_scanner_finds_calls():
    source = (
        "async def f(client, say):\n"
        "    await client.chat_postEphemeral(channel='C', user='U', text='x')\n"
        "    await self.gateway.client.files_upload_v2(content='x')\n"
        "    await client.api_call('users.info', params={})\n"
        "    client.chat_postMessage\n"  # not a call
    )
    assert web_api_calls(source) == {
        "chat_postEphemeral",
        "files_upload_v2",
        "users_info",
        "chat_postMessage",
    }


@pytest.fixture(scope="module")
def called_methods() -> dict[str, list[str]]:
    calls: dict[str, list[str]] = {}
    files = sorted(BOT_SOURCE.rglob("*.py"))
    assert files, f"no source under {BOT_SOURCE}"
    for path in files:
        for method in web_api_calls(path.read_text(encoding="utf-8"), str(path)):
            calls.setdefault(method, []).append(str(path.relative_to(REPO)))
    return calls


def test_the_source_really_calls_the_web_api(called_methods):
    # Guards the scan itself: these calls are known to exist (notify.py, listeners).
    assert {"chat_postMessage", "conversations_open", "views_open"} <= set(called_methods)


def test_every_called_method_has_a_known_scope(called_methods):
    unknown = {m: where for m, where in called_methods.items() if m not in SCOPE_OF}
    assert not unknown, f"add the bot scope of these Web API methods to SCOPE_OF: {unknown}"


def test_bot_scopes_are_commands_plus_what_the_code_calls(manifest, called_methods):
    needed = {scope for m in called_methods for scope in
              ((SCOPE_OF.get(m) or ()) if isinstance(SCOPE_OF.get(m), tuple) else (SCOPE_OF.get(m),)) if scope}
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(set(scopes)) == len(scopes), "a scope is listed twice"
    assert set(scopes) == {"commands"} | needed, {
        "missing": sorted(({"commands"} | needed) - set(scopes)),
        "unused": sorted(set(scopes) - ({"commands"} | needed)),
        "calls": called_methods,
    }
    assert "user" not in manifest["oauth_config"]["scopes"], "the app needs no user token"
