"""Governance: a lead can be revoked (never the last), and four eyes off is said aloud and every day."""

from __future__ import annotations

from bot.bootstrap import ensure_ready
from bot.render.digest_text import digest_summary_text
from bot.render.plain import plain
from bot.settings import Settings
from tests.helpers.bot import LINK, refused_and_unchanged


def test_a_lead_revokes_another_and_the_channel_hears_it(service):
    assert service.handle("lea", "/team lead @cid").ok
    reply = service.handle("cid", "/team lead @lea off")
    assert reply.ok, reply.text
    assert plain(reply.text) == "@cid revoked @lea as a lead."
    assert [n.kind for n in reply.notifications] == ["channel"]
    assert service.store.leads() == ["cid"]
    # lea is no lead any more: a team change is refused her.
    refused = refused_and_unchanged(service, "lea", "/team mode 2")
    assert refused.data["error"] == "lead-only"
    assert "Leads: @cid" in plain(service.handle("ann", "/team").text)


def test_the_last_lead_cannot_be_revoked_and_nobody_else_may_revoke(service):
    reply = service.handle("lea", "/team lead @lea off")
    assert not reply.ok and reply.data["error"] == "last-lead"
    assert "last lead" in reply.text and "/team lead @person" in reply.text
    assert service.store.leads() == ["lea"]
    reply = service.handle("lea", "/team lead @bob off")
    assert not reply.ok and reply.data["error"] == "not-a-lead" and "is not a lead" in reply.text
    assert refused_and_unchanged(service, "ann", "/team lead @lea off").data["error"] == "lead-only"
    assert service.store.leads() == ["lea"]


def test_a_revoked_install_lead_stays_revoked_at_the_next_start(service):
    settings = Settings.defaults().model_copy(update={"leads": ("lea", "max")})
    ensure_ready(service.store, settings)
    assert service.store.leads() == ["lea", "max"]
    assert service.handle("lea", "/team lead @max off").ok
    ensure_ready(service.store, settings)  # DELIVERYBOT_LEADS still names max: not a lead again
    assert service.store.leads() == ["lea"]
    assert service.handle("lea", "/team lead @max").ok  # named again by a lead: a lead again
    assert service.handle("lea", "/team lead @max off").ok
    ensure_ready(service.store, settings.model_copy(update={"leads": ("lea", "max", "new")}))
    assert service.store.leads() == ["lea", "new"]  # a name added to the variable still comes in


def test_four_eyes_off_is_announced_and_shown_in_every_digest_until_back_on(service):
    reply = service.handle("lea", "/team solo on")
    assert reply.ok
    said = plain(reply.text)
    assert "@lea turned four eyes off" in said and "authors may now approve their own stories" in said
    assert [n.kind for n in reply.notifications] == ["channel"] and reply.response_type == "ephemeral"
    digest = service.handle("ann", "/digest")
    off_line = next(line for line in plain(digest.text).splitlines() if "Four eyes off" in line)
    assert "(@lea)" in off_line and "/team solo off" in off_line
    data = digest.data["digest"]
    assert data["four_eyes_off"]["by"] == "lea" and not data["quiet"]
    assert "Four eyes off" in plain(digest_summary_text(data))  # the channel's message, not only the details

    again = service.handle("lea", "/team solo on")  # no second announcement for no change
    assert again.ok and not again.notifications and "already off" in again.text

    service.handle("ann", "/start 1.1")
    service.handle("ann", f"/review 1.1 {LINK}")
    assert service.handle("ann", f"/done 1.1 {LINK}").ok  # what solo means

    back = service.handle("lea", "/team solo off")
    assert back.ok and "four eyes back on" in plain(back.text) and back.notifications
    digest = service.handle("ann", "/digest")
    assert "Four eyes off" not in digest.text and digest.data["digest"]["four_eyes_off"] is None
