"""Backup as plain JSON data: what `deliverybot export` writes and `deliverybot import` reads.

The format is the database's content, not a replay script: event ids, timestamps and state rows
come back exactly, so a restored bot answers every question as the old one did and
`export()` after `import_()` equals the original. Used only through `Store.export`/`Store.import_`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Column, TypeDecorator, delete, func, insert
from sqlmodel import Session, col, select

from planner.model import slug_problem, story_sort_key
from planner.state import Action, Event, State, StoryStatus, fold_events
from storage import plan_settings
from storage.tables import (
    DIGEST_RUNS,
    EVENTS,
    LANE_BINDINGS,
    LEADS,
    PEOPLE,
    PLANS,
    SETTINGS,
    STORY_STATES,
    DigestRunRow,
    EventRow,
    LaneBindingRow,
    LeadRow,
    PersonRow,
    PlanRow,
    SettingRow,
    StoryStateRow,
    UTCDateTime,
)

FORMAT = "deliverybot-backup"
VERSION = 2  # 2 adds each plan's digest log ("digest_runs"); a version 1 backup still restores
READS = (1, 2)
MAX_DEPTH = 64  # a backup nests about 6 levels deep; deeper is refused before json.loads recurses
MAX_PROBLEMS = 20  # sentences listed before "… and N more"

_STATE_FIELDS = ("story_id", "state", "assignee", "reviewer", "evidence", "forced", "since", "version")
# Added by schema 0002: written always, optional when read (a backup of 0.1.0 has none of them).
_STATE_ADDED = ("preparer", "prepared_since", "authors", "reopened_at")
_STATE_TIMES = ("since", "prepared_since", "reopened_at")
_EVENT_ADDED = ("person",)
_EVENT_FIELDS = (
    "id",
    "story_id",
    "action",
    "actor",
    "from_state",
    "to_state",
    "evidence",
    "reviewer",
    "reason",
    "request_id",
    "at",
)
_AUDIT_FIELDS = ("id", "action", "actor", "reason", "request_id", "at")
_NOT_STORY = {"story_id": None, "from_state": None, "to_state": None, "evidence": None, "reviewer": None,
              "person": None}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no time zone")
    return parsed


def _row_dict(row: Any, fields: tuple[str, ...]) -> dict:
    out = {}
    for name in fields:
        value = getattr(row, name)
        out[name] = _iso(value) if isinstance(value, datetime) else value
    return out


def dump(session: Session) -> dict:
    plans = []
    for plan in session.exec(select(PlanRow).order_by(col(PlanRow.slug))).all():
        states = session.exec(select(StoryStateRow).where(StoryStateRow.plan_id == plan.id)).all()
        events = session.exec(
            select(EventRow).where(EventRow.plan_id == plan.id).order_by(col(EventRow.id))
        ).all()
        lanes = session.exec(
            select(LaneBindingRow).where(LaneBindingRow.plan_id == plan.id).order_by(col(LaneBindingRow.lane))
        ).all()
        settings = session.exec(
            select(SettingRow).where(SettingRow.plan_id == plan.id).order_by(col(SettingRow.key))
        ).all()
        plans.append(
            {
                "slug": plan.slug,
                "title": plan.title,
                "channel": plan.channel,
                "source": plan.source,
                "source_sha": plan.source_sha,
                "imported_at": _iso(plan.imported_at),
                "states": [
                    _row_dict(row, _STATE_FIELDS + _STATE_ADDED)
                    for row in sorted(states, key=lambda r: (story_sort_key(r.story_id), r.story_id))
                ],
                "events": [_row_dict(row, _EVENT_FIELDS + _EVENT_ADDED) for row in events if row.story_id is not None],
                "audit": [_row_dict(row, _AUDIT_FIELDS) for row in events if row.story_id is None],
                "lanes": {row.lane: row.person for row in lanes},
                "settings": {row.key: json.loads(row.value) for row in settings},
                "digest_runs": _dump_digest_runs(session, plan.id),
            }
        )
    leads = session.exec(select(LeadRow).order_by(col(LeadRow.name))).all()
    people = session.exec(select(PersonRow).order_by(col(PersonRow.name))).all()
    return {
        "format": FORMAT,
        "version": VERSION,
        "plans": plans,
        "leads": [{"name": r.name, "added_by": r.added_by, "added_at": _iso(r.added_at)} for r in leads],
        # What each person chose for themselves (/lang); a backup made before it has none.
        "people": [{"name": r.name, "lang": r.lang, "changed_at": _iso(r.changed_at)} for r in people],
    }


class BackupError(ValueError):
    """A backup refused: one sentence per problem found (`problems`), the message lists them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS]
        more = f"\n  … and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__(shown[0] if len(problems) == 1 else
                         f"{len(problems)} problems in the backup:\n" + "\n".join(f"  - {p}" for p in shown) + more)


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def parse(text: str) -> Any:
    """The JSON of a backup file. Nesting deeper than MAX_DEPTH is refused by a scan before
    `json.loads`, which would otherwise recurse once per level (100,000 levels: a RecursionError)."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                raise BackupError([f"the file nests lists or objects more than {MAX_DEPTH} levels deep "
                                   f"(line {line}): a backup nests only a few"])
        elif token in "]}":
            depth -= 1
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise BackupError([f"the file is not JSON: {err.msg} at line {err.lineno}, column {err.colno}"]) from None
    except RecursionError:  # not reached after the scan; kept so no traceback can come out of here
        raise BackupError([f"the file nests more than {MAX_DEPTH} levels deep"]) from None


def load(session: Session, data: Any, *, replaceable_sha: str | None = None,
         max_source_bytes: int | None = None) -> None:
    """Insert a `dump` into an empty database (the caller's transaction makes it all-or-nothing).

    `replaceable_sha`: the sha256 of the bundled plan. A database holding only that plan as a first
    command imported it (no event, lane, setting or digest, only install-time leads) counts as
    empty: it is replaced. `max_source_bytes`: a plan source larger than this is refused."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError([f"not a deliverybot backup (expected an object with format {FORMAT!r})"])
    version = data.get("version")
    if isinstance(version, bool) or version not in READS:
        raise BackupError([f"unsupported backup version {repr(version)[:40]} "
                           f"(this release reads versions {', '.join(map(str, READS))})"])
    check = _Check()
    _check_backup(check, data, max_source_bytes)
    if check.problems:
        raise BackupError(check.problems)
    plans = []
    for n, plan in enumerate(data["plans"], start=1):
        try:
            plans.append(_parse_plan(plan))
        except (KeyError, TypeError, ValueError) as exc:  # sentences; the check above leaves none of the first two
            check.say(exc.args[0] if isinstance(exc, ValueError) and exc.args else f"plan {n}: {exc}")
    if check.problems:
        raise BackupError(check.problems)
    leads = [{"name": lead["name"], "added_by": lead["added_by"], "added_at": _time(lead["added_at"])}
             for lead in data["leads"]]
    _make_room(session, replaceable_sha)

    for (plan, states, events, lanes, settings), raw in zip(plans, data["plans"], strict=True):
        row = PlanRow(**plan)
        session.add(row)
        session.flush()
        for rows, table in (
            (states, STORY_STATES),
            (events, EVENTS),
            (lanes, LANE_BINDINGS),
            (settings, SETTINGS),
        ):
            if rows:
                session.connection().execute(insert(table), [r | {"plan_id": row.id} for r in rows])
        for run in _digest_run_rows(raw.get("digest_runs", [])):  # a version 1 backup has none
            session.connection().execute(insert(DIGEST_RUNS).values(**run, plan_id=row.id))
    if leads:
        session.connection().execute(insert(LEADS), leads)
    people = [{"name": p["name"], "lang": p["lang"], "changed_at": _time(p["changed_at"])}
              for p in data.get("people") or []]
    if people:
        session.connection().execute(insert(PEOPLE), people)
    if session.get_bind().dialect.name == "postgresql":
        # Rows came with explicit ids; without this the next insert would reuse id 1.
        for name in ("plans", "events", "digest_runs"):
            session.connection().exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            )


def _parse_plan(plan: dict) -> tuple[dict, list[dict], list[dict], list[dict], list[dict]]:
    """Rows for one plan, after checking its states are the fold of its events."""
    head = {
        "slug": plan["slug"],
        "title": plan["title"],
        "channel": plan["channel"],
        "source": plan["source"],
        "source_sha": plan["source_sha"],
        "imported_at": _time(plan["imported_at"]),
    }
    states = [
        {name: state[name] for name in _STATE_FIELDS} | {name: state.get(name) for name in _STATE_ADDED}
        | {name: _time(state.get(name)) for name in _STATE_TIMES}
        for state in plan["states"]
    ]
    events = [
        {name: ev[name] for name in _EVENT_FIELDS} | {name: ev.get(name) for name in _EVENT_ADDED}
        | {"at": _time(ev["at"])}
        for ev in plan["events"]
    ]
    audit = [
        {name: ev[name] for name in _AUDIT_FIELDS} | {"at": _time(ev["at"])} | _NOT_STORY
        for ev in plan["audit"]
    ]
    stored = {
        s["story_id"]: StoryStatus(**(s | {"state": State(s["state"]), "forced": bool(s["forced"]),
                                          "authors": tuple((s["authors"] or "").split())}))
        for s in states
    }
    replayed = fold_events(
        stored,
        (
            Event(
                **(
                    e
                    | {
                        "action": Action(e["action"]),
                        "from_state": State(e["from_state"]),
                        "to_state": State(e["to_state"]),
                    }
                )
            )
            for e in sorted(events, key=lambda e: e["id"])
        ),
    )
    for raw, state in zip(plan["states"], states, strict=True):
        if any(name not in raw for name in _STATE_ADDED):
            # A backup of 0.1.0 has no authors, preparer or reopening: they are the fold's.
            sid = state["story_id"]
            status = replayed.get(sid, stored[sid])
            stored[sid] = replace(stored[sid], preparer=status.preparer, prepared_since=status.prepared_since,
                                  authors=status.authors, reopened_at=status.reopened_at)
            state.update(preparer=status.preparer, prepared_since=status.prepared_since,
                         authors=" ".join(status.authors) or None, reopened_at=status.reopened_at)
    if replayed != stored:
        bad = sorted(sid for sid in replayed.keys() | stored.keys() if replayed.get(sid) != stored.get(sid))
        raise ValueError(
            f"plan {plan['slug']!r}: stored states disagree with the event log for {', '.join(bad)}"
        )
    lanes = [{"lane": lane, "person": person} for lane, person in plan["lanes"].items()]
    plan_settings.from_stored(plan["settings"])  # the restored bot must be able to read them
    settings = [{"key": key, "value": json.dumps(value)} for key, value in plan["settings"].items()]
    return head, states, sorted(events + audit, key=lambda e: e["id"]), lanes, settings


# -- the digest log, column by column ---------------------------------------------------------
# Whatever columns `digest_runs` has (a migration may add some) are exported and restored, so
# a restored instance knows which days' digests went out and does not post today's again.


def _digest_columns() -> list[Column]:
    return [c for c in DIGEST_RUNS.columns if c.name != "plan_id"]


def _dump_digest_runs(session: Session, plan: int | None) -> list[dict]:
    rows = session.exec(
        select(DigestRunRow).where(DigestRunRow.plan_id == plan)
        .order_by(col(DigestRunRow.local_date), col(DigestRunRow.id))
    ).all()
    return [_row_dict(row, tuple(c.name for c in _digest_columns())) for row in rows]


def _digest_run_rows(runs: list[dict]) -> list[dict]:
    """Rows to insert (checked by `_check_digest_run`): times parsed; a column the backup does
    not carry (added after it was made) is left to its default."""
    out = []
    for run in runs:
        row = {}
        for column in _digest_columns():
            if column.name in run:
                value = run[column.name]
                row[column.name] = _time(value) if isinstance(column.type, UTCDateTime) else value
        out.append(row)
    return out


def _check_digest_run(check: _Check, run: Any, where: str) -> None:
    if not isinstance(run, dict):
        check.say(f"{where} must be an object, not {_kind(run)}")
        return
    known = {c.name for c in _digest_columns()}
    for name in sorted(set(run) - known):
        check.say(f"{where}: field '{name}' is not something this release keeps for a digest")
    for column in _digest_columns():
        if column.name not in run:
            has_default = column.default is not None or column.server_default is not None
            if not (column.nullable or has_default) and column.name != "id":
                check.say(f"{where}: field '{column.name}' is missing")
            continue
        value = run[column.name]
        if value is None:
            if not column.nullable:
                check.say(f"{where}: field '{column.name}' must not be null")
        elif isinstance(column.type, UTCDateTime):
            check.time(value, where, column.name)
        else:
            kind = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
            try:
                expected = kind.python_type
            except NotImplementedError:  # a type without one: the database will say
                continue
            if expected in _KIND_NAMES and not _is(value, expected):
                check.say(f"{where}: field '{column.name}' must be {_KIND_NAMES.get(expected, expected.__name__)}, "
                          f"not {_kind(value)}")


# -- restoring over a first run ---------------------------------------------------------------


def _make_room(session: Session, replaceable_sha: str | None) -> None:
    """Refuse a database that holds data, unless all it holds is what a first command did: the
    bundled plan auto-imported (sha `replaceable_sha`), no event, lane, setting or digest, and only
    install-time leads. That is removed, and the backup takes its place."""
    counts = {model.__tablename__: session.exec(select(func.count()).select_from(model)).one()
              for model in (PlanRow, EventRow, LaneBindingRow, SettingRow, DigestRunRow, PersonRow)}
    leads = session.exec(select(LeadRow)).all()
    if not any(counts.values()) and not leads:
        return
    plans = session.exec(select(PlanRow)).all()
    first_run = (
        replaceable_sha is not None and len(plans) == 1 and plans[0].source_sha == replaceable_sha
        and not any(n for table, n in counts.items() if table != "plans")
        and all(lead.added_by == "install" for lead in leads)
    )
    if not first_run:
        held = [f"{n:,} {table.replace('_', ' ')}" for table, n in counts.items() if n]
        held += [f"{len(leads)} lead(s)"] if leads else []
        raise BackupError([
            f"refusing to import: the database already holds data ({', '.join(held)}); import into an "
            "empty database (a restore never merges into live data)"
        ])
    session.exec(delete(STORY_STATES).where(STORY_STATES.c.plan_id == plans[0].id))
    session.exec(delete(LEADS))
    session.exec(delete(PLANS).where(PLANS.c.id == plans[0].id))
    session.flush()


# -- checking a backup before anything is written ---------------------------------------------

_KIND_NAMES: dict[type, str] = {str: "text", int: "a whole number", bool: "true or false", dict: "an object",
                                list: "a list"}


def _is(value: Any, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


class _Check:
    """Collects one sentence per problem, naming where it is and which field."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def say(self, problem: str) -> None:
        self.problems.append(problem)

    def obj(self, value: Any, where: str) -> bool:
        if isinstance(value, dict):
            return True
        self.say(f"{where} must be an object, not {_kind(value)}")
        return False

    def fields(self, value: dict, where: str, spec: dict[str, tuple[type | str, bool]],
               optional: tuple[str, ...] = ()) -> None:
        """spec: name -> (type, nullable); "time" is ISO 8601 text with a time zone."""
        for name, (kind, nullable) in spec.items():
            if name not in value:
                if name not in optional:
                    self.say(f"{where}: field '{name}' is missing")
                continue
            got = value[name]
            if got is None:
                if not nullable:
                    self.say(f"{where}: field '{name}' must not be null")
            elif kind == "time":
                self.time(got, where, name)
            elif isinstance(kind, type) and not _is(got, kind):
                self.say(f"{where}: field '{name}' must be {_KIND_NAMES[kind]}, not {_kind(got)}")

    def time(self, value: Any, where: str, name: str) -> None:
        if not isinstance(value, str):
            self.say(f"{where}: field '{name}' must be a time (ISO 8601 text), not {_kind(value)}")
            return
        try:
            _time(value)
        except ValueError:
            self.say(f"{where}: field '{name}' is not a time with a time zone: {value[:40]!r}")

    def listed(self, value: dict, name: str, where: str) -> list:
        got = value.get(name, [])
        if not isinstance(got, list):
            self.say(f"{where}: field '{name}' must be a list, not {_kind(got)}")
            return []
        return got


_PLAN_SPEC: dict[str, tuple[type | str, bool]] = {
    "slug": (str, False), "title": (str, False), "channel": (str, True), "source": (str, False),
    "source_sha": (str, False), "imported_at": ("time", False), "states": (list, False), "events": (list, False),
    "audit": (list, False), "lanes": (dict, False), "settings": (dict, False),
}
_STATE_SPEC: dict[str, tuple[type | str, bool]] = {
    "story_id": (str, False), "state": (str, False), "assignee": (str, True), "reviewer": (str, True),
    "evidence": (str, True), "forced": (bool, False), "since": ("time", True), "version": (int, False),
    "preparer": (str, True), "prepared_since": ("time", True), "authors": (str, True), "reopened_at": ("time", True),
}
_EVENT_SPEC: dict[str, tuple[type | str, bool]] = {
    "id": (int, False), "story_id": (str, False), "action": (str, False), "actor": (str, False),
    "from_state": (str, False), "to_state": (str, False), "evidence": (str, True), "reviewer": (str, True),
    "reason": (str, True), "request_id": (str, True), "at": ("time", False), "person": (str, True),
}
_AUDIT_SPEC: dict[str, tuple[type | str, bool]] = {
    "id": (int, False), "action": (str, False), "actor": (str, False), "reason": (str, True),
    "request_id": (str, True), "at": ("time", False),
}
_PERSON_SPEC: dict[str, tuple[type | str, bool]] = {"name": (str, False), "lang": (str, False),
                                                    "changed_at": ("time", False)}
_LEAD_SPEC: dict[str, tuple[type | str, bool]] = {"name": (str, False), "added_by": (str, False),
                                                  "added_at": ("time", False)}
_STATE_VALUES = {s.value for s in State}
_ACTION_VALUES = {a.value for a in Action}


def _check_backup(check: _Check, data: dict, max_source_bytes: int | None) -> None:
    """Every structural problem of a backup, as sentences; later checks (the fold of the events,
    the settings) run only on a backup that passes these."""
    for name in ("plans", "leads"):
        if name not in data:
            check.say(f"the backup: field '{name}' is missing")
        elif not isinstance(data[name], list):
            check.say(f"the backup: field '{name}' must be a list, not {_kind(data[name])}")
    slugs: set[str] = set()
    plans: list = data["plans"] if isinstance(data.get("plans"), list) else []
    for n, plan in enumerate(plans, start=1):
        where = f"plan {n}"
        if not check.obj(plan, where):
            continue
        if isinstance(plan.get("slug"), str):
            where = f"plan {n} ('{plan['slug'][:40]}')"
        check.fields(plan, where, _PLAN_SPEC)
        _check_plan_values(check, plan, where, slugs, max_source_bytes)
        story_ids = set()
        for k, state in enumerate(check.listed(plan, "states", where), start=1):
            if check.obj(state, f"{where}, state {k}"):
                at = f"{where}, state {k}" + (f" (story {state['story_id']})" if isinstance(state.get("story_id"), str)
                                              else "")
                check.fields(state, at, _STATE_SPEC, optional=_STATE_ADDED)
                if isinstance(state.get("story_id"), str):  # a wrong type is said by check.fields
                    story_ids.add(state["story_id"])
                if isinstance(state.get("state"), str) and state["state"] not in _STATE_VALUES:
                    check.say(f"{at}: field 'state' is {state['state'][:20]!r}, not one of {', '.join(sorted(_STATE_VALUES))}")
        for k, event in enumerate(check.listed(plan, "events", where), start=1):
            at = f"{where}, event {k}"
            if check.obj(event, at):
                check.fields(event, at, _EVENT_SPEC, optional=_EVENT_ADDED)
                if isinstance(event.get("action"), str) and event["action"] not in _ACTION_VALUES:
                    check.say(f"{at}: field 'action' is {event['action'][:20]!r}, not an action deliverybot records")
                for name in ("from_state", "to_state"):
                    if isinstance(event.get(name), str) and event[name] not in _STATE_VALUES:
                        check.say(f"{at}: field '{name}' is {event[name][:20]!r}, not a state")
                if isinstance(event.get("story_id"), str) and event["story_id"] not in story_ids:
                    check.say(f"{at}: story {event['story_id'][:20]!r} has no state in this plan")
        for k, entry in enumerate(check.listed(plan, "audit", where), start=1):
            if check.obj(entry, f"{where}, audit entry {k}"):
                check.fields(entry, f"{where}, audit entry {k}", _AUDIT_SPEC)
        lanes = plan.get("lanes")
        if isinstance(lanes, dict):
            for lane, person in lanes.items():
                if not isinstance(person, str):
                    check.say(f"{where}: lane {lane[:20]!r} must name a person (text), not {_kind(person)}")
        for k, run in enumerate(check.listed(plan, "digest_runs", where), start=1):
            _check_digest_run(check, run, f"{where}, digest {k}")
    leads: list = data["leads"] if isinstance(data.get("leads"), list) else []
    for n, lead in enumerate(leads, start=1):
        if check.obj(lead, f"lead {n}"):
            check.fields(lead, f"lead {n}", _LEAD_SPEC)
    seen: set[str] = set()
    for n, person in enumerate(check.listed(data, "people", "the backup"), start=1):
        if check.obj(person, f"person {n}"):
            check.fields(person, f"person {n}", _PERSON_SPEC)
            if person.get("lang") not in ("fr", "en"):
                check.say(f"person {n}: field 'lang' must be 'fr' or 'en', not {str(person.get('lang'))[:20]!r}")
            if person.get("name") in seen:
                check.say(f"person {n}: {str(person.get('name'))[:40]!r} is listed twice")
            seen.add(str(person.get("name")))
    _check_unique(check, plans, leads)


def _check_unique(check: _Check, plans: list, leads: list) -> None:
    """What the database keeps unique, said before an insert would fail on it."""
    seen: dict[tuple[str, Any], str] = {}

    def once(kind: str, value: Any, where: str) -> None:
        if value is None or not isinstance(value, str | int) or isinstance(value, bool):
            return
        first = seen.setdefault((kind, value), where)
        if first != where:
            shown = value if isinstance(value, int) else repr(value[:40])
            check.say(f"{where}: {kind} {shown} is also used by {first}")

    for n, plan in enumerate(plans, start=1):
        if not isinstance(plan, dict):
            continue
        once("channel", plan.get("channel"), f"plan {n}")
        for name in ("events", "audit"):
            entries = plan.get(name)
            for k, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
                if isinstance(entry, dict):
                    where = f"plan {n}, {'event' if name == 'events' else 'audit entry'} {k}"
                    once("id", entry.get("id"), where)
                    once("request id", entry.get("request_id"), where)
    for n, lead in enumerate(leads, start=1):
        if isinstance(lead, dict):
            once("lead", lead.get("name"), f"lead {n}")


def _check_plan_values(check: _Check, plan: dict, where: str, slugs: set[str], max_source_bytes: int | None) -> None:
    slug, source, sha = plan.get("slug"), plan.get("source"), plan.get("source_sha")
    if isinstance(slug, str):
        problem = slug_problem(slug)
        if problem:
            check.say(f"{where}: {problem}")
        if slug in slugs:
            check.say(f"{where}: slug '{slug[:40]}' is used by an earlier plan of the backup")
        slugs.add(slug)
    if isinstance(source, str):
        size = len(source.encode("utf-8"))
        if max_source_bytes is not None and size > max_source_bytes:
            check.say(f"{where}: the plan's source is {size:,} bytes, over the limit of {max_source_bytes:,} "
                      "(DELIVERYBOT_MAX_PLAN_BYTES)")
        if isinstance(sha, str) and hashlib.sha256(source.encode("utf-8")).hexdigest() != sha:
            check.say(f"{where}: field 'source_sha' is not the sha256 of its source: the source was changed "
                      "after the export, or the hash was")
