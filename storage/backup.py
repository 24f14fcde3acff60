"""Backup as plain JSON data: what `deliverybot export` writes and `deliverybot import` reads.

The format is the database's content, not a replay script: event ids, timestamps and state rows
come back exactly, so a restored bot answers every question as the old one did and
`export()` after `import_()` equals the original. Used only through `Store.export`/`Store.import_`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from planner.model import story_sort_key
from planner.state import Action, Event, State, StoryStatus, fold_events
from storage import plan_settings
from storage.tables import (
    EVENTS,
    LANE_BINDINGS,
    LEADS,
    SETTINGS,
    STORY_STATES,
    EventRow,
    LaneBindingRow,
    LeadRow,
    PlanRow,
    SettingRow,
    StoryStateRow,
)

FORMAT = "deliverybot-backup"
VERSION = 1

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
            }
        )
    leads = session.exec(select(LeadRow).order_by(col(LeadRow.name))).all()
    return {
        "format": FORMAT,
        "version": VERSION,
        "plans": plans,
        "leads": [{"name": r.name, "added_by": r.added_by, "added_at": _iso(r.added_at)} for r in leads],
    }


def load(session: Session, data: dict) -> None:
    """Insert a `dump` into an empty database (the caller's transaction makes it all-or-nothing)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a deliverybot backup (expected format {FORMAT!r})")
    if data.get("version") != VERSION:
        raise ValueError(f"unsupported backup version {data.get('version')!r} (this version reads {VERSION})")
    for model in (PlanRow, LeadRow, EventRow):
        if session.exec(select(func.count()).select_from(model)).one():
            raise ValueError(
                "refusing to import: the database already holds data; import into an empty database "
                "(a restore never merges into live data)"
            )
    try:
        plans = [_parse_plan(plan) for plan in data["plans"]]
        leads = [
            {"name": lead["name"], "added_by": lead["added_by"], "added_at": _time(lead["added_at"])}
            for lead in data["leads"]
        ]
    except KeyError as exc:
        raise ValueError(f"malformed backup: missing field {exc}") from exc
    except (TypeError, ValueError) as exc:
        raise ValueError(f"malformed backup: {exc}") from exc

    for plan, states, events, lanes, settings in plans:
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
    if leads:
        session.connection().execute(insert(LEADS), leads)
    if session.get_bind().dialect.name == "postgresql":
        # Rows came with explicit ids; without this the next insert would reuse id 1.
        for name in ("plans", "events"):
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
