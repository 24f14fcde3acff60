"""Work days: which days count when the digest says "in review for 2 work days".

A review sent on Friday and still waiting on Monday has waited one work day, not three, and a
public holiday is not a day anyone failed to move a story. Pure: dates in, numbers out; the
caller decides which local date "today" is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.marks import N_, Unreadable

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The same days as a French team writes them ("lun-ven", "lundi,mardi").
_FRENCH_NAMES = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
_FRENCH_FULL = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class WorkCalendar:
    """Days people work: weekdays (0 = Monday ... 6 = Sunday) minus holidays."""

    workdays: frozenset[int] = frozenset(range(5))
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.workdays:
            raise ValueError("a work calendar needs at least one work day")
        wrong = sorted(d for d in self.workdays if not (isinstance(d, int) and 0 <= d <= 6))
        if wrong:
            raise ValueError(f"work days are 0 (Monday) to 6 (Sunday), not {wrong}")

    def is_workday(self, d: date) -> bool:
        return d.weekday() in self.workdays and d not in self.holidays

    def workdays_between(self, start: date, end: date) -> int:
        """Work days after `start` up to and including `end`: 0 for the same day (or an `end`
        before `start`), 1 from Friday to Monday with a Monday-Friday week.

        Whole weeks are counted by arithmetic, so a story idle for a year costs no more than one
        idle for a day."""
        if end <= start:
            return 0
        span = (end - start).days
        weeks, rest = divmod(span, 7)
        count = weeks * len(self.workdays)
        count += sum(1 for i in range(1, rest + 1) if (start + timedelta(days=i)).weekday() in self.workdays)
        count -= sum(1 for h in self.holidays if start < h <= end and h.weekday() in self.workdays)
        return count

    def describe_days(self) -> str:
        """ "mon-fri", "mon,wed,fri": the work days in the words a lead types them."""
        if self.workdays == frozenset(range(5)):
            return "mon-fri"
        return ",".join(DAY_NAMES[d] for d in sorted(self.workdays))

    def describe(self) -> str:
        """ "mon-fri, 2 holidays": what a lead reads back after setting it."""
        days = self.describe_days()
        extra = (
            f", {len(self.holidays)} holiday{'s' if len(self.holidays) != 1 else ''}" if self.holidays else ""
        )
        return days + extra


def _day(word: str, text: str) -> int:
    w = word.strip().lower().rstrip(".")
    for names in (DAY_NAMES, _FULL_NAMES, _FRENCH_NAMES, _FRENCH_FULL):
        if w in names:
            return names.index(w)
    raise Unreadable(N_("'{word}' in work days '{text}' is not a day: use mon, tue, wed, thu, fri, sat, sun "
                        "(write e.g. 'mon-fri', 'mon,tue,thu' or 'sun-thu')"), word=word.strip(), text=text)


def parse_workdays(text: str) -> frozenset[int]:
    """ "mon-fri" -> {0..4}; "mon,tue,thu" -> {0, 1, 3}; "sun-thu" wraps the week -> {6, 0, 1, 2, 3}.

    Ranges and single days may be mixed ("mon-wed,fri"). Raises ValueError naming the part that
    is not a day."""
    if not text or not text.strip():
        raise Unreadable(N_("work days are empty: write e.g. 'mon-fri', 'mon,tue,thu' or 'sun-thu'"))
    days: set[int] = set()
    for part in text.split(","):
        if not part.strip():
            raise Unreadable(N_("work days '{text}' have an empty part between commas: write e.g. 'mon-fri', "
                                "'mon,tue,thu' or 'sun-thu'"), text=text)
        if "-" in part:
            first, _, last = part.partition("-")
            a, b = _day(first, text), _day(last, text)
            days.update((a + i) % 7 for i in range((b - a) % 7 + 1))
        else:
            days.add(_day(part, text))
    return frozenset(days)


def parse_holidays(items: str | Iterable[str | date]) -> frozenset[date]:
    """Holidays from "2026-05-01, 2026-12-25" or a list of ISO dates / dates."""
    if isinstance(items, str):
        items = [p for p in items.split(",") if p.strip()]
    out: set[date] = set()
    for item in items:
        if isinstance(item, date):
            out.add(item)
            continue
        try:
            out.add(date.fromisoformat(str(item).strip()))
        except ValueError:
            raise Unreadable(N_("holiday '{day}' is not a date: write YYYY-MM-DD"), day=str(item).strip()) from None
    return frozenset(out)


def parse_time(text: str) -> time:
    """ "09:30" -> time(9, 30). Raises ValueError for anything that is not HH:MM on a 24-hour clock."""
    match = _TIME.match(text or "")
    if not match:
        raise Unreadable(N_("time '{text}' is not HH:MM (24-hour clock, e.g. 09:30)"), text=text)
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise Unreadable(N_("time '{text}' is out of range: hours 00-23, minutes 00-59"), text=text)
    return time(hour, minute)


def parse_zone(name: str) -> ZoneInfo:
    """A time zone by IANA name ("Europe/Paris", "UTC"), or ValueError with what to write instead."""
    try:
        return ZoneInfo(name)
    # OSError: "Europe" is a directory of the zone database, a 300-letter name too long a path.
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError) as err:
        raise Unreadable(N_("'{name}' is not a time zone; write e.g. Europe/Paris or UTC"), name=str(name)[:40]) from err
