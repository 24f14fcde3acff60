"""Loading the compiled catalogs, once per language per process.

`make` (and the image's build) compiles each `messages.po` to `messages.mo` with Babel; the `.mo`
files are build output, not in git. When a `.mo` is missing or older than its `.po` (a checkout
where nobody ran `make` since the catalog changed), the `.po` is compiled in memory instead, so
the words are never stale — only that first load is slower.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

LANGUAGES = ("fr", "en")
SOURCE = "en"  # the language the code is written in: a missing translation falls back to it
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"


def language_or_none(word: str | None) -> str | None:
    """"fr", "en" from a code people and systems write ("fr", "FR", "fr-FR", "fr_CA", "en-US",
    "français", "english"), None for anything else."""
    if not word:
        return None
    code = str(word).strip().lower().replace("_", "-")
    aliases = {"français": "fr", "francais": "fr", "french": "fr", "english": "en", "anglais": "en"}
    code = aliases.get(code, code.split("-", 1)[0])
    return code if code in LANGUAGES else None


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


@cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The translations of `lang` (an empty catalog for a language we have no file for)."""
    po, mo = po_path(lang), mo_path(lang)
    try:
        if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
            with mo.open("rb") as handle:
                return gettext.GNUTranslations(handle)
        if po.exists():
            return gettext.GNUTranslations(io.BytesIO(compile_po(po)))
    except OSError:
        pass
    return gettext.NullTranslations()


def compile_po(po: Path) -> bytes:
    """A `.po` file compiled to `.mo` bytes by Babel (fuzzy entries left out, as `pybabel compile` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        messages = read_po(handle)
    out = io.BytesIO()
    write_mo(out, messages)
    return out.getvalue()
