"""The command table: every command declared once.

Each entry names the command, the function that answers it, its usage and one-line help, and who
may run it — per sub-command where that differs (`/team` shows to anyone, changes only for a lead).
`DeliveryService.handle` dispatches from this table; `/help`, every usage line, the console's
completion and the Slack commands the app registers (and `manifest.yaml`, checked by a test) are
generated from it. Adding a command is one entry here plus its handler.

Some rules of who may do what belong to the plan's workflow, not to the command's shape (a lead
forces a start, four eyes on done): those are decided by `planner.workflow`; their entries say so
in `who` for /help, and `lead_only` is left for the checks the table itself enforces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.service import checkpoints, digest, handover, incidents, queries, team, transitions
from bot.service.context import Call
from bot.service.replies import Reply

Handler = Callable[[Call], Reply]

ANYONE = "anyone"
LEAD = "lead"
UMBRELLA = "delivery"  # `/delivery start 4.1` is `/start 4.1`


@dataclass(frozen=True)
class Form:
    """Another way of writing a command, shown by /help; its rule is checked by the handler or planner."""

    usage: str
    summary: str
    who: str = ANYONE


@dataclass(frozen=True)
class SubCommand:
    """`/team mode 3`: a word after the command that selects its own handler, usage and permission."""

    word: str
    run: Handler
    usage: str
    summary: str
    who: str = ANYONE
    lead_only: bool = False  # enforced before the handler runs
    denied: str = ""  # "change the team (mode)": what a non-lead is told they can't do
    denied_hint: str = ""  # what they can do instead
    writes: bool = False  # the change and its audit event in one transaction
    takes_words: bool = True  # False: anything after the word is a usage error, before any permission
    aliases: tuple[str, ...] = ()  # other words for it (`/incident critique` is `/incident critical`)


@dataclass(frozen=True)
class Command:
    name: str  # without the slash
    run: Handler  # no words, or words that are no sub-command
    usage: str
    summary: str
    who: str = ANYONE
    subcommands: tuple[SubCommand, ...] = ()
    forms: tuple[Form, ...] = ()
    aliases: tuple[str, ...] = ()  # accepted by the console and `cmd`, never registered in Slack
    needs_plan: bool = True
    in_slack: bool = True  # registered as a Slack slash command (and listed in manifest.yaml)
    brief: str = ""  # the short form /help shows when `usage` spells out every form
    acts: bool = False  # moves stories: refused to a guest from another workspace, like lead-only sub-commands
    reads_bare: bool = False  # with acts: typed alone it only reads (`/incident` lists, `/incident major …` acts)

    @property
    def synopsis(self) -> str:
        return self.brief or self.usage

    def subcommand(self, word: str) -> SubCommand | None:
        lowered = word.lower()
        return next((s for s in self.subcommands if lowered == s.word or lowered in s.aliases), None)

    def acting(self, args: tuple[str, ...], sub: SubCommand | None) -> bool:
        """Whether this use of the command acts (a guest is refused): any use of an acting command,
        except the bare one of a command that `reads_bare`."""
        return self.acts and (sub is not None or bool(args) or not self.reads_bare)

    @property
    def slash(self) -> str:
        return f"/{self.name}"


def _help(call: Call) -> Reply:
    from bot.render.help import help_text  # the help is drawn from this very table
    from bot.render.mrkdwn import esc

    return Reply(True, esc(help_text(COMMANDS)), kind="help")


def _once(word: str, run: Handler) -> Handler:
    """A team change delivered twice (a retry, another replica) is recorded once: its audit entry
    carries the request id, so the second delivery finds it and changes and announces nothing."""
    def once(call: Call) -> Reply:
        if call.store.audit_by_request(call.request_id) is not None:
            return Reply(True, f"Already recorded: /team {word}.", kind="duplicate", data={"duplicate": True})
        return run(call)
    return once


def _team_change(word: str, run: Handler, usage: str, summary: str) -> SubCommand:
    return SubCommand(word, _once(word, run), usage, summary, who=LEAD, lead_only=True,
                      denied=f"change the team ({word})", writes=True)


COMMANDS: tuple[Command, ...] = (
    Command("unblocked", queries.unblocked_command, "/unblocked [mine|all]",
            "what can start now and who should take it"),
    Command("start", transitions.start_command, "/start ID [force <reason> | reopen <reason>]", "take a story",
            brief="/start ID", acts=True,
            forms=(Form("/start ID force <reason>", "start past open prerequisites (shown until they are done)", LEAD),
                   Form("/start ID reopen <reason>", "reopen a done story", LEAD))),
    Command("prepare", handover.prepare_command, "/prepare ID [off]",
            "prepare a story that can't start yet: it is yours first when it opens", acts=True),
    Command("assign", handover.assign_command, "/assign ID @person", "hand a story over",
            who="the holder or a lead", acts=True),
    Command("release", handover.release_command, "/release ID", "put a story back to do",
            who="the holder or a lead", acts=True),
    Command("review", transitions.review_command,
            "/review ID LINK [LINK…] [@reviewer] [note]  or  /review ID changes <what to change>",
            "send your story to review with its pull request", who="the holder or a lead",
            brief="/review ID LINK… [@reviewer] [note]",
            acts=True,
            forms=(Form("/review ID changes <what>", "as reviewer, send it back to in progress", "the reviewer"),)),
    Command("done", transitions.done_command, "/done ID LINK [LINK…] [note]",
            "approve a story in review, with the evidence", who="not who worked on it; the named reviewer or a lead",
            acts=True),
    Command("board", queries.board_command, "/board [ID | graph]",
            "the board, one story with its history and why it is blocked, or the picture",
            subcommands=(SubCommand("graph", queries.graph_command, "/board graph",
                                    "the dependency graph as a picture"),),
            aliases=("status",)),  # its first name; Slack reserves /status, the console and scripts keep it
    Command("next", queries.next_command, "/next", "what you should do next"),
    Command("checkpoint", checkpoints.command, "/checkpoint [NAME LINK [LINK…] [note]]",
            "the checkpoints, reached and validated; attach a reached checkpoint's proofs",
            brief="/checkpoint [NAME LINK…]", acts=True, reads_bare=True,
            forms=(Form("/checkpoint NAME LINK [LINK…] [note]",
                        "anyone records the proofs of a reached checkpoint; a lead who did not do all of its "
                        "stories validates it (with no link: the proofs already attached)"),)),
    Command("incident", incidents.list_command,
            "/incident [critical|major|minor <what> [on ID] | close INC-n FIX-LINK [RUNBOOK-LINK] [note]]",
            "the open incidents; open one, or close one with its fix (and runbook)", brief="/incident",
            acts=True, reads_bare=True,
            subcommands=(
                SubCommand("critical", incidents.open_critical, "/incident critical <what> [on ID]",
                           "open a critical incident (critique): closed only with a fix and a runbook link; "
                           "until then it holds its story's checkpoints", writes=True, aliases=("critique",)),
                SubCommand("major", incidents.open_major, "/incident major <what> [on ID]",
                           "open a major incident (majeur)", writes=True, aliases=("majeur",)),
                SubCommand("minor", incidents.open_minor, "/incident minor <what> [on ID]",
                           "open a minor incident (mineur)", writes=True, aliases=("mineur",)),
                SubCommand("close", incidents.close, "/incident close INC-n FIX-LINK [RUNBOOK-LINK] [note]",
                           "close an incident with the link of its fix, and of its runbook when critical",
                           writes=True),
            )),
    Command("team", team.show, "/team [mode N | lane A @person | lane A none | lead @person [off] | solo on|off | "
            "channel | digest HH:MM ZONE DAYS | holiday YYYY-MM-DD | quiet on|off]",
            "the staffing mode, lanes and leads", brief="/team",
            subcommands=(
                _team_change("mode", team.mode, "/team mode N", "switch the staffing mode"),
                _team_change("lane", team.lane, "/team lane X @person (or none)", "bind a lane to a person"),
                _team_change("lead", team.lead, "/team lead @person [off]",
                             "make someone a lead, or revoke one (off; never the last)"),
                _team_change("solo", team.solo, "/team solo on|off", "let authors approve their own stories"),
                _team_change("channel", team.bind_channel, "/team channel #channel",
                             "the channel the plan announces in"),
                _team_change("digest", team.digest, "/team digest 09:30 Europe/Paris mon-fri [until 12:00]",
                             "when the daily digest goes out"),
                _team_change("holiday", team.holiday, "/team holiday YYYY-MM-DD", "a day without digest"),
                _team_change("quiet", team.quiet, "/team quiet on|off", "skip the digest on days nothing moved"),
            )),
    Command("digest", digest.show, "/digest (just for you) or /digest post (a lead: in the plan's channel)",
            "the daily gate digest now, for you", brief="/digest [post]",
            subcommands=(SubCommand("post", digest.post, "/digest post", "post it in the plan's channel", who=LEAD,
                                    lead_only=True, denied="post the digest in the channel",
                                    denied_hint="/digest shows it to you.", takes_words=False),)),
    Command("help", _help, "/help", "this list", needs_plan=False),
    Command(UMBRELLA, _help, f"/{UMBRELLA} <command> …",
            "any command under one name, for workspaces where another app owns /start or /next",
            needs_plan=False, brief=f"/{UMBRELLA} done 4.1 https://…"),
)

_BY_NAME = {name: command for command in COMMANDS for name in (command.name, *command.aliases)}


def find(name: str) -> Command | None:
    """The command typed as `/name` (or one of its aliases), or None."""
    return _BY_NAME.get(name.lower())


def unwrap(name: str, args: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """`/delivery done 4.1 …` -> ("done", ("4.1", …)); any other command as it is. The umbrella
    with no command, or with itself, stays the umbrella (it answers with the help)."""
    if name.lower() == UMBRELLA and args and args[0].lstrip("/").lower() not in ("", UMBRELLA):
        return args[0].lstrip("/").lower(), args[1:]
    return name, args


def slack_commands() -> tuple[str, ...]:
    """The slash commands the Slack app registers: manifest.yaml must list exactly these."""
    return tuple(c.slash for c in COMMANDS if c.in_slack)


def completions() -> list[str]:
    """Every command and sub-command as the console completes them: "/team mode", "/board graph", ..."""
    words = [f"/{name}" for name in _BY_NAME]
    words += [f"/{name} {s.word}" for name, c in _BY_NAME.items() for s in c.subcommands]
    return sorted(words)
