"""Order events posted to the site's webhook endpoints (docs/domain.md, "Order events and webhooks"),
delivered by the relay.

- :func:`expand`: a committed change with public events implies one ``webhook:<endpoint id>``
  intent per enabled endpoint of the site subscribed to at least one of its event types (one read
  of the site's endpoints per change);
- :func:`deliver`: one POST of ``{"events": [envelope, …]}`` (the change's events the endpoint
  subscribed to), signed with Standard Webhooks headers (``webhook-id`` = the delivery's
  idempotency key, the same on every attempt: receivers dedupe on it), a 5 s timeout, redirects not
  followed. 2xx: delivered. 5xx, 408, 429, a timeout or no connection: :class:`relay.Retry`. Any
  other answer: failed for good, no retry (the receiver refused it), noted on the order's timeline.
  Every attempt goes to the endpoint's delivery log.

An endpoint that timed out or refused the connection is not called again by this container for
:data:`UNREACHABLE_PAUSE_S` (those deliveries are retried later): one dead receiver costs a relay
batch one timeout, not one per change.
"""

from __future__ import annotations

import json
import socket
import time
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oms.domain import public_events
from oms.domain import webhook_endpoints as rules
from oms.domain.clock import iso, utcnow
from oms.domain.errors import DomainError
from oms.domain.order import Event
from oms.domain.outbox import Intent
from oms.integrations.pg import standard_webhooks
from oms.services import event_bus, relay
from oms.services.webhook_endpoints import insecure_hosts, live_secrets
from oms.store import outbox
from oms.store import webhook_endpoints as store
from oms.store.outbox import Record

if TYPE_CHECKING:
    import httpx

LABEL_KO = {"webhook": "웹훅 전송"}
#: seconds: the whole call, and connecting
TIMEOUT_S, CONNECT_TIMEOUT_S = 5.0, 3.0
UNREACHABLE_PAUSE_S = 30.0
_unreachable: dict[tuple[str, str], float] = {}  # (site, endpoint) -> monotonic time it failed


@cache
def _client() -> httpx.Client:
    import httpx  # on first delivery: the cold start does not import the HTTP client

    return httpx.Client(timeout=httpx.Timeout(TIMEOUT_S, connect=CONNECT_TIMEOUT_S), follow_redirects=False,
                        headers={"user-agent": "oms-webhooks/1", "content-type": "application/json"})


def expand(rec: Record) -> list[Intent]:
    types = public_events.types_in(event_bus.envelopes(rec))
    if not types:
        return []
    return [Intent("webhook", f"webhook:{ep['endpoint_id']}", {"endpoint_id": ep["endpoint_id"]})
            for ep in store.list_endpoints(rec.site_id)
            if ep.get("enabled") and types & set(ep.get("event_types") or [])]


def _resolves_public(url: str) -> str | None:
    """None when every address of the URL's host is public (or the host is allowed locally), else why
    not; a name that does not resolve now is a transient failure (:class:`relay.Retry`)."""
    host = (urlsplit(url).hostname or "").lower()
    if host in {h.lower() for h in insecure_hosts()}:
        return None
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise relay.Retry(f"dns: {exc}", "웹훅 수신 주소를 찾지 못했습니다 (DNS).") from exc
    private = sorted({str(i[4][0]) for i in infos if not rules.public_address(str(i[4][0]))})
    return f"address not public: {', '.join(private)}" if private else None


def deliver(d: relay.Delivery) -> dict[str, Any]:
    if event_bus.recorded_since(d):
        return {"skipped": "recorded already"}
    endpoint_id = str(d.intent.data["endpoint_id"])
    try:
        ep = store.get_endpoint(d.site_id, endpoint_id)
    except DomainError as exc:  # removed since the change committed
        if exc.code == "WEBHOOK_ENDPOINT_NOT_FOUND":
            return {"skipped": "endpoint removed"}
        raise
    events = [e for e in event_bus.envelopes(d.record) if e["type"] in set(ep.get("event_types") or [])]
    if not ep.get("enabled") or not events:
        return {"skipped": "endpoint disabled" if not ep.get("enabled") else "not subscribed"}
    now = utcnow()
    body = json.dumps({"events": events}, ensure_ascii=False, separators=(",", ":")).encode()
    entry: dict[str, Any] = {"at": iso(now), "webhook_id": d.idempotency_key, "order_id": d.order_id,
                             "event_ids": [e["id"] for e in events], "types": [e["type"] for e in events],
                             "attempt": d.attempt, "max_attempts": d.max_attempts}
    paused = _unreachable.get((d.site_id, endpoint_id))
    if paused is not None and time.monotonic() - paused < UNREACHABLE_PAUSE_S:
        _log(d, entry, "retry", None, 0, "not attempted: the endpoint was unreachable moments ago")
        raise relay.Retry("endpoint unreachable moments ago", "웹훅 수신 주소에 연결하지 못했습니다.")
    try:
        refused = _resolves_public(str(ep["url"]))
    except relay.Retry as exc:
        _log(d, entry, "retry", None, 0, exc.reason)
        raise
    if refused:
        return _fail(d, entry, None, 0, refused, "웹훅 수신 주소가 내부 주소입니다.")
    headers = standard_webhooks.headers(live_secrets(ep, now), d.idempotency_key, int(now.timestamp()), body)
    import httpx  # with the call: the cold start does not import the HTTP client

    started = time.monotonic()
    try:
        resp = _client().post(str(ep["url"]), content=body, headers=headers)
    except httpx.HTTPError as exc:
        ms = int((time.monotonic() - started) * 1000)
        if isinstance(exc, (httpx.TimeoutException, httpx.ConnectError)):
            _unreachable[(d.site_id, endpoint_id)] = time.monotonic()
        _log(d, entry, "retry", None, ms, f"{type(exc).__name__}: {exc}"[:300])
        raise relay.Retry(f"webhook {endpoint_id}: {type(exc).__name__}",
                          "웹훅 수신 주소에 연결하지 못했습니다.") from exc
    ms = int((time.monotonic() - started) * 1000)
    _unreachable.pop((d.site_id, endpoint_id), None)
    outcome = rules.outcome_of_status(resp.status_code)
    if outcome == "delivered":
        _log(d, entry, "delivered", resp.status_code, ms, None)
        return {"endpoint_id": endpoint_id, "status_code": resp.status_code, "events": len(events)}
    if outcome == "retry":
        _log(d, entry, "retry", resp.status_code, ms, resp.text[:300] or None)
        raise relay.Retry(f"webhook {endpoint_id}: HTTP {resp.status_code}",
                          f"웹훅 수신 서버가 응답하지 못했습니다 (HTTP {resp.status_code}).")
    return _fail(d, entry, resp.status_code, ms, resp.text[:300] or f"HTTP {resp.status_code}",
                 f"웹훅 수신 서버가 거절했습니다 (HTTP {resp.status_code}).")


def _log(d: relay.Delivery, entry: dict[str, Any], outcome: str, status: int | None, ms: int,
         error: str | None) -> None:
    if outcome == "retry" and d.attempt >= d.max_attempts:
        outcome = "failed"  # the last attempt: the relay gives up and says so on the order's timeline
    store.add_attempt(d.site_id, str(d.intent.data["endpoint_id"]),
                      {**entry, "outcome": outcome, "status_code": status, "duration_ms": ms, "error": error},
                      utcnow())


def _fail(d: relay.Delivery, entry: dict[str, Any], status: int | None, ms: int, error: str,
          reason_ko: str) -> dict[str, Any]:
    """Failed without retry: in the delivery log, on the order's timeline, recorded as failed."""
    _log(d, entry, "failed", status, ms, error)
    endpoint_id = str(d.intent.data["endpoint_id"])
    outbox.note(d.record, Event("delivery_failed", relay.RELAY, iso(utcnow()), {
        "intent": "webhook", "key": d.intent.key, "attempts": d.attempt, "reason": error[:200],
        "endpoint_id": endpoint_id, "status_code": status,
        "text_ko": f"{LABEL_KO['webhook']} 실패 ({endpoint_id}): {reason_ko}"}))
    return {"result": "failed", "endpoint_id": endpoint_id, "status_code": status, "reason": error[:200]}
