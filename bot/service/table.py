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

from bot.i18n import N_, _
from bot.service import checkpoints, digest, handover, incidents, languages, queries, team, transitions
from bot.service.context import Call
from bot.service.parsing import keyword
from bot.service.replies import Reply

Handler = Callable[[Call], Reply]

ANYONE = "anyone"
LEAD = N_("lead")
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
        lowered = keyword(word)  # French words too: `/incident fermer` is `/incident close`
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
            return Reply(True, _("Already recorded: /team {word}.", word=word), kind="duplicate", data={"duplicate": True})
        return run(call)
    return once


def _team_change(word: str, run: Handler, usage: str, summary: str, denied: str = "") -> SubCommand:
    return SubCommand(word, _once(word, run), usage, summary, who=LEAD, lead_only=True,
                      denied=denied or f"change the team ({word})", writes=True)


COMMANDS: tuple[Command, ...] = (
    Command("unblocked", queries.unblocked_command, N_("/unblocked [mine|all]"),
            N_("what can start now and who should take it")),
    Command("start", transitions.start_command, N_("/start ID [force <reason> | reopen <reason>]"), N_("take a story"),
            brief="/start ID", acts=True,
            forms=(Form(N_("/start ID force <reason>"), N_("start past open prerequisites (shown until they are done)"), LEAD),
                   Form(N_("/start ID reopen <reason>"), N_("reopen a done story"), LEAD))),
    Command("prepare", handover.prepare_command, N_("/prepare ID [off]"),
            N_("prepare a story that can't start yet: it is yours first when it opens"), acts=True),
    Command("assign", handover.assign_command, N_("/assign ID @person"), N_("hand a story over"),
            who=N_("the holder or a lead"), acts=True),
    Command("release", handover.release_command, "/release ID", N_("put a story back to do"),
            who=N_("the holder or a lead"), acts=True),
    Command("review", transitions.review_command,
            N_("/review ID LINK [LINK…] [@reviewer] [note]  or  /review ID changes <what to change>"),
            N_("send your story to review with its pull request"), who=N_("the holder or a lead"),
            brief=N_("/review ID LINK… [@reviewer] [note]"),
            acts=True,
            forms=(Form(N_("/review ID changes <what>"), N_("as reviewer, send it back to in progress"),
                        N_("the reviewer")),)),
    Command("done", transitions.done_command, N_("/done ID LINK [LINK…] [note]"),
            N_("approve a story in review, with the evidence"),
            who=N_("not who worked on it; the named reviewer or a lead"),
            acts=True),
    Command("board", queries.board_command, N_("/board [ID | graph]"),
            N_("the board, one story with its history and why it is blocked, or the picture"),
            subcommands=(SubCommand("graph", queries.graph_command, N_("/board graph"),
                                    N_("the dependency graph as a picture")),),
            aliases=("status",)),  # its first name; Slack reserves /status, the console and scripts keep it
    Command("next", queries.next_command, "/next", N_("what you should do next")),
    Command("checkpoint", checkpoints.command, N_("/checkpoint [NAME LINK [LINK…] [note]]"),
            N_("the checkpoints, reached and validated; attach a reached checkpoint's proofs"),
            brief=N_("/checkpoint [NAME LINK…]"), acts=True, reads_bare=True,
            forms=(Form(N_("/checkpoint NAME LINK [LINK…] [note]"),
                        N_("anyone records the proofs of a reached checkpoint; a lead who did not do all of its "
                           "stories validates it (with no link: the proofs already attached)")),)),
    Command("incident", incidents.list_command,
            N_("/incident [critical|major|minor <what> [on ID] | close INC-n FIX-LINK [RUNBOOK-LINK] [note]]"),
            N_("the open incidents; open one, or close one with its fix (and runbook)"), brief="/incident",
            acts=True, reads_bare=True,
            subcommands=(
                SubCommand("critical", incidents.open_critical, N_("/incident critical <what> [on ID]"),
                           N_("open a critical incident (critique): closed only with a fix and a runbook link; "
                              "until then it holds its story's checkpoints"), writes=True, aliases=("critique",)),
                SubCommand("major", incidents.open_major, N_("/incident major <what> [on ID]"),
                           N_("open a major incident (majeur)"), writes=True, aliases=("majeur",)),
                SubCommand("minor", incidents.open_minor, N_("/incident minor <what> [on ID]"),
                           N_("open a minor incident (mineur)"), writes=True, aliases=("mineur",)),
                SubCommand("close", incidents.close, N_("/incident close INC-n FIX-LINK [RUNBOOK-LINK] [note]"),
                           N_("close an incident with the link of its fix, and of its runbook when critical"),
                           writes=True),
            )),
    Command("team", team.show, N_("/team [mode N | lane A @person | lane A none | lead @person [off] | solo on|off | "
                                  "channel | digest HH:MM ZONE DAYS | holiday YYYY-MM-DD | quiet on|off | "
                                  "lang fr|en|auto]"),
            N_("the staffing mode, lanes and leads"), brief="/team",
            subcommands=(
                _team_change("mode", team.mode, "/team mode N", N_("switch the staffing mode"),
                             N_("change the team (mode)")),
                _team_change("lane", team.lane, N_("/team lane X @person (or none)"), N_("bind a lane to a person"),
                             N_("change the team (lane)")),
                _team_change("lead", team.lead, N_("/team lead @person [off]"),
                             N_("make someone a lead, or revoke one (off; never the last)"),
                             N_("change the team (lead)")),
                _team_change("solo", team.solo, N_("/team solo on|off"), N_("let authors approve their own stories"),
                             N_("change the team (solo)")),
                _team_change("channel", team.bind_channel, N_("/team channel #channel"),
                             N_("the channel the plan announces in"), N_("change the team (channel)")),
                _team_change("digest", team.digest, N_("/team digest 09:30 Europe/Paris mon-fri [until 12:00]"),
                             N_("when the daily digest goes out"), N_("change the team (digest)")),
                _team_change("holiday", team.holiday, N_("/team holiday YYYY-MM-DD"), N_("a day without digest"),
                             N_("change the team (holiday)")),
                _team_change("lang", languages.plan, N_("/team lang fr|en|auto"),
                             N_("the language of the plan's channel and digest (auto: the plan's own)"),
                             N_("change the team (lang)")),
                _team_change("quiet", team.quiet, N_("/team quiet on|off"), N_("skip the digest on days nothing moved"),
                             N_("change the team (quiet)")),
            )),
    Command("digest", digest.show, N_("/digest (just for you) or /digest post (a lead: in the plan's channel)"),
            N_("the daily gate digest now, for you"), brief="/digest [post]",
            subcommands=(SubCommand("post", digest.post, "/digest post", N_("post it in the plan's channel"),
                                    who=LEAD, lead_only=True, denied=N_("post the digest in the channel"),
                                    denied_hint=N_("/digest shows it to you."), takes_words=False),)),
    Command("lang", languages.personal, N_("/lang [fr|en|auto]"),
            N_("the language deliverybot speaks to you (auto: your Slack language, else the plan's)"),
            aliases=("langue",)),
    Command("help", _help, "/help", N_("this list"), needs_plan=False),
    Command(UMBRELLA, _help, N_("/delivery <command> …"),
            N_("any command under one name, for workspaces where another app owns /start or /next"),
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
