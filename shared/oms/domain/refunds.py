"""The refund calculation of a claim and its settlement (docs/domain.md, "Refund calculation").

:func:`calculate` is a preview: pure, exact integer KRW, itemised like Cafe24's refund object, each
figure naming the rule that made it. :func:`settle` posts the calculation's charges to the order
(``oms.domain.balance``) and marks the claim settled; the money itself (PG refunds, payment
requests) moves in the service, for the order's outstanding balance.

How the balance and a calculation meet: completing a claim voids its units, so the order stops
owing their paid amounts (and the prepaid shipping fee once everything is cancelled). The charges
``settle`` adds are exactly what makes the claim's effect on the balance equal to −``total``:
return/exchange fees and initial shipping (> 0), the coupon share a 원판매가 refund gives back as
cash (``basis_difference`` < 0) and the coupon it recovers (``coupon_recovery`` > 0), the admin's
adjustment (its negation). So after settling, ``outstanding`` is what must still be refunded
(< 0) or requested (> 0) for the whole order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from oms.domain import exchange_options
from oms.domain.balance import CHARGE_KO, Charge, ChargeKind, new_charge
from oms.domain.claims import CLAIM_TYPE_KO, Claim, claim_of
from oms.domain.closing import update_closed
from oms.domain.errors import Conflict, DomainError
from oms.domain.order import Actor, Change, Event, Line, Order
from oms.domain.refund_rules import (
    Basis,
    CouponRecovery,
    Direction,
    Figure,
    RefundSettings,
    charged,
    coupon_benefit,
    coupon_figure,
    initial_shipping_figure,
    return_fee_figure,
    won,
)
from oms.domain.statuses import Status

__all__ = [
    "Basis", "Calculation", "CouponRecovery", "Direction", "Figure", "RefundSettings", "calculate", "coupon_benefit",
    "settle",
]

@dataclass
class Calculation:
    """The refund object of one claim. ``total`` = cash to the buyer for this claim (< 0: the buyer
    owes): product + shipping_refunded − return_fee − initial_shipping − coupon_recovered −
    option_difference + adjustment. Points go back to the ledger (``points_back``), never as cash; ``points_restored``
    shows them. ``charges`` is what settling posts. ``outstanding_after`` is the order's balance once
    settled, and ``direction`` follows it (refund < 0 < request)."""

    claim_id: str
    basis: Basis
    product: Figure
    shipping_refunded: Figure
    return_fee: Figure
    initial_shipping: Figure
    coupon_recovered: Figure
    points_restored: Figure
    adjustment: Figure
    total: int
    charges: list[Charge]
    points_back: int
    direction: Literal["refund", "request", "none"]
    outstanding_after: int = 0
    #: the order version it was computed on (settle refuses a stale calculation)
    order_version: int = 0
    adjustment_reason: str | None = None
    #: 옵션 차액 of an exchange to another option (> 0 the buyer owes it): the replacement line's
    #: price carries it into the balance, so it is a figure, never a charge (it would count twice)
    option_difference: Figure = field(
        default_factory=lambda: Figure(0, "option_difference.not_applicable", "옵션 차액 없음"))

    FIGURES: ClassVar[tuple[str, ...]] = (
        "product", "shipping_refunded", "return_fee", "initial_shipping", "coupon_recovered", "points_restored",
        "adjustment", "option_difference",
    )

    def as_dict(self) -> dict[str, Any]:
        """The itemised answer (JSON-ready): each figure with its amount, rule and Korean text."""
        return {
            "claim_id": self.claim_id, "basis": self.basis,
            **{name: vars(getattr(self, name)).copy() for name in self.FIGURES},
            "total": self.total, "points_back": self.points_back, "direction": self.direction,
            "outstanding_after": self.outstanding_after, "adjustment_reason": self.adjustment_reason,
            "charges": [{"kind": c.kind, "amount": c.amount, "reason_ko": c.reason_ko, "rule": c.rule}
                        for c in self.charges],
        }


def _claimable(order: Order, claim_id: str) -> Claim:
    claim = claim_of(order, claim_id)
    if claim.step in ("rejected", "withdrawn"):
        raise DomainError("CLAIM_CLOSED", "거부·철회된 클레임은 환불 계산을 할 수 없습니다.", status=409,
                          extra={"claim_id": claim_id, "step": claim.step})
    if claim.settlement_id:
        raise Conflict("CLAIM_ALREADY_SETTLED", "이미 정산된 클레임입니다.",
                       extra={"claim_id": claim_id, "settlement_id": claim.settlement_id})
    return claim


def _sum(lines: list[Line], attr: str) -> int:
    return sum(getattr(line, attr) for line in lines)


def calculate(
    order: Order,
    claim_id: str,
    basis: Basis,
    settings: RefundSettings,
    adjustment: int = 0,
    adjustment_reason: str | None = None,
    coupon_min_order_amount: int | None = None,
) -> Calculation:
    """The refund calculation of a claim (docs/domain.md, "Refund calculation"), previewed: writes nothing,
    changes nothing.

    - basis ``paid`` (실결제가): the claimed units' paid amounts (their coupon and points shares
      already off). Basis ``original`` (원판매가): their gross minus the product discount and the
      points they used, and the coupon as ``settings.coupon_recovery`` says: none (the coupon share
      is refunded as cash), pro-rata (their allocated share), whole when the units left no longer
      reach ``coupon_min_order_amount`` (the whole coupon less what earlier claims recovered).
    - points the units used go back to the ledger (``points_back``), never as cash.
    - the prepaid shipping fee (and any remote-area fee) is refunded when the claim leaves nothing
      to ship (every unit cancelled).
    - a buyer-fault return pays the return fee once, an exchange twice (plus the remote surcharge
      per way from a remote address), unless the fee is enclosed or transferred; none for the shop's fault.
    - initial shipping: the order shipped free by reaching the threshold, and a buyer-fault return
      or partial cancel takes the gross left below it (charged once per order).
    - ``adjustment`` (±, with ``adjustment_reason``) is added to the total.

    Refused: unknown claim, a claim rejected/withdrawn or already settled, an unknown basis, an
    adjustment without a reason.
    """
    claim = _claimable(order, claim_id)
    if basis not in ("paid", "original"):
        raise DomainError("REFUND_BASIS_INVALID", "환불 기준은 실결제가 또는 상품원판매가여야 합니다.", field="basis")
    if not isinstance(adjustment, int) or isinstance(adjustment, bool):
        raise DomainError("ADJUSTMENT_INVALID", "조정 금액은 정수(원)여야 합니다.", field="adjustment")
    reason = (adjustment_reason or "").strip() or None
    if adjustment and reason is None:
        raise DomainError("ADJUSTMENT_REASON_REQUIRED", "조정 금액의 사유를 입력하세요.", field="adjustment_reason")
    if any(x is not None and x < 0 for x in (coupon_min_order_amount, settings.free_shipping_threshold)) or min(
        settings.return_shipping_fee, settings.base_shipping_fee, settings.remote_return_surcharge
    ) < 0:
        raise DomainError("CLAIM_SETTINGS_INVALID", "클레임 설정 금액은 0 이상이어야 합니다.", field="settings")

    claimed = [order.line(i.line_id) for i in claim.items]
    claimed_ids = set(claim.line_ids)
    others = [line for line in order.lines if line.line_id not in claimed_ids]
    remaining_gross = sum(line.gross for line in others if line.counted)
    charges: list[Charge] = []

    def charge(kind: ChargeKind, amount: int, rule: str, reason_ko: str) -> None:
        if amount:
            charges.append(Charge("", kind, amount, reason_ko, rule, claim_id, "", ""))

    # ---- product, coupon, points ------------------------------------------------------------
    gross, pdisc = _sum(claimed, "gross"), _sum(claimed, "product_discount")
    coupon_share, points, paid = _sum(claimed, "coupon_discount"), _sum(claimed, "points_used"), _sum(
        claimed, "paid_amount")
    voids = claim.type != "exchange"
    if not voids:
        product = Figure(0, "exchange.replacement", "교환: 같은 상품을 다시 보내므로 상품 금액 환불 없음")
        coupon = Figure(0, "coupon.not_applicable", "교환: 쿠폰 회수 없음")
        points_fig = Figure(0, "points.kept", "교환: 적립금 사용분은 교환 상품에 그대로 적용")
        points = 0
    elif basis == "paid":
        product = Figure(paid, "basis.paid", f"실결제가 {won(paid)} (상품 {won(gross)} − 상품할인 {won(pdisc)} − "
                                             f"쿠폰 {won(coupon_share)} − 적립금 {won(points)})")
        coupon = coupon_figure(order, claim, settings, coupon_share, basis, others, coupon_min_order_amount)
        charge("coupon_recovery", coupon.amount, coupon.rule, coupon.text_ko)
    else:
        product = Figure(gross - pdisc - points, "basis.original",
                         f"상품원판매가 {won(gross)} − 상품할인 {won(pdisc)} − 적립금 사용분 {won(points)}")
        charge("basis_difference", -coupon_share, "basis.original",
               f"원판매가 기준: 반품 상품의 쿠폰 할인분 {won(coupon_share)} 환불")
        coupon = coupon_figure(order, claim, settings, coupon_share, basis, others, coupon_min_order_amount)
        charge("coupon_recovery", coupon.amount, coupon.rule, coupon.text_ko)
    if voids:
        points_fig = Figure(points, "points.to_ledger", f"적립금 {won(points)}은 적립금으로 복원 (현금 환불 아님)")

    # ---- shipping refunded -----------------------------------------------------------------
    nothing_left = claim.type == "cancel" and all(line.status is Status.CANCELLED for line in others)
    prepaid = 0 if order.shipping_fee_cod else order.shipping_fee
    remote_net = max(0, charged(order, "remote_area"))
    if nothing_left and prepaid + remote_net:
        shipping = Figure(prepaid + remote_net, "shipping.nothing_left_to_ship",
                          f"배송할 상품이 남지 않아 배송비 {won(prepaid)}"
                          + (f"과 도서산간 배송비 {won(remote_net)}" if remote_net else "") + " 환불")
        charge("remote_area", -remote_net, "shipping.nothing_left_to_ship",
               f"전체 취소: 도서산간 배송비 {won(remote_net)} 환불")
    elif nothing_left:
        shipping = Figure(0, "shipping.none_prepaid", "선결제된 배송비 없음")
    elif claim.type == "cancel":
        shipping = Figure(0, "shipping.kept", "배송할 상품이 남아 있어 배송비는 환불하지 않음")
    else:
        shipping = Figure(0, "shipping.shipped", "이미 배송된 주문의 배송비는 환불하지 않음")

    # ---- return / exchange fee -------------------------------------------------------------
    return_fee = return_fee_figure(order, claim, settings)
    if return_fee.amount:
        kind: ChargeKind = "exchange_fee" if claim.type == "exchange" else "return_fee"
        charge(kind, return_fee.amount, return_fee.rule,
               f"{CHARGE_KO[kind]} {won(return_fee.amount)} ({claim.reason.ko})")

    # ---- initial shipping ------------------------------------------------------------------
    initial = initial_shipping_figure(order, claim, settings, remaining_gross)
    charge("initial_shipping", initial.amount, initial.rule, initial.text_ko)

    # ---- adjustment, total -----------------------------------------------------------------
    adj = Figure(adjustment, "adjustment.admin" if adjustment else "adjustment.none",
                 f"관리자 조정 {adjustment:+,}원: {reason}" if adjustment else "조정 없음")
    charge("adjustment", -adjustment, "adjustment.admin", f"관리자 조정 {adjustment:+,}원: {reason}")
    # ---- option difference (exchange to another option) -----------------------------------
    option_diff = Figure(0, "option_difference.not_applicable", "교환이 아니므로 옵션 차액 없음")
    if claim.type == "exchange":
        diff = exchange_options.difference(order, claim)
        option_diff = Figure(diff, "exchange.option_difference" if claim.replacement else "exchange.same_option",
                             exchange_options.difference_text(order, claim))
    total = (product.amount + shipping.amount - return_fee.amount - initial.amount - coupon.amount
             - option_diff.amount + adjustment)

    # the balance once settled: the claim's own effect (−total) on the order without the claim
    before = order.outstanding
    if claim.step != "completed" and voids:
        before -= paid + (order.owed_shipping if nothing_left else 0)
    if claim.step != "completed" and not voids:
        before += option_diff.amount  # completing creates the replacement line at its new price
    after = before + sum(c.amount for c in charges)
    direction: Literal["refund", "request", "none"] = "refund" if after < 0 else "request" if after > 0 else "none"
    return Calculation(
        claim_id=claim_id, basis=basis, product=product, shipping_refunded=shipping, return_fee=return_fee,
        initial_shipping=initial, coupon_recovered=coupon, points_restored=points_fig, adjustment=adj,
        total=total, charges=charges, points_back=points, direction=direction, outstanding_after=after,
        order_version=order.version, adjustment_reason=reason, option_difference=option_diff,
    )


def settle(order: Order, calculation: Calculation, direction: Direction, actor: Actor, at: str) -> Change:
    """Post the calculation's charges (each an event), mark the claim settled (``settlement_id``,
    ``points_back``), and leave ``order.outstanding`` = −(cash to refund) for a refund or + (to
    request) for a request. Admin only; refused unless the claim is completed and not settled, the
    calculation is of this order version, the direction matches the sign of the balance after
    settling (either when it is 0), and a refund does not exceed what was paid in net."""
    if actor.kind != "admin":
        raise DomainError("SETTLE_ADMIN_ONLY", "환불·결제요청 처리는 관리자만 할 수 있습니다.", status=403)
    if direction not in ("refund", "request"):
        raise DomainError("SETTLE_DIRECTION_INVALID", "처리 방법은 환불 또는 결제요청이어야 합니다.", field="direction")
    claim = _claimable(order, calculation.claim_id)
    if claim.step != "completed":
        raise DomainError("CLAIM_NOT_COMPLETED", "완료된 클레임만 정산할 수 있습니다. 클레임을 먼저 완료하세요.",
                          status=409, extra={"claim_id": claim.claim_id, "step": claim.step})
    if calculation.order_version != order.version:
        raise Conflict("CALCULATION_STALE", "주문이 변경되었습니다. 환불 금액을 다시 계산하세요.",
                       extra={"claim_id": claim.claim_id})
    new = order.clone()
    events: list[Event] = []
    for c in calculation.charges:
        posted = new_charge(new, c.kind, c.amount, c.reason_ko, c.rule, c.claim_id, at, actor.id)
        events.append(Event("charge_added", actor, at, {
            "charge_id": posted.charge_id, "kind": posted.kind, "amount": posted.amount, "claim_id": claim.claim_id,
            "rule": posted.rule, "text_ko": f"{CHARGE_KO[posted.kind]} {posted.amount:+,}원: {posted.reason_ko}",
        }))
    after = new.outstanding
    if (direction == "refund" and after > 0) or (direction == "request" and after < 0):
        raise DomainError(
            "SETTLE_DIRECTION_MISMATCH",
            f"정산 후 미결금액이 {after:+,}원입니다. "
            + ("결제요청으로 처리하세요." if after > 0 else "환불로 처리하세요."),
            field="direction", extra={"outstanding_after": after},
        )
    if direction == "refund" and -after > new.net_paid:
        raise DomainError("REFUND_EXCEEDS_PAID",
                          f"환불 금액 {won(-after)}이 결제된 금액 {won(new.net_paid)}을 넘습니다. "
                          "조정 금액을 확인하세요.",
                          extra={"refund": -after, "net_paid": new.net_paid})
    restored = sum(c.points_back for c in new.claims.values()) + calculation.points_back
    if restored > new.points_total:
        raise DomainError("POINTS_RESTORE_EXCEEDS_USED", "복원할 적립금이 사용한 적립금을 넘습니다.",
                          extra={"points_back": calculation.points_back, "points_used": new.points_total})
    settled = new.claims[claim.claim_id]
    settled.settlement_id = f"{order.order_id}-{claim.claim_id}"
    settled.settled_at = at
    settled.settled_total = calculation.total
    settled.points_back = calculation.points_back
    settled.history.append({"step": "settled", "at": at, "by": actor.id, "by_kind": actor.kind,
                            "direction": direction, "total": calculation.total, "basis": calculation.basis})
    how = "환불" if direction == "refund" else "결제요청"
    basis_ko = "실결제가" if calculation.basis == "paid" else "상품원판매가"
    text = (f"{CLAIM_TYPE_KO[claim.type]} {claim.claim_id} 정산({how}, {basis_ko} 기준): "
            f"클레임 금액 {calculation.total:+,}원"
            + (f", 적립금 {won(calculation.points_back)} 복원" if calculation.points_back else "")
            + f" — 미결금액 {after:+,}원")
    events.append(Event("claim_settled", actor, at, {
        "claim_id": claim.claim_id, "settlement_id": settled.settlement_id, "direction": direction,
        "basis": calculation.basis, "total": calculation.total, "points_back": calculation.points_back,
        "outstanding": after, "text_ko": text,
    }))
    update_closed(new, events, actor, at)
    new.version = order.version
    return Change(new, events, set())
