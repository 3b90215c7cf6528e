"""The rules of the refund calculation that make single figures (docs/domain.md, "Refund calculation"): the
site's settings,
the coupon recovered, the return/exchange fee, the initial shipping fee. ``oms.domain.refunds``
puts them together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from oms.domain.balance import ChargeKind
from oms.domain.claims import CLAIM_TYPE_KO, Claim
from oms.domain.order import Line, Order
from oms.domain.remote_areas import DEFAULT_ZONES, Zone, remote_fee

CouponRecovery = Literal["none", "pro_rata", "whole_when_minimum_broken"]
Basis = Literal["paid", "original"]
Direction = Literal["refund", "request"]


@dataclass(frozen=True)
class RefundSettings:
    """The site's claim settings the calculation needs (schemas/settings.py ``claims``)."""

    #: one way; an exchange is charged both ways
    return_shipping_fee: int = 3000
    #: free shipping from this gross amount (None: no threshold)
    free_shipping_threshold: int | None = None
    #: the shipping fee an order below the threshold pays (what "initial shipping" charges)
    base_shipping_fee: int = 3000
    coupon_recovery: CouponRecovery = "pro_rata"
    #: added to each way of a return fee when the recipient is in a remote zone
    remote_return_surcharge: int = 0
    #: the site's remote zones (None: ``remote_areas.DEFAULT_ZONES``)
    remote_zones: tuple[Zone, ...] | None = None


@dataclass(frozen=True)
class Figure:
    """One line of the breakdown: the amount (>= 0; the adjustment and a coupon given back are
    signed), the rule that made it (a stable name, e.g. ``return_fee.buyer_fault``), and the
    sentence the console shows."""

    amount: int
    rule: str
    text_ko: str


def won(n: int) -> str:
    return f"{n:,}원"


def charged(order: Order, kind: ChargeKind) -> int:
    return sum(c.amount for c in order.charges if c.kind == kind)


def coupon_benefit(order: Order, *, without_claim: str | None = None) -> int:
    """The order coupon the buyer still enjoys: its share on the counted lines, plus what 원판매가
    refunds gave back as cash, less what was recovered. Always within 0 … ``coupon_total``."""
    lines = order.lines
    if without_claim is not None:
        skip = set(order.claims[without_claim].line_ids)
        lines = [line for line in lines if line.line_id not in skip]
    counted = sum(line.coupon_discount for line in lines if line.counted)
    return counted - charged(order, "basis_difference") - charged(order, "coupon_recovery")


def coupon_figure(order: Order, claim: Claim, settings: RefundSettings, share: int, basis: Basis,
            others: list[Line], minimum: int | None) -> Figure:
    """The coupon recovered by this claim (negative: given back, when an earlier whole recovery
    already took this share). Keeps the buyer's coupon benefit within 0 … what the units left could
    be discounted (their gross less product discounts and points): no coupon outlives the purchase."""
    held = coupon_benefit(order, without_claim=claim.claim_id)
    kept = [line for line in others if line.counted]
    remaining_gross = sum(line.gross for line in kept)
    cap = sum(line.gross - line.product_discount - line.points_used for line in kept)
    if basis == "paid":
        if held < 0:
            credit = min(share, -held)
            return Figure(-credit, "coupon.already_recovered",
                          f"쿠폰 할인분 {won(credit)}은 앞선 클레임에서 이미 회수되어 돌려드림")
        if held > cap:
            return _beyond_remaining(held - cap, cap)
        return Figure(0, "coupon.in_paid_amount", f"쿠폰 할인 {won(share)}은 실결제가에 이미 반영")
    floor = share + held - cap  # recover at least this much: the benefit left may not exceed the cap
    policy = settings.coupon_recovery
    if policy == "pro_rata":
        figure = Figure(min(share, max(0, share + held)), "coupon.pro_rata",
                        f"쿠폰 {won(order.coupon_total)} 중 클레임 상품에 배분된 몫 회수")
    elif policy == "none":
        figure = Figure(0, "coupon.none", f"쿠폰 회수 안 함 (쿠폰 할인분 {won(share)} 환불)")
    elif minimum is not None and order.coupon_total and remaining_gross < minimum:
        amount = max(0, share + held)
        figure = Figure(amount, "coupon.whole_minimum_broken",
                        f"남은 상품 {won(remaining_gross)}이 쿠폰 최소주문금액 {won(minimum)} 미만: "
                        f"쿠폰 {won(order.coupon_total)} 중 회수되지 않은 {won(amount)} 회수")
    elif minimum is None:
        figure = Figure(0, "coupon.no_minimum", "쿠폰 최소주문금액 조건 없음: 쿠폰 회수 안 함")
    else:
        figure = Figure(0, "coupon.minimum_kept",
                        f"남은 상품 {won(remaining_gross)}이 쿠폰 최소주문금액 {won(minimum)} 이상: 쿠폰 회수 안 함")
    if figure.amount < floor:
        return _beyond_remaining(floor, cap)
    return figure


def _beyond_remaining(amount: int, cap: int) -> Figure:
    return Figure(amount, "coupon.exceeds_remaining",
                  f"남은 상품 금액 {won(cap)}을 넘는 쿠폰 혜택 {won(amount)} 회수")


def return_fee_figure(order: Order, claim: Claim, settings: RefundSettings) -> Figure:
    if claim.type == "cancel":
        return Figure(0, "return_fee.not_applicable", "취소: 반품배송비 없음")
    kind_ko = CLAIM_TYPE_KO[claim.type]
    if claim.fault == "shop":
        return Figure(0, "return_fee.shop_fault", f"판매자 귀책({claim.reason.ko}): {kind_ko}배송비 없음")
    ways = 2 if claim.type == "exchange" else 1
    zones = DEFAULT_ZONES if settings.remote_zones is None else settings.remote_zones
    surcharge = settings.remote_return_surcharge if remote_fee(order.recipient.postal_code, zones) else 0
    fee = ways * (settings.return_shipping_fee + surcharge)
    text = f"{kind_ko}배송비 {won(settings.return_shipping_fee)}"
    if surcharge:
        text += f" + 도서산간 {won(surcharge)}"
    text += f" × {'왕복 2' if ways == 2 else '편도 1'}회 = {won(fee)} (구매자 귀책: {claim.reason.ko})"
    if claim.fee_payment in ("enclosed", "transfer"):
        how = "상품에 동봉" if claim.fee_payment == "enclosed" else "판매자에게 직접 송금"
        return Figure(0, f"return_fee.{claim.fee_payment}", f"{text} — {how}: 환불금에서 차감하지 않음")
    return Figure(fee, "exchange_fee.both_ways" if ways == 2 else "return_fee.buyer_fault", text)


def initial_shipping_figure(order: Order, claim: Claim, settings: RefundSettings, remaining_gross: int) -> Figure:
    threshold = settings.free_shipping_threshold
    none = Figure(0, "initial_shipping.none", "초기배송비 없음")
    if claim.type == "exchange" or threshold is None or order.shipping_fee or order.shipping_fee_cod:
        return none
    intake_gross = sum(li.gross for li in order.lines if li.added_at is None and li.exchange_of is None)
    if intake_gross < threshold or remaining_gross >= threshold or not settings.base_shipping_fee:
        return none
    if claim.type == "cancel" and remaining_gross == 0:
        return Figure(0, "initial_shipping.nothing_shipped", "전체 취소: 배송하지 않으므로 초기배송비 없음")
    if claim.fault == "shop":
        return Figure(0, "initial_shipping.shop_fault", f"판매자 귀책({claim.reason.ko}): 초기배송비 없음")
    if charged(order, "initial_shipping"):
        return Figure(0, "initial_shipping.already_charged", "초기배송비는 이미 청구됨")
    return Figure(settings.base_shipping_fee, "initial_shipping.threshold_broken",
                  f"무료배송 기준 {won(threshold)} 이상으로 무료배송된 주문이 남은 상품 {won(remaining_gross)}으로 "
                  f"기준 미만이 되어 초기배송비 {won(settings.base_shipping_fee)} 청구")
