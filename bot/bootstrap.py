"""Opening the store and making sure there is a plan to work on.

Shared by every command-line entry so `deliverybot cmd`, `console` and `run` behave the same on
a fresh machine: the bundled plan is imported the first time, and install-time leads are added.
"""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from storage.store import Store


def open_store(settings: Settings) -> Store:
    return Store(settings.database_url)


def import_plan(store: Store, path: Path, *, slug: str | None = None, channel: str | None = None):
    """Read a plan file and store it. Returns (record, plan) — findings are the caller's to show."""
    from planner.reader import read_plan

    source = path.read_text(encoding="utf-8")
    plan = read_plan(source)
    record = store.save_plan(slug or path.stem, plan.title, source, plan.story_ids, channel=channel)
    return record, plan


def ensure_ready(store: Store, settings: Settings) -> str | None:
    """First run: import the bundled plan; every run: add the leads named in DELIVERYBOT_LEADS.

    Returns what a person should hear about it (the first-run import), or None: the command line
    prints it, `run` in a Slack mode logs it."""
    for name in settings.lead_names:
        if not store.is_lead(name):
            store.add_lead(name, "install")
    if store.list_plans():
        return None
    path = Path(settings.default_plan)
    if not path.exists():
        return None
    record, plan = import_plan(store, path)
    return f"first run: imported the bundled plan '{record.slug}', {len(plan.stories)} stories"
