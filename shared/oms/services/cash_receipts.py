"""Cash receipts (현금영수증, docs/domain.md, "Cash receipts"): issue through the site's PG, retry one left
``requested``,
complete one by hand, or record one issued outside (no PG / after a PG failure).

Issuing is two commits around the PG call: ``requested`` (with a request id) → PG → ``issued`` or
``failed``. The PG is called with an idempotency key made from the request id, so when a crash
leaves the receipt ``requested``, POSTing the same receipt again sends the same key and the PG
answers its first receipt instead of issuing a second one; or the admin, having found it issued in
the PG's console, completes it by hand with its issue number.
"""

from __future__ import annotations

import secrets

from oms.domain.cash_receipts import (
    complete_requested_receipt,
    manual_receipt,
    receipt_result,
    request_receipt,
    retry_receipt,
)
from oms.domain.clock import iso, utcnow
from oms.domain.errors import DomainError
from oms.domain.order import Actor, Order
from oms.integrations.pg import CashReceiptResult, PgError, gateway
from oms.services.orders import record_refusal
from oms.services.payments import Loaded, apply, load
from oms.store import settings


def _key(request_id: str) -> str:
    return f"oms-cr-{request_id}"


def issue(site_id: str, order_id: str, payment_id: str, *, receipt_type: str, identity_number: str,
          actor: Actor, auto: bool = False, loaded: Loaded | None = None) -> Order:
    """현금영수증 발행 through the PG; a receipt left ``requested`` is issued again idempotently
    (``loaded``: the order and payment as the caller has just read them)."""
    ld = loaded or load(site_id, order_id, payment_id)  # 404 for an unknown order (or another site's) comes first
    provider = settings.get(site_id).payments.pg_provider
    at = iso(utcnow())
    if not provider:
        exc = DomainError("NO_PG", "PG가 연동되지 않은 사이트입니다. 외부에서 발급한 뒤 '수동 완료 처리'를 하세요.",
                          status=409)
        record_refusal(site_id, order_id, actor, "cash_receipt", exc, at)
        raise exc
    if (ld.payment.cash_receipt or {}).get("status") == "requested":
        try:
            receipt = retry_receipt(ld.payment, receipt_type=receipt_type, identity_number=identity_number)
        except DomainError as exc:
            record_refusal(site_id, order_id, actor, "cash_receipt", exc, at)
            raise
        payment = ld.payment
        request_id, amount = str(receipt["request_id"]), int(receipt["amount"])
    else:
        request_id = secrets.token_hex(6)
        _, payment, pc = apply(
            site_id, order_id, payment_id,
            lambda l2, at2: request_receipt(l2.order, l2.payment, receipt_type=receipt_type,
                                            identity_number=identity_number, actor=actor, at=at2,
                                            request_id=request_id, auto=auto),
            actor=actor, action="cash_receipt")
        amount = int(pc.payment_set["cash_receipt"]["amount"])
    order = ld.order
    name = order.lines[0].product_name + (f" 외 {len(order.lines) - 1}건" if len(order.lines) > 1 else "")
    try:
        result = gateway(provider).issue_cash_receipt(
            payment_key=str(payment.pg_payment_key or payment.pg_order_id or payment_id),
            pg_order_id=str(payment.pg_order_id or order_id), order_name=name, amount=amount,
            receipt_type=receipt_type, identity_number=identity_number,  # type: ignore[arg-type]
            idempotency_key=_key(request_id))
    except PgError as exc:
        if exc.retryable:  # no answer: the PG may have issued it; stays requested for a retry
            raise DomainError("PG_CASH_RECEIPT_PENDING",
                              "PG 응답을 받지 못했습니다. 같은 내용으로 다시 발행하면 이어서 처리됩니다.",
                              status=503, extra={"pg_code": exc.code}) from exc
        result = CashReceiptResult("failed", failure_reason=f"{exc.code}: {exc.message}")
    return commit_result(site_id, order_id, payment_id, request_id, result, actor)


def commit_result(site_id: str, order_id: str, payment_id: str, request_id: str, result: CashReceiptResult,
                  actor: Actor) -> Order:
    """Step 2: what the PG answered (issued, or failed with the PG's reason kept)."""
    saved, _, _ = apply(
        site_id, order_id, payment_id,
        lambda ld, at: receipt_result(ld.order, ld.payment, status="issued" if result.status == "issued" else "failed",
                                      actor=actor, at=at, request_id=request_id, receipt_key=result.receipt_key,
                                      issue_number=result.issue_number, failure_reason=result.failure_reason))
    return saved


def complete_requested(site_id: str, order_id: str, payment_id: str, *, issue_number: str, actor: Actor,
                       note: str | None = None) -> Order:
    """발급 완료 처리 of a receipt left ``requested``, with the issue number from the PG's console."""
    saved, _, _ = apply(
        site_id, order_id, payment_id,
        lambda ld, at: complete_requested_receipt(ld.order, ld.payment, issue_number=issue_number, actor=actor,
                                                  at=at, note=note),
        actor=actor, action="cash_receipt_complete")
    return saved


def complete_manually(site_id: str, order_id: str, payment_id: str, *, receipt_type: str,
                      identity_number: str | None, issue_number: str | None, actor: Actor) -> Order:
    """수동 완료 처리: issued outside (홈택스 …) where the site has no PG, or after the PG failed."""
    saved, _, _ = apply(  # the order is found (or 404) before the site's settings are read
        site_id, order_id, payment_id,
        lambda ld, at: manual_receipt(ld.order, ld.payment, receipt_type=receipt_type,
                                      identity_number=identity_number, issue_number=issue_number, actor=actor,
                                      at=at, site_has_pg=settings.get(site_id).payments.pg_provider is not None),
        actor=actor, action="cash_receipt_manual")
    return saved
