"""When a plan's digest is due: the schedule a lead sets with /team."""

from storage.plan_settings import PlanSettings
from tests.helpers.bot import SLUG, configure


def test_bad_schedules_are_refused_with_the_reason(service):
    for words, expect in [("digest 25:00 Europe/Paris mon-fri", "out of range"),
                          ("digest 09:00 Mars/Olympus mon-fri", "not a time zone"),
                          ("digest 09:00 ../../etc/passwd mon-fri", "not a time zone"),
                          ("digest 09:00 UTC funday", "mon-fri"),
                          ("holiday 2026-13-45", "YYYY-MM-DD")]:
        reply = service.handle("lea", "/team " + words)
        assert not reply.ok and expect in reply.text, (words, reply.text)
    assert service.store.plan_settings(SLUG) == PlanSettings()  # nothing stored
    assert not service.handle("ann", "/team digest 09:30 UTC mon-fri").ok  # not a lead


def test_a_new_schedule_without_until_goes_back_to_the_noon_limit(service):
    configure(service, "digest 07:00 UTC mon-fri until 23:00")
    assert service.digest_config(SLUG).cutoff.strftime("%H:%M") == "23:00"
    configure(service, "digest 09:30 UTC mon-fri")
    config = service.digest_config(SLUG)
    assert (config.at.strftime("%H:%M"), config.cutoff.strftime("%H:%M")) == ("09:30", "12:00")
