"""Slack's retries of Events API deliveries: it resends an event it thinks failed (X-Slack-Retry-Num),
so each process remembers the event ids it has handled and drops a second delivery."""

from __future__ import annotations

from collections import OrderedDict


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
