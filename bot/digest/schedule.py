"""When and how a plan's digest goes out: plan settings over install-wide defaults.

Leads set a plan's schedule with /team digest and /team holiday; the environment gives the
defaults (DELIVERYBOT_DIGEST_TIME, _TZ, _WORKDAYS). The decision "is a digest due now?" lives
here as a pure function of the clock, so frozen-clock tests and the scheduler ask the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.calendar import WorkCalendar, parse_holidays, parse_time, parse_workdays

DEFAULT_CUTOFF = "12:00"  # a digest missed while the bot was down is caught up until noon, local


@dataclass(frozen=True)
class DigestConfig:
    at: time
    tz: ZoneInfo
    calendar: WorkCalendar
    cutoff: time
    skip_quiet: bool = False
    stale_after: int = 3

    def due(self, now: datetime) -> date | None:
        """The local date whose digest is due at `now`, or None (non-work day, too early, too late)."""
        local = now.astimezone(self.tz)
        if not self.calendar.is_workday(local.date()):
            return None
        if not self.at <= local.time().replace(tzinfo=None) < self.cutoff:
            return None
        return local.date()

    def describe(self) -> str:
        quiet = ", skipped when nothing moved" if self.skip_quiet else ""
        return (f"{self.at:%H:%M} {self.tz.key} on {self.calendar.describe()}, catch-up until "
                f"{self.cutoff:%H:%M}{quiet}")


def zone(name: str) -> ZoneInfo:
    """A time zone by IANA name, or ValueError with what to write instead."""
    try:
        return ZoneInfo(name)
    # OSError: "Europe" is a directory of the zone database, a 300-letter name too long a path.
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError) as err:
        raise ValueError(f"'{name[:40]}' is not a time zone; write e.g. Europe/Paris or UTC") from err


def digest_config(plan_settings: dict, defaults) -> DigestConfig:
    """The plan's settings, falling back to `defaults` (bot.settings.Settings) key by key."""
    at = parse_time(plan_settings.get("digest_time") or defaults.digest_time)
    cutoff = parse_time(plan_settings.get("digest_cutoff") or DEFAULT_CUTOFF)
    return DigestConfig(
        at=at,
        tz=zone(plan_settings.get("digest_tz") or defaults.digest_timezone),
        calendar=WorkCalendar(
            parse_workdays(plan_settings.get("digest_workdays") or defaults.digest_workdays),
            parse_holidays(plan_settings.get("holidays") or []),
        ),
        cutoff=cutoff if cutoff > at else time(23, 59, 59),
        skip_quiet=bool(plan_settings.get("digest_skip_quiet", False)),
        stale_after=int(plan_settings.get("stale_after", 3)),
    )
