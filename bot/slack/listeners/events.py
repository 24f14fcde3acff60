"""Events API: App Home. Slack retries a delivery it thinks failed (X-Slack-Retry-Num); the
event_id is remembered so a retry has no second effect."""

from __future__ import annotations

from collections import OrderedDict

from bot.slack.blocks.home import home_view


class SeenEvents:
    """The last few thousand event ids, to drop Slack's retries of an event already handled."""

    def __init__(self, size: int = 5000) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, event_id: str | None) -> bool:
        if not event_id:
            return True
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


def register(app, gateway) -> None:
    seen = SeenEvents()

    @app.event("app_home_opened")
    async def on_home(body, event, client):
        if event.get("tab", "home") != "home" or not seen.first_time(body.get("event_id")):
            return
        data = await gateway.home(event["user"])
        if data is not None:
            await client.views_publish(user_id=event["user"], view=home_view(data))
