"""The local console: the same service as Slack, typed in a terminal, answered in plain text."""

from __future__ import annotations

import html
import re
import sys

_BOLD = re.compile(r"\*(\S(?:[^*\n]*\S)?)\*")


def plain(text: str) -> str:
    """Slack mrkdwn to terminal text: no bold stars, entities back to characters."""
    return html.unescape(_BOLD.sub(r"\1", text))


def note_line(note) -> str:
    """What a notification would be, where it would go: shown under the reply in a terminal."""
    target = f"DM @{note.to}" if note.kind == "dm" else f"#{note.to or 'channel'}"
    return plain(f"  → {target}: " + note.text.replace("\n", "\n    "))


def run_console(service, *, actor: str = "me", plan: str | None = None, channel: str | None = None,
                stdin=None, stdout=None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    store = service.store
    if not store.leads():
        store.add_lead(actor, "console")
        print(f"(you, @{actor}, are the first lead of this local workspace)", file=stdout)
    print(f"deliverybot console — you are @{actor}. /help lists commands, /as NAME switches person, "
          "/quit leaves.", file=stdout)
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
            name = line[3:].strip().lstrip("@")
            if name and name.replace(".", "").replace("-", "").replace("_", "").isalnum():
                actor = name
                print(f"you are now @{actor}", file=stdout)
            else:
                print("usage: /as NAME", file=stdout)
            continue
        reply = service.handle(actor, line, channel=channel, plan=plan)
        print(plain(reply.text), file=stdout)
        for note in reply.notifications:
            print(note_line(note), file=stdout)
        stdout.flush()
    return 0
