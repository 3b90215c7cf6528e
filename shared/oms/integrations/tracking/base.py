"""The tracking port: what delivery tracking needs from a tracking provider, whatever its API.

An adapter registers a parcel (our reference, the courier's code at the provider, the number and
the callback URL) and answers a :class:`Registration`: accepted (with the webhook's expiry where
the provider has one, or ``polling`` when it only answers queries for that courier) or rejected
with the provider's code and reason. It reads a callback (:meth:`TrackingProvider.parse_callback`:
signature first, then the body) into a :class:`TrackNote`, and queries a parcel's scans
(:meth:`TrackingProvider.track`). Scans are our scan dicts (``oms.domain.tracking.scan``), their
kinds mapped by ``oms.domain.tracking_codes``.

A transport failure or a provider error (5xx, timeout, throttling) raises :class:`ProviderDown`
(the outbox retries it; a callback answers 503 so the provider sends it again). Callbacks are signed
by the provider: ``X-Tracking-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``,
refused (:class:`CallbackInvalid`) when the signature is wrong or older than :data:`TOLERANCE`.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

#: how old a signed callback may be
TOLERANCE = 300
SIGNATURE_HEADER = "x-tracking-signature"


class ProviderDown(Exception):
    """The provider could not be reached or failed: try again later."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CallbackInvalid(Exception):
    """A callback that is not the provider's (unsigned, forged, stale) or that cannot be read."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason, self.status = reason, status


@dataclass(frozen=True)
class Parcel:
    ref: str  # ours: site, order, shipment and registration round (:func:`make_ref`)
    courier_code: str  # the courier's code at this provider
    tracking_no: str
    callback_url: str


@dataclass(frozen=True)
class Registration:
    accepted: bool
    expires_at: str | None = None
    polling: bool = False
    code: str | None = None
    reason: str | None = None
    reason_ko: str | None = None


@dataclass
class TrackNote:
    """What a genuine callback says: whose parcel (our ``ref``) and its number; the scans it carries
    (push providers) or none (webhook providers: ``needs_query``, the scans come from :meth:`track`)."""

    ref: str
    tracking_no: str
    courier_code: str
    event_id: str
    scans: list[dict[str, Any]] = field(default_factory=list)
    needs_query: bool = False


class TrackingProvider(Protocol):
    name: str

    def register(self, parcel: Parcel, idempotency_key: str) -> Registration: ...

    def track(self, courier_code: str, tracking_no: str) -> list[dict[str, Any]]: ...

    def parse_callback(self, headers: Mapping[str, str], body: bytes, query: Mapping[str, str],
                       now: float | None = None) -> TrackNote: ...

    #: what the provider expects as the answer to a callback it delivered
    ack: ClassVar[dict[str, Any]]
    ack_status: int


# ---- references and signatures ---------------------------------------------------------------------


def make_ref(site_id: str, order_id: str, shipment_id: str, rnd: int) -> str:
    return ".".join(urllib.parse.quote(p, safe="") for p in (site_id, order_id, shipment_id, str(rnd)))


def parse_ref(ref: str) -> tuple[str, str, str, int]:
    parts = [urllib.parse.unquote(p) for p in (ref or "").split(".")]
    if len(parts) != 4 or not all(parts[:3]) or not parts[3].isdigit():
        raise CallbackInvalid("UNKNOWN_REFERENCE", 422)
    return parts[0], parts[1], parts[2], int(parts[3])


def sign(secret: str, body: bytes, at: int | None = None) -> str:
    t = int(time.time() if at is None else at)
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(secrets: list[str], headers: Mapping[str, str], body: bytes, now: float | None = None) -> None:
    """Raise :class:`CallbackInvalid` unless one of ``secrets`` signed ``body`` recently."""
    lower = {k.lower(): v for k, v in headers.items()}
    got = dict(p.split("=", 1) for p in str(lower.get(SIGNATURE_HEADER, "")).split(",") if "=" in p)
    if not got.get("t", "").isdigit() or not got.get("v1"):
        raise CallbackInvalid("SIGNATURE_MISSING")
    t = int(got["t"])
    if abs((time.time() if now is None else now) - t) > TOLERANCE:
        raise CallbackInvalid("STALE")
    for secret in secrets:
        want = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        if hmac.compare_digest(want, got["v1"]):
            return
    raise CallbackInvalid("SIGNATURE_MISMATCH")


# ---- HTTP ------------------------------------------------------------------------------------------


def call(method: str, url: str, *, headers: dict[str, str], json: Any = None,
         params: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    """One call on the pooled client; a transport failure, a 5xx or a 429 raises :class:`ProviderDown`."""
    import httpx  # with the call: the cold start does not import the HTTP client

    from oms.integrations.pg.http import client  # one pooled httpx client per container

    try:
        resp = client().request(method, url, headers=headers, json=json, params=params)
    except httpx.HTTPError as exc:
        raise ProviderDown(f"transport: {type(exc).__name__}") from exc
    if resp.status_code >= 500 or resp.status_code == 429:
        raise ProviderDown(f"HTTP {resp.status_code}")
    try:
        body = resp.json() if resp.content else {}
    except ValueError:
        body = {"text": resp.text[:200]}
    return resp.status_code, body if isinstance(body, dict) else {"data": body}
