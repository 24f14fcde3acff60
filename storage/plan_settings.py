"""Per-plan settings as one typed value instead of loose string keys.

Each setting has one name, one type and one default here, where callers used to repeat the key,
the parsing and the fallback. The table keeps the format it always had (one row per key, the
value as JSON text: times "HH:MM", holidays sorted ISO dates), so existing databases and
export/import backups read as before. Keys this version does not know are ignored on read and
left as they are on write. A key that is absent or holds JSON null means "use the default".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from typing import Any, TypedDict

from sqlalchemy import delete
from sqlmodel import Session, col, select

from planner.calendar import parse_holidays, parse_time
from storage.plans import plan_id
from storage.sql import insert_on_conflict
from storage.tables import SETTINGS, SettingRow


@dataclass(frozen=True)
class PlanSettings:
    """What a lead set for one plan. None in a field means "not set for this plan": the bot then
    applies its own default (the install's digest time, the plan's recommended mode...)."""

    mode: int | None = None  # number of devs of the staffing mode; None: the plan's recommended mode
    allow_solo: bool = False  # the author may approve their own story (four eyes off)
    digest_time: time | None = None  # local time of the daily digest
    digest_tz: str | None = None  # IANA zone name of digest_time, e.g. "Europe/Paris"
    digest_workdays: str | None = None  # as the lead typed it, e.g. "mon-fri"
    digest_cutoff: time | None = None  # a missed digest is caught up until then
    holidays: tuple[date, ...] = ()  # no digest on these days; kept sorted, without repeats
    digest_skip_quiet: bool = False  # no digest on a day when nothing moved and nothing waits
    stale_after: int = 3  # work days without an event before in-progress work is called stale
    lang: str | None = None  # "fr" or "en": the channel's and the digest's; None: the plan's own

    def __post_init__(self) -> None:
        # Checked here so a PlanSettings is valid however it was made (by a caller or from rows).
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None and field.default is None:
                continue
            object.__setattr__(self, field.name, _CODECS[field.name].check(field.name, value))


class PlanSettingsChanges(TypedDict, total=False):
    """The keyword arguments of `Store.update_plan_settings`: a field's new value, None to clear it."""

    mode: int | None
    allow_solo: bool | None
    digest_time: time | None
    digest_tz: str | None
    digest_workdays: str | None
    digest_cutoff: time | None
    holidays: Iterable[date] | None
    digest_skip_quiet: bool | None
    stale_after: int | None
    lang: str | None


# -- reading and writing ----------------------------------------------------------------------


def read(session: Session, slug: str) -> PlanSettings:
    """The plan's settings; ValueError naming the key when a stored value is not of its type."""
    rows = session.exec(
        select(SettingRow).where(SettingRow.plan_id == plan_id(session, slug)).order_by(col(SettingRow.key))
    )
    return from_stored({row.key: json.loads(row.value) for row in rows})


def from_stored(stored: Mapping[str, object]) -> PlanSettings:
    """PlanSettings from decoded JSON values by key (a settings table's, or a backup's)."""
    values: dict[str, Any] = {}
    for name, codec in _CODECS.items():
        raw = stored.get(name)
        if raw is None:
            continue
        try:
            values[name] = codec.check(name, codec.load(raw))
        except (TypeError, ValueError) as err:
            raise ValueError(f"plan setting {name!r} holds {raw!r}, which is not valid: {err}") from None
    return PlanSettings(**values)


def encode_changes(changes: Mapping[str, object]) -> dict[str, str | None]:
    """JSON text by key for each change, None for a key to delete.

    Raises TypeError for an unknown field or a value of the wrong type, ValueError for a value
    the stored format cannot hold (a time with seconds), so nothing is written for a bad call."""
    unknown = sorted(set(changes) - _CODECS.keys())
    if unknown:
        raise TypeError(f"PlanSettings has no field {', '.join(map(repr, unknown))}")
    encoded: dict[str, str | None] = {}
    for name, value in changes.items():
        codec = _CODECS[name]
        encoded[name] = None if value is None else json.dumps(codec.dump(codec.check(name, value)))
    return encoded


def write(session: Session, slug: str, encoded: Mapping[str, str | None]) -> None:
    """Store each key's JSON text, deleting the keys given None; the plan's other rows stay."""
    plan = plan_id(session, slug)
    cleared = [key for key, value in encoded.items() if value is None]
    if cleared:
        session.exec(delete(SETTINGS).where(SETTINGS.c.plan_id == plan, SETTINGS.c.key.in_(cleared)))
    for key, value in encoded.items():
        if value is not None:
            stmt = insert_on_conflict(session, SETTINGS).values(plan_id=plan, key=key, value=value)
            session.exec(stmt.on_conflict_do_update(index_elements=["plan_id", "key"], set_={"value": value}))


# -- one codec per field: its type check, and its form in JSON --------------------------------


@dataclass(frozen=True)
class _Codec:
    check: Callable[[str, Any], Any]  # (field name, value) -> canonical value; TypeError/ValueError
    dump: Callable[[Any], object] = lambda value: value  # canonical value -> JSON value
    load: Callable[[object], Any] = lambda raw: raw  # JSON value -> value, checked afterwards


def _of_type(kind: type) -> Callable[[str, Any], Any]:
    def check(name: str, value: Any) -> Any:
        # bool is an int in Python; a mode of True is a mistake, not 1.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"{name} must be {kind.__name__}, not {type(value).__name__} {value!r}")
        return value

    return check


def _check_time(name: str, value: Any) -> time:
    if not isinstance(value, time):
        raise TypeError(f"{name} must be a datetime.time, not {type(value).__name__} {value!r}")
    if value.tzinfo is not None or value.second or value.microsecond:
        raise ValueError(f"{name} is stored as HH:MM: {value} has seconds or a time zone")
    return value


def _load_time(raw: object) -> time:
    if not isinstance(raw, str):
        raise TypeError(f"expected an 'HH:MM' string, not {type(raw).__name__}")
    return parse_time(raw)


def _check_dates(name: str, value: Any) -> tuple[date, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be dates, not {type(value).__name__} {value!r}")
    days = list(value)
    # A datetime is a date too, but a holiday is a whole day.
    wrong = [day for day in days if not isinstance(day, date) or isinstance(day, datetime)]
    if wrong:
        raise TypeError(f"{name} must be datetime.date values, not {wrong[0]!r}")
    return tuple(sorted(set(days)))


def _load_dates(raw: object) -> frozenset[date]:
    if not isinstance(raw, list | str):
        raise TypeError(f"expected a list of ISO dates, not {type(raw).__name__}")
    return parse_holidays([str(item) for item in raw] if isinstance(raw, list) else raw)


def _check_lang(name: str, value: Any) -> str:
    if value not in ("fr", "en"):
        raise ValueError(f"{name} is 'fr' or 'en', not {value!r}")
    return str(value)


_TIME = _Codec(_check_time, dump=lambda value: value.strftime("%H:%M"), load=_load_time)
_CODECS: dict[str, _Codec] = {
    "mode": _Codec(_of_type(int)),
    "allow_solo": _Codec(_of_type(bool)),
    "digest_time": _TIME,
    "digest_tz": _Codec(_of_type(str)),
    "digest_workdays": _Codec(_of_type(str)),
    "digest_cutoff": _TIME,
    "holidays": _Codec(_check_dates, dump=lambda days: [day.isoformat() for day in days], load=_load_dates),
    "digest_skip_quiet": _Codec(_of_type(bool)),
    "stale_after": _Codec(_of_type(int)),
    "lang": _Codec(_check_lang),
}
