"""Only Slack's signed requests get in: anything else is a 401 that touches nothing."""

import asyncio
import json
import time
from urllib.parse import urlencode, urlsplit

import pytest

from tests.helpers.slack import sign

SLUG = "k3s-mono-pgsql"


def start_body(slack, user="U0ANN"):
    return urlencode(slack.slash_command("/start", "1.1", user_id=user, channel_id="C0PLAN"))


async def raw_post(base: str, headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    """Send bytes as they are (aiohttp's client won't send a non-ASCII header); return the status."""
    url = urlsplit(base)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    head = [b"POST /slack/events HTTP/1.1", f"Host: {url.netloc}".encode(),
            b"Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}".encode(),
            b"Connection: close"]
    head += [name + b": " + value for name, value in headers]
    writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 10)
    writer.close()
    return int(status_line.split()[1])


def untouched(workspace, service):
    assert service.store.status(SLUG, "1.1").state == "todo"
    assert service.store.events(SLUG) == []
    assert workspace.slack.calls == []


@pytest.mark.parametrize("case", ["wrong-secret", "stale", "future", "missing", "no-signature", "letters",
                                  "5000-digits", "tampered-body"])
async def test_bad_signatures_are_401_and_change_nothing(workspace, seeded_service, case):
    body = start_body(workspace.slack)
    now = int(time.time())
    headers = {
        "wrong-secret": sign(body, secret="not-the-secret"),
        "stale": sign(body, timestamp=now - 301),
        "future": sign(body, timestamp=now + 360),  # past the 5-minute window even if the request is slow to arrive
        "missing": {},
        "no-signature": {"X-Slack-Request-Timestamp": str(now)},
        "letters": {**sign(body), "X-Slack-Request-Timestamp": "yesterday"},
        "5000-digits": {**sign(body), "X-Slack-Request-Timestamp": "9" * 5000},
        "tampered-body": sign(body.replace("1.1", "1.2")),
    }[case]
    resp = await workspace.post(body, "application/x-www-form-urlencoded", headers=headers)
    assert resp.status == 401
    await asyncio.sleep(0.2)  # give a wrongly accepted command time to do harm
    untouched(workspace, seeded_service)


@pytest.mark.parametrize("signature", ["v0=é" + "a" * 63, "v0=" + "ü" * 64, "\u202ev0=abc"])
async def test_non_ascii_signatures_are_401(workspace, seeded_service, signature):
    body = start_body(workspace.slack).encode()
    ts = str(int(time.time())).encode()
    status = await raw_post(workspace.base, [(b"X-Slack-Request-Timestamp", ts),
                                             (b"X-Slack-Signature", signature.encode("utf-8"))], body)
    assert status == 401
    untouched(workspace, seeded_service)


async def test_a_correct_signature_gets_in(workspace, seeded_service):
    result = await workspace.command("U0ANN", "/start", "1.1")
    assert result["status"] == 200
    assert seeded_service.store.status(SLUG, "1.1").state == "in_progress"


async def test_url_verification_and_ssl_check(workspace):
    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"})
    async with workspace.session.post(f"{workspace.base}/slack/events", data=body,
                                      headers={"Content-Type": "application/json", **sign(body)}) as resp:
        assert resp.status == 200
        assert (await resp.json())["challenge"] == "3eZbrw1aBm2rZgRNFdxV"
    body = urlencode({"ssl_check": "1", "token": "legacy"})
    async with workspace.session.post(f"{workspace.base}/slack/events", data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", **sign(body)}) as resp:
        assert resp.status == 200


async def test_an_events_api_retry_has_no_second_effect(workspace):
    event = {"type": "app_home_opened", "user": "U0ANN", "channel": "D0ANN", "tab": "home",
             "event_ts": f"{time.time():.6f}"}
    assert await workspace.event(event, event_id="Ev0HOME1") == 200
    await workspace.slack.wait_for("views.publish", 1, timeout=10)
    assert await workspace.event(event, event_id="Ev0HOME1", retry=1) == 200
    assert await workspace.event(event, event_id="Ev0HOME1", retry=2) == 200
    await asyncio.sleep(0.5)
    publishes = workspace.slack.calls_to("views.publish")
    assert len(publishes) == 1
    view = publishes[0].args["view"]
    assert view["type"] == "home"
    assert "1.1" in json.dumps(view)


async def test_health_and_metrics(workspace):
    async with workspace.session.get(f"{workspace.base}/healthz") as resp:
        assert resp.status == 200 and (await resp.json()) == {"ok": True}
    async with workspace.session.get(f"{workspace.base}/readyz") as resp:
        assert resp.status == 200 and (await resp.json()) == {"ok": True, "plans": 1, "database": "ok"}
    await workspace.command("U0ANN", "/unblocked")
    async with workspace.session.get(f"{workspace.base}/metrics") as resp:
        text = await resp.text()
    assert 'deliverybot_requests_total{kind="command",outcome="ok"}' in text


@pytest.mark.parametrize("case", ["repeated-timestamp", "repeated-signature", "body-not-utf8"])
async def test_repeated_headers_and_undecodable_bodies_are_401(workspace, seeded_service, case):
    body = start_body(workspace.slack).encode()
    good = sign(body.decode())
    ts, sig = good["X-Slack-Request-Timestamp"].encode(), good["X-Slack-Signature"].encode()
    headers = [(b"X-Slack-Request-Timestamp", ts), (b"X-Slack-Signature", sig)]
    if case == "repeated-timestamp":
        headers.append((b"X-Slack-Request-Timestamp", b"yesterday"))
    elif case == "repeated-signature":
        headers.append((b"X-Slack-Signature", "v0=é".encode()))
    else:
        body += b"&x=\xff\xfe"
    assert await raw_post(workspace.base, headers, body) == 401
    untouched(workspace, seeded_service)


async def test_readyz_is_503_when_the_database_does_not_answer(workspace, seeded_service, monkeypatch):
    def gone():
        raise OSError("database went away")

    monkeypatch.setattr(seeded_service.store, "list_plans", gone)
    async with workspace.session.get(f"{workspace.base}/readyz") as resp:
        assert resp.status == 503 and (await resp.json())["database"] == "OSError"
    async with workspace.session.get(f"{workspace.base}/healthz") as resp:
        assert resp.status == 200  # alive: the cluster takes it out of service rather than restarting it
