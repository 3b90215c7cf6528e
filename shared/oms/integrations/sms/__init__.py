"""The SMS port (:class:`SmsSender`) and its adapters, chosen by provider name (``SMS_PROVIDER``)."""

from __future__ import annotations

from functools import cache

from oms.integrations.sms import config
from oms.integrations.sms.base import (
    REASONS_KO,
    RETRYABLE,
    OutboundSms,
    Reason,
    SenderStatus,
    SendResult,
    SmsProviderError,
    SmsSender,
)

PROVIDERS = ("nhn", "solapi")

__all__ = ["PROVIDERS", "REASONS_KO", "RETRYABLE", "OutboundSms", "Reason", "SendResult", "SenderStatus",
           "SmsProviderError", "SmsSender", "sender"]


@cache
def _adapter(provider: str) -> SmsSender:
    if provider == "nhn":
        from oms.integrations.sms.nhn import NhnCloudSms

        return NhnCloudSms()
    if provider == "solapi":
        from oms.integrations.sms.solapi import Solapi

        return Solapi()
    raise RuntimeError(f"unknown SMS_PROVIDER {provider!r} (one of {', '.join(PROVIDERS)})")


def sender(provider: str | None = None) -> SmsSender:
    """The adapter of ``provider`` (default: the deployment's ``SMS_PROVIDER``), one per container."""
    return _adapter(provider or config.required("SMS_PROVIDER"))
