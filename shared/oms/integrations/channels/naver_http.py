"""HTTP side of the Naver Commerce API adapter (:mod:`oms.integrations.channels.naver`): the signed
token request, the per-container token cache, one call with its retries, errors as the port's
exceptions, and KST date-times.

Token (``POST {base}/v1/oauth2/token``, form-encoded), as the provider's 전자서명 guide says:

- ``password = f"{client_id}_{timestamp}"`` where ``timestamp`` is Unix time in milliseconds (the
  provider accepts it for 5 minutes);
- ``client_secret_sign = base64(bcrypt.hashpw(password, client_secret))``: the application secret
  *is* the bcrypt salt (``$2a$04$`` + 22 characters); standard base64 (alphabet ``+/``, padded) of
  the whole bcrypt string, as the guide's Python, Node.js and PHP examples do (its Java example
  uses the URL-safe alphabet). jBCrypt and node's bcrypt ignore the 4 unused low bits of the
  salt's 22nd character; Python's bcrypt refuses a salt with them set, so :func:`sign` clears them
  first (the guide's own sample secret ``$2a$10$abcdefghijklmnopqrstuv`` needs it; the signature is
  then the guide's published one);
- ``grant_type=client_credentials``, ``type=SELF``, or ``type=SELLER`` with ``account_id`` when the
  credentials name a seller account (a solution acting for that seller).

The answer ``{access_token, expires_in, token_type}`` is cached per container, keyed by (API base,
client id, account id, a digest of the secret), until 30 minutes before ``expires_in`` runs out
(half of ``expires_in`` when that is shorter than an hour); the provider itself answers the same
token while it has 30 minutes or more left. A 401 on any other call drops the cached token, takes
a new one and repeats the call once.

Failures: 429 (``GW.RATE_LIMIT``, ``GW.QUOTA_LIMIT``) → :class:`RateLimited` after at most one
repeat following a wait of at most 1 s (``Retry-After`` when sent, else one token's time
``1 / GNCP-GW-RateLimit-Replenish-Rate``, else 1 s); 5xx, a transport failure or an unreadable
answer → :class:`ChannelDown`; another 4xx → :class:`ChannelRefused` with the provider's
``code``/``message``.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import bcrypt

from oms.domain.clock import KST, iso, parse_iso
from oms.integrations.channels import config
from oms.integrations.channels.base import ChannelDown, ChannelRefused, Credentials, RateLimited

if TYPE_CHECKING:
    import httpx

TOKEN_PATH = "/v1/oauth2/token"
REFRESH_MARGIN = 1800.0  # renew a token 30 minutes before it runs out
MAX_RATE_WAIT = 1.0  # the longest a call waits once for the rate limit before raising
DEFAULT_RETRY_AFTER = 1.0
_BCRYPT64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def base_url() -> str:
    return config.required("NAVER_COMMERCE_API_BASE").rstrip("/")


def _salt(client_secret: str) -> bytes:
    s = client_secret.strip()
    if len(s) == 29 and s[28] in _BCRYPT64:
        s = s[:28] + _BCRYPT64[_BCRYPT64.index(s[28]) & 0x30]
    return s.encode()


def sign(client_id: str, client_secret: str, timestamp_ms: int) -> str:
    """``client_secret_sign``: base64 of ``bcrypt.hashpw(f"{client_id}_{timestamp}", client_secret)``."""
    try:
        hashed = bcrypt.hashpw(f"{client_id}_{timestamp_ms}".encode(), _salt(client_secret))
    except ValueError as exc:
        raise ChannelRefused("CLIENT_SECRET_INVALID",
                             "client_secret is not a bcrypt salt ($2a$..$ + 22 chars)") from exc
    return base64.standard_b64encode(hashed).decode()


# ---------------------------------------------------------------------------------------------- tokens
@dataclass(frozen=True)
class Token:
    value: str
    type: str  # SELF or SELLER
    renew_at: float  # time.monotonic()


_tokens: dict[tuple[str, str, str, str], Token] = {}
_lock = threading.Lock()


def _key(base: str, creds: Credentials) -> tuple[str, str, str, str]:
    digest = hashlib.sha256(creds.client_secret.encode()).hexdigest()[:16]
    return base, creds.client_id, creds.account_id or "", digest


def clear_tokens() -> None:
    """Forget every cached token (tests; a container keeps them otherwise)."""
    with _lock:
        _tokens.clear()


def token(base: str, creds: Credentials, *, fresh: bool = False) -> Token:
    """The cached token of ``creds`` or a new one (``fresh``: always ask the provider)."""
    key = _key(base, creds)
    if not fresh:
        with _lock:
            got = _tokens.get(key)
        if got is not None and time.monotonic() < got.renew_at:
            return got
    new = _issue(base, creds)
    with _lock:
        _tokens[key] = new
    return new


def _forget(base: str, creds: Credentials, value: str) -> None:
    key = _key(base, creds)
    with _lock:
        if key in _tokens and _tokens[key].value == value:
            del _tokens[key]


def _issue(base: str, creds: Credentials) -> Token:
    ts = int(time.time() * 1000)
    kind = "SELLER" if creds.account_id else "SELF"
    form = {"client_id": creds.client_id, "timestamp": str(ts), "grant_type": "client_credentials",
            "client_secret_sign": sign(creds.client_id, creds.client_secret, ts), "type": kind}
    if creds.account_id:
        form["account_id"] = creds.account_id
    resp = _send("POST", base + TOKEN_PATH, headers={"accept": "application/json"}, data=form)
    if resp.status_code == 429:
        raise RateLimited(retry_after(resp.headers), "token request rate limited")
    body = _answer(resp)
    value = body.get("access_token")
    try:
        expires_in = float(body.get("expires_in") or 0)
    except (TypeError, ValueError):
        expires_in = 0.0
    if not value or not isinstance(value, str):
        raise ChannelDown("token answer without access_token")
    margin = min(REFRESH_MARGIN, expires_in / 2)
    return Token(value, kind, time.monotonic() + max(0.0, expires_in - margin))


# ---------------------------------------------------------------------------------------------- calls
def _send(method: str, url: str, *, headers: dict[str, str], params: dict[str, str] | None = None,
          json: Any = None, data: dict[str, str] | None = None) -> httpx.Response:
    import httpx  # with the call: the cold start does not import the HTTP client

    from oms.integrations.pg.http import client  # one pooled httpx client per container

    try:
        return client().request(method, url, headers=headers, params=params, json=json, data=data)
    except httpx.HTTPError as exc:
        raise ChannelDown(f"transport: {type(exc).__name__}") from exc


def _answer(resp: httpx.Response) -> dict[str, Any]:
    if resp.status_code >= 500:
        raise ChannelDown(f"HTTP {resp.status_code}")
    try:
        body = resp.json() if resp.content else {}
    except ValueError as exc:
        raise ChannelDown(f"unreadable answer (HTTP {resp.status_code})") from exc
    if not isinstance(body, dict):
        raise ChannelDown(f"unexpected answer (HTTP {resp.status_code})")
    if resp.status_code >= 400:
        raise ChannelRefused(str(body.get("code") or f"HTTP_{resp.status_code}"),
                             str(body.get("message") or resp.reason_phrase))
    return body


def retry_after(headers: httpx.Headers) -> float:
    """Seconds until the next call may pass: ``Retry-After``, else one token of the replenish rate."""
    for name, invert in (("retry-after", False), ("gncp-gw-ratelimit-replenish-rate", True)):
        raw = headers.get(name)
        try:
            got = float(raw) if raw else 0.0
        except ValueError:
            continue
        if got > 0:
            return round(1.0 / got if invert else got, 3)
    return DEFAULT_RETRY_AFTER


def call(creds: Credentials, method: str, path: str, *, params: dict[str, str] | None = None,
         json: Any = None) -> dict[str, Any]:
    """One API call with a bearer token; the answer's body (``{timestamp, traceId, data}``)."""
    base = base_url()
    refreshed = waited = False
    while True:
        tok = token(base, creds)
        resp = _send(method, base + path, params=params, json=json,
                     headers={"authorization": f"Bearer {tok.value}", "accept": "application/json"})
        if resp.status_code == 401 and not refreshed:
            _forget(base, creds, tok.value)
            refreshed = True
            continue
        if resp.status_code == 429:
            wait = retry_after(resp.headers)
            if not waited and wait <= MAX_RATE_WAIT:
                waited = True
                time.sleep(wait)
                continue
            code = _code(resp)
            raise RateLimited(wait, f"{code}: rate limited on {path}")
        return _answer(resp)


def _code(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return "HTTP_429"
    return str(body.get("code") or "HTTP_429") if isinstance(body, dict) else "HTTP_429"


def data(body: dict[str, Any]) -> Any:
    if "data" not in body:
        raise ChannelDown("answer without data")
    return body["data"]


# ---------------------------------------------------------------------------------------------- times
def to_kst(utc_iso: str) -> str:
    """A UTC ISO instant as the provider writes it: ``YYYY-MM-DDTHH:MM:SS.mmm+09:00``."""
    dt = parse_iso(utc_iso).astimezone(KST)
    return f"{dt:%Y-%m-%dT%H:%M:%S}.{dt.microsecond // 1000:03d}+09:00"


def from_kst(value: Any) -> str | None:
    """The provider's date-time (KST offset; a naive one is KST) as UTC ISO; None when empty."""
    if not value:
        return None
    dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=KST)
    return iso(dt)
