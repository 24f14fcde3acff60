"""One module per listener kind (commands, actions, views, events), each with register(app, gateway);
every listener is a module-level function behind the error boundary (`boundary.guarded`)."""

from slack_bolt.async_app import AsyncApp

from bot.slack.gateway import Gateway
from bot.slack.listeners import actions, commands, events, views


def register_all(app: AsyncApp, gateway: Gateway) -> None:
    for module in (commands, actions, views, events):
        module.register(app, gateway)
