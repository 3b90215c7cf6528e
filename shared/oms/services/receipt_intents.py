"""The cash receipt's after-commit intents (docs/domain.md, "Cash receipts"), delivered by the relay:

- ``cash_receipt`` — a deposit came in on a virtual account / bank transfer whose buyer asked for a
  receipt at checkout: where the site has the PG issue it on deposit (PG + 뱅크다 matching +
  auto-issue), it is issued through the PG (``oms.services.cash_receipts.issue``, whose PG key is
  the receipt request's: issuing twice answers the first receipt);
- ``cash_receipt_cancel`` — a refund of a payment whose receipt is issued: the receipt is cancelled
  (through the PG where the PG issued it) and, for what the payment still holds, a new one is issued.

A refusal of ours or the PG's is an outcome (on the timeline, nothing to retry); a PG that cannot
be reached is retried.
"""

from __future__ import annotations

from typing import Any

from oms.domain.errors import DomainError
from oms.services import relay
from oms.store import settings

LABEL_KO = {"cash_receipt": "현금영수증 자동 발급", "cash_receipt_cancel": "환불 후 현금영수증 취소"}


def deliver(d: relay.Delivery) -> dict[str, Any]:
    from oms.services import payments, payouts

    payment_id = str(d.intent.data["payment_id"])
    if d.intent.kind == "cash_receipt":
        s = settings.get(d.site_id).payments
        if not (s.pg_provider and s.cash_receipt_auto_issue and s.bank_matching):
            return {"skipped": "site does not issue on deposit"}
        try:
            payments.issue_requested_receipt(d.site_id, d.order_id, payment_id)
        except DomainError as exc:
            return {"refused": exc.code}
        return {}
    payments.cancel_receipt_after_refund(d.site_id, d.order_id, payment_id, actor=relay.RELAY)
    payouts.reissue_receipt(d.site_id, d.order_id, payment_id, actor=relay.RELAY)
    return {}
