"""Opening the store and making sure there is a plan to work on.

Shared by every command-line entry so `deliverybot cmd`, `console` and `run` behave the same on
a fresh machine: the bundled plan is imported the first time, and install-time leads are added.
`run` first brings the database to this release's schema (`upgrade_schema`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from bot.i18n import _, n_, speaking
from bot.settings import MAX_PLAN_BYTES, Settings
from planner.model import Plan
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


class PlanRefused(ValueError):
    """A plan file not imported, and why, in one sentence (too large, no usable slug)."""


def plan_file_problem(path: Path, max_bytes: int = MAX_PLAN_BYTES) -> str | None:
    """Why `path` will not be imported before reading it (its size), or None."""
    try:
        size = path.stat().st_size
    except OSError:
        return None  # reading it says what is wrong
    if size > max_bytes:
        from bot.i18n.formats import number

        return _("{path} is {size} bytes, over the limit of {limit} (DELIVERYBOT_MAX_PLAN_BYTES): "
                 "every command re-reads the plan, so a plan this large would slow every one of them",
                 path=path, size=number(size, 0), limit=number(max_bytes, 0))
    return None


def plan_slug(path: Path, slug: str | None) -> str:
    """The slug a plan is imported under: `slug` as given (refused unless valid), else one made from
    the file's name."""
    from planner.model import slug_from, slug_problem

    if slug is not None:
        problem = slug_problem(slug)
        if problem:
            raise PlanRefused(f"{problem}.")
        return slug
    made = slug_from(path.stem)
    if not made:
        raise PlanRefused(_("no slug can be made from the file name {name}: give one with --slug.",
                             name=repr(path.name)))
    return made


def import_plan(store: Store, path: Path, *, slug: str | None = None, channel: str | None = None,
                max_bytes: int = MAX_PLAN_BYTES, read: tuple[str, Plan] | None = None):
    """Read a plan file and store it, with the plan as read (so no process reads it again).
    Returns (record, plan) — findings are the caller's to show. `read`: the file's text and the
    plan the caller already read from it. Raises PlanRefused, before reading it, for a file over
    `max_bytes` or without a usable slug."""
    from planner.reader import read_plan

    problem = plan_file_problem(path, max_bytes)
    if problem:
        raise PlanRefused(problem)
    name = plan_slug(path, slug)
    if read is None:
        source = path.read_text(encoding="utf-8")
        read = (source, read_plan(source))
    source, plan = read
    record = store.save_plan(name, plan.title, source, plan.story_ids, channel=channel)
    store.keep_plan(record.slug, record.source_sha, plan)
    return record, plan


def ensure_ready(store: Store, settings: Settings) -> str | None:
    """First run: import the bundled plan; every run: add the leads named in DELIVERYBOT_LEADS,
    except those a lead revoked since (`/team lead @x off`): the variable names leads, it does not
    keep them; removing a name from it revokes nobody.

    Returns what a person should hear about it (the first-run import), or None: the command line
    prints it, `run` in a Slack mode logs it."""
    missing = [name for name in settings.lead_names if not store.is_lead(name)]
    revoked = store.revoked_leads() if missing else set()
    for name in missing:
        if name not in revoked:
            store.add_lead(name, "install")
    if store.list_plans():
        return None
    path = Path(settings.default_plan)
    if not path.exists():
        return None
    try:
        record, plan = import_plan(store, path, max_bytes=settings.max_plan_bytes)
    except PlanRefused as err:
        from bot.cli import BadConfiguration

        raise BadConfiguration(f"  DELIVERYBOT_DEFAULT_PLAN: {err}") from None
    with speaking(settings.forced_lang or plan.language):  # said in the plan's language, like its replies
        return n_("first run: imported the bundled plan '{slug}', {n} stories",
                  "first run: imported the bundled plan '{slug}', {n} stories", len(plan.stories), slug=record.slug)
