"""결제요청: asking the buyer for the order's outstanding amount, and the buyer paying it through the PG.

- The admin creates a request for the outstanding (> 0) at that moment; one open at a time; the
  admin may cancel it while nothing is being paid.
- The buyer (member or guest) sees it on the order and pays it: by card (the PG's payment window
  approves it; we confirm by looking the payment up at the PG: status, amount and order id must
  agree) or by a new virtual account (issued through the PG port; the PG's deposit callback then
  records the deposit like any other: ``services.webhooks``).
- Every step is one load + one transaction of the order (version condition) with the request item
  updated under a condition on its status: a confirmation sent twice records one payment. The
  rules and refusals are :mod:`oms.domain.payment_requests`.
"""

from __future__ import annotations

import secrets

from oms.domain import payment_requests as rules
from oms.domain.clock import iso, utcnow
from oms.domain.errors import DomainError
from oms.domain.order import Actor, Change, Order
from oms.integrations.pg import PgError, gateway
from oms.services.orders import Committed, run
from oms.store import orders, payreqs, settings
from oms.store.orders import Write

# ---- admin --------------------------------------------------------------------------------------


def create(site_id: str, order_id: str, actor: Actor, note: str | None = None,
           expected_version: int | None = None, read: Order | None = None) -> Committed:
    """결제요청 for the outstanding amount (refused when nothing is owed or one is open). ``read``:
    the order as the caller has just committed it (settling a claim), decided on first; a lost race
    is decided again on a fresh read."""

    def decide(order: Order, at: str) -> tuple[Change, Write]:
        if expected_version is not None and expected_version != order.version:
            raise orders.version_conflict()
        rc = rules.create(order, "R" + secrets.token_hex(4), actor=actor, at=at, note=note)
        write = Write()
        payreqs.record_request_change(write, site_id, order_id, rc,
                                      provider=settings.get(site_id).payments.pg_provider)
        return rc.change, write

    return run(site_id, order_id, actor, decide, action="payment_request", read=read,
               attempts=2 if read is not None else 1)


def cancel(site_id: str, order_id: str, request_id: str, actor: Actor, reason: str | None = None) -> Committed:
    """Cancel a request while nothing is paid: an open one, or one whose virtual account still waits
    (the account is cancelled at the PG first; a deposit that arrived meanwhile wins: 409)."""
    order = orders.load(site_id, order_id)
    waiting = rules.waiting_payment(order, rules.find(order, request_id), iso(utcnow()))
    if waiting is not None:
        try:
            gateway(str(waiting.provider)).cancel(str(waiting.pg_payment_key), reason=reason or "결제요청 취소")
        except PgError as exc:
            raise DomainError("PG_CANCEL_FAILED", f"가상계좌 취소 실패: {exc.message}", status=502,
                              extra={"pg_code": exc.code}) from exc

    def decide(order: Order, at: str) -> tuple[Change, Write]:
        rc = rules.cancel(order, request_id, actor=actor, at=at, reason=reason)
        write = Write()
        payreqs.record_request_change(write, site_id, order_id, rc)
        return rc.change, write

    return run(site_id, order_id, actor, decide, action="payment_request_cancel")


# ---- buyer --------------------------------------------------------------------------------------


def provider_of(site_id: str) -> str:
    provider = settings.get(site_id).payments.pg_provider
    if not provider:
        raise DomainError("NO_PG", "PG가 연동되지 않은 사이트입니다. 판매자에게 문의하세요.", status=409)
    return provider
