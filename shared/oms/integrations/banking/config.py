"""Deposit-feed provider configuration, the same mechanism as the PG's
(:mod:`oms.integrations.pg.config`): a value comes from the environment variable of its name (local
stack, tests) or, when ``<NAME>_PARAM`` names an SSM parameter (deployed: SecureString), from SSM.

- Per-account query provider: ``BANKDA_API_BASE``, ``BANKDA_API_TOKEN``.
- Collection-job provider: ``POPBILL_API_BASE``, ``POPBILL_API_KEY``.
"""

from __future__ import annotations

from oms.integrations.pg import config as _shared

DEFAULTS = {
    "BANKDA_API_BASE": "https://a.bankda.com",
    "POPBILL_API_BASE": "https://popbill.linkhub.co.kr",
}


def value(name: str) -> str | None:
    return _shared.value(name) or DEFAULTS.get(name)


def required(name: str) -> str:
    got = value(name)
    if not got:
        raise RuntimeError(f"deposit feed setting {name} is not configured (env {name} or {name}_PARAM)")
    return got
