"""Who reads which language (docs/i18n.md): the plan's own, a lead's /team lang for the channel, a
person's /lang for their replies and DMs, DELIVERYBOT_LANG and --lang for everything; and French
words wherever people type words."""

from __future__ import annotations

import json

import pytest

from bot.bootstrap import import_plan
from bot.service.delivery import DeliveryService
from planner.reader import read_plan
from storage.store import Store
from tests.helpers.bot import SEED, SEED_TEXT, run_cli
from tests.helpers.plans import TEST_PLANS

pytestmark = pytest.mark.languages


@pytest.fixture
def service(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/bot.db")
    import_plan(store, SEED, channel="C0PLAN")
    store.add_lead("lea", "test")
    return DeliveryService(store)


def notes(reply, kind: str) -> list:
    return [n for n in reply.notifications if n.kind == kind]


def test_a_plan_is_read_in_the_language_it_is_written_in():
    assert read_plan(SEED_TEXT).language == "fr"
    assert read_plan((TEST_PLANS / "english.md").read_text(encoding="utf-8")).language == "en"


def test_a_fresh_database_answers_in_the_plan_s_french_with_no_setting(db, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # the terminal's locale is not deliverybot's language
    code, out, _err = run_cli(capsys, "cmd", "--as", "ann", "/unblocked")
    assert code == 0 and "Sans preneur" in out and "Unclaimed" not in out, out
    code, out, _err = run_cli(capsys, "cmd", "--as", "ann", "/board")
    assert code == 0 and "terminées" in out and " done" not in out, out
    code, out, _err = run_cli(capsys, "cmd", "--as", "ann", "--lang", "en", "/board")
    assert code == 0 and "0/18 done" in out, out


def test_a_gate_kind_of_the_vocabulary_is_said_in_the_reader_s_language(db, capsys):
    """The plan writes "gate d'entree"; the reader keeps the vocabulary's kind, "entry", which
    each reader reads in their own language, in the story's tags and its file."""
    code, out, _err = run_cli(capsys, "cmd", "--as", "ann", "/unblocked")
    assert code == 0 and "[gate : entrée, chemin critique" in out and "entry" not in out, out
    code, out, _err = run_cli(capsys, "cmd", "--as", "ann", "/board 1.1")
    assert code == 0 and "Gate : entrée" in out, out
    code, out, _err = run_cli(capsys, "cmd", "--as", "ann", "--lang", "en", "/unblocked")
    assert code == 0 and "[gate: entry, critical path" in out, out


def test_delivery_lang_speaks_one_language_for_everything(db, capsys, monkeypatch):
    monkeypatch.setenv("DELIVERYBOT_LANG", "en")
    code, out, _err = run_cli(capsys, "cmd", "--as", "ann", "--json", "/start 1.1")
    said = json.loads(out)
    assert said["text"].startswith("▶ @ann started 1.1")
    assert all("started" in n["text"] for n in said["notifications"] if n["kind"] == "channel")
    code, out, _err = run_cli(capsys, "cmd", "--as", "ann", "/lang fr")
    assert "DELIVERYBOT_LANG" in out and "changes nothing" in out


def test_a_lead_makes_the_channel_english_and_back(service):
    refused = service.handle("ann", "/team lang en")
    assert not refused.ok and "lead" in refused.text
    reply = service.handle("lea", "/team lang en")
    assert reply.ok and reply.text.startswith("🌐 @lea set the language of k3s-mono-pgsql")
    assert [n.text for n in notes(reply, "channel")] == [reply.text]
    started = service.handle("ann", "/start 1.1")
    assert started.text.startswith("▶ @ann started 1.1") and notes(started, "channel")[0].text.startswith("▶ @ann started")
    assert "unchanged" not in service.handle("lea", "/team lang").text
    back = service.handle("lea", "/team lang auto")
    assert back.text.startswith("🌐 @lea a changé la langue de k3s-mono-pgsql")
    assert service.handle("ann", "/board").text.startswith("*k3s-mono-pgsql* : 0/18 terminées")
    again = service.handle("lea", "/team lang auto")
    assert again.ok and not again.notifications and "rien n'a changé" in again.text


def test_a_person_reads_their_own_language_while_the_channel_keeps_the_plan_s(service):
    chosen = service.handle("bob", "/lang en")
    assert chosen.text.startswith("Noted: I speak English to you")
    started = service.handle("bob", "/start 1.1")
    assert started.text.startswith("▶ @bob started 1.1"), started.text
    assert notes(started, "channel")[0].text.startswith("▶ @bob a démarré 1.1"), notes(started, "channel")
    assert notes(started, "channel")[0].lang == "fr" and started.lang == "en"
    # A DM to bob is English, to ann (no choice: the plan's) French.
    service.handle("lea", "/team lane A @ann")
    handed = service.handle("bob", "/assign 1.1 @ann")
    assert [(n.to, n.lang) for n in notes(handed, "dm")] == [("ann", "fr")]
    assert notes(handed, "dm")[0].text.startswith("@bob t'a confié 1.1")
    back = service.handle("ann", "/assign 1.1 @bob")
    assert [(n.to, n.lang) for n in notes(back, "dm")] == [("bob", "en")]
    assert notes(back, "dm")[0].text.startswith("@ann handed you 1.1")
    assert service.handle("bob", "/lang").text.startswith("You read English (your choice)")
    auto = service.handle("bob", "/lang auto")
    assert auto.text.startswith("C'est noté : tu lis en français (la langue du plan)"), auto.text


@pytest.mark.parametrize("typed", ["/lang de", "/lang fr en", "/team lang klingon"])
def test_a_language_we_do_not_speak_is_a_usage_line_and_changes_nothing(service, typed):
    reply = service.handle("lea", typed)
    assert not reply.ok and reply.text.startswith("Usage : /"), reply.text
    assert service.store.person_language("lea") is None and service.store.plan_settings("k3s-mono-pgsql").lang is None


def test_french_words_are_understood_where_people_type_words(service):
    assert service.handle("ann", "/unblocked tout").kind == "unblocked"
    assert service.handle("ann", "/unblocked moi").ok
    assert service.handle("bob", "/prepare 1.4").ok
    assert service.handle("bob", "/prepare 1.4 non").data["action"] == "unprepare"
    solo = service.handle("lea", "/team solo oui")
    assert solo.ok and service.store.plan_settings("k3s-mono-pgsql").allow_solo
    assert [e.reason for e in service.store.audit("k3s-mono-pgsql") if e.action == "team-solo"] == ["solo on"]
    assert service.handle("lea", "/team solo non").ok and not service.store.plan_settings("k3s-mono-pgsql").allow_solo


def test_a_keyword_is_mapped_only_where_a_keyword_stands(service):
    """`tout` in a reason stays `tout`: only the word after the story id is a keyword."""
    service.handle("ann", "/start 1.1")
    forced = service.handle("lea", "/start 1.3 forcer tout le monde attend")
    assert forced.ok and forced.data["action"] == "force_start"
    assert service.store.events("k3s-mono-pgsql", "1.3")[-1].reason == "tout le monde attend"


def test_a_person_s_language_survives_a_backup_and_a_bad_one_is_refused(service, tmp_path):
    service.handle("bob", "/lang en")
    data = service.store.export()
    assert [(p["name"], p["lang"]) for p in data["people"]] == [("bob", "en")]
    restored = Store(f"sqlite:///{tmp_path}/restored.db")
    restored.import_(data)
    assert restored.person_language("bob") == "en"
    data["people"][0]["lang"] = "de"
    with pytest.raises(ValueError, match="person 1: field 'lang' must be 'fr' or 'en', not 'de'"):
        Store(f"sqlite:///{tmp_path}/other.db").import_(data)


def test_a_value_that_can_t_be_read_is_said_in_french_and_french_days_are_read(service):
    bad = service.handle("lea", "/team digest 9h30 Europe/Paris lun-ven")
    assert not bad.ok and bad.text.startswith("l'heure '9h30' n'est pas au format HH:MM"), bad.text
    good = service.handle("lea", "/team digest 09:30 Europe/Paris lun-ven")
    assert good.ok and "(lun-ven)" in good.text, good.text
    holiday = service.handle("lea", "/team holiday 25/12/2026")
    assert holiday.text == "le jour férié '25/12/2026' n'est pas une date : écris AAAA-MM-JJ"


def test_plan_check_and_the_notification_labels_follow_the_plan_s_language(db, capsys):
    code, out, _err = run_cli(capsys, "plan", "check", str(SEED))
    assert out.startswith("Plan De Livraison Parallele - k3s-mono-pgsql : 18 stories, 17 dépendances"), out
    assert "  avertissement : ligne 42 : 3.3 n'est dans aucune lane du plan à 2 devs [unassigned]" in out
    code, out, _err = run_cli(capsys, "cmd", "--as", "ann", "/start 1.1")
    assert "  → #canal : ▶ @ann a démarré 1.1" in out, out
