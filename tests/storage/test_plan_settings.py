"""Per-plan settings: typed PlanSettings over the key -> JSON rows.

Rows "as an older release stored them" (JSON text by key, keys this version does not know, JSON
null) are written and read with plain SQL on the store's engine (`write_setting_rows`,
`setting_rows`): that is what an existing database holds, whatever API wrote it.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time

import pytest
from sqlalchemy import event

from storage import plan_settings
from storage.plan_settings import PlanSettings, PlanSettingsChanges
from tests.helpers.storage import SLUG, setting_rows, write_setting_rows

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
    # The rows keep the format older releases wrote (json.dumps of the value, one row per key),
    # so older code, other replicas and backups read them as before.
    assert setting_rows(store, SLUG) == {
        "allow_solo": "true",
        "digest_cutoff": '"11:00"',
        "digest_skip_quiet": "true",
        "digest_time": '"09:30"',
        "digest_tz": '"Europe/Paris"',
        "digest_workdays": '"mon-fri"',
        "holidays": '["2026-05-01", "2026-12-25"]',
        "mode": "2",
        "stale_after": "4",
    }


OLDER_ROWS = {
    "mode": "3",
    "allow_solo": "true",
    "digest_time": '"08:45"',
    "digest_tz": '"America/New_York"',
    "digest_workdays": '"sun-thu"',
    "digest_cutoff": "null",
    "holidays": '["2026-12-25", "2026-05-01", "2026-05-01"]',
    "digest_skip_quiet": "false",
    "four_eyes": "false",
    "digest": '{"time": "09:00"}',
}


def test_rows_an_older_release_stored_read_back_typed(new_db_url, open_store):
    """What the bot stored before PlanSettings existed, including the JSON null `/team digest`
    writes for "no catch-up limit" and keys this version does not know."""
    url = new_db_url()
    store = open_store(url)
    store.save_plan(SLUG, "K3s", "# plan\n", ["1.1"])
    write_setting_rows(store, SLUG, OLDER_ROWS)
    # Same solo switch and holidays as EVERYTHING (the repeated 2026-05-01 read once), the rest as stored.
    expected = dataclasses.replace(EVERYTHING, mode=3, digest_time=time(8, 45), digest_tz="America/New_York",
                                   digest_workdays="sun-thu", digest_cutoff=None, digest_skip_quiet=False,
                                   stale_after=PlanSettings().stale_after)
    assert store.plan_settings(SLUG) == expected
    assert open_store(url).plan_settings(SLUG) == expected  # another process reads the same
    assert setting_rows(store, SLUG) == OLDER_ROWS  # reading rewrites nothing

    # A typed write changes its own keys only: unknown keys and the others keep their text.
    assert store.update_plan_settings(SLUG, mode=2) == dataclasses.replace(expected, mode=2)
    assert setting_rows(store, SLUG) == OLDER_ROWS | {"mode": "2"}


def test_a_stored_null_is_the_default_like_an_absent_key(plan_store):
    write_setting_rows(plan_store, SLUG, {name: "null" for name in PlanSettingsChanges.__annotations__})
    assert plan_store.plan_settings(SLUG) == PlanSettings()


def test_none_deletes_the_key_so_the_default_applies(plan_store):
    plan_store.update_plan_settings(SLUG, mode=2, allow_solo=True, stale_after=5, digest_time=time(10, 0))
    after = plan_store.update_plan_settings(SLUG, mode=None, allow_solo=None, stale_after=None)
    assert after == PlanSettings(digest_time=time(10, 0))
    assert setting_rows(plan_store, SLUG) == {"digest_time": '"10:00"'}
    assert plan_store.update_plan_settings(SLUG) == after  # no changes: just a read


def test_holidays_are_kept_sorted_without_repeats(plan_store):
    days = [date(2026, 12, 25), date(2026, 5, 1), date(2026, 12, 25)]
    assert plan_store.update_plan_settings(SLUG, holidays=days).holidays == (
        date(2026, 5, 1),
        date(2026, 12, 25),
    )
    assert setting_rows(plan_store, SLUG) == {"holidays": '["2026-05-01", "2026-12-25"]'}
    assert plan_store.update_plan_settings(SLUG, holidays=()).holidays == ()
    assert setting_rows(plan_store, SLUG) == {"holidays": "[]"}


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
    assert setting_rows(plan_store, SLUG) == {"stale_after": "5"}


def test_an_update_is_one_transaction(plan_store):
    written: list[str] = []

    def fail_on_the_second_write(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO SETTINGS"):
            written.append(statement)
            if len(written) == 2:
                raise RuntimeError("connection lost half-way")

    plan_store.update_plan_settings(SLUG, mode=2)
    event.listen(plan_store.engine, "before_cursor_execute", fail_on_the_second_write)
    try:
        with pytest.raises(RuntimeError, match="half-way"):
            plan_store.update_plan_settings(SLUG, mode=None, stale_after=7, allow_solo=True)
    finally:
        event.remove(plan_store.engine, "before_cursor_execute", fail_on_the_second_write)
    assert len(written) == 2  # the delete of mode and the write of stale_after had reached the database
    assert setting_rows(plan_store, SLUG) == {"mode": "2"}  # neither the delete nor the first write stayed


@pytest.mark.parametrize(
    "key, stored",
    [
        ("mode", '"two"'),
        ("mode", "2.5"),
        ("allow_solo", "1"),
        ("digest_time", '"9h30"'),
        ("digest_time", "930"),
        ("holidays", '["2026-13-01"]'),
        ("holidays", "5"),
    ],
)
def test_a_stored_value_of_the_wrong_type_is_reported_by_key(plan_store, key, stored):
    write_setting_rows(plan_store, SLUG, {key: stored})
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


def test_settings_are_per_plan_and_a_write_replaces_the_value(plan_store):
    plan_store.save_plan("other", "Other", "o", ["1.1"])
    plan_store.update_plan_settings(SLUG, mode=2, allow_solo=False)
    assert plan_store.update_plan_settings(SLUG, mode=4).mode == 4
    # A False that was set is stored, not taken for "unset": the row is there, as older releases wrote it.
    assert setting_rows(plan_store, SLUG) == {"allow_solo": "false", "mode": "4"}
    assert plan_store.plan_settings("other") == PlanSettings()
    assert setting_rows(plan_store, "other") == {}
    plan_store.update_plan_settings("other", stale_after=9)
    assert plan_store.plan_settings(SLUG) == PlanSettings(mode=4)
    assert setting_rows(plan_store, "other") == {"stale_after": "9"}
    with pytest.raises(KeyError, match="nope"):
        plan_store.update_plan_settings("nope", mode=2)
