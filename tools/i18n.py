"""The translation catalogs, with Babel: extract, update, check, compile.

    .venv/bin/python tools/i18n.py update    # after changing sentences in the code: messages.pot,
                                             # then fr and en .po (new entries empty, old ones kept)
    .venv/bin/python tools/i18n.py check     # every entry translated in French, placeholders kept,
                                             # and nothing extracted that the catalogs lack
    .venv/bin/python tools/i18n.py compile   # .po -> .mo (make does it; the image's build too)

The `.po` files are the source, in git; `.mo` files are build output. Sentences are marked with
`_`, `n_` (plurals) and `N_` (kept in a constant) — see bot/i18n/__init__.py.
"""

from __future__ import annotations

import argparse
import copy
import fcntl
import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "bot" / "i18n" / "locale"
POT = LOCALE / "messages.pot"
LANGUAGES = ("fr", "en")
KEYWORDS = {"_": None, "n_": (1, 2), "N_": None, "p_": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_][a-z0-9_]*)(?:[!:][^{}]*)?\}(?!\})")


def po(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "messages.po"


@contextmanager
def locked() -> Iterator[None]:
    """One run at a time: several people (or agents) may update the catalogs together."""
    LOCALE.mkdir(parents=True, exist_ok=True)
    with (LOCALE / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def extract() -> Catalog:
    """Every marked sentence in the code, as a template catalog."""
    template = Catalog(project="deliverybot", charset="utf-8", fuzzy=False)
    for directory in ("bot", "planner", "storage"):
        found = extract_from_dir(ROOT / directory, method_map=[("**.py", "python")], keywords=KEYWORDS,
                                 comment_tags=("TRANSLATORS:",), strip_comment_tags=True)
        for filename, lineno, message, comments, context in found:
            where = f"{directory}/{filename}"
            template.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return template


def read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    write_po(out, catalog, width=110, sort_output=True, include_lineno=False)
    path.write_bytes(out.getvalue())


def update() -> None:
    template = extract()
    write(POT, template)
    for lang in LANGUAGES:
        path = po(lang)
        catalog = read(path, lang) if path.exists() else Catalog(locale=lang, project="deliverybot", fuzzy=False)
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        write(path, catalog)
    print(f"{len(template)} sentences; " + ", ".join(f"{lang}: {untranslated(lang)} untranslated"
                                                     for lang in LANGUAGES))


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


def untranslated(lang: str) -> int:
    return sum(1 for m in read(po(lang), lang) if m.id and not _translated(m))


def problems() -> list[str]:
    """What `check` refuses: extracted sentences the catalogs lack, French left untranslated or
    fuzzy, and translations whose placeholders are not the original's."""
    found: list[str] = []
    template = extract()
    for lang in LANGUAGES:
        catalog = read(po(lang), lang)
        known = {(m.id, m.context) for m in catalog if m.id}
        missing = [m.id for m in template if m.id and (m.id, m.context) not in known]
        found += [f"{lang}: not in the catalog (run tools/i18n.py update): {mid!r}" for mid in missing]
        if lang != "fr":
            continue
        for message in catalog:
            if not message.id:
                continue
            if not _translated(message):
                found.append(f"fr: no French for {message.id!r}")
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = {p for text in ids for p in PLACEHOLDER.findall(text)}
            for text in strings:
                said = set(PLACEHOLDER.findall(text))
                if said - wanted or (said != wanted and not isinstance(message.id, tuple)):
                    found.append(f"fr: placeholders {sorted(said)} instead of {sorted(wanted)} in {text!r}")
    return found


def compile_all() -> None:
    for lang in LANGUAGES:
        with po(lang).open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        out = po(lang).with_suffix(".mo")
        with out.open("wb") as handle:
            write_mo(handle, catalog)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("update", "check", "compile"))
    args = parser.parse_args(argv)
    with locked():
        if args.action == "update":
            update()
            compile_all()
        elif args.action == "compile":
            compile_all()
        else:
            found = problems()
            for line in found:
                print(line)
            print(f"{len(found)} problem(s)")
            return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
