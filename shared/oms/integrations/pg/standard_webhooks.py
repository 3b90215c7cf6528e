"""Standard Webhooks (https://www.standardwebhooks.com): signing and verification.

``webhook-signature`` holds space-separated ``v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>``
entries; the secret is ``whsec_<base64 key>``. A message is genuine if any entry matches any of the
live secrets (two are live while a secret is rotated) and current if its timestamp is within the
tolerance of now (5 minutes): an older message replayed is refused even with a valid signature.

The same scheme signs the order webhooks we send to integrators (:func:`new_secret`,
:func:`headers`): one ``v1`` entry per live secret, so a receiver switching to a rotated secret
accepts both while the old one is still live.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as random
from collections.abc import Mapping, Sequence
from datetime import datetime

from oms.integrations.pg.base import WebhookRejected, header

TOLERANCE_SECONDS = 5 * 60


def _key(secret: str) -> bytes:
    raw = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(raw, validate=True)
    except ValueError:
        return raw.encode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def new_secret() -> str:
    """A new signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(random.token_bytes(32)).decode()


def headers(secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The ``webhook-*`` headers of a message we send, signed with every live secret."""
    if not secrets:
        raise ValueError("at least one secret is needed to sign")
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join(sign(s, msg_id, timestamp, body) for s in secrets)}


def verify(secrets: Sequence[str], headers: Mapping[str, str], body: bytes, now: datetime,
           tolerance: int = TOLERANCE_SECONDS) -> tuple[str, int]:
    """Return (webhook-id, timestamp) of a genuine, current message; raise :class:`WebhookRejected`."""
    msg_id = header(headers, "webhook-id")
    ts_raw = header(headers, "webhook-timestamp")
    sig_header = header(headers, "webhook-signature")
    if not msg_id or not ts_raw or not sig_header:
        raise WebhookRejected("SIGNATURE_MISSING", "webhook-id, webhook-timestamp and webhook-signature are required")
    try:
        timestamp = int(ts_raw)
    except ValueError as exc:
        raise WebhookRejected("TIMESTAMP_INVALID", ts_raw) from exc
    if not secrets:
        raise WebhookRejected("NO_WEBHOOK_SECRET", "no webhook secret is configured")
    presented = [part.split(",", 1)[1] for part in sig_header.split() if part.startswith("v1,")]
    genuine = False
    for secret in secrets:
        expected = sign(secret, msg_id, timestamp, body).split(",", 1)[1]
        for candidate in presented:
            if hmac.compare_digest(expected.encode(), candidate.encode()):
                genuine = True
    if not genuine:
        raise WebhookRejected("SIGNATURE_INVALID", "no signature matches a live secret")
    # checked after the signature so that a forged message never learns about the clock
    if abs(now.timestamp() - timestamp) > tolerance:
        raise WebhookRejected("TIMESTAMP_OUT_OF_TOLERANCE", f"timestamp {timestamp} is more than {tolerance}s away")
    return msg_id, timestamp
