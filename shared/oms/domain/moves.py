"""Moving units through the per-unit status machine (docs/domain.md: "Product kinds", "Units and their
statuses"): rules, splits, closing.

``apply_moves`` is all or nothing: every move is checked before the returned order differs from
the one given, and a refusal raises :class:`DomainError` naming the line and the rule.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from oms.domain.closing import update_closed
from oms.domain.errors import DomainError
from oms.domain.josa import josa
from oms.domain.money import allocate, split_amount
from oms.domain.order import Actor, Change, Event, Line, Order, changed_lines
from oms.domain.statuses import (
    CLAIM_FLOWS,
    CLAIM_REQUESTS,
    MAIN_FLOW,
    RESTOCKING,
    Status,
)


def mark_paid(order: Order, *, at: str, actor: Actor) -> list[Event]:
    """Payment completed: pending units go to `preparing`, non-physical ones straight to `confirmed`
    (purchase confirmation at payment), and an order left with only terminal lines closes."""
    events: list[Event] = []
    for line in order.lines:
        if line.status is not Status.PAYMENT_PENDING:
            continue
        to = Status.PREPARING if line.kind.shipped else Status.CONFIRMED
        events.append(_status_event(line, line.quantity, line.status, to, None, actor, at))
        line.status = to
        line.status_changed_at = at
        if to is Status.CONFIRMED:
            line.confirmed_at = at
            line.confirmed_by = "payment"
    update_closed(order, events, actor, at)
    return events


@dataclass(frozen=True)
class Move:
    line_id: str
    to: Status
    quantity: int | None = None  # None = the whole line


def _refuse(code: str, message_ko: str, line: Line | None = None, **extra: Any) -> DomainError:
    if line is not None:
        extra = {"line_id": line.line_id, **extra}
    return DomainError(code, message_ko, extra=extra)


def _main_index(status: Status) -> int | None:
    return MAIN_FLOW.index(status) if status in MAIN_FLOW else None


#: What a buyer may do from the my page: confirm delivered units, ask to cancel before shipping, ask to
#: return or exchange delivered units, and withdraw their own request. Everything else is the shop's.
_BUYER_MOVES = frozenset({
    (Status.DELIVERED, Status.CONFIRMED),
    (Status.PAYMENT_PENDING, Status.CANCEL_REQUESTED),
    (Status.PREPARING, Status.CANCEL_REQUESTED),
    (Status.DELIVERED, Status.RETURN_REQUESTED),
    (Status.DELIVERED, Status.EXCHANGE_REQUESTED),
})


def _buyer_may(line: Line, frm: Status, to: Status) -> bool:
    return (frm, to) in _BUYER_MOVES or (frm in CLAIM_REQUESTS and to is line.claim_origin)


def check_transition(order: Order, line: Line, to: Status, actor: Actor) -> None:
    """Raise if moving ``line``'s units to ``to`` breaks a rule of docs/domain.md ("Product kinds",
    "Units and their statuses"), or is not the buyer's to make (the rule's own refusal comes first,
    it names the reason better)."""
    _check_rules(order, line, to, actor)
    claim_move = any(to in flow for flow in CLAIM_FLOWS.values()) or line.status in CLAIM_REQUESTS
    if line.external_id and claim_move and not actor.id.startswith("channel:"):
        raise _refuse("CHANNEL_CLAIM_ON_CHANNEL",
                      "네이버 주문의 취소·반품·교환은 네이버에서 접수되며, 여기서는 승인·거부·보류로 처리합니다.", line)
    if actor.kind == "buyer" and not _buyer_may(line, line.status, to):
        raise _refuse("BUYER_NOT_ALLOWED",
                      f"구매자는 {line.status.ko}에서 {josa(to.ko, '으로/로')} 변경할 수 없습니다.", line)


def _check_rules(order: Order, line: Line, to: Status, actor: Actor) -> None:
    frm = line.status
    if frm is to:
        raise _refuse("SAME_STATUS", f"이미 {to.ko} 상태입니다.", line)
    if order.closed:
        raise _refuse(
            "ORDER_CLOSED",
            "거래가 종료된 주문입니다. 거래 재개 후 처리하세요.",
            line,
        )
    if frm in (Status.CANCELLED, Status.RETURNED, Status.EXCHANGED):
        raise _refuse("LINE_IN_FINAL_STATUS", f"{frm.ko} 상태의 품목은 변경할 수 없습니다.", line)

    if not line.kind.shipped:
        if to is Status.CANCEL_REQUESTED or (frm is Status.CANCEL_REQUESTED and to is Status.CANCELLED):
            if actor.kind == "buyer":
                raise _refuse(
                    "NON_PHYSICAL_ADMIN_CANCEL_ONLY", "비실물상품은 관리자만 취소할 수 있습니다.", line
                )
            return
        if frm is Status.CANCEL_REQUESTED and to is line.claim_origin:
            return
        if to in (Status.RETURN_REQUESTED, Status.EXCHANGE_REQUESTED):
            raise _refuse(
                "NON_PHYSICAL_NOT_RETURNABLE",
                "비실물상품(디지털/회원그룹 이용권)은 반품·교환할 수 없습니다. 관리자 취소만 가능합니다.",
                line,
            )
        raise _refuse("NOT_SHIPPABLE", "비실물상품은 배송 단계를 거치지 않습니다.", line)

    # claims: request, progress, or withdraw
    for flow in CLAIM_FLOWS.values():
        if frm in flow:
            i = flow.index(frm)
            if i + 1 < len(flow) and flow[i + 1] is to:
                return
            if i > 0 and flow[i - 1] is to:
                if actor.kind != "admin":
                    raise _refuse("STEP_BACK_ADMIN_ONLY", "이전 단계로 되돌리기는 관리자만 할 수 있습니다.", line)
                return  # one step back inside the claim
            if frm in CLAIM_REQUESTS and to is line.claim_origin:
                return  # withdraw the claim
            raise _refuse(
                "STEP_SKIP_NOT_ALLOWED",
                f"{frm.ko}에서 {josa(to.ko, '으로/로')} 변경할 수 없습니다. 단계별로 처리하세요.",
                line,
                **{"from": frm.value, "to": to.value},
            )

    if to is Status.CANCEL_REQUESTED:
        if frm in (Status.SHIPPING, Status.DELIVERED, Status.CONFIRMED):
            raise _refuse(
                "CANCEL_NOT_ALLOWED_AFTER_SHIPPING",
                "배송이 시작된 품목은 취소할 수 없습니다. 반품으로 처리하세요.",
                line,
            )
        if order.tracking_of(line):
            raise _refuse(
                "CANCEL_NOT_ALLOWED_WITH_TRACKING",
                "송장번호가 등록된 품목은 취소할 수 없습니다. 반품으로 처리하거나 송장을 먼저 삭제하세요.",
                line,
            )
        return
    if to in (Status.RETURN_REQUESTED, Status.EXCHANGE_REQUESTED):
        if frm not in (Status.SHIPPING, Status.DELIVERED, Status.CONFIRMED):
            raise _refuse(
                "RETURN_NOT_ALLOWED_BEFORE_SHIPPING",
                "배송 전 품목은 반품·교환할 수 없습니다. 취소로 처리하세요.",
                line,
            )
        return
    if to in CLAIM_REQUESTS or any(to in flow for flow in CLAIM_FLOWS.values()):
        raise _refuse(
            "STEP_SKIP_NOT_ALLOWED",
            f"{frm.ko}에서 {josa(to.ko, '으로/로')} 바로 변경할 수 없습니다. 접수 단계부터 처리하세요.",
            line,
            **{"from": frm.value, "to": to.value},
        )

    if frm is Status.PAYMENT_PENDING:
        raise _refuse(
            "PAYMENT_NOT_CONFIRMED",
            "입금 확인 전인 품목입니다. 입금 확인(결제) 후 상품준비로 변경됩니다.",
            line,
        )
    if to is Status.PAYMENT_PENDING:
        raise _refuse("CANNOT_UNPAY", "결제된 품목을 입금대기로 되돌릴 수 없습니다.", line)

    fi, ti = _main_index(frm), _main_index(to)
    assert fi is not None and ti is not None
    if ti == fi + 1:
        if to is Status.CONFIRMED and actor.kind not in ("admin", "buyer", "system"):
            raise _refuse("CONFIRM_NOT_ALLOWED", "구매확정 권한이 없습니다.", line)
        return
    if ti == fi - 1:
        if actor.kind != "admin":
            raise _refuse("STEP_BACK_ADMIN_ONLY", "이전 단계로 되돌리기는 관리자만 할 수 있습니다.", line)
        if frm is Status.CONFIRMED:
            raise _refuse(
                "CONFIRMED_CANNOT_STEP_BACK",
                "구매확정된 품목은 이전 단계로 되돌릴 수 없습니다. 반품·교환으로 처리하세요.",
                line,
            )
        return
    raise _refuse(
        "STEP_SKIP_NOT_ALLOWED",
        "주문 상태는 단계별로만 변경할 수 있습니다 (상품준비 → 배송대기 → 배송중 → 배송완료 → 구매확정).",
        line,
        **{"from": frm.value, "to": to.value},
    )


def check_split(order: Order, line: Line, to: Status) -> None:
    """Moving part of a line splits it: only in `preparing` for the main flow, never in
    `ready_to_ship` and never on external channels (docs/domain.md, "Units and their statuses")."""
    if order.channel.external:
        raise _refuse(
            "SPLIT_NOT_ALLOWED_EXTERNAL_CHANNEL",
            "네이버페이 주문형·톡체크아웃 주문은 수량을 나눠 처리할 수 없습니다. 품목 전체를 선택하세요.",
            line,
        )
    if line.status is Status.READY_TO_SHIP:
        raise _refuse(
            "SPLIT_NOT_ALLOWED_IN_READY_TO_SHIP",
            "배송대기 상태에서는 수량을 나눌 수 없습니다. 상품준비로 되돌린 뒤 나누세요.",
            line,
        )
    if line.status is Status.PREPARING or to in CLAIM_REQUESTS:
        return
    raise _refuse(
        "SPLIT_ONLY_IN_PREPARING",
        "수량 나누기는 상품준비 상태(또는 취소·반품·교환 접수)에서만 가능합니다.",
        line,
    )


def next_moves(order: Order, line: Line, actor: Actor) -> list[tuple[Status, bool]]:
    """Where ``actor`` may move ``line``'s units now, each with whether a part of them may go (a
    split): the same rules :func:`apply_moves` applies, so a screen offers only what is accepted."""
    allowed: list[tuple[Status, bool]] = []
    for to in Status:
        try:
            check_transition(order, line, to, actor)
        except DomainError:
            continue
        partial = line.quantity > 1
        if partial:
            try:
                check_split(order, line, to)
            except DomainError:
                partial = False
        allowed.append((to, partial))
    return allowed


def _status_event(
    line: Line, qty: int, frm: Status, to: Status, new_line: str | None, actor: Actor, at: str
) -> Event:
    data: dict[str, Any] = {
        "line_id": line.line_id,
        "product_name": line.product_name,
        "quantity": qty,
        "from": frm.value,
        "to": to.value,
        "text_ko": f"{line.product_name} {qty}개: {frm.ko} → {to.ko}",
    }
    if new_line:
        data["split_to"] = new_line
    return Event("status_changed", actor, at, data)


def split_line(order: Order, line: Line, quantity: int) -> Line:
    """Carve ``quantity`` units off ``line`` into a new line with their exact share of each amount."""
    n = line.quantity
    new = copy.deepcopy(line)
    new.line_id = order.new_line_id()
    new.origin_line_id = line.origin_line_id or line.line_id
    new.quantity = quantity
    line.quantity = n - quantity
    # The moved units take floor(k/n) of the line's total discount, shared over its parts by largest
    # remainder: each part keeps a paid amount >= 0 (the rest's share rounds up but never past its gross).
    discounts = ("product_discount", "coupon_discount", "points_used")
    total = sum(getattr(line, a) for a in discounts)
    moved_total, _ = split_amount(total, quantity, n)
    for attr, part in zip(discounts, allocate(moved_total, [getattr(line, a) for a in discounts]), strict=True):
        setattr(new, attr, part)
        setattr(line, attr, getattr(line, attr) - part)
    accrued, rest = split_amount(line.points_accrued, quantity, n)
    new.points_accrued, line.points_accrued = accrued, rest
    order.lines.append(new)
    return new


def apply_moves(order: Order, moves: list[Move], actor: Actor, at: str) -> Change:
    """Apply status moves to chosen lines/quantities; all or nothing.

    Raises :class:`DomainError` (and leaves ``order`` untouched) if any move breaks a rule.
    """
    if not moves:
        raise DomainError("NO_MOVES", "변경할 품목을 선택하세요.", field="moves")
    seen: set[str] = set()
    for m in moves:
        if m.line_id in seen:
            raise DomainError(
                "DUPLICATE_LINE_IN_REQUEST", "같은 품목을 한 요청에 두 번 지정할 수 없습니다.",
                extra={"line_id": m.line_id},
            )
        seen.add(m.line_id)
    new = order.clone()
    events: list[Event] = []
    restore: dict[str, int] = {}
    back: set[str] = set()
    for m in moves:
        line = new.line(m.line_id)
        qty = line.quantity if m.quantity is None else m.quantity
        if qty <= 0 or qty > line.quantity:
            raise DomainError(
                "QUANTITY_OUT_OF_RANGE",
                f"수량은 1에서 {line.quantity} 사이여야 합니다.",
                field="quantity",
                extra={"line_id": line.line_id, "requested": qty, "available": line.quantity},
            )
        check_transition(new, line, m.to, actor)
        target = line
        split_to: str | None = None
        if qty < line.quantity:
            check_split(new, line, m.to)
            target = split_line(new, line, qty)
            split_to = target.line_id
        frm = target.status
        if (fi := _main_index(frm)) is not None and (ti := _main_index(m.to)) is not None and ti < fi:
            back.add(target.line_id)
        events.append(_status_event(line, qty, frm, m.to, split_to, actor, at))
        _enter(new, target, m.to, actor, at, events, restore)
    update_closed(new, events, actor, at)
    if actor.kind == "admin" and back:
        _note_operator(new, back, at)
    new.version = order.version  # the store bumps it under a condition
    return Change(new, events, changed_lines(order, new), restore)


def _note_operator(order: Order, line_ids: set[str], at: str) -> None:
    """An admin stepped units of a tracked parcel back (배송완료 → 배송중, 배송중 → 배송대기): the
    courier's scans made up to now no longer move them (the operator's move wins,
    ``oms.domain.tracking``). A forward move needs no mark: scans only ever move units forward."""
    for line in order.lines:
        if line.line_id in line_ids and line.shipment_id:
            s = order.shipments.get(line.shipment_id)
            if s is not None and s.tracking is not None:
                s.tracking["operator_at"] = at


def _enter(
    order: Order,
    line: Line,
    to: Status,
    actor: Actor,
    at: str,
    events: list[Event],
    restore: dict[str, int],
) -> None:
    frm = line.status
    if to in CLAIM_REQUESTS and frm not in CLAIM_REQUESTS:
        line.claim_origin = frm
    elif frm in CLAIM_REQUESTS and to is line.claim_origin:
        line.claim_origin = None
    line.status = to
    line.status_changed_at = at
    if to is Status.CONFIRMED:
        line.confirmed_at = at
        line.confirmed_by = actor.kind if actor.kind != "system" else "auto"
    if to in RESTOCKING:
        for key in line.stock_keys:
            restore[key] = restore.get(key, 0) + line.quantity
    if to is Status.EXCHANGED:
        replacement = copy.deepcopy(line)
        replacement.line_id = order.new_line_id()
        replacement.origin_line_id = line.origin_line_id or line.line_id
        replacement.exchange_of = line.line_id
        replacement.status = Status.PREPARING
        replacement.claim_origin = None
        replacement.shipment_id = None
        replacement.confirmed_at = None
        replacement.confirmed_by = None
        order.lines.append(replacement)
        events.append(
            Event(
                "exchange_replacement",
                actor,
                at,
                {
                    "line_id": replacement.line_id,
                    "exchange_of": line.line_id,
                    "quantity": line.quantity,
                    "text_ko": f"교환 상품 {line.product_name} {line.quantity}개가 상품준비로 생성되었습니다.",
                },
            )
        )


def reopen(order: Order, actor: Actor, at: str) -> Change:
    """거래 재개: an admin reopens a closed order so its units can be claimed again (§2)."""
    if actor.kind != "admin":
        raise DomainError("REOPEN_ADMIN_ONLY", "거래 재개는 관리자만 할 수 있습니다.", status=403)
    if not order.closed:
        raise DomainError("ORDER_NOT_CLOSED", "종료되지 않은 주문입니다.")
    new = order.clone()
    new.closed = False
    return Change(new, [Event("order_reopened", actor, at, {"text_ko": "거래가 재개되었습니다."})], set())


