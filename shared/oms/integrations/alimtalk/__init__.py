"""The 알림톡 port (:class:`AlimtalkSender`) and its adapters, chosen by provider name (``ALIMTALK_PROVIDER``)."""

from __future__ import annotations

from functools import cache

from oms.integrations.alimtalk import config
from oms.integrations.alimtalk.base import (
    FALLBACK,
    REASONS_KO,
    RETRYABLE,
    AlimtalkProviderError,
    AlimtalkSender,
    Button,
    OutboundAlimtalk,
    Reason,
    SendResult,
    TemplateStatus,
)

PROVIDERS = ("nhn", "solapi")

__all__ = ["FALLBACK", "PROVIDERS", "REASONS_KO", "RETRYABLE", "AlimtalkProviderError", "AlimtalkSender", "Button",
           "OutboundAlimtalk", "Reason", "SendResult", "TemplateStatus", "sender"]


@cache
def _adapter(provider: str) -> AlimtalkSender:
    if provider == "nhn":
        from oms.integrations.alimtalk.nhn import NhnAlimtalk

        return NhnAlimtalk()
    if provider == "solapi":
        from oms.integrations.alimtalk.solapi import SolapiAlimtalk

        return SolapiAlimtalk()
    raise RuntimeError(f"unknown ALIMTALK_PROVIDER {provider!r} (one of {', '.join(PROVIDERS)})")


def sender(provider: str | None = None) -> AlimtalkSender:
    """The adapter of ``provider`` (default: the deployment's ``ALIMTALK_PROVIDER``), one per container."""
    return _adapter(provider or config.required("ALIMTALK_PROVIDER"))
