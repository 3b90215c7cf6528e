"""A site's webhook endpoints: register, change, rotate the secret, disable, remove, read the
delivery log (docs/domain.md, "Order events and webhooks").

The signing secret is answered once, when it is made (registration, rotation); afterwards only its
last characters are. A rotation keeps the previous secret signing for :data:`ROTATION_GRACE` too,
so a receiver can switch without losing a message (Standard Webhooks: several signatures).
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta
from typing import Any

from oms.domain import public_events
from oms.domain import webhook_endpoints as rules
from oms.domain.clock import iso, utcnow
from oms.domain.order import Actor
from oms.integrations.pg import standard_webhooks
from oms.schemas.webhooks import WebhookEndpointIn, WebhookEndpointPatch
from oms.store import webhook_endpoints as store

ROTATION_GRACE = timedelta(hours=24)
_HIDDEN = ("secret", "previous_secret")


def insecure_hosts() -> list[str]:
    """Hosts allowed over plain http / on a private address (``WEBHOOK_INSECURE_HOSTS``; empty in production)."""
    return [h.strip() for h in os.environ.get("WEBHOOK_INSECURE_HOSTS", "").split(",") if h.strip()]


def live_secrets(endpoint: dict[str, Any], now: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during its grace period."""
    out = [str(endpoint["secret"])]
    if endpoint.get("previous_secret") and str(endpoint.get("previous_until") or "") > iso(now):
        out.append(str(endpoint["previous_secret"]))
    return out


def view(endpoint: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    out = {k: v for k, v in endpoint.items() if k not in (*_HIDDEN, "previous_until", "created_by", "updated_by")}
    out["secret_hint"] = "whsec_…" + str(endpoint.get("secret", ""))[-4:]
    until = str(endpoint.get("previous_until") or "")
    if endpoint.get("previous_secret") and until > iso(now or utcnow()):
        out["previous_secret_until"] = until
    return out


def catalogue() -> list[dict[str, Any]]:
    return [{"type": t.name, "label_ko": t.label_ko, "description": t.description} for t in public_events.CATALOGUE]


def list_endpoints(site_id: str) -> dict[str, Any]:
    now = utcnow()
    endpoints = sorted(store.list_endpoints(site_id), key=lambda e: str(e.get("created_at") or ""))
    return {"endpoints": [view(e, now) for e in endpoints], "limit": rules.MAX_ENDPOINTS, "event_types": catalogue()}


def get_endpoint(site_id: str, endpoint_id: str) -> dict[str, Any]:
    return view(store.get_endpoint(site_id, endpoint_id))


def register(site_id: str, body: WebhookEndpointIn, actor: Actor) -> dict[str, Any]:
    at = iso(utcnow())
    secret = standard_webhooks.new_secret()
    endpoint = {"endpoint_id": f"E{secrets.token_hex(5)}", "url": rules.check_url(body.url, insecure_hosts()),
                "event_types": rules.check_event_types(body.event_types), "enabled": True, "secret": secret,
                "created_at": at, "created_by": actor.id}
    if body.description:
        endpoint["description"] = body.description
    store.create_endpoint(site_id, endpoint, rules.MAX_ENDPOINTS)
    return {**view(endpoint), "secret": secret}


def change(site_id: str, endpoint_id: str, body: WebhookEndpointPatch, actor: Actor) -> dict[str, Any]:
    fields: dict[str, Any] = {"updated_at": iso(utcnow()), "updated_by": actor.id}
    if body.url is not None:
        fields["url"] = rules.check_url(body.url, insecure_hosts())
    if body.event_types is not None:
        fields["event_types"] = rules.check_event_types(body.event_types)
    if body.enabled is not None:
        fields["enabled"] = body.enabled
    if "description" in body.model_fields_set:
        fields["description"] = body.description or None
    return view(store.update_endpoint(site_id, endpoint_id, fields))


def rotate_secret(site_id: str, endpoint_id: str, actor: Actor) -> dict[str, Any]:
    current = store.get_endpoint(site_id, endpoint_id)
    now = utcnow()
    secret = standard_webhooks.new_secret()
    updated = store.update_endpoint(site_id, endpoint_id, {
        "secret": secret, "previous_secret": current["secret"], "previous_until": iso(now + ROTATION_GRACE),
        "updated_at": iso(now), "updated_by": actor.id})
    return {**view(updated, now), "secret": secret}


def remove(site_id: str, endpoint_id: str) -> dict[str, Any]:
    store.delete_endpoint(site_id, endpoint_id)
    return {"endpoint_id": endpoint_id, "deleted": True}


def attempts(site_id: str, endpoint_id: str) -> dict[str, Any]:
    store.get_endpoint(site_id, endpoint_id)  # 404 for another site's or a removed endpoint
    return {"endpoint_id": endpoint_id, "attempts": store.list_attempts(site_id, endpoint_id)}
