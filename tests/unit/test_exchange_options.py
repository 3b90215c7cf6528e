"""교환 옵션: an exchange to another option of the same product (another size or colour).

The worked example: 티셔츠 39,000원 (사이즈: M, option +0) × 2 delivered, exchanged for 사이즈: L
(option +3,000원) because the buyer changed their mind (buyer's fault, fee 3,000원 each way):
  option difference (3,000 − 0) × 2 = +6,000원 (the replacement line's price carries it)
  exchange fee 3,000 × 2 ways        = +6,000원 (a charge posted by settling)
  balance after settling             = +12,000원 (the buyer owes it: 결제요청)
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.domain.claims import Collection, Reason, advance_claim, complete_claim, request_claim
from oms.domain.errors import DomainError
from oms.domain.exchange_options import ExchangeOption, difference
from oms.domain.order import Actor, Option, Order
from oms.domain.pricing import LineInput
from oms.domain.refunds import RefundSettings, calculate, settle
from oms.domain.statuses import ProductKind
from oms.domain.statuses import Status as S
from tests.claims_support import ADMIN, AT, BUYER, LATER, delivered, order_of, pants, shirt

FEE = RefundSettings(return_shipping_fee=3000, base_shipping_fee=3000)
LARGE = ExchangeOption([Option("사이즈", "L", 3000)])


def tee(size: str = "M", price: int = 0, quantity: int = 2) -> LineInput:
    """티셔츠 39,000원, one non-combination option 사이즈."""
    return LineInput("TEE", "티셔츠", ProductKind.PHYSICAL, quantity, 39000, options=[Option("사이즈", size, price)])


def tee_order(size: str = "M", price: int = 0, quantity: int = 2) -> Order:
    return delivered(order_of(tee(size, price, quantity)))


def exchange(order: Order, option: ExchangeOption = LARGE, *, actor: Actor = ADMIN,
             reason: Reason = Reason.INTENT_CHANGED, quantity: int = 2) -> Order:
    return request_claim(order, "exchange", [("L001", quantity)], reason, actor, AT,
                         exchange_option=option).order


def collect_and_complete(order: Order, cid: str = "C001", price: int | None = None) -> Order:
    order = advance_claim(order, cid, "collecting", ADMIN, AT, collection=Collection("courier", "CJ", "1"),
                          exchange_option_price=price).order
    order = advance_claim(order, cid, "collected", ADMIN, AT).order
    return complete_claim(order, cid, ADMIN, LATER).order


def test_admin_request_names_the_option_and_accepts_it_at_once() -> None:
    order = tee_order()
    change = request_claim(order, "exchange", [("L001", 2)], Reason.INTENT_CHANGED, ADMIN, AT, exchange_option=LARGE)
    rep = change.order.claims["C001"].replacement
    assert rep is not None
    assert (rep.product_code, rep.option_price, rep.stock_keys, rep.accepted_at) == ("TEE", 3000, ("TEE|사이즈=L",), AT)
    assert [o.value for o in rep.options] == ["L"]
    assert "exchange_option_accepted" in [e.kind for e in change.events]
    assert change.stock_restore == {}


def test_completion_creates_the_replacement_line_with_the_new_option_and_restocks_the_old() -> None:
    order = exchange(tee_order())
    order = advance_claim(order, "C001", "collecting", ADMIN, AT).order
    order = advance_claim(order, "C001", "collected", ADMIN, AT).order
    order.line("L001").stock_keys = ["TEE|사이즈=M"]
    done = complete_claim(order, "C001", ADMIN, LATER)
    new = done.order.line("L002")
    assert (new.status, new.exchange_of, new.shipment_id, new.quantity) == (S.PREPARING, "L001", None, 2)
    assert [(o.name, o.value, o.price) for o in new.options] == [("사이즈", "L", 3000)]
    assert new.option_price == 3000 and new.stock_keys == ["TEE|사이즈=L"]
    assert new.gross == (39000 + 3000) * 2 == 84000
    assert done.stock_restore == {"TEE|사이즈=M": 2}  # the returned M comes back
    # the original line keeps its option
    assert done.order.line("L001").options[0].value == "M"


def test_money_example_option_difference_and_exchange_fee_both_ways() -> None:
    order = collect_and_complete(exchange(tee_order()))
    # voided L001 78,000 → replacement L002 (39,000 + 3,000) × 2 = 84,000: the balance owes +6,000 at once
    assert order.outstanding == 6000
    calc = calculate(order, "C001", "paid", FEE)
    assert (calc.option_difference.amount, calc.option_difference.rule) == (6000, "exchange.option_difference")
    assert "(3,000원 − 0원) × 2개" in calc.option_difference.text_ko
    assert (calc.return_fee.amount, calc.return_fee.rule) == (6000, "exchange_fee.both_ways")  # 3,000 × 2 ways
    assert calc.product.amount == 0
    assert calc.total == -6000 - 6000 == -12000
    assert [(c.kind, c.amount) for c in calc.charges] == [("exchange_fee", 6000)]  # the difference is no charge
    assert (calc.outstanding_after, calc.direction) == (12000, "request")
    assert calc.as_dict()["option_difference"]["amount"] == 6000
    settled = settle(order, calc, "request", ADMIN, LATER).order
    assert settled.outstanding == 6000 + 6000 == 12000


def test_the_calculation_before_completion_shows_the_same_balance() -> None:
    order = exchange(tee_order())
    calc = calculate(order, "C001", "paid", FEE)
    assert (calc.option_difference.amount, calc.outstanding_after) == (6000, 12000)


def test_a_cheaper_option_is_a_credit_and_shop_fault_charges_no_fee() -> None:
    order = tee_order(size="XL", price=2000)
    order = exchange(order, ExchangeOption([Option("사이즈", "M", 0)]), reason=Reason.WRONG_DELIVERY)
    order = collect_and_complete(order)
    # (0 − 2,000) × 2 = −4,000: the buyer is owed it; no fee (the shop's fault)
    assert order.outstanding == -4000
    calc = calculate(order, "C001", "paid", FEE)
    assert (calc.option_difference.amount, calc.return_fee.amount, calc.total) == (-4000, 0, 4000)
    assert calc.direction == "refund"


def test_same_option_exchange_is_unchanged() -> None:
    order = delivered(order_of(tee()))
    order = request_claim(order, "exchange", [("L001", 2)], Reason.BROKEN, ADMIN, AT).order
    order = collect_and_complete(order)
    new = order.line("L002")
    assert new.options[0].value == "M" and order.outstanding == 0
    calc = calculate(order, "C001", "paid", FEE)
    assert (calc.option_difference.amount, calc.option_difference.rule) == (0, "exchange.same_option")


def test_buyer_request_carries_no_price_until_the_admin_confirms_it_at_collection() -> None:
    order = exchange(tee_order(), ExchangeOption([Option("사이즈", "L", 99999)]), actor=BUYER,
                     reason=Reason.COLOR_AND_SIZE)
    rep = order.claims["C001"].replacement
    assert rep is not None and (rep.option_price, rep.accepted_at) == (None, None)
    assert [o.price for o in rep.options] == [0]  # a price the buyer sent is not taken
    assert calculate(order, "C001", "paid", FEE).option_difference.amount == 0
    with pytest.raises(DomainError) as err:
        advance_claim(order, "C001", "collecting", ADMIN, AT)
    assert err.value.code == "EXCHANGE_OPTION_PRICE_REQUIRED"
    change = advance_claim(order, "C001", "collecting", ADMIN, LATER, exchange_option_price=3000)
    rep = change.order.claims["C001"].replacement
    assert rep is not None and (rep.option_price, rep.accepted_at) == (3000, LATER)
    assert "exchange_option_accepted" in [e.kind for e in change.events]
    with pytest.raises(DomainError) as err:  # accepted once: no second price
        advance_claim(change.order, "C001", "collected", ADMIN, AT, exchange_option_price=1000)
    assert err.value.code == "EXCHANGE_OPTION_PRICE_NOT_APPLICABLE"


def test_withdrawing_or_rejecting_an_accepted_exchange_gives_its_stock_back() -> None:
    order = exchange(tee_order())
    back = advance_claim(order, "C001", "withdrawn", ADMIN, AT, reason="고객 요청")
    assert back.stock_restore == {"TEE|사이즈=L": 2}
    buyer_asked = exchange(tee_order(), ExchangeOption([Option("사이즈", "L")]), actor=BUYER)
    assert advance_claim(buyer_asked, "C001", "withdrawn", BUYER, AT, reason="취소").stock_restore == {}
    accepted = advance_claim(buyer_asked, "C001", "collecting", ADMIN, AT, exchange_option_price=0).order
    rejected = advance_claim(accepted, "C001", "rejected", ADMIN, AT, reason="재고 없음")
    assert rejected.stock_restore.get("TEE|사이즈=L") == 2


@pytest.mark.parametrize(("make", "code"), [
    (lambda o: request_claim(o, "return", [("L001", 2)], Reason.INTENT_CHANGED, ADMIN, AT, exchange_option=LARGE),
     "EXCHANGE_OPTION_NOT_EXCHANGE"),
    (lambda o: request_claim(o, "exchange", [("L001", 2)], Reason.INTENT_CHANGED, ADMIN, AT,
                             exchange_option=ExchangeOption([Option("사이즈", "L")], product_code="COAT")),
     "EXCHANGE_OPTION_OTHER_PRODUCT"),
    (lambda o: request_claim(o, "exchange", [("L001", 2)], Reason.INTENT_CHANGED, ADMIN, AT,
                             exchange_option=ExchangeOption([Option("사이즈", "M")])),
     "EXCHANGE_OPTION_SAME"),
    (lambda o: request_claim(o, "exchange", [("L001", 2)], Reason.INTENT_CHANGED, ADMIN, AT,
                             exchange_option=ExchangeOption([Option("사이즈", "L"), Option("사이즈", "S")])),
     "EXCHANGE_OPTION_INVALID"),
    (lambda o: request_claim(o, "exchange", [("L001", 2)], Reason.INTENT_CHANGED, ADMIN, AT,
                             exchange_option=ExchangeOption([Option("사이즈", "L", -1)])),
     "EXCHANGE_OPTION_PRICE_INVALID"),
])
def test_refusals_leave_the_order_unchanged(make, code) -> None:  # type: ignore[no-untyped-def]
    order = tee_order()
    before = order.clone()
    with pytest.raises(DomainError) as err:
        make(order)
    assert err.value.code == code and err.value.field == "exchange_option"
    assert order.lines == before.lines and order.claims == before.claims


def test_claim_over_two_products_cannot_name_one_option() -> None:
    order = delivered(order_of(shirt(), pants()))
    with pytest.raises(DomainError) as err:
        request_claim(order, "exchange", [("L001", 2), ("L002", 1)], Reason.INTENT_CHANGED, ADMIN, AT,
                      exchange_option=ExchangeOption([Option("색상", "검정")]))
    assert err.value.code == "EXCHANGE_OPTION_OTHER_PRODUCT"


def test_combination_option_is_one_sku() -> None:
    line = LineInput("TEE", "티셔츠", ProductKind.PHYSICAL, 1, 39000, combination=True,
                     options=[Option("색상", "흰색"), Option("사이즈", "M")])
    order = delivered(order_of(line))
    change = request_claim(order, "exchange", [("L001", 1)], Reason.INTENT_CHANGED, ADMIN, AT,
                           exchange_option=ExchangeOption([Option("색상", "검정"), Option("사이즈", "M")]))
    rep = change.order.claims["C001"].replacement
    assert rep is not None and rep.stock_keys == ("TEE|색상=검정|사이즈=M",)


@given(old=st.integers(0, 50_000), new=st.integers(0, 50_000), units=st.integers(1, 3))
def test_option_difference_sign_follows_the_prices(old: int, new: int, units: int) -> None:
    order = tee_order(price=old, quantity=units, size="M")
    order = exchange(order, ExchangeOption([Option("사이즈", "L", new)]), quantity=units)
    diff = difference(order, order.claims["C001"])
    assert diff == (new - old) * units
    assert (diff > 0) == (new > old) and (diff < 0) == (new < old)


def test_the_replacement_survives_the_header_codec() -> None:
    from oms.store.codec import claim_from_dict, claim_to_dict

    claim = exchange(tee_order()).claims["C001"]
    back = claim_from_dict(claim_to_dict(claim))
    assert back.replacement == claim.replacement and back == claim
