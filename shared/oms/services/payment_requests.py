"""결제요청: asking the buyer for the order's outstanding amount, and the buyer paying it through the PG.

- The admin creates a request for the outstanding (> 0) at that moment; one open at a time; the
  admin may cancel it while nothing is being paid.
- The buyer (member or guest) sees it on the order and pays it: by card (the PG's payment window
  approves it; we confirm by looking the payment up at the PG: status, amount and order id must
  agree) or by a new virtual account (issued through the PG port; the PG's deposit callback then
  records the deposit like any other: ``services.webhooks``).
- Every step is one load + one transaction of the order (version condition) with the request item
  updated under a condition on its status: a confirmation sent twice records one payment.
"""

from __future__ import annotations

import secrets
from typing import Any, Literal

from oms.domain.errors import Conflict, DomainError, NotFound
from oms.domain.order import Actor, Change, Event, Order
from oms.integrations.pg import PgError, gateway
from oms.services.orders import Committed, run
from oms.store import checkout, orders, payreqs, settings
from oms.store import payments as pay_store
from oms.store.orders import Write, plain
from oms.store.table import Item


def open_request(items: list[Item]) -> dict[str, Any] | None:
    return next((r for r in payreqs.views(items) if r["status"] in payreqs.OPEN_STATUSES), None)


def _find(items: list[Item], request_id: str) -> dict[str, Any]:
    for r in payreqs.views(items):
        if r["request_id"] == request_id:
            return r
    raise NotFound("payment_request", request_id)


def _event(kind: str, actor: Actor, at: str, text: str, **data: Any) -> Event:
    return Event(kind, actor, at, {**data, "text_ko": text})


# ---- admin --------------------------------------------------------------------------------------


def create(site_id: str, order_id: str, actor: Actor, note: str | None = None,
           expected_version: int | None = None) -> Committed:
    """결제요청 for the outstanding amount (refused when nothing is owed or one is open)."""

    def decide(order: Order, items: list[Item], at: str) -> tuple[Change, Write]:
        if expected_version is not None and expected_version != order.version:
            raise orders.version_conflict()
        amount = order.outstanding
        if amount <= 0:
            raise DomainError("NOTHING_OUTSTANDING", "청구할 미결금액이 없습니다.", status=409,
                              extra={"outstanding": amount})
        current = open_request(items)
        if current is not None:
            raise Conflict("PAYMENT_REQUEST_OPEN", "이미 진행 중인 결제요청이 있습니다. 취소 후 다시 요청하세요.",
                           extra={"request_id": current["request_id"]})
        request_id = "R" + secrets.token_hex(4)
        item = payreqs.request_item(
            site_id, order_id, request_id, status="open", amount=amount, created_at=at, created_by=actor.as_dict(),
            note=note, order_amount=order.order_amount, net_paid=order.net_paid,
            pg_order_id=f"{order_id}-{request_id}", attempts=0)
        write = Write()
        write.add(*payreqs.put_new(item))
        ev = _event("payment_requested", actor, at, f"결제요청 {amount:,}원", request_id=request_id, amount=amount,
                    **({"note": note} if note else {}))
        return Change(order.clone(), [ev], set()), write.with_written([item])

    return run(site_id, order_id, actor, decide, action="payment_request")


def cancel(site_id: str, order_id: str, request_id: str, actor: Actor, reason: str | None = None) -> Committed:
    """Cancel a request while nothing is paid: an open one, or one whose virtual account still waits
    (the account is cancelled at the PG first; a deposit that arrived meanwhile wins: 409)."""
    _, items = orders.load_order(site_id, order_id)
    req = _find(items, request_id)
    waiting = pay_store.payment_items(items).get(str(req.get("payment_id") or "")) \
        if req["status"] == "awaiting_deposit" else None
    if waiting is not None and waiting.get("status") == "pending" and waiting.get("provider"):
        try:
            gateway(str(waiting["provider"])).cancel(str(waiting["pg_payment_key"]), reason=reason or "결제요청 취소")
        except PgError as exc:
            raise DomainError("PG_CANCEL_FAILED", f"가상계좌 취소 실패: {exc.message}", status=502,
                              extra={"pg_code": exc.code}) from exc

    def decide(order: Order, items: list[Item], at: str) -> tuple[Change, Write]:
        req = _find(items, request_id)
        if req["status"] not in payreqs.OPEN_STATUSES:
            raise Conflict("PAYMENT_REQUEST_CLOSED", "이미 결제되었거나 취소된 결제요청은 취소할 수 없습니다.",
                           extra={"request_id": request_id, "request_status": req["status"]})
        write = Write()
        written: list[Item] = []
        if req["stored_status"] == "awaiting_deposit":
            written.append(_close_waiting(site_id, order_id, req, write, at))
        fields = {"status": "cancelled", "cancelled_at": at, "cancelled_by": actor.as_dict(), "cancel_reason": reason}
        write.add(*payreqs.set_action(site_id, order_id, request_id, str(req["stored_status"]), fields))
        ev = _event("payment_request_cancelled", actor, at, f"결제요청 취소 ({req['amount']:,}원)",
                    request_id=request_id, **({"reason": reason} if reason else {}))
        written.append(payreqs.request_item(site_id, order_id, request_id, **fields))
        return Change(order.clone(), [ev], set()), write.with_written(written)

    return run(site_id, order_id, actor, decide, action="payment_request_cancel")


# ---- buyer --------------------------------------------------------------------------------------


def _provider(site_id: str) -> str:
    provider = settings.get(site_id).payments.pg_provider
    if not provider:
        raise DomainError("NO_PG", "PG가 연동되지 않은 사이트입니다. 판매자에게 문의하세요.", status=409)
    return provider


def _payable(items: list[Item], request_id: str) -> dict[str, Any]:
    req = _find(items, request_id)
    if req["status"] not in payreqs.OPEN_STATUSES:
        raise Conflict("PAYMENT_REQUEST_CLOSED", "이미 결제되었거나 취소된 결제요청입니다.",
                       extra={"request_id": request_id, "request_status": req["status"]})
    return req


def pay_card(site_id: str, order_id: str, request_id: str, payment_key: str, actor: Actor) -> Committed:
    """The buyer approved the request's amount in the PG's card window (PG order id = the request's
    ``pg_order_id``): look the payment up at the PG and record it. Sent again after it was recorded,
    it answers the order as it is (no second payment)."""
    provider = _provider(site_id)
    order, items = orders.load_order(site_id, order_id)
    req = _find(items, request_id)
    if req["status"] == "paid" and (req.get("payment") or {}).get("payment_id") and \
            pay_store.payment_items(items)[req["payment"]["payment_id"]].get("pg_payment_key") == payment_key:
        return Committed(order, items, [])
    try:
        pg = gateway(provider).get_payment(payment_key)
    except PgError as exc:
        raise DomainError("PG_LOOKUP_FAILED", f"PG 결제 조회 실패: {exc.message}", status=502,
                          extra={"pg_code": exc.code}) from exc

    def decide(order: Order, items: list[Item], at: str) -> tuple[Change, Write]:
        req = _payable(items, request_id)
        if req["status"] == "awaiting_deposit":
            raise Conflict("PAYMENT_REQUEST_IN_PAYMENT", "가상계좌 입금을 기다리는 결제요청입니다.",
                           extra={"request_id": request_id})
        if pg.status != "paid" or pg.pg_order_id != req["pg_order_id"] or pg.amount != req["amount"]:
            raise DomainError("PAYMENT_NOT_CONFIRMED", "PG의 결제 내역이 결제요청과 일치하지 않습니다.", status=409,
                              extra={"pg_status": pg.status, "pg_amount": pg.amount, "expected": req["amount"]})
        return _record_payment(site_id, order, req, at, actor, provider, method="card", status="paid",
                               pg_payment_key=pg.payment_key, pg_order_id=pg.pg_order_id, paid_at=pg.paid_at or at)

    return run(site_id, order_id, actor, decide, action="payment_request_pay")


def pay_virtual_account(site_id: str, order_id: str, request_id: str, actor: Actor,
                        holder: str | None = None) -> Committed:
    """A new virtual account for the request (through the PG port); the deposit callback pays it."""
    provider = _provider(site_id)
    order, items = orders.load_order(site_id, order_id)
    req = _payable(items, request_id)
    if req["status"] == "awaiting_deposit":
        return Committed(order, items, [])  # already issued: the same account is shown again
    attempt = int(req.get("attempts") or 0) + 1
    pg_order_id = f"{req['pg_order_id']}-V{attempt}"
    name = order.lines[0].product_name + " 외 추가 결제" if order.lines else "추가 결제"
    try:
        issued = gateway(provider).issue_virtual_account(pg_order_id=pg_order_id, amount=int(req["amount"]),
                                                         order_name=name, customer_name=holder or order.buyer.name)
    except PgError as exc:
        raise DomainError("PG_ISSUE_FAILED", f"가상계좌 발급 실패: {exc.message}", status=502,
                          extra={"pg_code": exc.code}) from exc
    account = {"bank": issued.bank, "account_no": issued.account_no, "holder": issued.holder,
               "due_at": issued.due_at}

    def decide(order: Order, items: list[Item], at: str) -> tuple[Change, Write]:
        req = _payable(items, request_id)
        if req["status"] == "awaiting_deposit":
            raise Conflict("PAYMENT_REQUEST_IN_PAYMENT", "가상계좌 입금을 기다리는 결제요청입니다.",
                           extra={"request_id": request_id})
        return _record_payment(site_id, order, req, at, actor, provider, method="virtual_account",
                               status="pending", pg_payment_key=issued.payment.payment_key, pg_order_id=pg_order_id,
                               virtual_account=account, deposit_secret=issued.secret, attempts=attempt)

    return run(site_id, order_id, actor, decide, action="payment_request_pay")


def _record_payment(site_id: str, order: Order, req: dict[str, Any], at: str, actor: Actor, provider: str, *,
                    method: Literal["card", "virtual_account"], status: str, pg_payment_key: str, pg_order_id: str,
                    paid_at: str | None = None, virtual_account: dict[str, Any] | None = None,
                    deposit_secret: str | None = None, attempts: int | None = None) -> tuple[Change, Write]:
    order_id, request_id, amount = order.order_id, str(req["request_id"]), int(req["amount"])
    payment_id = "P" + secrets.token_hex(6)
    payment = checkout.payment_item(
        site_id, order_id, payment_id, method=method, amount=amount, status=status, provider=provider,
        pg_payment_key=pg_payment_key, pg_order_id=pg_order_id, requested_at=at, paid_at=paid_at,
        virtual_account=virtual_account, payment_request_id=request_id)
    write = Write()
    write.add(orders.put(payment, "attribute_not_exists(PK)"))
    ref = pay_store.ref_item(provider, pg_order_id, site_id, order_id, payment_id, deposit_secret)
    ref["created_at"] = at
    write.add(*pay_store.ref_put_action(ref))
    fields: dict[str, Any] = {"status": "paid" if status == "paid" else "awaiting_deposit",
                              "payment_id": payment_id, "payment_started_at": at}
    if attempts is not None:
        fields["attempts"] = attempts
    if status == "paid":
        fields["paid_at"] = paid_at
    written = [plain(payment)]
    if req["stored_status"] == "awaiting_deposit":  # its earlier account expired unpaid
        written.append(_close_waiting(site_id, order_id, req, write, at))
    write.add(*payreqs.set_action(site_id, order_id, request_id, str(req["stored_status"]), fields))
    new = order.clone()
    if status == "paid":
        new.paid_total += amount
        ev = _event("payment", actor, at, f"결제요청 {amount:,}원 결제 완료 (카드)", payment_id=payment_id,
                    method=method, amount=amount, request_id=request_id)
    else:
        ev = _event("payment_request_account_issued", actor, at,
                    f"결제요청 {amount:,}원: 가상계좌 발급 ({(virtual_account or {}).get('bank', '')} "
                    f"{(virtual_account or {}).get('account_no', '')})", payment_id=payment_id, request_id=request_id,
                    amount=amount)
    written.append(payreqs.request_item(site_id, order_id, request_id, **fields))
    return Change(new, [ev], set()), write.with_written(written)


def _close_waiting(site_id: str, order_id: str, req: dict[str, Any], write: Write, at: str) -> Item:
    """The request's waiting account is closed: ``expired`` past its due date, else ``cancelled``."""
    pid = str(req["payment_id"])
    status = "expired" if req["status"] == "expired" else "cancelled"
    write.add(*payreqs.payment_status_action(site_id, order_id, pid, "pending", status, at))
    return checkout.payment_item(site_id, order_id, pid, status=status, closed_at=at)
