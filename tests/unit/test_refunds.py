"""The refund calculation (docs/domain.md, "Refund calculation"), table-driven: each case is a worked example
whose arithmetic
is done by hand in its comment, then settled to show the balance it leaves.

The standard order (tests/claims_support.py): 셔츠 2 × 10,000 (L001) + 바지 30,000 (L002), coupon 5,000
(셔츠 2,000 / 바지 3,000), points 1,000 (셔츠 400 / 바지 600); paid 셔츠 17,600 + 바지 26,400 + shipping
3,000 = 47,000 by card. Returning one 셔츠 splits L001: the returned unit (L003) takes half of L001's
2,400 of discounts = 1,200, shared by largest remainder as coupon 1,000 + points 200, so its paid amount
is 10,000 − 1,000 − 200 = 8,800.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from oms.domain.balance import add_line
from oms.domain.claims import Reason
from oms.domain.errors import DomainError
from oms.domain.order import Order
from oms.domain.refunds import Calculation, Direction, RefundSettings, calculate, coupon_benefit, settle
from tests.claims_support import (
    ADMIN,
    BUYER,
    JEJU,
    LATER,
    claimed,
    coat,
    delivered,
    order_of,
    pants,
    shirt,
    standard,
)
from tests.money_support import refund

FEE = RefundSettings(return_shipping_fee=3000, base_shipping_fee=3000)


def return_one_shirt(reason: Reason = Reason.INTENT_CHANGED, **kw: Any) -> Callable[[], tuple[Order, str]]:
    return lambda: claimed(delivered(standard(**kw)), "return", [("L001", 1)], reason)


def free_shipping_return_one_shirt() -> tuple[Order, str]:
    # 셔츠 2 + 바지 = 50,000 gross, shipped free (fee 0) by the 50,000 threshold; no coupon/points.
    return claimed(delivered(order_of(shirt(), pants(), shipping_fee=0)), "return", [("L001", 1)])


def exchange_one_shirt(reason: Reason = Reason.COLOR_AND_SIZE) -> Callable[[], tuple[Order, str]]:
    return lambda: claimed(delivered(standard()), "exchange", [("L001", 1)], reason)


@dataclass
class Case:
    id: str
    scenario: Callable[[], tuple[Order, str]]
    basis: str
    expect: dict[str, int]  # figure amounts and "total", "points_back"
    settings: RefundSettings = FEE
    kw: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)


CASES = [
    # 실결제가: the unit's paid amount 8,800; buyer fault → return fee 3,000 once: 8,800 − 3,000 = 5,800.
    # Its 200 points go back to the ledger.
    Case("paid-buyer-fault", return_one_shirt(), "paid",
         {"product": 8800, "return_fee": 3000, "total": 5800, "points_back": 200},
         rules={"product": "basis.paid", "return_fee": "return_fee.buyer_fault"}),
    # 실결제가 without any deduction (shop's fault, 파손): 8,800.
    Case("paid-shop-fault", return_one_shirt(Reason.BROKEN), "paid",
         {"product": 8800, "return_fee": 0, "total": 8800, "points_back": 200},
         rules={"return_fee": "return_fee.shop_fault"}),
    # 원판매가, coupon pro-rata: 10,000 − product discount 0 − points 200 = 9,800; coupon share 1,000
    # recovered; fee 3,000: 9,800 − 1,000 − 3,000 = 5,800 (the same as 실결제가, by construction).
    Case("original-pro-rata", return_one_shirt(), "original",
         {"product": 9800, "coupon_recovered": 1000, "return_fee": 3000, "total": 5800},
         settings=RefundSettings(return_shipping_fee=3000, coupon_recovery="pro_rata"),
         rules={"product": "basis.original", "coupon_recovered": "coupon.pro_rata"}),
    # 원판매가, coupon not recovered: 9,800 − 3,000 = 6,800 (the unit's 1,000 coupon share comes back as cash).
    Case("original-no-recovery", return_one_shirt(), "original",
         {"product": 9800, "coupon_recovered": 0, "return_fee": 3000, "total": 6800},
         settings=RefundSettings(return_shipping_fee=3000, coupon_recovery="none"),
         rules={"coupon_recovered": "coupon.none"}),
    # 원판매가, whole coupon when the minimum is broken: left 10,000 + 30,000 = 40,000 < minimum 45,000, so
    # the whole 5,000 coupon is recovered (this unit's 1,000 + the 4,000 the others carry):
    # 9,800 − 5,000 − 3,000 = 1,800.
    Case("original-minimum-broken", return_one_shirt(), "original",
         {"product": 9800, "coupon_recovered": 5000, "return_fee": 3000, "total": 1800},
         settings=RefundSettings(return_shipping_fee=3000, coupon_recovery="whole_when_minimum_broken"),
         kw={"coupon_min_order_amount": 45000}, rules={"coupon_recovered": "coupon.whole_minimum_broken"}),
    # ... minimum 40,000 still met by the 40,000 left: nothing recovered, 9,800 − 3,000 = 6,800.
    Case("original-minimum-kept", return_one_shirt(), "original",
         {"coupon_recovered": 0, "total": 6800},
         settings=RefundSettings(return_shipping_fee=3000, coupon_recovery="whole_when_minimum_broken"),
         kw={"coupon_min_order_amount": 40000}, rules={"coupon_recovered": "coupon.minimum_kept"}),
    # The return fee enclosed in the box: not deducted, 8,800.
    Case("fee-enclosed", lambda: claimed(delivered(standard()), "return", [("L001", 1)], fee_payment="enclosed"),
         "paid", {"return_fee": 0, "total": 8800}, rules={"return_fee": "return_fee.enclosed"}),
    # From a remote address (제주 63100) with a 3,000 surcharge per way: (3,000 + 3,000) × 1 = 6,000;
    # 8,800 − 6,000 = 2,800.
    Case("remote-return", return_one_shirt(recipient=JEJU), "paid", {"return_fee": 6000, "total": 2800},
         settings=RefundSettings(return_shipping_fee=3000, remote_return_surcharge=3000)),
    # Exchange, buyer's fault: fee both ways 2 × 3,000 = 6,000, nothing refunded: total −6,000 (buyer owes).
    Case("exchange-buyer-fault", exchange_one_shirt(), "paid",
         {"product": 0, "return_fee": 6000, "total": -6000, "points_back": 0},
         rules={"return_fee": "exchange_fee.both_ways", "product": "exchange.replacement"}),
    # Exchange, shop's fault (오배송): 0.
    Case("exchange-shop-fault", exchange_one_shirt(Reason.WRONG_DELIVERY), "paid", {"return_fee": 0, "total": 0}),
    # + adjustment 1,000 (compensation): 8,800 − 3,000 + 1,000 = 6,800.
    Case("adjustment-plus", return_one_shirt(), "paid", {"adjustment": 1000, "total": 6800},
         kw={"adjustment": 1000, "adjustment_reason": "배송 지연 보상"}),
    # − adjustment 2,500 (damage found): 8,800 − 3,000 − 2,500 = 3,300.
    Case("adjustment-minus", return_one_shirt(), "paid", {"adjustment": -2500, "total": 3300},
         kw={"adjustment": -2500, "adjustment_reason": "상품 오염"}),
    # Free shipping by the 50,000 threshold; returning one 셔츠 leaves 40,000 < 50,000: initial shipping
    # 3,000 charged. Paid 10,000 (no discounts) − return fee 3,000 − initial 3,000 = 4,000.
    Case("threshold-broken", free_shipping_return_one_shirt, "paid",
         {"product": 10000, "return_fee": 3000, "initial_shipping": 3000, "total": 4000},
         settings=RefundSettings(return_shipping_fee=3000, free_shipping_threshold=50000, base_shipping_fee=3000),
         rules={"initial_shipping": "initial_shipping.threshold_broken"}),
    # ... the same with a 40,000 threshold: 40,000 left still reaches it, no initial shipping: 7,000.
    Case("threshold-kept", free_shipping_return_one_shirt, "paid", {"initial_shipping": 0, "total": 7000},
         settings=RefundSettings(return_shipping_fee=3000, free_shipping_threshold=40000)),
    # Every deduction together: free-shipping order (셔츠 2 + 바지 = 50,000, coupon 5,000 → 셔츠 2,000 / 바지
    # 3,000, points 1,000 → 400 / 600) to 제주, 원판매가, whole coupon below 45,000, threshold 50,000,
    # surcharge 3,000, adjustment −1,000. Returned 셔츠 unit: 10,000 − 200 points = 9,800; fee (3,000 +
    # 3,000) = 6,000; initial shipping 3,000; coupon 5,000; adjustment −1,000:
    # 9,800 − 6,000 − 3,000 − 5,000 − 1,000 = −5,200: the buyer owes 5,200.
    Case("all-deductions",
         lambda: claimed(delivered(order_of(shirt(), pants(), coupon=5000, points=1000, shipping_fee=0,
                                            recipient=JEJU)), "return", [("L001", 1)]),
         "original",
         {"product": 9800, "return_fee": 6000, "initial_shipping": 3000, "coupon_recovered": 5000,
          "adjustment": -1000, "total": -5200, "points_back": 200},
         settings=RefundSettings(return_shipping_fee=3000, free_shipping_threshold=50000, base_shipping_fee=3000,
                                 coupon_recovery="whole_when_minimum_broken", remote_return_surcharge=3000),
         kw={"coupon_min_order_amount": 45000, "adjustment": -1000, "adjustment_reason": "사은품 미반환"}),
    # Cancel everything before shipping: 17,600 + 26,400 = 44,000 and the 3,000 shipping fee: 47,000,
    # points 400 + 600 = 1,000 back to the ledger. No fees on a cancel.
    Case("cancel-all", lambda: claimed(standard(), "cancel", [("L001", 2), ("L002", 1)]), "paid",
         {"product": 44000, "shipping_refunded": 3000, "return_fee": 0, "total": 47000, "points_back": 1000},
         rules={"shipping_refunded": "shipping.nothing_left_to_ship"}),
    # Cancel 바지 only: 26,400; 셔츠 still ships, so shipping is kept.
    Case("cancel-part", lambda: claimed(standard(), "cancel", [("L002", 1)]), "paid",
         {"product": 26400, "shipping_refunded": 0, "total": 26400}, rules={"shipping_refunded": "shipping.kept"}),
    # Cancel 바지 on a free-shipping order (threshold 50,000): 셔츠 20,000 left ships below it: initial
    # shipping 3,000: 30,000 − 3,000 = 27,000.
    Case("cancel-part-threshold", lambda: claimed(order_of(shirt(), pants(), shipping_fee=0), "cancel", [("L002", 1)]),
         "paid", {"product": 30000, "initial_shipping": 3000, "total": 27000},
         settings=RefundSettings(free_shipping_threshold=50000, base_shipping_fee=3000)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_calculation_worked_examples(case: Case) -> None:
    order, cid = case.scenario()
    before = order.clone()
    calc = calculate(order, cid, case.basis, case.settings, **case.kw)  # type: ignore[arg-type]
    assert order == before  # a preview changes nothing
    got = {name: getattr(calc, name).amount for name in
           ("product", "shipping_refunded", "return_fee", "initial_shipping", "coupon_recovered", "adjustment")}
    got |= {"total": calc.total, "points_back": calc.points_back, "points_restored": calc.points_restored.amount}
    assert {k: got[k] for k in case.expect} == case.expect
    assert got["points_restored"] == calc.points_back
    for name, rule in case.rules.items():
        assert getattr(calc, name).rule == rule
    assert all(getattr(calc, n).text_ko for n in ("product", "return_fee", "coupon_recovered"))
    # one claim on an order paid in full: settling leaves exactly −total outstanding
    assert calc.outstanding_after == -calc.total
    settled = settle(order, calc, "refund" if calc.total >= 0 else "request", ADMIN, LATER).order
    assert settled.outstanding == -calc.total
    assert settled.claims[cid].settlement_id and settled.claims[cid].points_back == calc.points_back
    assert 0 <= coupon_benefit(settled) <= settled.coupon_total


def _settle(order: Order, cid: str, basis: str = "paid", settings: RefundSettings = FEE,
            **kw: Any) -> tuple[Order, Calculation]:
    calc = calculate(order, cid, basis, settings, **kw)  # type: ignore[arg-type]
    direction: Direction = "refund" if calc.outstanding_after <= 0 else "request"
    return settle(order, calc, direction, ADMIN, LATER).order, calc


def _refund_cash(order: Order) -> Order:
    """The service refunds the negative balance through the PG: modelled on the order's totals."""
    out = order.clone()
    refund(out, -order.outstanding)
    assert out.outstanding == 0
    return out


def test_several_claims_on_one_order_whole_coupon_recovered_once() -> None:
    settings = RefundSettings(return_shipping_fee=3000, coupon_recovery="whole_when_minimum_broken")
    order, c1 = claimed(delivered(standard()), "return", [("L001", 1)])
    # first: 9,800 − whole coupon 5,000 − fee 3,000 = 1,800 (as in "original-minimum-broken")
    order, calc1 = _settle(order, c1, "original", settings, coupon_min_order_amount=45000)
    assert calc1.total == 1800
    order = _refund_cash(order)
    # second: 바지 returned, 원판매가: 30,000 − points 600 = 29,400; the coupon was recovered whole
    # already (benefit left: 셔츠 unit 1,000 + credit 1,000 − recovered 5,000 = −3,000, so of its 3,000
    # share nothing more is taken); fee 3,000: 29,400 − 3,000 = 26,400.
    order, c2 = claimed(order, "return", [("L002", 1)])
    order, calc2 = _settle(order, c2, "original", settings, coupon_min_order_amount=45000)
    assert (calc2.product.amount, calc2.coupon_recovered.amount, calc2.total) == (29400, 0, 26400)
    order = _refund_cash(order)
    # By hand: the buyer keeps one 셔츠 (10,000, no coupon any more, 200 points) and paid two return
    # fees: 9,800 + 6,000 = 15,800 cash kept of the 47,000 − 3,000 shipping… plus shipping 3,000:
    # 47,000 − 1,800 − 26,400 = 18,800 = 9,800 + 6,000 + 3,000.
    assert order.net_paid == 18800
    assert coupon_benefit(order) == 0
    assert sum(c.points_back for c in order.claims.values()) == 800


def test_paid_basis_after_a_whole_recovery_gives_the_share_back() -> None:
    settings = RefundSettings(return_shipping_fee=3000, coupon_recovery="whole_when_minimum_broken")
    order, c1 = claimed(delivered(standard()), "return", [("L001", 1)])
    order, _ = _settle(order, c1, "original", settings, coupon_min_order_amount=45000)
    order, c2 = claimed(_refund_cash(order), "return", [("L002", 1)])
    # 실결제가 26,400 already lacks 바지's 3,000 coupon share, which the first claim recovered:
    # it is given back (coupon −3,000): 26,400 + 3,000 − fee 3,000 = 26,400 — the same as 원판매가.
    calc = calculate(order, c2, "paid", settings, coupon_min_order_amount=45000)
    assert (calc.coupon_recovered.amount, calc.coupon_recovered.rule, calc.total) == (
        -3000, "coupon.already_recovered", 26400)


def test_exchange_to_another_product_accumulates_into_a_payment_request() -> None:
    # 바지 (paid 26,400) exchanged for a 코트 35,000: add the 코트 (+35,000), return the 바지 (buyer fault,
    # fee 3,000: 26,400 − 3,000 = 23,400 back). Net: 35,000 − 23,400 = 11,600 to request.
    order = delivered(standard())
    order = add_line(order, coat(), ADMIN, LATER).order
    assert order.outstanding == 35000
    order, cid = claimed(order, "return", [("L002", 1)], Reason.COLOR_AND_SIZE)
    assert order.outstanding == 35000 - 26400
    calc = calculate(order, cid, "paid", FEE)
    assert (calc.total, calc.outstanding_after, calc.direction) == (23400, 11600, "request")
    with pytest.raises(DomainError) as err:
        settle(order, calc, "refund", ADMIN, LATER)
    assert err.value.code == "SETTLE_DIRECTION_MISMATCH"
    assert settle(order, calc, "request", ADMIN, LATER).order.outstanding == 11600


def _refused(fn: Callable[[], object], order: Order) -> str:
    before = order.clone()
    with pytest.raises(DomainError) as err:
        fn()
    assert order == before
    return err.value.code


def test_calculation_and_settle_refusals() -> None:
    order, cid = claimed(delivered(standard()), "return", [("L001", 1)], complete=False)
    calc = calculate(order, cid, "paid", FEE)  # a preview of an open claim is allowed
    assert calc.total == 5800 and calc.outstanding_after == -5800
    assert _refused(lambda: settle(order, calc, "refund", ADMIN, LATER), order) == "CLAIM_NOT_COMPLETED"
    assert _refused(lambda: calculate(order, "C099", "paid", FEE), order) == "CLAIM_NOT_FOUND"
    assert _refused(lambda: calculate(order, cid, "gross", FEE), order) == "REFUND_BASIS_INVALID"  # type: ignore[arg-type]
    assert _refused(lambda: calculate(order, cid, "paid", FEE, adjustment=100), order) == "ADJUSTMENT_REASON_REQUIRED"
    done, cid = claimed(delivered(standard()), "return", [("L001", 1)])
    calc = calculate(done, cid, "paid", FEE)
    assert _refused(lambda: settle(done, calc, "refund", BUYER, LATER), done) == "SETTLE_ADMIN_ONLY"
    assert _refused(lambda: settle(done, calc, "request", ADMIN, LATER), done) == "SETTLE_DIRECTION_MISMATCH"
    stale = done.clone()
    stale.version += 1
    assert _refused(lambda: settle(stale, calc, "refund", ADMIN, LATER), stale) == "CALCULATION_STALE"
    big = calculate(done, cid, "paid", FEE, adjustment=50000, adjustment_reason="과다")
    assert _refused(lambda: settle(done, big, "refund", ADMIN, LATER), done) == "REFUND_EXCEEDS_PAID"
    settled = settle(done, calc, "refund", ADMIN, LATER).order
    assert _refused(lambda: settle(settled, calc, "refund", ADMIN, LATER), settled) == "CLAIM_ALREADY_SETTLED"
    assert _refused(lambda: calculate(settled, cid, "paid", FEE), settled) == "CLAIM_ALREADY_SETTLED"


def test_settle_posts_each_charge_as_an_event() -> None:
    order, cid = claimed(delivered(standard()), "return", [("L001", 1)])
    settings = RefundSettings(return_shipping_fee=3000, coupon_recovery="pro_rata")
    calc = calculate(order, cid, "original", settings, adjustment=-500, adjustment_reason="포장 훼손")
    change = settle(order, calc, "refund", ADMIN, LATER)
    kinds = [(c.kind, c.amount) for c in change.order.charges]
    # basis difference −1,000 (the coupon share refunded as cash), coupon recovered +1,000, fee +3,000,
    # adjustment +500 (a −500 adjustment is a charge of +500): Σ 3,500; 8,800 − 3,500 = 5,300.
    assert kinds == [("basis_difference", -1000), ("coupon_recovery", 1000), ("return_fee", 3000), ("adjustment", 500)]
    assert [c.charge_id for c in change.order.charges] == ["F001", "F002", "F003", "F004"]
    assert change.order.outstanding == -5300 == -calc.total
    assert [e.kind for e in change.events] == ["charge_added"] * 4 + ["claim_settled"]
    assert all(e.data["text_ko"] for e in change.events)
    assert order.charges == []


@pytest.mark.parametrize("second_basis", ["original", "paid"])
def test_no_coupon_outlives_the_purchase(second_basis: str) -> None:
    # 셔츠 10,000 + 셔츠 10,000 as two lines, coupon 10,000 (5,000 each): paid 5,000 + 5,000 + shipping
    # 3,000 = 13,000. Policy "none", shop's fault (파손), 원판매가.
    settings = RefundSettings(coupon_recovery="none")
    order = delivered(order_of(shirt(1), shirt(1), coupon=10000))
    assert order.paid_total == 13000
    # 1st: 10,000 back (the unit's 5,000 coupon share refunded as cash; the other unit still carries its
    # 5,000 coupon, within its 10,000).
    order, c1 = claimed(order, "return", [("L001", 1)], Reason.BROKEN)
    order, calc1 = _settle(order, c1, "original", settings)
    assert (calc1.coupon_recovered.amount, calc1.total) == (0, 10000)
    order = _refund_cash(order)
    # 2nd: nothing is left to carry a coupon, so the 10,000 benefit (5,000 cash credit + 5,000 share) is
    # recovered: 원판매가 10,000 − 10,000 = 0, or 실결제가 5,000 − 5,000 = 0. The buyer kept 3,000 = shipping.
    order, c2 = claimed(order, "return", [("L002", 1)], Reason.BROKEN)
    order, calc2 = _settle(order, c2, second_basis, settings)
    assert (calc2.coupon_recovered.rule, calc2.total) == ("coupon.exceeds_remaining", 0)
    assert calc2.coupon_recovered.amount == (10000 if second_basis == "original" else 5000)
    assert order.outstanding == 0 and order.net_paid == 3000 and coupon_benefit(order) == 0


def test_the_answer_is_itemised_json() -> None:
    import json

    order, cid = claimed(delivered(standard()), "return", [("L001", 1)])
    out = calculate(order, cid, "paid", FEE).as_dict()
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out
    assert out["product"] == {"amount": 8800, "rule": "basis.paid", "text_ko": out["product"]["text_ko"]}
    fee = {"kind": "return_fee", "amount": 3000, "reason_ko": "반품배송비 3,000원 (단순변심)",
           "rule": "return_fee.buyer_fault"}
    assert out["total"] == 5800 and out["charges"] == [fee]
    assert set(out) >= {"shipping_refunded", "return_fee", "initial_shipping", "coupon_recovered", "points_restored",
                        "adjustment", "points_back", "direction", "outstanding_after"}
