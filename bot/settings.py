"""Configuration from the environment (DESIGN §5), read and checked once per process.

Typed values, refused at start: a digest time that is not HH:MM, a time zone the zone database
doesn't know, work days that name no day, a port out of range — the process exits with the
variable's name and what to write instead, rather than failing every minute later. Secrets are
SecretStr, so a settings object printed in a log or a traceback shows "**********".
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.i18n.catalogs import language_or_none
from planner.calendar import parse_time, parse_workdays, parse_zone
from planner.people import person_key

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_PLAN = REPO_ROOT / "plans" / "k3s-mono-pgsql.md"
MAX_PLAN_BYTES = 2_000_000
MAX_PENDING = 64  # the default of DELIVERYBOT_MAX_PENDING


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True,
                                      arbitrary_types_allowed=True)

    database_url: str = Field(default="sqlite:///data/deliverybot.db", alias="DATABASE_URL")
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(default=None, alias="SLACK_API_URL")
    # Where a request's response_url may point: Slack's own host; tests add their fake's (127.0.0.1).
    slack_response_url_hosts: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("hooks.slack.com",), alias="SLACK_RESPONSE_URL_HOSTS")
    port: int = Field(default=3000, ge=0, le=65535, alias="PORT")
    default_plan: Path = Field(default=BUNDLED_PLAN, alias="DELIVERYBOT_DEFAULT_PLAN")
    # The largest plan file imported (bytes): every command re-reads the plan it acts on, and a
    # 52 MB plan made each take 34 s. 2 MB is over 30,000 stories written in the seed's style.
    max_plan_bytes: int = Field(default=MAX_PLAN_BYTES, ge=1, alias="DELIVERYBOT_MAX_PLAN_BYTES")
    # The most Slack requests whose service work may wait or run at once (the gateway's queue):
    # one more is answered "busy, try again" at once and never reaches the service, so under any
    # load the wait and the memory stay bounded. Two worker threads serve the queue.
    max_pending: int = Field(default=MAX_PENDING, ge=1, alias="DELIVERYBOT_MAX_PENDING")
    # HTTP mode: processes serving PORT together (one listening socket, each its own event loop,
    # service threads and plan cache, kept right by the plans' change counter). Python runs one
    # thread at a time per process, so a second core needs a second process.
    web_workers: int = Field(default=1, ge=1, le=16, alias="DELIVERYBOT_WEB_WORKERS")
    # Names or Slack user ids, comma-separated in the environment, made leads at start.
    leads: Annotated[tuple[str, ...], NoDecode] = Field(default=(), alias="DELIVERYBOT_LEADS")
    digest_time: time = Field(default=time(9, 0), alias="DELIVERYBOT_DIGEST_TIME")
    digest_timezone: ZoneInfo = Field(default=ZoneInfo("UTC"), alias="DELIVERYBOT_DIGEST_TZ")
    digest_workdays: Annotated[frozenset[int], NoDecode] = Field(default=frozenset(range(5)),
                                                                 alias="DELIVERYBOT_DIGEST_WORKDAYS")
    # One language for everything this process says ("fr" or "en"); unset, each plan speaks its
    # own language and each person theirs (docs/i18n.md). The console and `cmd` also take --lang.
    # (Not named `lang`: pydantic-settings also reads a field's own name, and LANG is the locale.)
    forced_lang: str | None = Field(default=None, alias="DELIVERYBOT_LANG")
    # Logs (bot/logs.py): "text" lines or one JSON object a line; the root level.
    log_format: Literal["text", "json"] = Field(default="text", alias="DELIVERYBOT_LOG_FORMAT")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", alias="DELIVERYBOT_LOG_LEVEL")

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value  # JSON, " json " read as json

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value  # debug reads as DEBUG

    @classmethod
    def defaults(cls) -> Settings:
        """The install defaults, without reading the environment (tests and embedded services)."""
        return cls.model_construct()

    @field_validator("forced_lang", mode="before")
    @classmethod
    def _lang(cls, value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        lang = language_or_none(str(value))
        if lang is None:
            raise ValueError("write fr or en")
        return lang

    @field_validator("leads", mode="before")
    @classmethod
    def _leads(cls, value: Any) -> tuple[str, ...]:
        words = value.split(",") if isinstance(value, str) else list(value or ())
        return tuple(person_key(str(name)) for name in words if str(name).strip().lstrip("@"))

    @field_validator("slack_response_url_hosts", mode="before")
    @classmethod
    def _response_hosts(cls, value: Any) -> tuple[str, ...]:
        words = value.split(",") if isinstance(value, str) else list(value or ())
        hosts = tuple(str(host).strip().lower().rstrip(".") for host in words if str(host).strip())
        if not hosts:
            raise ValueError("name at least one host, e.g. hooks.slack.com")
        return hosts

    @field_validator("digest_time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> time:
        return parse_time(value) if isinstance(value, str) else value

    @field_validator("digest_timezone", mode="before")
    @classmethod
    def _zone(cls, value: Any) -> ZoneInfo:
        return value if isinstance(value, ZoneInfo) else parse_zone(str(value))

    @field_validator("digest_workdays", mode="before")
    @classmethod
    def _workdays(cls, value: Any) -> frozenset[int]:
        return parse_workdays(value) if isinstance(value, str) else frozenset(value)

    @property
    def lead_names(self) -> list[str]:
        return list(self.leads)

    @property
    def slack_incomplete(self) -> str | None:
        """What is missing when Slack is half configured (a token without its pair), else None.
        Starting the console instead would exit 0 at once: a restart loop in a pod."""
        bot, app, secret = self.slack_bot_token, self.slack_app_token, self.slack_signing_secret
        if bot and not (app or secret):
            return ("SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET "
                    "(HTTP mode) is")
        if not bot and (app or secret):
            given = " and ".join(name for name, value in (("SLACK_APP_TOKEN", app),
                                                          ("SLACK_SIGNING_SECRET", secret)) if value)
            return f"{given} {'is' if ' and ' not in given else 'are'} set but SLACK_BOT_TOKEN is missing"
        return None

    @property
    def slack_mode(self) -> str:
        """"socket", "http" or "console": what `deliverybot run` starts."""
        if self.slack_bot_token and self.slack_app_token:
            return "socket"
        if self.slack_bot_token and self.slack_signing_secret:
            return "http"
        return "console"


def configuration_problems(err: ValidationError) -> list[str]:
    """One sentence per bad variable, naming it: what `deliverybot` prints before exiting 2."""
    lines = []
    for problem in err.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in problem.get("loc", ())) or "configuration"
        message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
        lines.append(f"{where}: {message}")
    return lines
