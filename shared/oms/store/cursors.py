"""Pagination cursors: the last key DynamoDB read, signed so that only a cursor we handed out is
ever given back to DynamoDB as ``ExclusiveStartKey``.

A cursor is ``base64url(json key) "." base64url(HMAC-SHA256(key)[:16])``. Decoding checks the
signature, that every attribute is a string key attribute, and that the key lies in the partition
the caller's query reads (``expect``): a cursor of another site, another order or another list
is refused like a forged one, with 400 ``INVALID_CURSOR``.

The signing key is a secret like the others: ``CURSOR_KEY_PARAM`` names an SSM SecureString
(AWS), ``CURSOR_KEY`` holds it directly (the local stack's dev key); with neither, outside Lambda,
a fixed development key is used.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import threading
from collections.abc import Mapping
from typing import Any

from oms.domain.errors import DomainError

DEV_CURSOR_KEY = "oms-local-dev-cursor-key"
#: longer than any cursor we hand out (keys ≤ 2048 + 1024 bytes, four attributes)
MAX_CURSOR_CHARS = 8192
_SIG_BYTES = 16

_lock = threading.Lock()
_keys: dict[str, bytes] = {}


def _secret() -> bytes:
    direct = os.environ.get("CURSOR_KEY")
    if direct:
        return direct.encode()
    param = os.environ.get("CURSOR_KEY_PARAM")
    if not param:
        if os.environ.get("AWS_EXECUTION_ENV"):  # on Lambda a missing secret is a deployment error
            raise RuntimeError("CURSOR_KEY_PARAM is not set")
        return DEV_CURSOR_KEY.encode()
    with _lock:
        if param not in _keys:
            import boto3

            resp = boto3.client("ssm").get_parameter(Name=param, WithDecryption=True)
            _keys[param] = str(resp["Parameter"]["Value"]).encode()
        return _keys[param]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: bytes) -> bytes:
    return hmac.new(_secret(), payload, hashlib.sha256).digest()[:_SIG_BYTES]


def invalid() -> DomainError:
    return DomainError("INVALID_CURSOR", "잘못된 페이지 커서입니다. 첫 페이지부터 다시 조회하세요.",
                       detail="the cursor was not issued for this list", field="cursor", status=400)


def encode_cursor(raw_key: Mapping[str, Any]) -> str:
    """A cursor for ``raw_key`` (a LastEvaluatedKey in DynamoDB's typed form)."""
    payload = json.dumps(dict(raw_key), separators=(",", ":"), sort_keys=True).encode()
    return f"{_b64(payload)}.{_b64(_sign(payload))}"


def decode_cursor(cursor: str, expect: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The key of a cursor we issued, whose attributes named in ``expect`` hold those values (the
    partition the query reads); anything else raises 400 ``INVALID_CURSOR``."""
    if not cursor or len(cursor) > MAX_CURSOR_CHARS or cursor.count(".") != 1:
        raise invalid()
    body, sig = cursor.split(".")
    try:
        payload = _unb64(body)
        given = _unb64(sig)
    except (binascii.Error, ValueError) as exc:
        raise invalid() from exc
    if not hmac.compare_digest(given, _sign(payload)):
        raise invalid()
    try:
        value = json.loads(payload)
    except ValueError as exc:  # pragma: no cover - we signed it, so we wrote it
        raise invalid() from exc
    if not isinstance(value, dict) or not value:
        raise invalid()
    for typed in value.values():
        if not isinstance(typed, dict) or list(typed) != ["S"] or not isinstance(typed["S"], str):
            raise invalid()
    for attr, wanted in (expect or {}).items():
        if value.get(attr, {}).get("S") != wanted:
            raise invalid()
    return value
