"""/help, drawn from the command table: one line per command with its synopsis, its forms and
sub-commands below it, and "(lead)" (or who else) after what only some may do."""

from bot.render.help import help_text
from bot.service.table import COMMANDS, LEAD, Command, Form, SubCommand


def noop(call):
    return None


TEAM = Command("team", noop, "/team [mode N | lane X @person]", "show or change the team",
               subcommands=(SubCommand("mode", noop, "/team mode N", "switch the staffing mode", who=LEAD,
                                       lead_only=True),
                            SubCommand("show", noop, "/team show", "show the team")),
               forms=(Form("/team --json", "the team as JSON"),))
DONE = Command("done", noop, "/done ID <evidence link>", "approve a story", who="not the author",
               brief="/done ID LINK")


def test_lead_only_sub_commands_say_lead_and_the_others_say_nothing():
    lines = help_text([TEAM]).split("\n")
    assert "   ◦ /team mode N — switch the staffing mode (lead)" in lines
    assert "   ◦ /team show — show the team" in lines
    assert "   ◦ /team --json — the team as JSON" in lines
    assert lines[1] == "• /team [mode N | lane X @person] — show or change the team"


def test_a_command_shows_its_brief_synopsis_and_who_may_run_it():
    lines = help_text([DONE]).split("\n")
    assert lines[1] == "• /done ID LINK — approve a story (not the author)"
    assert "<evidence link>" not in "\n".join(lines)


def test_the_real_help_lists_each_synopsis_once_and_marks_every_lead_only_sub_command():
    text = help_text(COMMANDS)
    lines = text.split("\n")
    assert lines[0].startswith("*deliverybot*")
    bullets = [line for line in lines if line.startswith("• ")]
    assert len(bullets) == len(COMMANDS)
    for command in COMMANDS:
        starts = [b for b in bullets if b.startswith(f"• {command.synopsis} — ")]
        assert len(starts) == 1, command.name
    for command in COMMANDS:
        for sub in command.subcommands:
            [line] = [line for line in lines if line.startswith(f"   ◦ {sub.usage} — {sub.summary}")]
            assert line.endswith(f"({LEAD})") == sub.lead_only, sub.usage
    assert any(s.lead_only for c in COMMANDS for s in c.subcommands)  # the check above checked something


def test_sub_commands_follow_their_own_command():
    lines = help_text(COMMANDS).split("\n")
    for command in COMMANDS:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"• {command.synopsis} — "))
        below = lines[at + 1: at + 1 + len(command.forms) + len(command.subcommands)]
        expected = [*(f.usage for f in command.forms), *(s.usage for s in command.subcommands)]
        assert [line.split(" — ")[0].removeprefix("   ◦ ") for line in below] == expected, command.name
