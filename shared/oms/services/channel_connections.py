"""A site's external-channel connections (docs/domain.md, "External channels"): connecting a seller
(the channel checks the credentials before they are kept: a SecureString parameter, never answered
back), disconnecting, the 동기화 status the console shows, and a pull asked for now."""

from __future__ import annotations

from typing import Any

from oms.domain.channel_records import Credentials
from oms.domain.clock import iso, later, utcnow
from oms.domain.errors import DomainError
from oms.integrations.channels import ChannelDown, ChannelRefused, RateLimited, channel
from oms.services.channel_sync import FIRST_PULL
from oms.store import channels as store

_STATUS = ("channel", "enabled", "label", "connected_at", "since", "pulled_at", "next_at", "last", "last_error",
           "last_error_at", "failures", "errors")


def _check(name: str, creds: Credentials) -> str:
    try:
        return channel(name).check(creds)
    except ChannelRefused as exc:
        raise DomainError("CHANNEL_CREDENTIALS_REFUSED",
                          f"네이버가 연결 정보를 거부했습니다: [{exc.code}] {exc.message}",
                          field="client_secret", extra={"channel_code": exc.code}) from exc
    except (ChannelDown, RateLimited) as exc:
        raise DomainError("CHANNEL_UNAVAILABLE", "네이버에 연결하지 못했습니다. 잠시 후 다시 시도하세요.",
                          status=503) from exc


def connect(site_id: str, name: str, creds: Credentials) -> dict[str, Any]:
    """Test the credentials with the channel, then keep them and start pulling (the last 3 days
    first; a reconnection keeps its cursor)."""
    label = _check(name, creds)
    now = iso(utcnow())
    store.put_credentials(site_id, name, creds)
    conn = store.get_connection(site_id, name)
    store.save_connection(site_id, name, {
        **conn, "enabled": True, "label": label[:100], "client_id": creds.client_id, "account_id": creds.account_id,
        "connected_at": now, "since": conn.get("since") or later(now, -FIRST_PULL), "next_at": now,
        "failures": 0, "last_error": None})
    return status(site_id, name)


def disconnect(site_id: str, name: str) -> dict[str, Any]:
    conn = store.get_connection(site_id, name)
    if not conn.get("enabled"):
        raise DomainError("CHANNEL_NOT_CONNECTED", "연결되지 않은 채널입니다.", status=409)
    store.save_connection(site_id, name, {**conn, "enabled": False})
    return status(site_id, name)


def status(site_id: str, name: str) -> dict[str, Any]:
    conn = store.get_connection(site_id, name)
    out = {k: conn.get(k) for k in _STATUS}
    out.update(channel=name, enabled=bool(conn.get("enabled")), client_id=conn.get("client_id"),
               errors=list(conn.get("errors") or []), backlog=bool((conn.get("last") or {}).get("more")))
    return out


def test_connection(site_id: str, name: str) -> dict[str, Any]:
    """연결 확인: the kept credentials asked for a token now (the answer, or the channel's refusal)."""
    conn = store.get_connection(site_id, name)
    creds = store.credentials(site_id, name) if conn.get("enabled") else None
    if creds is None:
        raise DomainError("CHANNEL_NOT_CONNECTED", "연결되지 않은 채널입니다.", status=409)
    return {"channel": name, "ok": True, "label": _check(name, creds), "checked_at": iso(utcnow())}


def sync_now(site_id: str, name: str) -> dict[str, Any]:
    """Ask for a pull now (the worker's queue), not waiting for the schedule."""
    conn = store.get_connection(site_id, name)
    if not conn.get("enabled"):
        raise DomainError("CHANNEL_NOT_CONNECTED", "연결되지 않은 채널입니다.", status=409)
    store.enqueue_pulls([{"site_id": site_id, "channel": name, "force": True}])
    return {"channel": name, "queued": True}
