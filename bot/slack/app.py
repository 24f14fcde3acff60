"""Building the Bolt app: one AsyncApp, its Web API client (pointed at SLACK_API_URL when set,
with rate-limit retries), and every listener registered through the shared Gateway."""

from __future__ import annotations

import asyncio
import contextlib

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import get_logger
from bot.service.delivery import DeliveryService
from bot.settings import Settings
from bot.slack.gateway import Gateway
from bot.slack.listeners import register_all
from bot.slack.locales import SlackLocales


def build_client(settings: Settings) -> AsyncWebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    retries = [AsyncRateLimitErrorRetryHandler(max_retry_count=5), AsyncConnectionErrorRetryHandler()]
    if settings.slack_api_url:  # tests and the benches point the client at a local fake Slack
        return AsyncWebClient(token=token, base_url=settings.slack_api_url, retry_handlers=retries)
    return AsyncWebClient(token=token, retry_handlers=retries)


def build_app(settings: Settings, service: DeliveryService) -> tuple[AsyncApp, Gateway]:
    client = build_client(settings)
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    app = AsyncApp(
        client=client,
        signing_secret=secret,
        # Socket Mode has no signatures to check. In HTTP mode every request reaches Bolt through
        # bot.slack.web, which checks the signature before anything reads the body: Bolt's own
        # check would compute the same HMAC a second time.
        request_verification_enabled=False,
        logger=get_logger("slack"),
    )
    gateway = Gateway(service, client, settings.slack_response_url_hosts)
    # Each person's Slack language, asked on this loop from the service's threads, and one HTTP
    # session for every call to Slack (outside an event loop: a test that only reads what is registered).
    with contextlib.suppress(RuntimeError):
        service.locales = SlackLocales(client, asyncio.get_running_loop())
        gateway.http_session()  # on this loop: the Web API calls share it from the first one
    register_all(app, gateway)
    return app, gateway
