"""Dates, weekdays and numbers as the current language writes them, by Babel's CLDR data
("3 Dec" / "3 déc.", "Monday 7 December" / "lundi 7 décembre", "1.5" / "1,5").

Babel is imported on first use, not with the catalogs: most commands format no date.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.i18n import current

_LOCALES = {"fr": "fr_FR", "en": "en"}  # the patterns put the day first in both languages


def _locale() -> str:
    return _LOCALES.get(current(), "en")


def _pattern(english: str, french: str) -> str:
    """The CLDR pattern each language writes a date with ("03 Dec 09:30" / "3 déc. à 09:30")."""
    return french if current() == "fr" else english


def short_day(when: date | datetime) -> str:
    """"3 Dec" / "3 déc."."""
    from babel.dates import format_date

    return format_date(when, "d MMM", locale=_locale())


def long_day(when: date | datetime) -> str:
    """"Monday 7 December" / "lundi 7 décembre"."""
    from babel.dates import format_date

    return format_date(when, "EEEE d MMMM", locale=_locale())


def day_and_time(when: datetime) -> str:
    """"3 Dec 05:12" / "3 déc. 05:12" (the caller converts to the zone it means and names it)."""
    from babel.dates import format_datetime

    return format_datetime(when, _pattern("d MMM HH:mm", "d MMM 'à' HH:mm"), locale=_locale())


def weekday_day(when: date | datetime) -> str:
    """"Mon 07 Dec" / "lun. 07 déc."."""
    from babel.dates import format_date

    return format_date(when, _pattern("EEE dd MMM", "EEE d MMM"), locale=_locale())


def weekday_day_and_time(when: datetime) -> str:
    """"Mon 07 Dec 09:30" / "lun. 07 déc. 09:30"."""
    from babel.dates import format_datetime

    return format_datetime(when, _pattern("EEE dd MMM HH:mm", "EEE d MMM 'à' HH:mm"), locale=_locale())


def number(value: float | int, digits: int = 1) -> str:
    """"1.5" / "1,5"; whole numbers without decimals, thousands grouped ("2,000" / "2 000")."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale())
