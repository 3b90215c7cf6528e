"""The balance (미결금액), derived, never typed in (DOMAIN §5 "The balance").

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
from typing import TYPE_CHECKING, Literal

from oms.domain.errors import DomainError

if TYPE_CHECKING:
    from oms.domain.order import Actor, Change, Order, Recipient
    from oms.domain.pricing import LineInput

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


def add_line(order: Order, line: LineInput, actor: Actor, at: str, *, shipping_fee: int = 0) -> Change:
    """추가: a new physical line on a placed order (exchange to another product, an add-on), priced
    like intake (unit + option price, product discount; no coupon or points), in preparing, counted
    in the balance at once (the outstanding grows by its paid amount, plus ``shipping_fee`` as an
    ``added_line_fee`` charge). Admin only; refused on a closed order, an order still waiting for
    its payment, and external-channel orders. The caller deducts stock (``stock_keys`` of the new line)."""
    raise NotImplementedError


def change_address(order: Order, recipient: Recipient, remote_fee: int, actor: Actor, at: str) -> Change:
    """Change the recipient after payment, before anything ships: the remote-area fee becomes
    ``remote_fee`` (a ``remote_area`` charge of the difference from the fee charged so far, which
    may be negative), and the difference becomes outstanding. Refused once any unit is shipping or
    later (or has a tracking number), and on a closed order."""
    raise NotImplementedError
