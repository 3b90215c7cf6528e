"""The balance (미결금액), derived, never typed in (docs/domain.md, "Balance").

An order owes: its counted lines at their paid amounts + the prepaid shipping fee while something
of it is or was shipped + the sum of its **charges**. Charges are an append-only list of signed
amounts (> 0 the buyer owes more, < 0 a credit to the buyer), each naming its kind, the rule that
made it, who and when: return fees, initial shipping, remote-area fees, coupon recovery, the basis
difference of a 원판매가 refund, manual adjustments, fees of added lines. Nothing edits or removes
a charge; a change of mind is a new charge (an address change posts the difference of the
remote-area fee). ``outstanding = order_amount − (paid in − refunded out)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from oms.domain.errors import DomainError
from oms.domain.order import Actor, Change, Event, Line, Order, Recipient
from oms.domain.pricing import LineInput, price_lines, stock_keys_for
from oms.domain.statuses import Status

#: Unit statuses from which the goods have left (or are leaving) the shop: no address change then.
_SHIPPED_OR_LATER = frozenset({
    "shipping", "delivered", "confirmed", "return_requested", "return_collecting", "returned",
    "exchange_requested", "exchange_collecting", "exchanged",
})

ChargeKind = Literal[
    "return_fee",
    "exchange_fee",
    "initial_shipping",
    "remote_area",
    "coupon_recovery",
    "basis_difference",
    "adjustment",
    "added_line_fee",
]

CHARGE_KO: dict[str, str] = {
    "return_fee": "반품배송비",
    "exchange_fee": "교환배송비",
    "initial_shipping": "초기배송비",
    "remote_area": "도서산간 추가배송비",
    "coupon_recovery": "쿠폰 회수",
    "basis_difference": "원판매가 기준 차액",
    "adjustment": "관리자 조정",
    "added_line_fee": "추가상품 배송비",
}

#: Charges an order may hold (they live in the order header; each is ~200 bytes).
MAX_CHARGES = 200


@dataclass
class Charge:
    """One signed amount the order owes (> 0) or is credited (< 0)."""

    charge_id: str
    kind: ChargeKind
    amount: int
    reason_ko: str
    rule: str
    claim_id: str | None
    at: str
    by: str


def charges_total(order: Order) -> int:
    """Σ of the order's charges (signed)."""
    return sum(c.amount for c in order.charges)


def outstanding(order: Order) -> int:
    """미결금액: > 0 the buyer owes us, < 0 we owe a refund (= ``order.outstanding``)."""
    return order.outstanding


def new_charge(
    order: Order, kind: ChargeKind, amount: int, reason_ko: str, rule: str, claim_id: str | None, at: str, by: str
) -> Charge:
    """Append a charge to ``order`` (a clone the caller is changing) and return it; refused past
    :data:`MAX_CHARGES`. Ids are ``F001``… in order of posting (the list is append-only)."""
    if len(order.charges) >= MAX_CHARGES:
        raise DomainError(
            "ORDER_CHARGE_LIMIT",
            f"한 주문의 비용 항목은 최대 {MAX_CHARGES}개까지 기록할 수 있습니다.",
            status=422,
            extra={"limit": MAX_CHARGES},
        )
    charge = Charge(f"F{len(order.charges) + 1:03d}", kind, amount, reason_ko, rule, claim_id, at, by)
    order.charges.append(charge)
    return charge


def _won(n: int) -> str:
    return f"{n:,}원"


def add_line(order: Order, line: LineInput, actor: Actor, at: str, *, shipping_fee: int = 0) -> Change:
    """추가: a new physical line on a placed order (exchange to another product, an add-on), priced
    like intake (unit + option price, product discount; no coupon or points), in preparing, counted
    in the balance at once (the outstanding grows by its paid amount, plus ``shipping_fee`` as an
    ``added_line_fee`` charge). Admin only; refused on a closed order, a fully cancelled one (it owes
    no shipping fee any more), an order still waiting for its payment, and external-channel orders.
    The caller deducts stock (``stock_keys`` of the new line)."""
    if actor.kind != "admin":
        raise DomainError("LINE_ADD_ADMIN_ONLY", "상품 추가는 관리자만 할 수 있습니다.", status=403)
    if order.closed:
        raise DomainError("ORDER_CLOSED", "거래가 종료된 주문입니다. 거래 재개 후 처리하세요.")
    if order.channel.external:
        raise DomainError("LINE_ADD_NOT_ALLOWED_EXTERNAL_CHANNEL",
                          "네이버페이 주문형·톡체크아웃 주문에는 상품을 추가할 수 없습니다.")
    if order.all_cancelled:
        raise DomainError("LINE_ADD_ORDER_CANCELLED",
                          "전체 취소된 주문에는 상품을 추가할 수 없습니다. 새 주문으로 접수하세요.")
    if any(li.status is Status.PAYMENT_PENDING for li in order.lines):
        raise DomainError("LINE_ADD_BEFORE_PAYMENT", "입금 확인 전인 주문에는 상품을 추가할 수 없습니다.")
    if not line.kind.shipped:
        raise DomainError("LINE_ADD_PHYSICAL_ONLY", "추가할 수 있는 상품은 배송 상품뿐입니다.", field="kind")
    if line.quantity < 1:
        raise DomainError("QUANTITY_OUT_OF_RANGE", "수량은 1개 이상이어야 합니다.", field="quantity")
    if line.unit_price < 0 or any(o.price < 0 for o in line.options) or line.product_discount < 0:
        raise DomainError("PRICE_INVALID", "가격과 할인금액은 0 이상이어야 합니다.", field="unit_price")
    if shipping_fee < 0:
        raise DomainError("SHIPPING_FEE_INVALID", "배송비는 0 이상이어야 합니다.", field="shipping_fee")
    price_lines([line], 0, 0)  # the intake's checks (a discount above the line amount is refused)
    new = order.clone()
    added = Line(
        line_id=new.new_line_id(), product_code=line.product_code, product_name=line.product_name,
        kind=line.kind, options=list(line.options), combination=line.combination, quantity=line.quantity,
        status=Status.PREPARING, unit_price=line.unit_price, option_price=line.option_price,
        product_discount=line.product_discount, points_eligible=line.points_eligible,
        stock_keys=stock_keys_for(line), status_changed_at=at, added_at=at,
    )
    new.lines.append(added)
    events = [Event("line_added", actor, at, {
        "line_id": added.line_id, "product_name": added.product_name, "quantity": added.quantity,
        "paid_amount": added.paid_amount,
        "text_ko": f"상품 추가: {added.product_name} {added.quantity}개 {_won(added.paid_amount)} (상품준비)",
    })]
    if shipping_fee:
        c = new_charge(new, "added_line_fee", shipping_fee, f"추가상품 {added.product_name} 배송비",
                       "added_line.shipping_fee", None, at, actor.id)
        events.append(_charge_event(c, actor, at))
    events[-1].data["text_ko"] += f" — 미결금액 {new.outstanding:+,}원"
    new.version = order.version
    return Change(new, events, {added.line_id})


def _charge_event(c: Charge, actor: Actor, at: str) -> Event:
    return Event("charge_added", actor, at, {
        "charge_id": c.charge_id, "kind": c.kind, "amount": c.amount, "claim_id": c.claim_id, "rule": c.rule,
        "text_ko": f"{CHARGE_KO[c.kind]} {c.amount:+,}원: {c.reason_ko}",
    })


def change_address(order: Order, recipient: Recipient, remote_fee: int, actor: Actor, at: str) -> Change:
    """Change the recipient after payment, before anything ships: the remote-area fee becomes
    ``remote_fee`` (a ``remote_area`` charge of the difference from the fee charged so far, which
    may be negative), and the difference becomes outstanding. Refused once any unit is shipping or
    later (or has a tracking number), and on a closed order."""
    if actor.kind != "admin":
        raise DomainError("ADDRESS_CHANGE_ADMIN_ONLY", "배송지 변경은 관리자만 할 수 있습니다.", status=403)
    if order.closed:
        raise DomainError("ORDER_CLOSED", "거래가 종료된 주문입니다. 거래 재개 후 처리하세요.")
    if remote_fee < 0:
        raise DomainError("REMOTE_FEE_INVALID", "도서산간 배송비는 0 이상이어야 합니다.", field="remote_fee")
    for line in order.lines:
        if line.status.value in _SHIPPED_OR_LATER or order.tracking_of(line):
            raise DomainError("ADDRESS_CHANGE_AFTER_SHIPPING",
                              "배송이 시작된 주문은 배송지를 변경할 수 없습니다.", extra={"line_id": line.line_id})
    new = order.clone()
    old = new.recipient
    new.recipient = recipient
    events = [Event("recipient_changed", actor, at, {
        "from": {"postal_code": old.postal_code, "address1": old.address1},
        "to": {"postal_code": recipient.postal_code, "address1": recipient.address1},
        "text_ko": f"배송지 변경: ({old.postal_code}) {old.address1} → ({recipient.postal_code}) {recipient.address1}",
    })]
    delta = remote_fee - sum(c.amount for c in new.charges if c.kind == "remote_area")
    if delta:
        why = (f"도서산간 배송비 {_won(remote_fee)} (우편번호 {recipient.postal_code})" if remote_fee
               else f"도서산간 지역이 아닌 주소로 변경 (우편번호 {recipient.postal_code})")
        c = new_charge(new, "remote_area", delta, why, "remote_area.address_change", None, at, actor.id)
        if new.order_amount < 0:  # the credits already given (adjustments, basis differences) exceed what is left
            raise DomainError("ADDRESS_CHANGE_BELOW_ZERO",
                              "배송지를 변경하면 도서산간 배송비가 빠져 주문 금액이 0원보다 작아집니다. "
                              "정산에서 준 조정 금액을 먼저 확인하세요.",
                              extra={"order_amount": new.order_amount, "remote_fee": remote_fee})
        events.append(_charge_event(c, actor, at))
    events[-1].data["text_ko"] += f" — 미결금액 {new.outstanding:+,}원"
    new.version = order.version
    return Change(new, events, set())
