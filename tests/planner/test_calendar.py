"""Work days: what "waiting 2 work days" means across weekends, holidays and other weeks."""

from datetime import date, time, timedelta

import pytest

from planner.calendar import WorkCalendar, parse_holidays, parse_time, parse_workdays

MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 3, 2) + timedelta(days=i) for i in range(7))
NEXT_MON = date(2026, 3, 9)


def test_default_week_is_monday_to_friday():
    cal = WorkCalendar()
    assert [cal.is_workday(d) for d in (MON, TUE, WED, THU, FRI, SAT, SUN)] == [True] * 5 + [False] * 2


def test_workdays_between_counts_days_after_start_up_to_end():
    cal = WorkCalendar()
    assert cal.workdays_between(MON, MON) == 0
    assert cal.workdays_between(MON, TUE) == 1
    assert cal.workdays_between(MON, THU) == 3
    assert cal.workdays_between(THU, MON) == 0  # end before start: nothing elapsed


def test_a_weekend_does_not_count():
    cal = WorkCalendar()
    assert cal.workdays_between(FRI, NEXT_MON) == 1  # Friday to Monday: one work day, not three
    assert cal.workdays_between(FRI, SUN) == 0
    assert cal.workdays_between(SAT, NEXT_MON) == 1
    assert cal.workdays_between(MON, NEXT_MON) == 5


def test_holidays_are_skipped_only_when_they_fall_on_a_work_day():
    cal = WorkCalendar(holidays=frozenset({TUE, SAT}))
    assert not cal.is_workday(TUE)
    assert cal.workdays_between(MON, THU) == 2  # Wednesday and Thursday
    assert cal.workdays_between(MON, NEXT_MON) == 4  # the Saturday holiday changes nothing
    assert cal.workdays_between(TUE, WED) == 1  # the holiday is the start: not counted anyway


def test_long_spans_agree_with_counting_day_by_day():
    cal = WorkCalendar(frozenset({6, 0, 1, 2, 3}), frozenset({date(2026, 12, 24), date(2027, 1, 3)}))
    start = date(2026, 2, 17)
    for days in (0, 1, 6, 7, 8, 13, 300, 400):
        end = start + timedelta(days=days)
        by_hand = sum(1 for i in range(1, days + 1) if cal.is_workday(start + timedelta(days=i)))
        assert cal.workdays_between(start, end) == by_hand, days


def test_parse_workdays_ranges_lists_and_wrapping_weeks():
    assert parse_workdays("mon-fri") == frozenset({0, 1, 2, 3, 4})
    assert parse_workdays("mon,tue,thu") == frozenset({0, 1, 3})
    assert parse_workdays("sun-thu") == frozenset({6, 0, 1, 2, 3})  # a Sunday-to-Thursday week
    assert parse_workdays(" Mon-Wed , Friday ") == frozenset({0, 1, 2, 4})
    assert parse_workdays("lun-ven") == parse_workdays("lundi-vendredi") == frozenset(range(5))  # French too
    assert parse_workdays("dim-jeu") == parse_workdays("sun-thu")
    sun_thu = WorkCalendar(parse_workdays("sun-thu"))
    assert not sun_thu.is_workday(FRI) and sun_thu.is_workday(SUN)
    assert sun_thu.workdays_between(THU, SUN) == 1


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "work days are empty"),
        ("mon-frx", "'frx' in work days 'mon-frx' is not a day"),
        ("lundo", "'lundo' in work days 'lundo' is not a day"),
        ("mon,,tue", "empty part between commas"),
    ],
)
def test_parse_workdays_refuses_with_a_clear_message(text, says):
    with pytest.raises(ValueError, match=says) as err:
        parse_workdays(text)
    assert "'mon-fri'" in str(err.value)  # and says what to write instead


def test_calendar_refuses_no_work_day_or_a_day_out_of_range():
    with pytest.raises(ValueError, match="at least one work day"):
        WorkCalendar(frozenset())
    with pytest.raises(ValueError, match=r"0 \(Monday\) to 6 \(Sunday\), not \[7\]"):
        WorkCalendar(frozenset({1, 7}))


def test_parse_time_and_its_errors():
    assert parse_time("09:30") == time(9, 30)
    assert parse_time("7:05") == time(7, 5)
    assert parse_time("23:59") == time(23, 59)
    for bad, says in (
        ("24:00", "out of range"),
        ("09:60", "out of range"),
        ("9h30", "not HH:MM"),
        ("", "not HH:MM"),
    ):
        with pytest.raises(ValueError, match=says):
            parse_time(bad)


def test_parse_holidays_and_describe():
    days = parse_holidays("2026-05-01, 2026-12-25")
    assert days == frozenset({date(2026, 5, 1), date(2026, 12, 25)})
    assert parse_holidays([date(2026, 5, 1), "2026-05-08"]) == frozenset({date(2026, 5, 1), date(2026, 5, 8)})
    with pytest.raises(ValueError, match="holiday '1 mai' is not a date: write YYYY-MM-DD"):
        parse_holidays("1 mai")
    assert WorkCalendar(holidays=days).describe() == "mon-fri, 2 holidays"
    assert WorkCalendar(parse_workdays("sun-thu")).describe() == "mon,tue,wed,thu,sun"
