"""Shipments and tracking numbers (docs/domain.md, "Shipping"). Pure functions: order in, :class:`Change` out.

- A line without a shipment ships with the order's ``shipping_method`` (the buyer's choice).
- Tracking numbers are added, changed and removed **while units are `ready_to_ship`**, for whole
  lines (units in `ready_to_ship` cannot be split). Manual entry **never changes a status**.
- The Excel upload is the one path that attaches a tracking number **and** moves the units to
  `shipping` (:func:`ship_with_tracking`).
- Method `none` (배송없음) units can be walked to `delivered` in one action, every step recorded
  (:func:`deliver_no_shipping`).
- Combined shipping (합배송): lines of several orders of the same buyer and address share one
  shipment and tracking number (:func:`combine`), linked by ``combined_group``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from oms.domain import couriers, tracking
from oms.domain.errors import DomainError
from oms.domain.moves import Move, apply_moves
from oms.domain.order import (
    MAX_SHIPMENTS,
    MAX_TRACKING_NUMBERS,
    Actor,
    Change,
    Event,
    Line,
    Order,
    Shipment,
    ShipMethod,
)
from oms.domain.outbox import Intent
from oms.domain.statuses import Status

METHODS: tuple[ShipMethod, ...] = ("parcel", "quick", "pickup", "none")
METHOD_KO: dict[str, str] = {"parcel": "택배", "quick": "퀵서비스", "pickup": "방문수령", "none": "배송없음"}


def method_of(order: Order, line: Line) -> ShipMethod:
    if line.shipment_id and line.shipment_id in order.shipments:
        return order.shipments[line.shipment_id].method
    return order.shipping_method


def _ref(code: str, message_ko: str, **extra: Any) -> DomainError:
    return DomainError(code, message_ko, extra=extra)


def _pick(order: Order, line_ids: Sequence[str]) -> list[Line]:
    if not line_ids:
        raise DomainError("NO_LINES", "송장을 등록할 품목을 선택하세요.", field="line_ids")
    if len(set(line_ids)) != len(line_ids):
        raise DomainError("DUPLICATE_LINE_IN_REQUEST", "같은 품목을 한 요청에 두 번 지정할 수 없습니다.",
                          field="line_ids")
    if order.closed:
        raise _ref("ORDER_CLOSED", "거래가 종료된 주문입니다. 거래 재개 후 처리하세요.")
    return [order.line(lid) for lid in line_ids]


def check_ready(order: Order, line: Line) -> None:
    """Tracking numbers are entered only for shipped goods waiting in `ready_to_ship`."""
    if not line.kind.shipped:
        raise _ref("NOT_SHIPPABLE", "비실물상품은 배송하지 않으므로 송장을 등록할 수 없습니다.", line_id=line.line_id)
    if line.status is not Status.READY_TO_SHIP:
        raise _ref(
            "NOT_READY_TO_SHIP",
            f"송장번호는 배송대기 상태의 품목에만 등록·수정·삭제할 수 있습니다 (현재 {line.status.ko}).",
            line_id=line.line_id, current_status=line.status.value,
        )


def _drop_empty(order: Order, candidates: Iterable[str], touched: set[str]) -> None:
    used = {line.shipment_id for line in order.lines if line.shipment_id}
    for sid in set(candidates):
        if sid and sid not in used and sid in order.shipments:
            del order.shipments[sid]
            touched.add(sid)


def _attach(new: Order, lines: list[Line], method: ShipMethod, courier: couriers.Courier | None,
            tracking_no: str, at: str, combined_group: str | None, touched: set[str]) -> tuple[Shipment, list[str]]:
    """Point ``lines`` at one shipment carrying the tracking number; returns it and the previous numbers."""
    previous = sorted({t for line in lines if (t := new.tracking_of(line))})
    current = {line.shipment_id for line in lines}
    reuse: Shipment | None = None
    if len(current) == 1 and None not in current:
        sid = next(iter(current))
        assert sid is not None
        holders = {line.line_id for line in new.lines if line.shipment_id == sid}
        if holders == {line.line_id for line in lines} and sid in new.shipments:
            reuse = new.shipments[sid]
    if reuse is None:
        sid = f"SH{new.next_shipment_no:03d}"
        new.next_shipment_no += 1
        reuse = Shipment(shipment_id=sid, method=method, created_at=at)
        new.shipments[sid] = reuse
    reuse.method = method
    reuse.courier = courier.code if courier else None
    reuse.tracking_no = tracking_no
    reuse.combined_group = combined_group
    for line in lines:
        line.shipment_id = reuse.shipment_id
    touched.add(reuse.shipment_id)
    _drop_empty(new, {s for s in current if s}, touched)
    numbers = {s.tracking_no for s in new.shipments.values() if s.tracking_no}
    if len(numbers) > MAX_TRACKING_NUMBERS or len(new.shipments) > MAX_SHIPMENTS:
        raise DomainError("TOO_MANY_SHIPMENTS",
                          f"한 주문에 등록할 수 있는 송장번호는 최대 {MAX_TRACKING_NUMBERS}개입니다.",
                          extra={"limit": MAX_TRACKING_NUMBERS})
    return reuse, previous


def resolve_entry(method: ShipMethod, courier_value: str | None, tracking_no: str | None,
                  *, field_prefix: str = "") -> tuple[couriers.Courier, str]:
    """Courier and cleaned tracking number for an entry; a parcel needs a catalog courier,
    other methods default to 기타 (a quick driver's phone, a pickup code ...)."""
    if method not in METHODS:
        raise DomainError("UNKNOWN_SHIPPING_METHOD", f"알 수 없는 배송방법입니다: {method}",
                          field=f"{field_prefix}method")
    if courier_value in (None, "") and method != "parcel":
        courier = couriers.BY_CODE[couriers.ETC]
    else:
        courier = couriers.require(courier_value, f"{field_prefix}courier")
    return courier, couriers.clean_tracking(courier, tracking_no, method=method, field=f"{field_prefix}tracking_no")


def set_tracking(order: Order, line_ids: Sequence[str], *, courier: str | None, tracking_no: str | None,
                 method: ShipMethod | None, actor: Actor, at: str,
                 combined_group: str | None = None, combined_with: Sequence[str] = ()) -> Change:
    """Add or change the tracking number of whole `ready_to_ship` lines. Never changes a status."""
    lines = _pick(order, line_ids)
    for line in lines:
        check_ready(order, line)
    chosen: ShipMethod = method or method_of(order, lines[0])
    c, number = resolve_entry(chosen, courier, tracking_no)
    same = all(
        line.shipment_id and (s := order.shipments.get(line.shipment_id)) is not None
        and s.tracking_no == number and s.courier == c.code and s.method == chosen
        and (combined_group is None or s.combined_group == combined_group)
        for line in lines
    )
    if same and len({line.shipment_id for line in lines}) == 1:
        raise _ref("TRACKING_UNCHANGED", "이미 같은 택배사·송장번호가 등록되어 있습니다.", tracking_no=number)
    new = order.clone()
    touched: set[str] = set()
    picked = [new.line(lid) for lid in line_ids]
    shipment, previous = _attach(new, picked, chosen, c, number, at, combined_group, touched)
    verb = "변경" if previous else "등록"
    text = f"송장 {verb}: {c.name_ko} {number} ({METHOD_KO[chosen]}) — " + ", ".join(
        f"{line.product_name} {line.quantity}개" for line in picked)
    data: dict[str, Any] = {
        "line_ids": list(line_ids), "shipment_id": shipment.shipment_id, "method": chosen,
        "courier": c.code, "courier_name": c.name_ko, "tracking_no": number,
        "tracking_url": c.url_for(number), "previous": previous,
    }
    if combined_group:
        data["combined_group"] = combined_group
        data["combined_with"] = list(combined_with)
        text += f" · 합배송(주문 {', '.join(combined_with)})" if combined_with else " · 합배송"
    data["text_ko"] = text
    kind = "tracking_changed" if previous else "tracking_added"
    intents = tracking.start_registration(shipment, at)  # registered with the provider after the commit
    return Change(new, [Event(kind, actor, at, data)], {line.line_id for line in picked},
                  touched_shipments=touched, intents=intents)


def remove_tracking(order: Order, line_ids: Sequence[str], *, actor: Actor, at: str) -> Change:
    """Remove the tracking number of whole `ready_to_ship` lines (then they may be cancelled)."""
    lines = _pick(order, line_ids)
    for line in lines:
        check_ready(order, line)
        if not order.tracking_of(line):
            raise _ref("NO_TRACKING_NO", "송장번호가 등록되지 않은 품목입니다.", line_id=line.line_id)
    new = order.clone()
    touched: set[str] = set()
    picked = [new.line(lid) for lid in line_ids]
    previous = sorted({t for line in picked if (t := new.tracking_of(line))})
    old = {line.shipment_id for line in picked if line.shipment_id}
    for line in picked:
        line.shipment_id = None
    _drop_empty(new, old, touched)
    data = {"line_ids": list(line_ids), "previous": previous,
            "text_ko": f"송장 삭제: {', '.join(previous)} — "
                       + ", ".join(f"{line.product_name} {line.quantity}개" for line in picked)}
    return Change(new, [Event("tracking_removed", actor, at, data)], {line.line_id for line in picked},
                      touched_shipments=touched)


# ---- the Excel path -------------------------------------------------------------------------


@dataclass(frozen=True)
class ShipRow:
    """One validated row of an invoice workbook (courier already resolved to a catalog code)."""

    line_id: str
    courier: str
    tracking_no: str
    quantity: int | None = None


def row_problem(order: Order, row: ShipRow) -> DomainError | None:
    """Why this row cannot be applied to ``order`` (None: it can). ``ALREADY_APPLIED`` marks a row
    whose line already ships with this very number (a re-upload): nothing to do, nothing refused."""
    try:
        line = order.line(row.line_id)
    except DomainError:
        return _ref("LINE_NOT_FOUND", f"주문에 없는 품목번호입니다: {row.line_id}", line_id=row.line_id)
    if order.closed:
        return _ref("ORDER_CLOSED", "거래가 종료된 주문입니다.")
    number = row.tracking_no
    existing = order.shipments.get(line.shipment_id or "")
    if (line.status is Status.SHIPPING and existing is not None and existing.tracking_no == number
            and existing.courier == row.courier):
        return _ref("ALREADY_APPLIED", "이미 같은 송장번호로 배송중입니다. 다시 적용하지 않았습니다.",
                    line_id=line.line_id)
    try:
        check_ready(order, line)
    except DomainError as exc:
        return exc
    if row.quantity is not None and row.quantity != line.quantity:
        return _ref("QUANTITY_MISMATCH",
                    f"수량이 품목 수량({line.quantity}개)과 다릅니다. 배송대기 상태에서는 수량을 나눌 수 없습니다.",
                    line_id=line.line_id, quantity=line.quantity)
    method = method_of(order, line)
    try:
        couriers.clean_tracking(couriers.BY_CODE[row.courier], number, method=method)
    except DomainError as exc:
        return exc
    return None


def ship_with_tracking(order: Order, rows: Sequence[ShipRow], actor: Actor, at: str) -> Change:
    """Attach the rows' tracking numbers and move their lines to `shipping`, all or nothing.

    Rows with the same courier and number share one shipment. Raises on the first refused row.
    """
    todo = []
    for row in rows:
        problem = row_problem(order, row)
        if problem is not None and problem.code != "ALREADY_APPLIED":
            raise problem
        if problem is None:
            todo.append(row)
    if not todo:
        raise _ref("ALREADY_APPLIED", "이미 같은 송장번호로 배송중입니다. 다시 적용하지 않았습니다.")
    groups: dict[tuple[str, str], list[str]] = {}
    for row in todo:
        groups.setdefault((row.courier, row.tracking_no), []).append(row.line_id)
    current = order
    events: list[Event] = []
    lines: set[str] = set()
    ships: set[str] = set()
    intents: list[Intent] = []
    for (courier, number), line_ids in groups.items():
        line = current.line(line_ids[0])
        try:
            step = set_tracking(current, line_ids, courier=courier, tracking_no=number,
                                method=method_of(current, line), actor=actor, at=at)
        except DomainError as exc:
            if exc.code == "TRACKING_UNCHANGED":  # entered by hand before: only the move is left
                continue
            raise
        current, events, intents = step.order, events + step.events, intents + step.intents
        lines, ships = lines | step.touched_lines, ships | step.touched_shipments
    moved = apply_moves(current, [Move(r.line_id, Status.SHIPPING) for r in todo], actor, at)
    moved.order.version = order.version
    return Change(moved.order, [_upload_event(events, moved.events, actor, at)], lines | moved.touched_lines,
                  moved.stock_restore, touched_shipments=ships, intents=intents)


def _upload_event(tracking: list[Event], moves: list[Event], actor: Actor, at: str) -> Event:
    """One timeline entry per order for the upload: the numbers attached and every unit moved.
    (One entry instead of one per line keeps a 10,000-row upload at one small transaction per order.)"""
    numbers = [e.data for e in tracking]
    text = "송장 일괄 등록 → 배송중: " + "; ".join(
        f"{d['courier_name']} {d['tracking_no']}" for d in numbers) if numbers else "송장 일괄 등록 → 배송중"
    text += " — " + ", ".join(e.data["text_ko"] for e in moves)
    return Event("invoice_applied", actor, at, {
        "tracking": [{k: d[k] for k in ("line_ids", "shipment_id", "courier", "courier_name", "tracking_no",
                                       "tracking_url", "previous")} for d in numbers],
        "moves": [{k: e.data[k] for k in ("line_id", "product_name", "quantity", "from", "to")} for e in moves],
        "text_ko": text,
    })


# ---- bulk "no shipping" → delivered -----------------------------------------------------------


def deliver_no_shipping(order: Order, actor: Actor, at: str) -> Change:
    """Walk every unit of method `none` in `ready_to_ship`/`shipping` to `delivered`, one step at a
    time, each step on the timeline [beyond: FAQ 배송없음 상품이 바로 배송완료]."""
    eligible = [line for line in order.lines if line.kind.shipped and method_of(order, line) == "none"
                and line.status in (Status.READY_TO_SHIP, Status.SHIPPING)]
    if not eligible:
        raise _ref("NO_NO_SHIPPING_LINES", "배송대기·배송중 상태의 배송없음 품목이 없습니다.")
    current = order
    events: list[Event] = []
    touched: set[str] = set()
    first = [Move(line.line_id, Status.SHIPPING) for line in eligible if line.status is Status.READY_TO_SHIP]
    if first:
        step = apply_moves(current, first, actor, at)
        current, events, touched = step.order, events + step.events, touched | step.touched_lines
    step = apply_moves(current, [Move(line.line_id, Status.DELIVERED) for line in eligible], actor, at)
    step.order.version = order.version
    return Change(step.order, events + step.events, touched | step.touched_lines)


# ---- combined shipping (합배송) ------------------------------------------------------------------


def _norm(text: str | None) -> str:
    return "".join((text or "").split()).lower()


def _digits(text: str | None) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def destination_key(order: Order) -> tuple[str, ...]:
    """Same buyer and same address: what combined shipping requires."""
    b, r = order.buyer, order.recipient
    buyer = ("m:" + b.member_id) if b.member_id else ("g:" + _norm(b.name) + "/" + _digits(b.phone))
    return (order.site_id, buyer, _norm(r.name), _digits(r.phone), _norm(r.postal_code), _norm(r.address1),
            _norm(r.address2))


def combine(orders: Sequence[tuple[Order, Sequence[str]]], *, courier: str | None, tracking_no: str | None,
            method: ShipMethod | None, group_id: str, actor: Actor, at: str) -> list[Change]:
    """One shipment and tracking number for lines of several orders of one buyer and address."""
    if len(orders) < 2:
        raise DomainError("COMBINE_NEEDS_TWO_ORDERS", "합배송은 두 개 이상의 주문을 선택해야 합니다.", field="orders")
    ids = [o.order_id for o, _ in orders]
    if len(set(ids)) != len(ids):
        raise DomainError("DUPLICATE_ORDER_IN_REQUEST", "같은 주문을 두 번 지정할 수 없습니다.", field="orders")
    keys = {destination_key(o) for o, _ in orders}
    if len(keys) != 1:
        raise DomainError("COMBINE_DIFFERENT_DESTINATION",
                          "합배송은 같은 구매자·같은 배송지(수령인, 연락처, 주소)의 주문끼리만 가능합니다.",
                          field="orders", extra={"order_ids": ids})
    out = []
    for order, line_ids in orders:
        others = [i for i in ids if i != order.order_id]
        out.append(set_tracking(order, line_ids, courier=courier, tracking_no=tracking_no, method=method,
                                actor=actor, at=at, combined_group=group_id, combined_with=others))
    return out
