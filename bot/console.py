"""The local console: the same service as Slack, typed in a terminal, answered in plain text."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from bot.i18n import _, speak, speaking
from bot.render.plain import plain
from bot.service.parsing import person_name

if TYPE_CHECKING:
    from bot.service.delivery import DeliveryService
    from bot.service.replies import Notification

def note_line(note: Notification) -> str:
    """What a notification would be, where it would go: shown under the reply in a terminal, its
    label in the language of its text."""
    with speaking(note.lang):
        target = _("DM @{who}", who=note.to) if note.kind == "dm" else "#" + (note.to or _("channel"))
        return plain(_("  → {target}: {text}", target=target, text=note.text.replace("\n", "\n    ")))


def candidates(words: Sequence[str], line: str) -> list[str]:
    """What may complete the word being typed at the end of `line`, from "/team mode"-style entries:
    "/te" -> ["/team"], "/team m" -> ["mode"]."""
    typed = line.split(" ")
    done, current = typed[:-1], typed[-1]
    found = []
    for entry in words:
        parts = entry.split(" ")
        if len(parts) > len(done) and parts[: len(done)] == done and parts[len(done)].startswith(current):
            found.append(parts[len(done)])
    return sorted(set(found))


def completer(words: Sequence[str]) -> Callable[[str, int], str | None]:
    """A readline completer over the command table's commands and sub-commands."""

    def complete(_text: str, state: int) -> str | None:
        import readline

        matches = candidates(words, readline.get_line_buffer()[: readline.get_endidx()])
        return matches[state] + " " if state < len(matches) else None

    return complete


def _enable_completion() -> None:
    """Tab completes commands in an interactive terminal; nothing when readline is not there."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline: typing still works
        return
    from bot.service.table import completions

    readline.set_completer(completer(completions()))
    readline.set_completer_delims(" ")
    readline.parse_and_bind("tab: complete")


def run_console(service: DeliveryService, *, actor: str = "me", plan: str | None = None,
                channel: str | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    actor = person_name(actor) or actor
    # The console's own lines in the person's language (again after /as); replies carry their own.
    with speaking(service.language_of(actor, plan, channel)):
        return _read_commands(service, actor, plan, channel, stdin or sys.stdin, stdout or sys.stdout)


def _read_commands(service: DeliveryService, actor: str, plan: str | None, channel: str | None,
                   stdin: TextIO, stdout: TextIO) -> int:
    if stdin.isatty():
        _enable_completion()
    store = service.store
    if not store.leads():
        store.add_lead(actor, "console")
        print(_("(you, @{actor}, are the first lead of this local workspace)", actor=actor), file=stdout)
    print(_("deliverybot console — you are @{actor}. /help lists commands, /as NAME switches person, "
            "/quit leaves.", actor=actor), file=stdout)
    while True:
        if stdin.isatty():
            try:
                line = input(f"{actor}> ")
            except EOFError:
                break
        else:
            line = stdin.readline()
            if not line:
                break
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit"):
            break
        if line.startswith("/as"):
            name = person_name(line[3:])  # Alice, @alice and alice are one person
            if name:
                actor = name
                speak(service.language_of(actor, plan, channel))
                print(_("you are now @{actor}", actor=actor), file=stdout)
            else:
                print(_("usage: /as NAME"), file=stdout)
            continue
        reply = service.handle(actor, line, channel=channel, plan=plan)
        print(plain(reply.text), file=stdout)
        for note in reply.notifications:
            print(note_line(note), file=stdout)
        stdout.flush()
    return 0
