"""교환 옵션: an exchange to another option of the same product (another size or colour).

The claim names the replacement option (:class:`~oms.domain.claim_records.Replacement`). Its stock
is taken when the shop accepts the exchange: an admin's request at once, a buyer's request at the
admin's first step (→ 수거중), where the admin confirms the option price the buyer's request did not
carry. An accepted exchange that is rejected or withdrawn gives that stock back. Completing it
gives the returned option's stock back and the replacement line (``moves``) carries the new
option, its price and its SKUs, so the balance owes the option difference from then on like any
line; the refund calculation itemises it (:func:`difference`). Pure, like ``oms.domain.claims``:
the functions change the order of a :class:`Change` being built, or raise before anything differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from oms.domain.claim_records import Claim, Replacement
from oms.domain.errors import DomainError
from oms.domain.order import Actor, Change, Event, Line, Option, Order
from oms.domain.pricing import LineInput, stock_keys_for

FIELD = "exchange_option"


@dataclass(frozen=True)
class ExchangeOption:
    """What a claim request names: the options (name, value, price) and, optionally, the product code
    (it must be the claimed lines'). A buyer's request carries no price: the admin confirms it."""

    options: list[Option] = field(default_factory=list)
    product_code: str | None = None

    @property
    def option_price(self) -> int:
        return sum(o.price for o in self.options)


def _refuse(code: str, message_ko: str, **extra: object) -> DomainError:
    return DomainError(code, message_ko, status=422, field=FIELD, extra=extra or None)


def _won(n: int) -> str:
    return f"{n:+,}원"


def _price_text(r: Replacement) -> str:
    return "옵션 금액 확인 전" if r.option_price is None else f"옵션 추가금액 {r.option_price:,}원"


def name_replacement(order: Order, claim_type: str, line_ids: list[str], options: list[Option],
                     option_price: int | None, product_code: str | None = None) -> Replacement:
    """The replacement an exchange of ``line_ids`` names: the same product (``product_code``, when
    given, must be the claimed lines'), other option values, ``option_price`` (None: to be confirmed
    by the admin). Refused unless the claim is an exchange of one product, the options are named
    once each with prices >= 0, and they differ from the claimed units' option."""
    if claim_type != "exchange":
        raise _refuse("EXCHANGE_OPTION_NOT_EXCHANGE", "교환 옵션은 교환 클레임에만 지정할 수 있습니다.")
    lines = [order.line(lid) for lid in line_ids]
    codes = {line.product_code for line in lines}
    if len(codes) != 1 or (product_code is not None and product_code not in codes):
        raise _refuse("EXCHANGE_OPTION_OTHER_PRODUCT",
                      "교환 옵션은 같은 상품의 다른 옵션이어야 합니다. "
                      "다른 상품으로의 교환은 반품 후 상품 추가로 처리하세요.",
                      product_codes=sorted(codes), requested=product_code)
    if not options or len({o.name for o in options}) != len(options):
        raise _refuse("EXCHANGE_OPTION_INVALID", "교환 옵션의 옵션명을 하나씩 입력하세요.")
    if any(o.price < 0 for o in options) or (option_price is not None and option_price < 0):
        raise _refuse("EXCHANGE_OPTION_PRICE_INVALID", "옵션 추가금액은 0 이상이어야 합니다.")
    first = lines[0]
    keys = stock_keys_for(LineInput(first.product_code, first.product_name, first.kind, 1, first.unit_price,
                                    options=list(options), combination=first.combination))
    same = all(sorted((o.name, o.value) for o in line.options) == sorted((o.name, o.value) for o in options)
               for line in lines)
    if same:
        raise _refuse("EXCHANGE_OPTION_SAME",
                      "교환 옵션이 주문한 옵션과 같습니다. 같은 옵션으로 교환할 때는 교환 옵션을 지정하지 않습니다.")
    return Replacement(first.product_code, tuple(Option(o.name, o.value, o.price) for o in options),
                       option_price, tuple(keys))


def _quantity(claim: Claim) -> int:
    return sum(i.quantity for i in claim.items)


def _confirm_price(order: Order, claim: Claim, rep: Replacement, price: int | None) -> Replacement:
    if price is None:
        if rep.option_price is None:
            raise _refuse("EXCHANGE_OPTION_PRICE_REQUIRED",
                          "구매자가 요청한 교환 옵션의 옵션 추가금액을 입력한 뒤 수거를 시작하세요.",
                          claim_id=claim.claim_id)
        return rep
    if price < 0:
        raise _refuse("EXCHANGE_OPTION_PRICE_INVALID", "옵션 추가금액은 0 이상이어야 합니다.")
    options = tuple(Option(o.name, o.value, price if i == 0 else 0) for i, o in enumerate(rep.options))
    return replace(rep, options=options, option_price=price)


def _check_payable(order: Order, claim: Claim, price: int) -> None:
    for item in claim.items:
        line = order.line(item.line_id)
        discounts = line.product_discount + line.coupon_discount + line.points_used
        if (line.unit_price + price) * line.quantity < discounts:
            raise _refuse("EXCHANGE_OPTION_PRICE_TOO_LOW",
                          "교환 옵션의 금액이 품목에 적용된 할인보다 작습니다. 관리자 조정으로 처리하세요.",
                          line_id=line.line_id)


def _accepted_event(claim: Claim, rep: Replacement, actor: Actor, at: str) -> Event:
    text = (f"교환 {claim.claim_id} 교환 옵션 {rep.option_text()} ({_price_text(rep)}) 확정 — "
            f"교환 상품 {_quantity(claim)}개 재고 차감")
    return Event("exchange_option_accepted", actor, at, {
        "claim_id": claim.claim_id, "options": [vars(o).copy() for o in rep.options],
        "option_price": rep.option_price, "quantity": _quantity(claim), "text_ko": text})


def accept(order: Order, claim_id: str, actor: Actor, at: str, option_price: int | None = None) -> Event:
    """The shop accepts the exchange to the named option: the price confirmed (``option_price`` when
    given), ``accepted_at`` stamped (the service takes the stock in the same transaction). ``order``
    is the clone being changed; answers the event to record."""
    claim = order.claims[claim_id]
    rep = claim.replacement
    if rep is None or rep.accepted_at is not None:
        raise _refuse("EXCHANGE_OPTION_PRICE_NOT_APPLICABLE",
                      "옵션 추가금액은 구매자가 요청한 교환 옵션을 수거 시작할 때만 입력합니다.", claim_id=claim_id)
    rep = _confirm_price(order, claim, rep, option_price)
    assert rep.option_price is not None
    _check_payable(order, claim, rep.option_price)
    claim.replacement = replace(rep, accepted_at=at)
    return _accepted_event(claim, claim.replacement, actor, at)


def on_request(change: Change, claim_id: str, rep: Replacement | None, actor: Actor, at: str) -> Change:
    """Record the named replacement on the new claim; an admin's request is the shop's acceptance."""
    if rep is None:
        return change
    claim = change.order.claims[claim_id]
    if actor.kind != "admin":
        rep = replace(rep, options=tuple(Option(o.name, o.value, 0) for o in rep.options), option_price=None)
    claim.replacement = rep
    if actor.kind != "admin":
        change.events.append(Event("exchange_option_requested", actor, at, {
            "claim_id": claim_id, "options": [vars(o).copy() for o in rep.options],
            "text_ko": f"교환 {claim_id} 교환 옵션 요청: {rep.option_text()} (옵션 금액은 관리자 확인 후 확정)"}))
        return change
    change.events.append(accept(change.order, claim_id, actor, at))
    return change


def after_step(change: Change, claim_id: str, to: str, actor: Actor, at: str,
               option_price: int | None = None) -> Change:
    """A claim step's part for the replacement: the admin's first step (→ collecting) accepts a
    buyer's request (``option_price`` confirms its price); rejecting or withdrawing an accepted one
    gives its stock back."""
    claim = change.order.claims[claim_id]
    rep = claim.replacement
    if to == "collecting" and rep is not None and rep.accepted_at is None:
        change.events.append(accept(change.order, claim_id, actor, at, option_price))
    elif option_price is not None:
        raise _refuse("EXCHANGE_OPTION_PRICE_NOT_APPLICABLE",
                      "옵션 추가금액은 구매자가 요청한 교환 옵션을 수거 시작할 때만 입력합니다.", claim_id=claim_id)
    elif to in ("rejected", "withdrawn") and rep is not None and rep.accepted_at is not None:
        for key in rep.stock_keys:
            change.stock_restore[key] = change.stock_restore.get(key, 0) + _quantity(claim)
    return change


def on_complete(change: Change, claim_id: str) -> Change:
    """The replacement lines of a completed exchange carry the named option (options, price, SKUs)
    and the returned option's stock comes back (the same option: nothing, as before)."""
    claim = change.order.claims[claim_id]
    rep = claim.replacement
    if rep is None:
        return change
    order = change.order
    for event in change.events:
        if event.kind != "exchange_replacement":
            continue
        new: Line = order.line(event.data["line_id"])
        old = order.line(event.data["exchange_of"])
        for key in old.stock_keys:
            change.stock_restore[key] = change.stock_restore.get(key, 0) + old.quantity
        new.options = [Option(o.name, o.value, o.price) for o in rep.options]
        new.option_price = rep.option_price or 0
        new.stock_keys = list(rep.stock_keys)
        event.data["options"] = [vars(o).copy() for o in rep.options]
        event.data["text_ko"] = (f"교환 상품 {new.product_name} ({new.option_text()}) {new.quantity}개가 "
                                 f"상품준비로 생성되었습니다.")
        change.touched_lines.add(new.line_id)
    return change


def difference(order: Order, claim: Claim) -> int:
    """옵션 차액: Σ (replacement option price − the claimed units' option price) × units (> 0 the
    buyer owes more, < 0 a credit); 0 without a replacement or while its price is unconfirmed."""
    rep = claim.replacement
    if rep is None or rep.option_price is None:
        return 0
    return sum((rep.option_price - order.line(i.line_id).option_price) * i.quantity for i in claim.items)


def difference_text(order: Order, claim: Claim) -> str:
    rep = claim.replacement
    if rep is None:
        return "같은 옵션으로 교환: 옵션 차액 없음"
    if rep.option_price is None:
        return f"교환 옵션 {rep.option_text()}: 옵션 금액 확인 전"
    parts = [f"({rep.option_price:,}원 − {order.line(i.line_id).option_price:,}원) × {i.quantity}개"
             for i in claim.items]
    return f"옵션 차액 {_won(difference(order, claim))} = " + " + ".join(parts) + f" ({rep.option_text()})"
