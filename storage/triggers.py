"""The plan's change counter, kept by the database itself.

Every row added to `events` (a story's move, or an audit entry for a team or settings change)
adds one to `plans.changes` of its plan, in the same transaction. A process that caches what it
derived from a plan (`bot.service.delivery`) reads this one number to learn whether anything
changed since, whichever process or release wrote it: a trigger, so that no writer (an older
replica during a rolling update included) can forget it. On PostgreSQL the update takes the
plan row's lock until commit, so the counter also orders the plan's writes: a transition that
reads `changes` back after its own insert (`storage.transitions.apply`) knows whether it was
the only change since the value it started from.

`create_all` (tables.py) and revision 0006 run these same statements. A later change to them
needs a new revision that drops and re-creates the trigger; never edit them in place.
"""

from __future__ import annotations

TRIGGER = "events_count_plan_changes"
FUNCTION = "deliverybot_count_plan_changes"

SQLITE = (
    f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON events FOR EACH ROW "
    "BEGIN UPDATE plans SET changes = changes + 1 WHERE id = NEW.plan_id; END",
)
POSTGRESQL = (
    f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN UPDATE plans SET changes = changes + 1 WHERE id = NEW.plan_id; RETURN NULL; END $$",
    f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
)
DROP = {
    "sqlite": (f"DROP TRIGGER IF EXISTS {TRIGGER}",),
    "postgresql": (f"DROP TRIGGER IF EXISTS {TRIGGER} ON events", f"DROP FUNCTION IF EXISTS {FUNCTION}()"),
}


def statements(dialect: str) -> tuple[str, ...]:
    """What creates the counter's trigger on this database ("sqlite" or "postgresql")."""
    return {"sqlite": SQLITE, "postgresql": POSTGRESQL}[dialect]
