"""Opening the store and making sure there is a plan to work on.

Shared by every command-line entry so `deliverybot cmd`, `console` and `run` behave the same on
a fresh machine: the bundled plan is imported the first time, and install-time leads are added.
`run` first brings the database to this release's schema (`upgrade_schema`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from bot.settings import Settings
from storage.store import Store


def open_store(settings: Settings) -> Store:
    """The store on DATABASE_URL, its schema made current (`storage.schema.ensure`). A database
    that is not deliverybot's is bad configuration: said in one sentence, not a traceback."""
    from storage.schema import SchemaError

    try:
        return Store(settings.database_url)
    except SchemaError as err:
        from bot.cli import BadConfiguration

        raise BadConfiguration(f"  DATABASE_URL: {err}") from None


def upgrade_schema(settings: Settings) -> bool:
    """What `run` does first, before anything else opens the database: apply the schema migrations
    (`storage.schema.upgrade_url`, under the schema lock, so replicas starting together upgrade
    once) and say what was done: printed on stderr for the console, logged (`deliverybot.storage`,
    in the configured format, so logging is configured here) for Slack. False, having said why,
    when the database cannot be reached or is not one this release can upgrade."""
    from storage.schema import SchemaError, upgrade_url

    info: Callable[[str], None] = _stderr
    error: Callable[[str], None] = _stderr
    if settings.slack_mode != "console":
        from bot.logs import configure, get_logger

        configure(settings)  # run configures it again: that replaces this handler
        info, error = get_logger("storage").info, get_logger("storage").error
    try:
        done = upgrade_url(settings.database_url)
    except SchemaError as err:
        error(f"not started: {err}")
        return False
    info(done.describe())
    return True


def _stderr(message: str) -> None:
    print(f"deliverybot: {message}", file=sys.stderr)


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
