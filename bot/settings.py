"""Configuration from the environment (DESIGN §5), read once per process.

Secrets are SecretStr so a settings object printed in a log or a traceback shows "**********".
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_PLAN = REPO_ROOT / "plans" / "k3s-mono-pgsql.md"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    database_url: str = Field(default="sqlite:///data/deliverybot.db", alias="DATABASE_URL")
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(default=None, alias="SLACK_API_URL")
    port: int = Field(default=3000, alias="PORT")
    default_plan: Path = Field(default=BUNDLED_PLAN, alias="DELIVERYBOT_DEFAULT_PLAN")
    leads: str = Field(default="", alias="DELIVERYBOT_LEADS")  # comma-separated, added at start
    digest_time: str = Field(default="09:00", alias="DELIVERYBOT_DIGEST_TIME")
    digest_timezone: str = Field(default="UTC", alias="DELIVERYBOT_DIGEST_TZ")
    digest_workdays: str = Field(default="mon-fri", alias="DELIVERYBOT_DIGEST_WORKDAYS")

    @cached_property
    def lead_names(self) -> list[str]:
        return [name.strip().lstrip("@") for name in self.leads.split(",") if name.strip()]

    @property
    def slack_mode(self) -> str:
        """"socket", "http" or "console": what `deliverybot run` starts."""
        if self.slack_bot_token and self.slack_app_token:
            return "socket"
        if self.slack_bot_token and self.slack_signing_secret:
            return "http"
        return "console"
