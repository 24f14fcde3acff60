"""The daily gate digest's content, as data (DESIGN §1, §3 "no lasting bypass").

`build_digest` answers, for one plan at one moment: where the gates, the checkpoints and the
critical path stand; what moved since the last digest; what can start and who should take it;
what waits (reviews, stories nobody touched for days, forced starts whose prerequisites are
still open, earlier digests that were claimed but never sent); and what the plan linter found.
Renderers (plain text, Block Kit) only format this dict; they never recompute a rule.

Pure: no clock (`now` is passed in, time-zone aware), no storage (events and stuck claims are
passed in). Ages are in work days of a `WorkCalendar`, counted on local dates in `tz`.
Built for 2,000-story plans: every section is computed once, events are indexed by story in a
single pass, and nothing compares every story with every other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from gettext import NullTranslations
from typing import Any
from zoneinfo import ZoneInfo

from planner.board import board, story_card
from planner.calendar import WorkCalendar
from planner.model import Finding
from planner.staffing import Staffing
from planner.state import STATE_WORDS, Action, Event, State, StoryStatus, status_of

Words = NullTranslations  # a gettext catalog (GNUTranslations is one): what `headline` says its words with

FIRST_WINDOW = timedelta(days=1)  # the first digest reports the last day's changes

_STARTED = (Action.START, Action.FORCE_START)
_RETURNED = (Action.CHANGES, Action.REOPEN)


def build_digest(
    staffing: Staffing,
    statuses: Mapping[str, StoryStatus],
    events: Iterable[Event],
    *,
    now: datetime,
    tz: ZoneInfo,
    calendar: WorkCalendar | None = None,
    since: datetime | None = None,
    stale_after: int = 3,
    findings: Sequence[Finding | dict] | None = None,
    stuck_claims: Sequence[dict] = (),
    plan_name: str | None = None,
    four_eyes_off: Mapping[str, Any] | None = None,
) -> dict:
    """The digest of one plan at `now`, JSON-ready.

    `events`: the plan's story events, oldest first (storage's `events(slug)`).
    `since`: when the last digest was built; None for the first one (changes then cover the
    last day). `stale_after`: work days without any event after which a story in progress is
    called stale. `findings`: the plan linter's findings (default: those of the plan).
    `stuck_claims`: earlier digests claimed but never marked sent, as storage describes them
    (e.g. {"local_date": "2026-02-10", "claimed_at": "..."}); passed through for the renderers.
    `plan_name`: what the headline calls the plan (the slug; default: the plan's title).
    `four_eyes_off`: when a lead turned four eyes off (`/team solo on`), {"since": ..., "by": ...}
    (either may be None); the digest says so every day until it is back on, and the day is not quiet.

    `quiet` (a plan may skip a quiet day's digest): nothing moved in the window and nothing
    waits — no review, no stale story, no open forced start, no stuck claim, no startable
    story without a lane owner (nobody was told about that one but the digest), no story late
    against its sprint and no work started or done on top of a reopened story.

    Keys: plan, generated_at, local_date, counts, total, headline, quiet, gates, checkpoints,
    critical_path, changes, startable, reviews_waiting, stale, stale_after, forced_open,
    findings, stuck_claims, sprint, reopened, preparations. Times are ISO 8601 in `tz`; ages
    are work days.
    """
    _require_aware(now, "now")
    if since is not None:
        _require_aware(since, "since")
    if stale_after < 1:
        raise ValueError(f"stale_after must be at least 1 work day, got {stale_after}")
    plan = staffing.plan
    ages = _Ages(now.astimezone(tz), tz, calendar or WorkCalendar())
    log = _EventIndex(events)
    overview = board(staffing, statuses)
    proofs = {c.name: list(c.proofs) for c in plan.checkpoints}

    window_start = since.astimezone(tz) if since else ages.now - FIRST_WINDOW
    changes = _changes(log.between(window_start, ages.now), plan, ages)
    changes.update(since=window_start.isoformat(), first=since is None)

    reviews = _reviews(overview["review"], statuses, log, plan, ages)
    stale = _stale(overview["in_progress"], statuses, log, plan, ages, stale_after)
    forced = _forced(overview["forced_open"], statuses, log, plan, ages)
    stuck = [{k: _jsonable(v) for k, v in claim.items()} for claim in stuck_claims]
    startable = _startable(staffing, statuses)
    changed = any(changes[k] for k in ("started", "review", "done", "returned"))
    # Waiting: a review, a stale story, an open bypass, a lost digest, or a startable story
    # nobody was told about (no lane owner). Owned startable stories were DM'd to their owner.
    waiting = reviews or stale or forced or stuck or startable["unclaimed"]
    waiting = waiting or _flagged(overview) or four_eyes_off is not None

    data = {
        "plan": plan_name or plan.title,
        "generated_at": ages.now.isoformat(),
        "local_date": ages.today.isoformat(),
        "total": overview["total"],
        "counts": overview["counts"],
        "gates": _gates(overview["gates"], staffing, statuses, ages),
        "checkpoints": [{**c, "proofs": proofs.get(c["name"], [])} for c in overview["checkpoints"]],
        "critical_path": _critical(overview["critical_path"], statuses, log, plan, ages),
        "changes": changes,
        "startable": startable,
        "reviews_waiting": reviews,
        "stale": stale,
        "stale_after": stale_after,
        "forced_open": forced,
        "findings": [
            _finding(f) if isinstance(f, Finding) else dict(f)
            for f in (plan.findings if findings is None else findings)
        ],
        "stuck_claims": stuck,
        "four_eyes_off": None if four_eyes_off is None else {
            k: _jsonable(v.astimezone(tz) if isinstance(v, datetime) else v) for k, v in four_eyes_off.items()},
        **_plan_watch(overview, statuses, ages),
        "quiet": not (changed or waiting),
    }
    data["headline"] = headline(data)
    return data


def headline(data: dict, words: Words | None = None) -> str:
    """One line: "k3s-mono-pgsql — 5/18 done · gate 2.2 (acceleration) in progress · 3 startable ·
    1 review waiting". Plain text (the renderers escape it). `words`: the catalog of the language
    to say it in (a gettext translations object; None: English)."""
    w = words or NullTranslations()

    def _(message: str, /, **values: object) -> str:
        return w.gettext(message).format(**values)

    def n_(singular: str, plural: str, n: int, /, **values: object) -> str:
        return w.ngettext(singular, plural, n).format(n=n, **values)

    total, done = data["total"], data["counts"]["done"]
    parts = [_("{plan} — {done}/{total} done", plan=data["plan"], done=done, total=total)]
    if total and done == total:
        parts = [_("{plan} — all {total} done ✓", plan=data["plan"], total=total)]
    gate = next((g for g in data["gates"] if g["state"] != State.DONE), None)
    if gate:
        parts.append(_("gate {story} ({kind}) {state}", story=gate["story"], kind=gate["kind"],
                       state=w.gettext(_word(gate["state"]))))
    elif data["gates"]:
        parts.append(_("all gates passed"))
    if not (total and done == total):
        startable = data["startable"]["count"]
        parts.append(n_("{count} startable", "{count} startable", startable, count=startable))
    counts = {key: len(data[key]) for key in ("reviews_waiting", "stale", "forced_open")}
    if counts["reviews_waiting"]:
        parts.append(n_("{n} review waiting", "{n} reviews waiting", counts["reviews_waiting"]))
    if counts["stale"]:
        parts.append(n_("{n} stale story", "{n} stale stories", counts["stale"]))
    if counts["forced_open"]:
        parts.append(n_("{n} forced start open", "{n} forced starts open", counts["forced_open"]))
    parts.extend(_watch_headline(data, w))
    return " · ".join(parts)


def _watch_headline(data: dict, w: Words) -> list[str]:
    """"2 late against their sprint", "work built on 1 reopened story": what the digest flags."""

    def n_(singular: str, plural: str, n: int, /) -> str:
        return w.ngettext(singular, plural, n).format(n=n)

    late = len((data.get("sprint") or {}).get("late") or ())
    built_on = sum(1 for r in data.get("reopened") or () if r["after"])
    parts = []
    if late:
        parts.append(n_("{n} late against its sprint", "{n} late against their sprint", late))
    if built_on:
        parts.append(n_("work built on {n} reopened story", "work built on {n} reopened stories", built_on))
    return parts


# -- helpers -----------------------------------------------------------------------------------


class _EventIndex:
    """The event log read once: each story's latest event time and latest forced start, and the
    log in time order for the changes window."""

    def __init__(self, events: Iterable[Event]) -> None:
        self.events = list(events)
        self._last_at: dict[str, datetime] = {}
        self._forced: dict[str, Event] = {}
        self._entered: dict[tuple[str, State], datetime] = {}
        for e in self.events:
            previous = self._last_at.get(e.story_id)
            if previous is None or e.at >= previous:
                self._last_at[e.story_id] = e.at
            if e.action == Action.FORCE_START:
                self._forced[e.story_id] = e
            self._entered[(e.story_id, e.to_state)] = e.at

    def last_at(self, sid: str) -> datetime | None:
        return self._last_at.get(sid)

    def last_forced(self, sid: str) -> Event | None:
        return self._forced.get(sid)

    def entered(self, sid: str, state: State) -> datetime | None:
        """When `sid` last moved into `state` (None: never, by the log)."""
        return self._entered.get((sid, state))

    def between(self, start: datetime, end: datetime) -> list[Event]:
        """Events with start < at <= end, oldest first."""
        return sorted((e for e in self.events if start < e.at <= end), key=lambda e: e.at)


class _Ages:
    """Local times and ages in work days, relative to one `now` in one time zone."""

    def __init__(self, now: datetime, tz: ZoneInfo, calendar: WorkCalendar) -> None:
        self.now, self.tz, self.calendar = now, tz, calendar
        self.today = now.date()

    def local(self, at: datetime | None) -> str | None:
        return at.astimezone(self.tz).isoformat() if at else None

    def workdays(self, at: datetime | None) -> int | None:
        """Work days from the local date of `at` to today (None when `at` is unknown)."""
        return self.calendar.workdays_between(at.astimezone(self.tz).date(), self.today) if at else None


def _gates(board_gates: list[dict], staffing: Staffing, statuses, ages: _Ages) -> list[dict]:
    """board()'s gates plus since when, who approved a passed one, and whether it may start."""
    out = []
    for g in board_gates:
        st = _status(statuses, g["story"])
        done = g["state"] == State.DONE
        out.append(
            {
                "story": g["story"],
                "label": _label(staffing.plan, g["story"]),
                "kind": g["kind"],
                "state": g["state"],
                "holder": None if done else g["assignee"],
                "done_by": st.reviewer if done else None,
                "since": ages.local(st.since),
                "days_in_state": ages.workdays(st.since),
                "waiting_behind": 0 if done else g["waiting_behind"],
                "startable": staffing.graph.is_startable(g["story"], statuses),
            }
        )
    return out


def _critical(cp: dict, statuses, log: _EventIndex, plan, ages: _Ages) -> dict:
    """board()'s critical path plus how long the current step has been where it is. A current
    step still to do counts from the moment it became the current step (its predecessor on the
    path was done)."""
    path, current = cp["path"], cp["current"]
    out = {
        "path": path,
        "current": current,
        "label": _label(plan, current) if current else None,
        "state": cp["state"],
        "step": path.index(current) + 1 if current in path else None,
        "assignee": None,
        "since": None,
        "days_in_state": None,
    }
    if not current:
        return out
    st = _status(statuses, current)
    entered = st.since
    if entered is None and st.state == State.TODO:
        at = path.index(current)
        entered = log.entered(path[at - 1], State.DONE) if at else None
    out.update(assignee=st.assignee, since=ages.local(entered), days_in_state=ages.workdays(entered))
    return out


def _changes(window: list[Event], plan, ages: _Ages) -> dict:
    """What moved in the window, by kind; a story started and finished in it shows in both."""
    out: dict[str, list] = {"started": [], "review": [], "done": [], "returned": []}
    for e in window:
        item = {
            "story": e.story_id,
            "label": _label(plan, e.story_id),
            "actor": e.actor,
            "evidence": e.evidence,
            "at": ages.local(e.at),
        }
        if e.action in _STARTED:
            out["started"].append({**item, "forced": e.action == Action.FORCE_START, "reason": e.reason})
        elif e.action == Action.REVIEW:
            out["review"].append({**item, "reviewer": e.reviewer})
        elif e.action == Action.DONE:
            gate = plan.gate_of(e.story_id)
            out["done"].append({**item, "gate": gate.kind if gate else None})
        elif e.action in _RETURNED:
            out["returned"].append({**item, "action": str(e.action), "reason": e.reason})
    return {**out, "count": len(window)}


def _startable(staffing: Staffing, statuses) -> dict:
    """The startable stories' cards (critical path first), who should take them, and the ones
    nobody will be told about: floating, in no lane, or in a lane bound to no one."""
    cards = [story_card(s, staffing, statuses) for s in staffing.graph.startable(statuses)]
    by_owner: dict[str, list[str]] = {}
    for card in cards:
        if card["owner"]:
            by_owner.setdefault(card["owner"], []).append(card["id"])
    return {
        "count": len(cards),
        "items": cards,
        "by_owner": by_owner,
        "unclaimed": [c["id"] for c in cards if not c["owner"]],
        "unbound_lanes": sorted({c["lane"] for c in cards if c["lane"] and not c["owner"]}),
    }


def _reviews(ids: list[str], statuses, log: _EventIndex, plan, ages: _Ages) -> list[dict]:
    """Stories in review, the longest-waiting first."""
    out = []
    for sid in ids:
        st = _status(statuses, sid)
        entered = st.since or log.last_at(sid)
        out.append(
            {
                "story": sid,
                "label": _label(plan, sid),
                "assignee": st.assignee,
                "reviewer": st.reviewer,
                "link": st.evidence,
                "since": ages.local(entered),
                "age_workdays": ages.workdays(entered) or 0,
            }
        )
    return sorted(out, key=lambda r: -r["age_workdays"])


def _stale(ids: list[str], statuses, log: _EventIndex, plan, ages: _Ages, stale_after: int) -> list[dict]:
    """Stories in progress whose latest event is `stale_after` work days old or more, oldest first."""
    out = []
    for sid in ids:
        st = _status(statuses, sid)
        last = _latest(log.last_at(sid), st.since)
        idle = ages.workdays(last)
        if idle is not None and idle >= stale_after:
            out.append(
                {
                    "story": sid,
                    "label": _label(plan, sid),
                    "assignee": st.assignee,
                    "last_event": ages.local(last),
                    "idle_workdays": idle,
                }
            )
    return sorted(out, key=lambda s: -s["idle_workdays"])


def _forced(board_forced: list[dict], statuses, log: _EventIndex, plan, ages: _Ages) -> list[dict]:
    """board()'s forced_open() (a lead's bypass whose prerequisites are still open: "no lasting
    bypass") with who forced it, why, and for how long."""
    out = []
    for f in board_forced:
        event = log.last_forced(f["story"])
        at = event.at if event else _status(statuses, f["story"]).since
        out.append(
            {
                **f,
                "label": _label(plan, f["story"]),
                "by": event.actor if event else f["assignee"],
                "reason": event.reason if event else None,
                "since": ages.local(at),
                "age_workdays": ages.workdays(at),
            }
        )
    return out


def _plan_watch(overview: dict, statuses, ages: _Ages) -> dict:
    """board()'s sprint, reopened stories and preparations, their times in the digest's zone:
    `sprint` (planner.sprints), `reopened` (each with `after`, the work built on it since),
    `preparations` (with `age_workdays`)."""
    reopened = [
        {**r, "reopened_at": ages.local(_status(statuses, r["story"]).reopened_at)} for r in overview["reopened"]
    ]
    preparations = []
    for p in overview["preparations"]:
        at = _status(statuses, p["story"]).prepared_since
        preparations.append({**p, "prepared_since": ages.local(at), "age_workdays": ages.workdays(at)})
    return {"sprint": overview["sprint"], "reopened": reopened, "preparations": preparations}


def _flagged(overview: dict) -> bool:
    """Something the digest flags beyond the usual waits: a story late against its sprint, or
    work started or done on top of a reopened story."""
    return bool(overview["sprint"]["late"]) or any(r["after"] for r in overview["reopened"])


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime | date) else value


def _status(statuses: Mapping[str, StoryStatus], sid: str) -> StoryStatus:
    return status_of(statuses, sid)


def _label(plan, sid: str) -> str:
    story = plan.story(sid)
    return story.label if story else sid


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((x for x in (a, b) if x is not None), default=None)


def _word(state: str) -> str:
    return STATE_WORDS.get(State(state), str(state))


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be time-zone aware, got {value!r}")


def _finding(f: Finding) -> dict:
    """A finding as data; one with values also keeps its sentence apart ("template", "values") so
    the bot can say it in the channel's language (bot.render.findings.finding_text)."""
    data = f.to_json()
    if f.values:
        data.update(template=f.template, values=f.values)
    return data
