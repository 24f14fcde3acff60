"""`deliverybot`: the command line (DESIGN §5). argparse, and no Slack import on the CLI path,
so one-shot commands start fast; `run` imports the Slack app only when tokens ask for it."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.i18n import _, n_

if TYPE_CHECKING:  # the CLI imports its modules lazily so one-shot commands start fast
    from bot.service.delivery import DeliveryService
    from bot.settings import Settings

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
EXIT_DATABASE = 3  # the database can't be used (unreachable, read-only, full, corrupt, locked, missing)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deliverybot", description="Keep a delivery plan honest, in Slack or here.")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("run", help="Slack (Socket Mode or HTTP) when tokens are set, else the local console")

    console = sub.add_parser("console", help="type slash commands, read the replies as text")
    console.add_argument("--as", dest="actor", default="me", help="who you are (switch later with /as NAME)")
    console.add_argument("--plan", help="plan slug (default: the only plan)")
    console.add_argument("--channel", help="channel the commands are typed in")

    cmd = sub.add_parser("cmd", help="run one slash command through the service")
    cmd.add_argument("--as", dest="actor", required=True, help="the person running it (name or Slack user id)")
    cmd.add_argument("--channel")
    cmd.add_argument("--plan")
    cmd.add_argument("--json", action="store_true", help="print {ok, text, blocks, response_type, data}")
    cmd.add_argument("text", help='the command, e.g. "/done 4.1 https://..."')

    plan = sub.add_parser("plan", help="import, check or list plans").add_subparsers(dest="plan_command", required=True)
    imp = plan.add_parser("import", help="import (or re-import) a plan file")
    imp.add_argument("file", type=Path)
    imp.add_argument("--slug")
    imp.add_argument("--channel")
    imp.add_argument("--lead", action="append", default=[], help="make this person a lead (repeatable)")
    imp.add_argument("--force", action="store_true", help="import even when the plan has errors")
    check = plan.add_parser("check", help="read a plan and list what could not be read")
    check.add_argument("file", type=Path)
    check.add_argument("--json", action="store_true")
    lst = plan.add_parser("list", help="the imported plans")
    lst.add_argument("--json", action="store_true")

    digest = sub.add_parser("digest", help="the daily gate digest: print it, or post it in Slack")
    digest.add_argument("--plan", help="plan slug (default: the only plan)")
    digest.add_argument("--post", action="store_true",
                        help="post today's digest in the plan's channel, once per day (needs SLACK_BOT_TOKEN)")
    digest.add_argument("--force", action="store_true", help="with --post: post even if today's was sent")
    digest.add_argument("--json", action="store_true", help="print the digest as data")

    exp = sub.add_parser("export", help="full backup as JSON (plans, states, events, people)")
    exp.add_argument("--out", type=Path, help="file to write (default: standard output)")
    restore = sub.add_parser("import", help="restore a backup into an empty database")
    restore.add_argument("file", type=Path)

    graph = sub.add_parser("graph", help="draw the plan's dependency graph, coloured by state, as a PNG")
    graph.add_argument("--plan", help="plan slug (default: the only plan)")
    graph.add_argument("--out", type=Path, required=True, help="the PNG file to write")

    db = sub.add_parser("db", help="the database schema: apply the migrations, or show its revision")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply the schema migrations (run does it at start); safe next to a running bot")
    db_sub.add_parser("current", help="the database's schema revision and this release's; exit 1 unless up to date")
    for speaks in (console, cmd, imp, check, digest, graph):
        speaks.add_argument("--lang", type=_language, help="fr or en: the language of everything printed "
                            "(default: DELIVERYBOT_LANG, else each person's and the plan's)")
    return parser


def _language(word: str) -> str:
    from bot.i18n.catalogs import language_or_none

    lang = language_or_none(word)
    if lang is None:
        raise argparse.ArgumentTypeError("write fr or en")
    return lang


class BadConfiguration(Exception):
    """The environment holds a value the process can't run with; the message names it."""


def main(argv: list[str] | None = None) -> int:
    from bot.i18n import speaking

    args = build_parser().parse_args(argv)
    # --lang, else DELIVERYBOT_LANG, speaks for everything printed; else each command says what it
    # knows in the language of the person or the plan it is about (docs/i18n.md).
    lang = getattr(args, "lang", None) or language_of_environment()
    with speaking(lang):
        return _main(args, lang)


def language_of_environment() -> str | None:
    from bot.i18n.catalogs import language_or_none

    return language_or_none(os.environ.get("DELIVERYBOT_LANG"))


def _main(args: argparse.Namespace, lang: str | None) -> int:
    try:
        if args.command == "plan" and args.plan_command == "check":  # reads a file: needs no configuration
            code = _plan_check(args)
        else:
            handler = {"run": _run, "console": _console, "cmd": _cmd, "plan": _plan,
                       "export": _export, "import": _import, "digest": _digest, "graph": _graph,
                       "db": _db}[args.command]
            settings = _settings()
            if lang and settings.forced_lang != lang:  # --lang: this run speaks it, whatever the plan and people
                settings = settings.model_copy(update={"forced_lang": lang})
            code = handler(args, settings)
        sys.stdout.flush()  # here, not at exit: a closed pipe is then ours to handle
        return code
    except BrokenPipeError:  # `deliverybot cmd … | head -1`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a shell reports a process ended by SIGPIPE
    except BadConfiguration as err:
        print(_("deliverybot: bad configuration, not started:\n{problems}", problems=err), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as err:
        from storage.errors import DatabaseUnavailable

        if not isinstance(err, DatabaseUnavailable):
            raise
        from bot.render.findings import database_fault_text

        print(f"deliverybot: {database_fault_text(err)}", file=sys.stderr)
        return EXIT_DATABASE


def _settings() -> Settings:
    """The process's one Settings, read from the environment and checked before any work starts."""
    from pydantic import ValidationError

    from bot.settings import Settings, configuration_problems

    try:
        return Settings()
    except ValidationError as err:
        raise BadConfiguration("\n".join(f"  {line}" for line in configuration_problems(err))) from None


def _service(settings: Settings, *, quiet: bool = False, log: bool = False) -> DeliveryService:
    """The service on the configured store, the bundled plan imported on first run. What the first
    run did is printed on stderr (a terminal), logged (`log`, a Slack process) or kept quiet."""
    from bot.bootstrap import ensure_ready, open_store
    from bot.service.delivery import DeliveryService

    if not log:  # a terminal: the command says a database fault itself, once (see _one_line)
        _one_line()
    store = open_store(settings)
    said = ensure_ready(store, settings)
    if said and log:
        from bot.logs import get_logger

        get_logger("").info(said)
    elif said and not quiet:
        print(f"({said})", file=sys.stderr)
    return DeliveryService(store, settings=settings)


def _who(name: str) -> str | None:
    """`--as NAME`: a Slack user id, or a name in its one spelling (`Alice`, `@alice`: alice); None,
    said on stderr, for anything that is not a name (`<!channel>`, spaces, markup)."""
    from bot.service.parsing import person_name

    who = person_name(name)
    if who is None:
        print(_("deliverybot: --as {name} is not a name: use letters, digits, '.', '-' or '_', "
                "or a Slack user id", name=repr(name)), file=sys.stderr)
    return who


def _one_line() -> None:
    """On a terminal the service's log line about a database fault (or a digest Slack did not
    confirm) would repeat what the command prints: Python's last-resort handler (no logging is
    configured) leaves it out."""
    import logging

    if logging.lastResort is not None and _not_a_database_fault not in logging.lastResort.filters:
        logging.lastResort.addFilter(_not_a_database_fault)


def _not_a_database_fault(record: object) -> bool:
    """Leave out what the command itself says: a database fault, or a line marked `told`."""
    return not (getattr(record, "database_fault", False) or getattr(record, "told", False))


def _cmd(args: argparse.Namespace, settings: Settings) -> int:
    actor = _who(args.actor)
    if actor is None:
        return EXIT_USAGE
    service = _service(settings, quiet=args.json)
    reply = service.handle(actor, args.text, channel=args.channel, plan=args.plan)
    failed = reply.data.get("error") == "database"
    if failed:  # one line on stderr (and the reply in --json), exit 3
        detail = reply.data.get("detail") or _("the database cannot be used")
        print(f"deliverybot: {detail}", file=sys.stderr)
    if failed and not args.json:
        return EXIT_DATABASE
    if args.json:
        from bot.i18n import speaking
        from bot.slack.blocks.replies import reply_blocks  # only --json pays for the Slack SDK

        with speaking(reply.lang):
            blocks = reply_blocks(reply)
        print(json.dumps(reply.to_json(blocks), ensure_ascii=False, default=str))
    else:
        from bot.console import note_line
        from bot.render.plain import plain

        print(plain(reply.text))
        for note in reply.notifications:
            print(note_line(note))
    return EXIT_DATABASE if failed else EXIT_OK if reply.ok else EXIT_REFUSED


def _console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import run_console

    actor = _who(args.actor)
    if actor is None:
        return EXIT_USAGE
    return run_console(_service(settings), actor=actor, plan=args.plan, channel=args.channel)


def _stop_now(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    # PID 1 in a container ignores a signal it has no handler for: until the Slack server installs
    # its own, a SIGTERM (migrations waiting on a lock, the console) stops the process at once.
    signal.signal(signal.SIGTERM, _stop_now)
    missing = settings.slack_incomplete
    if missing:
        print(_("deliverybot: incomplete Slack configuration, not started: {missing}. See README 'Connect to Slack'.",
                missing=missing), file=sys.stderr)
        return EXIT_USAGE
    if not _upgrade_schema(settings):  # schema migrations first, before anything opens the database
        return EXIT_REFUSED
    mode = settings.slack_mode
    if mode == "console":
        print(_("No Slack tokens set: starting the local console on the bundled plan.\n"
                "To connect Slack, set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) or SLACK_BOT_TOKEN and "
                "SLACK_SIGNING_SECRET (HTTP on PORT); see README 'Connect to Slack'."), file=sys.stderr)
        from bot.console import run_console

        return run_console(_service(settings), actor="me")
    from bot.logs import configure as configure_logging
    from bot.slack.runner import run_slack

    configure_logging(settings)
    return run_slack(settings, _service(settings, log=True))


def _plan(args: argparse.Namespace, settings: Settings) -> int:
    if args.plan_command == "check":
        return _plan_check(args)
    from bot.bootstrap import open_store

    store = open_store(settings)
    if args.plan_command == "list":
        plans = store.list_plans()
        if args.json:
            print(json.dumps([{"slug": p.slug, "title": p.title, "channel": p.channel} for p in plans]))
        else:
            for p in plans:
                print(f"{p.slug}\t{p.title}\t{p.channel or '-'}")
            if not plans:
                print(_("No plans yet: deliverybot plan import FILE"))
        return EXIT_OK
    return _plan_import(args, store, settings)


def _read(path: Path):
    """The plan in the file at `path`; None (said on stderr) when it can't be read."""
    read = _read_text(path)
    return read[1] if read else None


def _read_text(path: Path):
    """(text, plan) of the file at `path`; None (said on stderr) when it can't be read."""
    from planner.reader import read_plan

    if not path.is_file():
        print(_("deliverybot: no such file: {path}", path=path), file=sys.stderr)
        return None
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        print(_("deliverybot: {path} is not UTF-8 text", path=path), file=sys.stderr)
        return None
    return source, read_plan(source)


def _plan_check(args: argparse.Namespace) -> int:
    from bot.i18n import _
    from bot.render.findings import finding_line, plan_summary

    plan = _read(args.file)
    if plan is None:
        return EXIT_USAGE
    _speak_plan(args, plan.language)
    if args.json:
        print(json.dumps(plan.to_json(), ensure_ascii=False))
    else:
        print(plan_summary(plan))
        for f in plan.findings:
            print(f"  {finding_line(f)}")
        if not plan.findings:
            print("  " + _("no findings"))
    return EXIT_REFUSED if any(f.severity == "error" for f in plan.findings) else EXIT_OK


def _speak_plan(args: argparse.Namespace, lang: str | None) -> None:
    """From here on, speak the plan's language — unless --lang or DELIVERYBOT_LANG chose one."""
    from bot.i18n import speak

    if not (getattr(args, "lang", None) or language_of_environment()):
        speak(lang)


def _plan_import(args, store, settings: Settings) -> int:
    from bot.bootstrap import PlanRefused, import_plan, plan_file_problem, plan_slug
    from bot.render.findings import finding_line

    try:
        problem = plan_file_problem(args.file, settings.max_plan_bytes)
        if problem:
            raise PlanRefused(problem)
        slug = plan_slug(args.file, args.slug)
    except PlanRefused as err:
        print(_("Not imported: {reason}", reason=err), file=sys.stderr)
        return EXIT_REFUSED
    read = _read_text(args.file)  # read once: the same plan is checked, stored and kept as read
    plan = read[1] if read else None
    if plan is not None:
        _speak_plan(args, plan.language)
    leads = [_who(name) for name in args.lead]
    if plan is None or None in leads:
        return EXIT_USAGE
    errors = [f for f in plan.findings if f.severity == "error"]
    for f in plan.findings:
        print(f"  {finding_line(f, with_code=False)}", file=sys.stderr)
    if not plan.stories:  # even --force: an empty plan would replace a real one with nothing to deliver
        print(_("Not imported, even with --force: no story could be read from {path}, so there would be nothing "
                "to deliver. deliverybot plan check {path} shows what was read.", path=args.file), file=sys.stderr)
        return EXIT_REFUSED
    if errors and not args.force:
        print(n_("Not imported: {n} error above. Fix the plan, or import it as it is with "
                 "deliverybot plan import {path} --force (stories in a cycle will show as never able to start).",
                 "Not imported: {n} errors above. Fix the plan, or import it as it is with "
                 "deliverybot plan import {path} --force (stories in a cycle will show as never able to start).",
                 len(errors), path=args.file), file=sys.stderr)
        return EXIT_REFUSED
    before = store.get_plan(slug)
    old = (store.stored_plan(slug, before.source_sha) or before.source) if before is not None else None
    record, plan = import_plan(store, args.file, slug=args.slug, channel=args.channel,
                               max_bytes=settings.max_plan_bytes, read=read)
    for lead in filter(None, leads):
        store.add_lead(lead, "install")
    if old is not None:
        _print_changes(store, old, plan, record.slug)
        return EXIT_OK
    if record.channel:
        print(n_("Imported '{slug}': {n} stories, channel {channel}", "Imported '{slug}': {n} stories, channel {channel}",
                 len(plan.stories), slug=record.slug, channel=record.channel))
    else:
        print(n_("Imported '{slug}': {n} stories", "Imported '{slug}': {n} stories", len(plan.stories),
                 slug=record.slug))
    return EXIT_OK


def _print_changes(store, old, plan, slug: str) -> None:
    """After a re-import: what the edit changed (`planner.changes`), and the removed stories that
    had work, whose state and events the store keeps (storage/plans.py). `old`: the plan before,
    as stored, or its text when no copy was."""
    from bot.render.changes import changes_lines
    from bot.render.plain import plain
    from planner.board import removed_with_work
    from planner.changes import plan_changes
    from planner.reader import read_plan

    changes = plan_changes(read_plan(old) if isinstance(old, str) else old, plan)
    gone = set(changes.stories_removed)
    removed = [r for r in removed_with_work(plan.story_ids, store.statuses(slug)) if r["story"] in gone]
    print(n_("Re-imported '{slug}': {n} stories; every state and event is kept.",
             "Re-imported '{slug}': {n} stories; every state and event is kept.", len(plan.stories), slug=slug))
    for line in changes_lines(changes, removed):
        print(f"  {plain(line)}")


def _digest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.service.context import PlanNotFound

    service = _service(settings, quiet=True)
    try:
        slug = service.resolve_slug(args.plan, None)
    except PlanNotFound as err:
        print(f"deliverybot: {err}", file=sys.stderr)
        return EXIT_USAGE
    if not args.post:
        data = service.digest(slug)
        _speak_plan(args, data.get("lang"))  # the digest is the channel's: in the plan's language
        if args.json:
            print(json.dumps(data, ensure_ascii=False, default=str))
        else:
            from bot.render.digest_text import digest_details_text, digest_summary_text
            from bot.render.plain import plain

            print(plain(digest_summary_text(data)) + "\n\n" + plain(digest_details_text(data)))
        return EXIT_OK
    if not settings.slack_bot_token:
        print(_("deliverybot: posting needs SLACK_BOT_TOKEN (and SLACK_API_URL to reach a test server)"),
              file=sys.stderr)
        return EXIT_USAGE
    import asyncio

    from bot.digest.cron import post_now

    outcome = asyncio.run(post_now(settings, service, slug, force=args.force))
    print(outcome.message, file=sys.stderr)
    return EXIT_OK if outcome.sent else EXIT_REFUSED


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import open_store

    data = json.dumps(open_store(settings).export(), ensure_ascii=False, indent=1, default=str)
    if args.out:
        try:
            args.out.write_text(data, encoding="utf-8")
        except OSError as err:
            print(_("deliverybot: could not write the backup to {path}: {reason}", path=args.out,
                    reason=err.strerror or err), file=sys.stderr)
            return EXIT_REFUSED
        print(_("Wrote {path}", path=args.out), file=sys.stderr)
    else:
        print(data)
    return EXIT_OK


def _import(args: argparse.Namespace, settings: Settings) -> int:
    import hashlib

    from bot.bootstrap import open_store
    from storage.backup import parse

    bundled = settings.default_plan
    try:  # a database where a first command only auto-imported the bundled plan counts as empty
        first_run = hashlib.sha256(bundled.read_text(encoding="utf-8").encode("utf-8")).hexdigest()
    except (OSError, UnicodeDecodeError):
        first_run = None
    try:
        data = parse(args.file.read_text(encoding="utf-8"))
        open_store(settings).import_(data, replaceable_sha=first_run, max_source_bytes=settings.max_plan_bytes)
    except UnicodeDecodeError:
        print(_("deliverybot: not imported: {path} is not UTF-8 text", path=args.file), file=sys.stderr)
        return EXIT_REFUSED
    except OSError as err:
        print(_("deliverybot: not imported: {path}: {reason}", path=args.file, reason=err.strerror or err),
              file=sys.stderr)
        return EXIT_REFUSED
    except ValueError as err:
        print(_("deliverybot: not imported: {reason}", reason=err), file=sys.stderr)
        return EXIT_REFUSED
    print(_("Restored {path}", path=args.file), file=sys.stderr)
    return EXIT_OK


def _graph(args: argparse.Namespace, settings: Settings) -> int:
    """`deliverybot graph --out FILE.png`: the picture of the plan's current state."""
    if args.out.suffix.lower() != ".png":
        print(_("deliverybot: --out must name a .png file, not {path}", path=args.out), file=sys.stderr)
        return EXIT_USAGE
    if not args.out.parent.is_dir():
        print(_("deliverybot: no such directory: {path}", path=args.out.parent), file=sys.stderr)
        return EXIT_USAGE
    from bot.service.context import PlanNotFound

    try:
        ctx = _service(settings).context(plan=args.plan)
    except PlanNotFound as err:
        print(f"deliverybot: {err.args[0] if err.args else err}", file=sys.stderr)
        return EXIT_USAGE
    from bot.render.graph_png import render_png  # matplotlib: only for this command
    from bot.service.milestones import picture_part

    _speak_plan(args, ctx.lang)
    args.out.write_bytes(render_png(ctx.graph, ctx.statuses, staffing=ctx.staffing, milestones=picture_part(ctx)))
    print(args.out)
    return EXIT_OK


def _upgrade_schema(settings: Settings) -> bool:
    from bot.bootstrap import upgrade_schema

    return upgrade_schema(settings)


def _db(args: argparse.Namespace, settings: Settings) -> int:
    """`deliverybot db upgrade`: the migrations, under the schema lock, saying what was done;
    `deliverybot db current`: the revision. A database that can't be reached or isn't ours: one
    sentence on stderr, exit 1."""
    from storage.schema import SchemaError, inspect_url, upgrade_url

    try:
        if args.db_command == "upgrade":
            print(upgrade_url(settings.database_url).describe())
            return EXIT_OK
        state = inspect_url(settings.database_url)
    except SchemaError as err:
        print(f"deliverybot: {err}", file=sys.stderr)
        return EXIT_REFUSED
    print(state.describe())
    return EXIT_OK if state.current else EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
