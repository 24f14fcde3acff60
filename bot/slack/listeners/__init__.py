"""One module per listener kind (commands, actions, views, events), each with register(app, gateway)."""

from bot.slack.listeners import actions, commands, events, views


def register_all(app, gateway) -> None:
    for module in (commands, actions, views, events):
        module.register(app, gateway)
