"""Per-plan settings: typed PlanSettings over the key -> JSON rows, and the untyped API bot/ still uses."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time

import pytest

from storage import plan_settings
from storage.plan_settings import PlanSettings, PlanSettingsChanges
from tests.helpers.storage import SLUG

EVERYTHING = PlanSettings(
    mode=2,
    allow_solo=True,
    digest_time=time(9, 30),
    digest_tz="Europe/Paris",
    digest_workdays="mon-fri",
    digest_cutoff=time(11, 0),
    holidays=(date(2026, 5, 1), date(2026, 12, 25)),
    digest_skip_quiet=True,
    stale_after=4,
)


def test_a_plan_nobody_configured_has_the_defaults(plan_store):
    assert plan_store.plan_settings(SLUG) == PlanSettings()
    assert PlanSettings().stale_after == 3 and PlanSettings().allow_solo is False
    with pytest.raises(KeyError, match="nope"):
        plan_store.plan_settings("nope")


def test_every_field_round_trips_in_the_stored_format(new_db_url, open_store):
    url = new_db_url()
    store = open_store(url)
    store.save_plan(SLUG, "K3s", "# plan\n", ["1.1"])
    changes = {field.name: getattr(EVERYTHING, field.name) for field in dataclasses.fields(PlanSettings)}
    assert store.update_plan_settings(SLUG, **changes) == EVERYTHING
    assert store.plan_settings(SLUG) == EVERYTHING
    assert open_store(url).plan_settings(SLUG) == EVERYTHING  # another process reads the same
    # The rows keep today's format, so older code, other replicas and backups read them as before.
    assert store.settings(SLUG) == {
        "allow_solo": True,
        "digest_cutoff": "11:00",
        "digest_skip_quiet": True,
        "digest_time": "09:30",
        "digest_tz": "Europe/Paris",
        "digest_workdays": "mon-fri",
        "holidays": ["2026-05-01", "2026-12-25"],
        "mode": 2,
        "stale_after": 4,
    }


def test_rows_written_by_set_setting_read_back_typed(plan_store):
    """What the bot stored through set_setting before PlanSettings existed, including the JSON
    null `/team digest` writes for "no catch-up limit" and keys this version does not know."""
    for key, value in {
        "mode": 3,
        "allow_solo": True,
        "digest_time": "08:45",
        "digest_tz": "America/New_York",
        "digest_workdays": "sun-thu",
        "digest_cutoff": None,
        "holidays": ["2026-12-25", "2026-05-01", "2026-05-01"],
        "digest_skip_quiet": False,
        "four_eyes": False,
        "digest": {"time": "09:00"},
    }.items():
        plan_store.set_setting(SLUG, key, value)
    assert plan_store.plan_settings(SLUG) == PlanSettings(
        mode=3,
        allow_solo=True,
        digest_time=time(8, 45),
        digest_tz="America/New_York",
        digest_workdays="sun-thu",
        digest_cutoff=None,
        holidays=(date(2026, 5, 1), date(2026, 12, 25)),
        digest_skip_quiet=False,
    )
    assert plan_store.get_setting(SLUG, "four_eyes") is False  # unknown keys are left alone


def test_none_deletes_the_key_so_the_default_applies(plan_store):
    plan_store.update_plan_settings(SLUG, mode=2, allow_solo=True, stale_after=5, digest_time=time(10, 0))
    after = plan_store.update_plan_settings(SLUG, mode=None, allow_solo=None, stale_after=None)
    assert after == PlanSettings(digest_time=time(10, 0))
    assert plan_store.settings(SLUG) == {"digest_time": "10:00"}
    assert plan_store.update_plan_settings(SLUG) == after  # no changes: just a read


def test_holidays_are_kept_sorted_without_repeats(plan_store):
    days = [date(2026, 12, 25), date(2026, 5, 1), date(2026, 12, 25)]
    assert plan_store.update_plan_settings(SLUG, holidays=days).holidays == (
        date(2026, 5, 1),
        date(2026, 12, 25),
    )
    assert plan_store.settings(SLUG)["holidays"] == ["2026-05-01", "2026-12-25"]
    assert plan_store.update_plan_settings(SLUG, holidays=()).holidays == ()
    assert plan_store.settings(SLUG)["holidays"] == []


@pytest.mark.parametrize(
    "changes, error, message",
    [
        ({"mode": 2, "four_eyes": False}, TypeError, "four_eyes"),
        ({"allow_solo": True, "mode": "2"}, TypeError, "mode must be int"),
        ({"mode": True}, TypeError, "mode must be int"),  # a bool is an int to Python, not to us
        ({"allow_solo": "yes"}, TypeError, "allow_solo must be bool"),
        ({"digest_time": "09:30"}, TypeError, "digest_time must be a datetime.time"),
        ({"digest_time": time(9, 30, 15)}, ValueError, "HH:MM"),
        ({"holidays": "2026-05-01"}, TypeError, "holidays must be dates"),
        ({"holidays": [datetime(2026, 5, 1, 0, 0)]}, TypeError, "datetime.date"),
    ],
)
def test_a_bad_change_raises_before_anything_is_written(plan_store, changes, error, message):
    plan_store.update_plan_settings(SLUG, stale_after=5)
    with pytest.raises(error, match=message):
        plan_store.update_plan_settings(SLUG, **changes)
    assert plan_store.settings(SLUG) == {"stale_after": 5}


def test_an_update_is_one_transaction(plan_store, monkeypatch):
    real_set = plan_settings.set_raw

    def fail_on_the_second_key(session, plan, key, encoded):
        if key == "allow_solo":
            raise RuntimeError("connection lost half-way")
        real_set(session, plan, key, encoded)

    plan_store.update_plan_settings(SLUG, mode=2)
    monkeypatch.setattr(plan_settings, "set_raw", fail_on_the_second_key)
    with pytest.raises(RuntimeError):
        plan_store.update_plan_settings(SLUG, mode=None, stale_after=7, allow_solo=True)
    monkeypatch.undo()
    assert plan_store.settings(SLUG) == {"mode": 2}  # neither the delete nor the first write stayed


@pytest.mark.parametrize(
    "key, stored",
    [
        ("mode", "two"),
        ("allow_solo", 1),
        ("digest_time", "9h30"),
        ("holidays", ["2026-13-01"]),
        ("holidays", 5),
    ],
)
def test_a_stored_value_of_the_wrong_type_is_reported_by_key(plan_store, key, stored):
    plan_store.set_setting(SLUG, key, stored)
    with pytest.raises(ValueError, match=f"plan setting '{key}'"):
        plan_store.plan_settings(SLUG)


def test_plan_settings_check_their_values_wherever_they_are_made():
    unsorted = [date(2026, 5, 2), date(2026, 5, 1)]
    made = PlanSettings(holidays=unsorted)  # type: ignore[arg-type]  # any iterable of dates, at run time
    assert made.holidays == (date(2026, 5, 1), date(2026, 5, 2))
    with pytest.raises(TypeError, match="stale_after"):
        PlanSettings(stale_after=None)  # type: ignore[arg-type]  # None is for update_plan_settings only
    with pytest.raises(dataclasses.FrozenInstanceError):
        PlanSettings().mode = 2  # type: ignore[misc]


def test_the_field_lists_agree():
    names = {field.name for field in dataclasses.fields(PlanSettings)}
    assert names == set(PlanSettingsChanges.__annotations__) == set(plan_settings._CODECS)


def test_settings_hold_json_values_per_plan(plan_store):
    """The deprecated untyped API, kept until bot/ moves to plan_settings/update_plan_settings."""
    plan_store.save_plan("other", "Other", "o", ["1.1"])
    assert plan_store.get_setting(SLUG, "mode") is None
    assert plan_store.get_setting(SLUG, "mode", 3) == 3
    plan_store.set_setting(SLUG, "mode", 2)
    plan_store.set_setting(SLUG, "four_eyes", False)
    plan_store.set_setting(SLUG, "digest", {"time": "09:00", "days": ["mon", "tue"]})
    plan_store.set_setting(SLUG, "mode", 4)
    assert plan_store.get_setting(SLUG, "mode") == 4
    assert plan_store.get_setting(SLUG, "four_eyes", True) is False  # a stored False is not "unset"
    assert plan_store.settings(SLUG) == {
        "digest": {"time": "09:00", "days": ["mon", "tue"]},
        "four_eyes": False,
        "mode": 4,
    }
    assert plan_store.settings("other") == {}
    with pytest.raises(TypeError):
        plan_store.set_setting(SLUG, "bad", object())
    assert "bad" not in plan_store.settings(SLUG)
