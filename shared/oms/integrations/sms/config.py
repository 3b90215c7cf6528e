"""SMS provider configuration: the same mechanism as the PG's (:mod:`oms.integrations.pg.config`).

A value comes from the environment variable of its name (local stack, tests) or, when
``<NAME>_PARAM`` names an SSM parameter (deployed: SecureString, see template.yaml), from SSM
Parameter Store through Powertools Parameters, cached five minutes per container.

- ``SMS_PROVIDER``: ``nhn`` (default) or ``solapi`` — one provider account per deployment; every
  site's sender numbers are registered under it.
- NHN Cloud: ``NHN_SMS_API_BASE``, ``NHN_SMS_APP_KEY``, ``NHN_SMS_SECRET_KEY``.
- Solapi: ``SOLAPI_API_BASE``, ``SOLAPI_API_KEY``, ``SOLAPI_API_SECRET``.
"""

from __future__ import annotations

from oms.integrations.pg import config as _shared

DEFAULTS = {
    "SMS_PROVIDER": "nhn",
    "NHN_SMS_API_BASE": "https://api-sms.cloud.toast.com",
    "SOLAPI_API_BASE": "https://api.solapi.com",
}


def value(name: str) -> str | None:
    return _shared.value(name) or DEFAULTS.get(name)


def required(name: str) -> str:
    got = value(name)
    if not got:
        raise RuntimeError(f"SMS setting {name} is not configured (env {name} or {name}_PARAM)")
    return got
