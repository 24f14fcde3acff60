"""The catalogs: every sentence the code marks is in them, translated into French with the same
placeholders; plurals, dates and numbers follow each language's rules; a stale compiled catalog
is never read."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.i18n import _, catalogs, n_, speaking
from bot.i18n import formats as F

REPO = Path(__file__).resolve().parents[3]


def test_every_marked_sentence_is_in_the_catalogs_and_has_its_french():
    """`tools/i18n.py check`: what `pybabel extract` finds in bot/, planner/ and storage/ is in both
    catalogs, no French entry is empty or fuzzy, and each French keeps the original's placeholders."""
    done = subprocess.run([sys.executable, "tools/i18n.py", "check"], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert done.stdout.strip().endswith("0 problem(s)")


def test_the_check_fails_on_a_missing_french_and_a_lost_placeholder(tmp_path, monkeypatch):
    """The check itself can fail: an entry emptied and a placeholder renamed in a copy of the French."""
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import i18n as tool
    finally:
        sys.path.remove(str(REPO / "tools"))
    french = tool.read(tool.po("fr"), "fr")
    started = next(m for m in french if m.id == "Usage: {usage}")
    started.string = "Syntaxe : {utilisation}"
    emptied = next(m for m in french if m.id == "your choice")
    emptied.string = ""
    copy = tmp_path / "fr" / "LC_MESSAGES" / "messages.po"
    tool.write(copy, french)
    english = tool.po("en")
    monkeypatch.setattr(tool, "po", lambda lang: copy if lang == "fr" else english)
    found = tool.problems()
    assert "fr: no French for 'your choice'" in found
    assert any("placeholders ['utilisation'] instead of ['usage']" in line for line in found), found


@pytest.mark.parametrize(("lang", "said"), [
    ("en", ["0 reviews waiting", "1 review waiting", "2 reviews waiting"]),  # English: "one" is 1 only
    ("fr", ["0 review en attente", "1 review en attente", "2 reviews en attente"]),  # French: 0 and 1 are "one"
])
def test_plurals_follow_the_language(lang, said):
    with speaking(lang):
        assert [n_("{n} review waiting", "{n} reviews waiting", n) for n in (0, 1, 2)] == said


def test_dates_and_numbers_are_written_as_each_language_writes_them():
    monday = date(2026, 12, 7)
    with speaking("en"):
        assert (F.short_day(monday), F.long_day(monday), F.number(2000), F.number(1.5)) == \
            ("7 Dec", "Monday 7 December", "2,000", "1.5")
        assert F.short_day(date(2026, 9, 3)) == "3 Sep"
    with speaking("fr"):
        assert (F.short_day(monday), F.long_day(monday), F.number(1.5)) == ("7 déc.", "lundi 7 décembre", "1,5")
        assert F.number(2000).replace("\u202f", " ") == "2 000"


def test_a_language_is_chosen_per_message_and_restored():
    with speaking("fr"):
        assert _("your choice") == "ton choix"
        with speaking("en"):
            assert _("your choice") == "your choice"
        with speaking("de"):  # not a language of ours: the current one stays
            assert _("your choice") == "ton choix"
        assert _("your choice") == "ton choix"


def test_a_compiled_catalog_older_than_its_source_is_not_read(tmp_path, monkeypatch):
    """A checkout where the .po changed since `make` compiled it: the .po is read, never stale words."""
    for lang in ("fr", "en"):
        target = tmp_path / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(catalogs.po_path(lang), target / "messages.po")
    po = tmp_path / "fr" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "ton choix"', 'msgstr "ton choix à toi"'),
                  encoding="utf-8")
    mo = po.with_suffix(".mo")
    mo.write_bytes(catalogs.compile_po(catalogs.po_path("fr")))  # the old words, compiled
    os.utime(mo, (po.stat().st_mtime - 60, po.stat().st_mtime - 60))
    monkeypatch.setattr(catalogs, "LOCALE_DIR", tmp_path)
    catalogs.catalog.cache_clear()
    try:
        assert catalogs.catalog("fr").gettext("your choice") == "ton choix à toi"
    finally:
        catalogs.catalog.cache_clear()
