"""The end of the plan, in figures: what the channel hears when the last story is done.

Stories delivered, the work days from the first start to the last done, how many reviews were
sent back, how many starts were forced past open prerequisites, how many incidents were opened.
Pure: the events and incidents come in, the calendar and time zone too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from planner.calendar import WorkCalendar
from planner.incidents import Incident
from planner.model import Plan
from planner.state import Action, Event, State, StoryStatus, status_of


@dataclass(frozen=True)
class Figures:
    stories: int
    started_on: date | None  # local date of the first start
    finished_on: date | None  # local date of the last done
    workdays: int  # work days from the first start to the last done, both counted
    sent_back: int  # reviews sent back for changes
    forced: int  # starts forced past open prerequisites
    reopened: int  # done stories reopened
    incidents: int
    critical: int  # of which critical
    open_incidents: tuple[str, ...]  # still open when the plan was delivered

    def to_json(self) -> dict:
        return {
            "stories": self.stories, "started_on": self.started_on.isoformat() if self.started_on else None,
            "finished_on": self.finished_on.isoformat() if self.finished_on else None, "workdays": self.workdays,
            "sent_back": self.sent_back, "forced": self.forced, "reopened": self.reopened,
            "incidents": self.incidents, "critical": self.critical, "open_incidents": list(self.open_incidents),
        }


def delivered(plan: Plan, statuses: Mapping[str, StoryStatus]) -> bool:
    """Every story of the plan is done (a plan with no story never is)."""
    return bool(plan.story_ids) and all(
        status_of(statuses, s).state == State.DONE for s in plan.story_ids)


def figures(plan: Plan, events: Iterable[Event], incidents: Mapping[int, Incident], *, tz: ZoneInfo,
            calendar: WorkCalendar | None = None) -> Figures:
    """The figures of the plan's delivery, from its story events (any order) and its incidents."""
    events = list(events)
    starts = [e.at for e in events if e.action in (Action.START, Action.FORCE_START)]
    dones = [e.at for e in events if e.action == Action.DONE]
    first = min(starts).astimezone(tz).date() if starts else None
    last = max(dones).astimezone(tz).date() if dones else None
    days = 0
    if first is not None and last is not None and last >= first:
        # both ends counted: a plan started and finished on the same work day took one work day
        days = (calendar or WorkCalendar()).workdays_between(first - timedelta(days=1), last)
    return Figures(
        stories=len(plan.story_ids), started_on=first, finished_on=last, workdays=days,
        sent_back=sum(1 for e in events if e.action == Action.CHANGES),
        forced=sum(1 for e in events if e.action == Action.FORCE_START),
        reopened=sum(1 for e in events if e.action == Action.REOPEN),
        incidents=len(incidents), critical=sum(1 for i in incidents.values() if i.critical),
        open_incidents=tuple(i.key for i in sorted(incidents.values(), key=lambda i: i.number) if i.is_open),
    )

