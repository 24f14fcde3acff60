"""/team on the seed plan: a lead's changes (solo mode, the plan's channel) and what they do."""

from tests.helpers.bot import LINK, SLUG, refused_and_unchanged


def test_a_team_change_by_someone_who_is_not_a_lead_names_the_rule_and_changes_nothing(service):
    reply = refused_and_unchanged(service, "ann", "/team mode 2")
    assert reply.data["error"] == "lead-only"
    assert "Only a lead" in reply.text


def test_solo_mode_lets_the_author_close(service):
    assert service.handle("lea", "/team solo on").ok
    service.handle("ann", "/start 1.1")
    service.handle("ann", f"/review 1.1 {LINK}")
    assert service.handle("ann", f"/done 1.1 {LINK}").ok


def test_team_channel_as_slack_sends_it_binds_the_channel_id(service):
    # With should_escape, Slack sends "/team channel #deliveries" as <#C0DELIV|deliveries>.
    reply = service.handle("lea", "/team channel <#C0DELIV|deliveries>")
    assert reply.ok, reply.text
    assert service.store.get_plan(SLUG).channel == "C0DELIV"
    started = service.handle("ann", "/start 1.1")
    assert [n.to for n in started.notifications if n.kind == "channel"] == ["C0DELIV"]


def test_what_a_lead_changes_is_what_team_shows_anyone(service):
    shown = service.handle("ann", "/team")
    assert "3-dev plan (recommended)" in shown.text and "Leads: @lea" in shown.text
    for change in ("/team mode 2", "/team lane B @bob", "/team lead @cid"):
        assert service.handle("lea", change).ok, change
    shown = service.handle("ann", "/team")
    assert shown.data["mode"] == 2 and "2-dev plan" in shown.text and "recommended" not in shown.text
    assert "Dev B (support + hardening): @bob" in shown.text and "Leads: @cid, @lea" in shown.text
    assert service.handle("cid", "/team lane B none").ok  # the new lead may change the team
    assert "Dev B (support + hardening): nobody" in service.handle("ann", "/team").text


def test_holidays_are_added_listed_and_removed(service):
    assert service.handle("lea", "/team holiday 2026-12-24").ok
    assert service.handle("lea", "/team holiday 2026-12-25").ok
    # Listing is a sub-command of a lead's too: only a lead gets this far (see the table).
    assert "2026-12-24, 2026-12-25" in service.handle("lea", "/team holiday").text
    assert service.handle("lea", "/team holiday remove 2026-12-24").ok
    assert service.handle("lea", "/team holiday").data["holidays"] == ["2026-12-25"]
