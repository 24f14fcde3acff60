"""When and how a plan's digest goes out: plan settings over install-wide defaults.

Leads set a plan's schedule with /team digest and /team holiday; the environment gives the
defaults (DELIVERYBOT_DIGEST_TIME, _TZ, _WORKDAYS). The decision "is a digest due now?" lives
here as a pure function of the clock, so frozen-clock tests and the scheduler ask the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.i18n import N_, _, n_
from bot.settings import Settings
from planner.calendar import WorkCalendar, parse_workdays, parse_zone
from storage.plan_settings import PlanSettings
from storage.store import Store

DEFAULT_CUTOFF = time(12, 0)  # a digest missed while the bot was down is caught up until noon, local


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
        holidays = len(self.calendar.holidays)
        days = days_words(self.calendar.workdays)  # "mon-fri" / "lun-ven": words a lead may type back
        values = {"at": f"{self.at:%H:%M}", "zone": self.tz.key,
                  "days": n_("{days}, {n} holiday", "{days}, {n} holidays", holidays, days=days) if holidays else days,
                  "cutoff": f"{self.cutoff:%H:%M}"}
        if self.skip_quiet:
            return _("{at} {zone} on {days}, catch-up until {cutoff}, skipped when nothing moved", **values)
        return _("{at} {zone} on {days}, catch-up until {cutoff}", **values)


DAY_WORDS = (N_("mon"), N_("tue"), N_("wed"), N_("thu"), N_("fri"), N_("sat"), N_("sun"))


def days_words(workdays: frozenset[int]) -> str:
    """Work days as the reader writes them (both languages' words are read by `parse_workdays`)."""
    if workdays == frozenset(range(5)):
        return _("mon-fri")
    return ",".join(_(DAY_WORDS[day]) for day in sorted(workdays))


def plan_digest_config(store: Store, defaults: Settings, slug: str) -> DigestConfig:
    """The digest schedule of one plan as stored, over the install's defaults."""
    return digest_config(store.plan_settings(slug), defaults)


def digest_config(plan: PlanSettings, defaults: Settings) -> DigestConfig:
    """What a lead set for the plan, falling back to the install's `defaults` setting by setting."""
    at = plan.digest_time or defaults.digest_time
    cutoff = plan.digest_cutoff or DEFAULT_CUTOFF
    return DigestConfig(
        at=at,
        tz=parse_zone(plan.digest_tz) if plan.digest_tz else defaults.digest_timezone,
        calendar=WorkCalendar(parse_workdays(plan.digest_workdays) if plan.digest_workdays
                              else defaults.digest_workdays, frozenset(plan.holidays)),
        cutoff=cutoff if cutoff > at else time(23, 59, 59),
        skip_quiet=plan.digest_skip_quiet,
        stale_after=plan.stale_after,
    )
