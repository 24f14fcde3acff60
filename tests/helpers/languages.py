"""Telling whether a text a person read is in the language it should be: a catalog entry's
original wording left in a French text (or its French in an English one) is a sentence that
escaped translation — a render path outside `speaking`, a string nobody marked, a stale catalog."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from babel.messages.pofile import read_po

from bot.i18n.catalogs import po_path

PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*(?:[!:][^{}]*)?\}")
WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORDS = 3  # a chunk of fewer words ("Usage:", "Checkpoint") may be the same in both languages


def _chunks(text: str) -> list[str]:
    """The literal runs of a catalog text between its placeholders, trimmed of markup."""
    pieces = PLACEHOLDER.split(text.replace("{{", "{").replace("}}", "}"))
    return [p.strip(" \n*_`•—-:;.,!?()[]\"'") for p in pieces]


@cache
def telling_chunks(source: str) -> tuple[str, ...]:
    """Chunks of `source` ("en": the originals, "fr": the translations) of at least MIN_WORDS words
    that the other language's catalog texts never contain: seen in a text, they say which
    language wrote it."""
    with po_path("fr").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    english, french = [], []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        english += [c for text in ids for c in _chunks(text)]
        french += [c for text in strings if text for c in _chunks(text)]
    mine, theirs = (english, french) if source == "en" else (french, english)
    other = "\n".join(theirs)
    return tuple(sorted({c for c in mine if len(WORD.findall(c)) >= MIN_WORDS and c not in other}))


def leaks(texts: Iterable[str], *, expected: str, plan_text: str = "") -> list[tuple[str, str]]:
    """(chunk, where) for each catalog chunk of the other language found in `texts` (a French walk:
    English originals; an English walk: French translations). The plan's own words don't count."""
    found = []
    chunks = [c for c in telling_chunks("en" if expected == "fr" else "fr") if c not in plan_text]
    for text in texts:
        for chunk in chunks:
            if chunk in text:
                found.append((chunk, text[:160]))
    return found
