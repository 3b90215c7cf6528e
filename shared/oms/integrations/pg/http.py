"""One pooled HTTP client per container for the PG adapters (httpx)."""

from __future__ import annotations

from functools import cache
from typing import Any

import httpx

from oms.integrations.pg.base import PgError

TIMEOUT = httpx.Timeout(10.0, connect=3.0)


@cache
def client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, headers={"user-agent": "oms/1.0"})


def call(method: str, url: str, *, headers: dict[str, str], json: Any = None) -> dict[str, Any]:
    """Send one request; a PG error body ``{code, message}`` (or PortOne's ``{type, message}``) raises PgError."""
    try:
        resp = client().request(method, url, headers=headers, json=json)
    except httpx.HTTPError as exc:
        raise PgError("PG_UNREACHABLE", str(exc), retryable=True) from exc
    try:
        body = resp.json() if resp.content else {}
    except ValueError:
        body = {"message": resp.text[:200]}
    if resp.status_code >= 400:
        err = body if isinstance(body, dict) else {}
        code = str(err.get("code") or err.get("type") or f"HTTP_{resp.status_code}")
        raise PgError(code, str(err.get("message") or resp.reason_phrase), retryable=resp.status_code >= 500,
                      status=resp.status_code)
    return body if isinstance(body, dict) else {"data": body}
