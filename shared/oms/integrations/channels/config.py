"""Sales-channel configuration, the same mechanism as the PG's (:mod:`oms.integrations.pg.config`):
a value comes from the environment variable of its name (local stack, tests) or, when
``<NAME>_PARAM`` names an SSM parameter (deployed: SecureString), from SSM.

- Naver Commerce API: ``NAVER_COMMERCE_API_BASE`` (default ``https://api.commerce.naver.com/external``).
  A seller's application id and secret are not settings: they travel as
  :class:`oms.integrations.channels.base.Credentials` (each seller has its own).
"""

from __future__ import annotations

from oms.integrations.pg import config as _shared

DEFAULTS = {
    "NAVER_COMMERCE_API_BASE": "https://api.commerce.naver.com/external",
}


def value(name: str) -> str | None:
    return _shared.value(name) or DEFAULTS.get(name)


def required(name: str) -> str:
    got = value(name)
    if not got:
        raise RuntimeError(f"channel setting {name} is not configured (env {name} or {name}_PARAM)")
    return got
