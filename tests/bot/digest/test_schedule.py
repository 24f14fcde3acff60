"""When a plan's digest is due: the schedule a lead sets with /team, over the install's defaults,
and `DigestConfig.due` as a pure function of the clock."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.digest.schedule import digest_config
from bot.settings import Settings
from storage.plan_settings import PlanSettings
from tests.helpers.bot import SLUG, configure

PARIS = ZoneInfo("Europe/Paris")


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


def test_a_plan_without_a_schedule_uses_the_installs_defaults(monkeypatch):
    monkeypatch.setenv("DELIVERYBOT_DIGEST_TIME", "08:45")
    monkeypatch.setenv("DELIVERYBOT_DIGEST_TZ", "Europe/Paris")
    monkeypatch.setenv("DELIVERYBOT_DIGEST_WORKDAYS", "sun-thu")
    config = digest_config(PlanSettings(), Settings())
    assert (config.at, config.tz, config.cutoff) == (time(8, 45), PARIS, time(12, 0))
    assert config.describe().startswith("08:45 Europe/Paris on ") and "catch-up until 12:00" in config.describe()
    plan = digest_config(PlanSettings(digest_time=time(10, 0), digest_tz="UTC"), Settings())
    assert (plan.at, plan.tz.key) == (time(10, 0), "UTC")
    assert plan.calendar.is_workday(date(2026, 12, 6)) and not plan.calendar.is_workday(date(2026, 12, 4))  # Sun, Fri


@pytest.mark.parametrize(("local", "due"), [
    (datetime(2026, 12, 1, 8, 59, tzinfo=PARIS), None),  # too early
    (datetime(2026, 12, 1, 9, 0, tzinfo=PARIS), date(2026, 12, 1)),
    (datetime(2026, 12, 1, 11, 59, tzinfo=PARIS), date(2026, 12, 1)),  # catching up
    (datetime(2026, 12, 1, 12, 0, tzinfo=PARIS), None),  # past the catch-up limit
    (datetime(2026, 12, 5, 9, 30, tzinfo=PARIS), None),  # a Saturday
    (datetime(2026, 12, 24, 9, 30, tzinfo=PARIS), None),  # a holiday
    (datetime(2026, 12, 1, 8, 30, tzinfo=UTC), date(2026, 12, 1)),  # 09:30 in Paris
    (datetime(2026, 12, 1, 23, 30, tzinfo=UTC), None),  # already Wednesday 00:30 in Paris: too early
])
def test_due_is_the_local_work_day_between_the_digest_time_and_the_limit(local, due):
    config = digest_config(PlanSettings(digest_time=time(9, 0), digest_tz="Europe/Paris", digest_workdays="mon-fri",
                                        holidays=(date(2026, 12, 24),)), Settings())
    assert config.due(local) == due


def test_a_limit_before_the_digest_time_runs_to_the_end_of_the_day():
    config = digest_config(PlanSettings(digest_time=time(13, 0), digest_tz="UTC", digest_workdays="mon-fri"),
                           Settings())
    assert config.cutoff == time(23, 59, 59)  # the noon default would leave no window at all
    assert config.due(datetime(2026, 12, 1, 18, 0, tzinfo=UTC)) == date(2026, 12, 1)
