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
