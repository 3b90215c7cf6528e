"""The PG port (:class:`PaymentGateway`) and its adapters, chosen by provider name."""

from __future__ import annotations

from functools import cache

from oms.domain.errors import DomainError
from oms.integrations.pg.base import (
    CashReceiptResult,
    IssuedAccount,
    Notification,
    PaymentGateway,
    PgCancel,
    PgError,
    PgPayment,
    RefundAccount,
    WebhookInvalid,
    WebhookRejected,
)

PROVIDERS = ("toss", "portone")

__all__ = [
    "PROVIDERS",
    "CashReceiptResult",
    "IssuedAccount",
    "Notification",
    "PaymentGateway",
    "PgCancel",
    "PgError",
    "PgPayment",
    "RefundAccount",
    "WebhookInvalid",
    "WebhookRejected",
    "gateway",
]


@cache
def gateway(provider: str) -> PaymentGateway:
    """The adapter for ``provider`` (one per container; configuration is read lazily)."""
    if provider == "toss":
        from oms.integrations.pg.toss import TossPayments

        return TossPayments()
    if provider == "portone":
        from oms.integrations.pg.portone import PortOne

        return PortOne()
    raise DomainError("PG_PROVIDER_UNKNOWN", f"지원하지 않는 PG입니다: {provider}", status=404,
                      extra={"provider": provider})
