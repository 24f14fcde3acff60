"""The command table: every command declared once, and what is generated from it — dispatch,
/help, the lead-only checks, the Slack commands and manifest.yaml."""

from dataclasses import replace

import pytest
import yaml

from bot.render.mrkdwn import esc
from bot.service import table
from bot.service.table import COMMANDS, LEAD, find, slack_commands
from storage.plan_settings import PlanSettings
from tests.helpers.bot import SLUG, count_events
from tests.helpers.plans import ROOT

SUBCOMMANDS = [(c, s) for c in COMMANDS for s in c.subcommands]
LEAD_ONLY = [(c, s) for c, s in SUBCOMMANDS if s.lead_only]


def manifest_commands() -> list[dict]:
    manifest = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))
    return manifest["features"]["slash_commands"]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_every_command_has_a_handler_a_usage_and_a_summary(command):
    assert callable(command.run)
    assert command.usage.startswith(command.slash) and command.synopsis.startswith(command.slash)
    assert command.summary.strip()
    for form in command.forms:
        assert form.usage.startswith(command.slash + " ") and form.summary.strip()
    for sub in command.subcommands:
        assert callable(sub.run) and sub.summary.strip()
        assert sub.usage.startswith(f"{command.slash} {sub.word}"), sub.usage
        assert command.subcommand(sub.word.upper()) is sub  # words are matched whatever their case


def test_names_and_aliases_resolve_to_their_command():
    names = [name for c in COMMANDS for name in (c.name, *c.aliases)]
    assert len(names) == len(set(names)), "a name or alias is declared twice"
    for command in COMMANDS:
        for name in (command.name, command.name.upper(), *command.aliases):
            assert find(name) is command, name
    assert find("frobnicate") is None


def test_help_lists_every_command_and_sub_command(service):
    reply = service.handle("ann", "/help")
    assert reply.ok and reply.kind == "help"
    lines = reply.text.split("\n")
    for command in COMMANDS:
        assert any(line.startswith(f"• {esc(command.synopsis)} — {esc(command.summary)}") for line in lines), \
            command.name
        for other in (*command.forms, *command.subcommands):
            assert any(line.strip().startswith(f"◦ {esc(other.usage)} — ") for line in lines), other.usage


@pytest.mark.parametrize(("command", "sub"), LEAD_ONLY, ids=lambda x: getattr(x, "word", getattr(x, "name", "")))
def test_help_says_lead_for_exactly_what_a_non_lead_is_refused(service, command, sub):
    help_line = next(line for line in service.handle("ann", "/help").text.split("\n")
                     if line.strip().startswith(f"◦ {esc(sub.usage)} — "))
    assert help_line.endswith(f"({LEAD})") and sub.who == LEAD
    reply = service.handle("ann", f"{command.slash} {sub.word}")
    assert not reply.ok and reply.data["error"] == "lead-only", reply.text
    assert sub.denied in reply.text


def test_team_mode_by_a_non_lead_is_refused_before_its_handler_runs(service, monkeypatch):
    ran = []
    team = find("team")
    spied = replace(team, subcommands=tuple(
        replace(s, run=lambda call, real=s.run: ran.append(call.actor) or real(call)) for s in team.subcommands))
    monkeypatch.setitem(table._BY_NAME, "team", spied)

    refused = service.handle("ann", "/team mode 3")
    assert not refused.ok and refused.data["error"] == "lead-only"
    assert "Only a lead can change the team (mode)" in refused.text
    assert ran == []  # refused by the table's check, not by the handler
    assert service.store.plan_settings(SLUG) == PlanSettings() and service.store.audit(SLUG) == []
    assert count_events(service) == 0

    shown = service.handle("ann", "/team")  # looking is anyone's
    assert shown.ok and shown.kind == "team" and "Leads: @lea" in shown.text
    assert service.handle("lea", "/team mode 2").ok and ran == ["lea"]
    assert service.store.plan_settings(SLUG).mode == 2


def test_an_unknown_word_after_team_is_a_usage_error(service):
    reply = service.handle("lea", "/team frobnicate 3")
    assert not reply.ok and reply.data["error"] == "bad-input"
    assert "'frobnicate' is not a /team command" in reply.text and f"Usage: {esc(find('team').usage)}" in reply.text
    assert service.store.audit(SLUG) == []


def test_manifest_yaml_lists_exactly_the_tables_slack_commands():
    listed = [c["command"] for c in manifest_commands()]
    assert listed == list(slack_commands())  # same commands, in the table's (and /help's) order
    assert slack_commands() == tuple(c.slash for c in COMMANDS if c.in_slack)


def test_manifest_usage_hints_name_every_sub_command():
    hints = {c["command"]: c.get("usage_hint", "") for c in manifest_commands()}
    for command in COMMANDS:
        for sub in command.subcommands:
            assert sub.word in hints[command.slash], (command.slash, sub.word)


# Built-in names Slack keeps for itself: one of them in the manifest and Slack rejects the whole
# slash_commands list, so the app installs with no commands at all.
SLACK_RESERVED = ("status", "me", "join", "away", "dnd", "shrug", "remind", "msg", "feed", "who", "collapse",
                  "expand", "leave", "open", "search", "topic", "mute", "pro", "shortcuts")


def test_no_command_slack_registers_has_a_reserved_name():
    registered = {c["command"].lstrip("/") for c in manifest_commands()} | {s.lstrip("/") for s in slack_commands()}
    assert not registered & set(SLACK_RESERVED)
    assert {"unblocked", "done", "board", "delivery"} <= registered


def test_status_stays_an_alias_for_the_console_and_scripts(service):
    board = find("board")
    assert board is not None and find("status") is board and "/status" not in slack_commands()
    assert service.handle("ann", "/status").kind == service.handle("ann", "/board").kind == "board"


@pytest.mark.parametrize(("typed", "same_as"), [
    ("/delivery unblocked all", "/unblocked all"),
    ("/delivery board 1.1", "/board 1.1"),
    ("/delivery /next", "/next"),
    ("/delivery team", "/team"),
])
def test_the_umbrella_reaches_every_command(service, typed, same_as):
    through, direct = service.handle("ann", typed), service.handle("ann", same_as)
    assert (through.ok, through.kind, through.text) == (direct.ok, direct.kind, direct.text)


def test_the_umbrella_moves_stories_like_the_command_itself(service):
    before = count_events(service)
    moved = service.handle("ann", "/delivery start 1.1")
    assert moved.ok and moved.data["story"] == "1.1" and count_events(service) == before + 1
    assert service.handle("ann", "/delivery").kind == "help"  # alone: what it can reach
    assert service.handle("ann", "/delivery frobnicate").data["error"] == "unknown-command"
