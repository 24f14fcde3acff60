"""One logger tree, `deliverybot.*`, configured once per process by the entry point that runs.

Modules ask `get_logger("digest")` rather than `logging.getLogger(__name__)`, so an operator
filters on one prefix whatever module a line comes from.

`configure(settings)` puts one handler on the root logger, on stderr, for every library's lines
too (slack_sdk, slack_bolt, aiohttp, APScheduler):

- format: `DELIVERYBOT_LOG_FORMAT=text` (default) is one readable line per record; `json` is one
  JSON object per line: time (ISO 8601 UTC, milliseconds), level, logger, message, then plan,
  story and request_id when known, and exc (the traceback text) when there is one.
- level: `DELIVERYBOT_LOG_LEVEL` (default INFO). APScheduler's "Running job… / executed
  successfully" pair, every minute, is kept at WARNING unless the level is DEBUG.
- secrets: a filter on the handler rewrites every record before it is formatted: Slack tokens
  (xoxb-, xoxp-, xapp-, xoxe-…), the exact values of SLACK_BOT_TOKEN, SLACK_APP_TOKEN and
  SLACK_SIGNING_SECRET, `Bearer …` credentials, Socket Mode `ticket=` parameters, hooks.slack.com
  webhook and response URLs and `token=`/`'token': …` pairs become "[redacted]" in the message,
  its arguments, the traceback and the stack. slack_sdk logs request headers, bodies, responses
  (the Socket Mode URL with its ticket) and response_urls at DEBUG: DEBUG shows all of it, minus
  the secrets.

Where plan, story and request_id come from: `log_context(plan=…, request_id=…)` around a piece of
work (a contextvar, so it follows awaits; a worker thread gets it through `carry_context`), or
`extra={"story": "4.1"}` on one call, which wins over the context.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

if TYPE_CHECKING:
    from bot.settings import Settings

ROOT = "deliverybot"
FIELDS = ("plan", "story", "request_id")  # what the context (or extra=) may add to a line
REDACTED = "[redacted]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LOGGERS = ("apscheduler", "alembic")  # every-minute ticks, migration plumbing: shown only at DEBUG
MIN_SECRET_LENGTH = 8  # a shorter "secret" would redact half of every line; real ones are 32+

T = TypeVar("T")


def get_logger(name: str) -> logging.Logger:
    """`deliverybot.<name>`."""
    return logging.getLogger(f"{ROOT}.{name}" if name else ROOT)


# -- context: plan, story, request id ------------------------------------------------------------

_context: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar("deliverybot_log_context")


def current_context() -> dict[str, str]:
    """The plan, story and request_id set around the running code (only those known)."""
    return dict(_context.get({}))


@contextmanager
def log_context(*, plan: str | None = None, story: str | None = None,
                request_id: str | None = None) -> Iterator[None]:
    """Every line logged inside the block (in this task or thread) carries these fields; None
    leaves an outer value as it was. Nests; the outer values come back when the block ends."""
    token = _context.set({**_context.get({}), **_known(plan=plan, story=story, request_id=request_id)})
    try:
        yield
    finally:
        _context.reset(token)


def bind(*, plan: str | None = None, story: str | None = None, request_id: str | None = None) -> None:
    """Add fields learnt midway (the plan a channel resolved to, the story a command names) to the
    current context. Use it inside a `log_context` block, which puts the old values back at its end."""
    _context.set({**_context.get({}), **_known(plan=plan, story=story, request_id=request_id)})


def carry_context(fn: Callable[..., T]) -> Callable[..., T]:
    """`fn` running in a copy of the caller's context: `loop.run_in_executor(pool, carry_context(f))`
    (run_in_executor does not carry contextvars into the worker thread; asyncio.to_thread does)."""
    ctx = contextvars.copy_context()

    def run(*args: Any, **kwargs: Any) -> T:
        return ctx.run(fn, *args, **kwargs)

    return run


def _known(**fields: str | None) -> dict[str, str]:
    return {key: str(value) for key, value in fields.items() if value is not None and str(value)}


class ContextFilter(logging.Filter):
    """Copies the context's plan/story/request_id onto each record (an `extra=` value wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get({}).items():
            if getattr(record, key, None) is None:
                setattr(record, key, value)
        return True


# -- secrets ---------------------------------------------------------------------------------------

# Slack tokens: bot/user/app/refresh/config and legacy kinds, rotated ones (xoxe.xoxp-1-…) included.
TOKEN_PATTERN = re.compile(r"(?:xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]+")
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (TOKEN_PATTERN, REDACTED),
    # An Authorization header's credential, whatever it is (slack_sdk writes "(redacted)" itself).
    (re.compile(r"\b(Bearer\s+)[^\s'\",;}\]]+"), rf"\1{REDACTED}"),
    # Socket Mode URLs (wss://…/link/?ticket=…): the ticket opens the app's connection.
    (re.compile(r"([?&]ticket=)[^&\s'\"]+"), rf"\1{REDACTED}"),
    # Incoming webhooks and response_urls post as the app to whoever holds them.
    (re.compile(r"(https?://hooks\.slack(?:-gov)?\.com/)[^\s'\",;)}\]>]+"), rf"\1{REDACTED}"),
    # token=…, 'token': '…', "client_secret": "…" in form bodies and dict/JSON reprs (the legacy
    # verification token is in the request bodies Bolt logs when no listener matched).
    (re.compile(r"((?:token|secret|password)['\"]?\s*[:=]\s*['\"]?)[^\s'\"&,}]+",
                re.IGNORECASE), rf"\1{REDACTED}"),
)


class Redactor:
    """Replaces secrets in text: the exact values given, then the patterns above."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        values: set[str] = set()
        for secret in secrets:
            if secret and len(secret) >= MIN_SECRET_LENGTH:
                values.update({secret, quote(secret, safe=""), json.dumps(secret)[1:-1]})
        self._exact = (re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))
                       if values else None)

    def __call__(self, text: str) -> str:
        if self._exact is not None:
            text = self._exact.sub(REDACTED, text)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


class RedactingFilter(logging.Filter):
    """On the handler: the record's message (with its arguments merged in), traceback, stack and
    context fields are redacted before any formatter sees them."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.redact = Redactor(secrets)
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what was meant, never let logging print the args raw
            message = f"{record.msg} (log arguments did not format: {record.args!r})"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key in FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                setattr(record, key, self.redact(str(value)))
        return True


# -- formats ---------------------------------------------------------------------------------------


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message [plan=… story=… request_id=…]`, the traceback on the next lines."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        known = [f"{key}={getattr(record, key)}" for key in FIELDS if getattr(record, key, None) is not None]
        return f"{line} [{' '.join(known)}]" if known else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line; ASCII only, so no character in a message can split the line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=True, default=str)


# -- configuration ---------------------------------------------------------------------------------


class _Handler(logging.StreamHandler):
    """Ours, so a second `configure` replaces it instead of doubling every line."""


def configure(settings: Settings | None = None, *, level: int | str | None = None, fmt: str | None = None,
              secrets: Iterable[str | None] = (), stream: IO[str] | None = None,
              hooks: bool = True) -> logging.Handler:
    """Log every logger's lines to stderr (or `stream`) in the configured format and level, with
    the settings' tokens and signing secret (and `secrets`) redacted; with `hooks`, uncaught
    exceptions are logged too. Returns the handler."""
    if settings is not None:
        level = settings.log_level if level is None else level
        fmt = settings.log_format if fmt is None else fmt
        secrets = [*secrets, *(s.get_secret_value() if s else None for s in (
            settings.slack_bot_token, settings.slack_app_token, settings.slack_signing_secret)),
                   _database_password(settings.database_url)]
    numeric = level_number(level)
    handler = build_handler(fmt or "text", numeric, secrets, stream if stream is not None else sys.stderr)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(numeric)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(numeric if numeric <= logging.DEBUG else max(numeric, logging.WARNING))
    access = logging.getLogger("aiohttp.access")
    for old_filter in [f for f in access.filters if isinstance(f, QuietProbes)]:
        access.removeFilter(old_filter)
    if numeric > logging.DEBUG:
        access.addFilter(QuietProbes())
    logging.captureWarnings(True)  # a library's warning is a log line too (one JSON object, redacted)
    if hooks:
        _log_uncaught()
    return handler


class QuietProbes(logging.Filter):
    """Drops the access-log line of a probe or a scrape that went well (GET /healthz, /readyz,
    /metrics answered 200), which would otherwise be most of the log, every few seconds. A failing
    probe is still logged; everything is at DEBUG."""

    _PROBE = re.compile(r'"GET /(?:healthz|readyz|metrics)(?:\?[^" ]*)? HTTP/[0-9.]+" 200 ')

    def filter(self, record: logging.LogRecord) -> bool:
        return not self._PROBE.search(record.getMessage())


def level_number(level: int | str | None) -> int:
    """logging's number for "DEBUG", "info", 10 or None (INFO)."""
    number = logging.getLevelName(level.strip().upper()) if isinstance(level, str) else level
    return number if isinstance(number, int) else logging.INFO


def build_handler(fmt: str, level: int, secrets: Iterable[str | None], stream: IO[str]) -> logging.Handler:
    """The one handler: context fields added, then everything redacted, then formatted."""
    handler = _Handler(stream)
    handler.setLevel(level)
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactingFilter(secrets))  # after the context: its fields are redacted too
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    return handler


def _log_uncaught() -> None:
    """An exception nobody caught, in the main thread or another, is logged (so redacted, and in
    the format) instead of printed raw on stderr."""
    log = get_logger("")

    def main_hook(kind: type[BaseException], err: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, err, tb)
            return
        log.critical("uncaught exception, the process stops", exc_info=(kind, err, tb))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread else "?"
        if args.exc_value is None:
            log.error("uncaught %s in thread %s", args.exc_type.__name__, name)
            return
        log.error("uncaught exception in thread %s", name,
                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    sys.excepthook = main_hook
    threading.excepthook = thread_hook



def new_ref() -> str:
    """A short reference that a person is given and the log line carries, to find one another."""
    return uuid.uuid4().hex[:8]


def _database_password(url: str) -> str | None:
    """The password in DATABASE_URL, redacted like the tokens (a driver may print the URL)."""
    from sqlalchemy.engine import make_url

    try:
        password = make_url(url).password
        return str(password) if password else None
    except Exception:  # not a URL we can read: nothing to redact from it
        return None
