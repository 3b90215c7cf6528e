"""PG configuration: base URLs and secrets.

A value comes from the environment variable of its name (local stack, tests) or, when
``<NAME>_PARAM`` names an SSM parameter instead (deployed: SecureString, see template.yaml), from
SSM Parameter Store through Powertools Parameters, cached for five minutes per container.
"""

from __future__ import annotations

import os

DEFAULTS = {
    "TOSS_API_BASE": "https://api.tosspayments.com",
    "PORTONE_API_BASE": "https://api.portone.io",
}


def value(name: str) -> str | None:
    direct = os.environ.get(name)
    if direct:
        return direct
    param = os.environ.get(f"{name}_PARAM")
    if param:
        from aws_lambda_powertools.utilities import parameters

        got = parameters.get_parameter(param, decrypt=True, max_age=300)
        return str(got) if got else None
    return DEFAULTS.get(name)


def required(name: str) -> str:
    got = value(name)
    if not got:
        raise RuntimeError(f"PG setting {name} is not configured (env {name} or {name}_PARAM)")
    return got


def secrets_list(name: str) -> list[str]:
    """A comma-separated list (webhook secrets during rotation: the new one and the old one)."""
    got = value(name) or ""
    return [s.strip() for s in got.split(",") if s.strip()]
