"""Counters served on GET /metrics (Prometheus text format)."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry()
REQUESTS = Counter("deliverybot_requests_total", "Slack requests by kind and outcome (busy: refused at the bound)",
                   ["kind", "outcome"], registry=REGISTRY)
REJECTED = Counter("deliverybot_rejected_requests_total", "Requests refused before Bolt (bad signature headers)",
                   registry=REGISTRY)
NOTIFICATIONS = Counter("deliverybot_notifications_total", "Notifications by kind and result", ["kind", "result"],
                        registry=REGISTRY)
PENDING = Gauge("deliverybot_pending_service_calls", "Service calls waiting or running (DELIVERYBOT_MAX_PENDING)",
                registry=REGISTRY)
LATENCY = Histogram("deliverybot_service_seconds", "Time the service took per command", registry=REGISTRY)
