"""Tracking provider configuration: the same mechanism as the PG's (:mod:`oms.integrations.pg.config`):
a value comes from the environment variable of its name (local stack, tests) or, when
``<NAME>_PARAM`` names an SSM parameter (deployed: SecureString, template.yaml), from SSM.

- ``TRACKING_CALLBACK_BASE``: the public base URL of our API (callbacks come to
  ``/webhooks/tracking/{provider}``).
- Webhook-subscription provider: ``TRACKER_DELIVERY_API_BASE``, ``TRACKER_DELIVERY_CLIENT_ID``,
  ``TRACKER_DELIVERY_CLIENT_SECRET``, ``TRACKER_DELIVERY_WEBHOOK_SECRET``.
- Push-registration provider: ``SWEETTRACKER_API_BASE``, ``SWEETTRACKER_API_KEY``,
  ``SWEETTRACKER_WEBHOOK_SECRET``.

Webhook secrets may hold two values separated by a comma (the new and the old one, while rotating).
"""

from __future__ import annotations

from oms.integrations.pg import config as _shared

DEFAULTS = {
    "TRACKER_DELIVERY_API_BASE": "https://apis.tracker.delivery",
    "SWEETTRACKER_API_BASE": "https://trace-api.sweettracker.net",
}


def value(name: str) -> str | None:
    return _shared.value(name) or DEFAULTS.get(name)


def required(name: str) -> str:
    got = value(name)
    if not got:
        raise RuntimeError(f"tracking setting {name} is not configured (env {name} or {name}_PARAM)")
    return got


def secrets(name: str) -> list[str]:
    return [s.strip() for s in (value(name) or "").split(",") if s.strip()]
