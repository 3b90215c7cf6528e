"""알림톡 provider configuration: the same mechanism as the SMS one (:mod:`oms.integrations.sms.config`).

- ``ALIMTALK_PROVIDER``: ``nhn`` (default) or ``solapi`` — one provider account per deployment;
  each site sends from its own KakaoTalk channel (its sender key, a site setting).
- NHN Cloud KakaoTalk Bizmessage: ``NHN_ALIMTALK_API_BASE``, ``NHN_ALIMTALK_APP_KEY``,
  ``NHN_ALIMTALK_SECRET_KEY`` (SSM: ``<AlimtalkParameterPath>/nhn/app-key``, ``…/nhn/secret-key``).
- Solapi: ``SOLAPI_ALIMTALK_API_BASE`` (the same API as SMS by default) with the SMS account's
  ``SOLAPI_API_KEY``, ``SOLAPI_API_SECRET`` (one Solapi account sends both).
"""

from __future__ import annotations

from oms.integrations.pg import config as _shared

DEFAULTS = {
    "ALIMTALK_PROVIDER": "nhn",
    "NHN_ALIMTALK_API_BASE": "https://kakaotalk-bizmessage.api.nhncloudservice.com",
    "SOLAPI_ALIMTALK_API_BASE": "https://api.solapi.com",
}


def value(name: str) -> str | None:
    return _shared.value(name) or DEFAULTS.get(name)


def required(name: str) -> str:
    got = value(name)
    if not got:
        raise RuntimeError(f"알림톡 setting {name} is not configured (env {name} or {name}_PARAM)")
    return got
