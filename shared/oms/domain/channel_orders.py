"""Orders of an external sales channel (docs/domain.md, "External channels"): how a channel's
product orders become our order, and how the channel's later state moves our units.

A channel order (Naver SmartStore / Naver Pay 주문형) is one of ours with ``order.external`` set
(the channel and its order id); each of its lines is one channel product order (``line.external_id``)
and carries the channel's own view of it (``line.channel_state``: status, claim, delay, the last
push and refusal). The channel is the truth for what the buyer and the channel did (paid,
cancelled, claimed, delivered, decided); the shop is the truth for what it did (prepared, shipped
with a number, decided a claim) and pushes it (``oms.domain.channel_pushes``).

Reconciling (:func:`reconcile`) moves a line toward the channel's state **through the same move
rules** as any actor (:func:`oms.domain.moves.apply_moves`, one step at a time, whole lines only:
a channel never splits). A state our rules cannot reach (the buyer asked to cancel on the channel
after the shop shipped) is not forced: it is recorded on the line as a conflict for the operator,
with the channel's words, and the timeline says so.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from oms.domain.channel_records import ProductOrder
from oms.domain.errors import DomainError
from oms.domain.moves import Move, apply_moves
from oms.domain.order import Actor, Change, Event, Line, Order, changed_lines
from oms.domain.shipping import ShipRow, ship_with_tracking
from oms.domain.statuses import CLAIM_FLOWS, CLAIM_REQUESTS, MAIN_FLOW, Status

#: the channel's sync acts as this actor (a system actor: it may confirm, never step back)
SYNC = Actor("system", "channel:naver", "네이버 동기화")
CHANNEL_KO = {"naver": "네이버"}

#: product-order statuses that are an order to work (paid or later); unpaid ones wait on the channel
WORKABLE = frozenset({"PAYED", "DELIVERING", "DELIVERED", "PURCHASE_DECIDED", "EXCHANGED", "CANCELED",
                      "RETURNED"})

STATUS_KO = {
    "PAYMENT_WAITING": "결제대기", "PAYED": "결제완료", "DELIVERING": "배송중", "DELIVERED": "배송완료",
    "PURCHASE_DECIDED": "구매확정", "EXCHANGED": "교환", "CANCELED": "취소", "RETURNED": "반품",
    "CANCELED_BY_NOPAYMENT": "미결제취소",
}
CLAIM_KO = {
    "CANCEL_REQUEST": "취소요청", "CANCELING": "취소처리중", "CANCEL_DONE": "취소완료", "CANCEL_REJECT": "취소철회",
    "RETURN_REQUEST": "반품요청", "EXCHANGE_REQUEST": "교환요청", "COLLECTING": "수거처리중",
    "COLLECT_DONE": "수거완료", "EXCHANGE_REDELIVERING": "교환재배송중", "RETURN_DONE": "반품완료",
    "EXCHANGE_DONE": "교환완료", "RETURN_REJECT": "반품철회", "EXCHANGE_REJECT": "교환철회",
    "ADMIN_CANCELING": "직권취소중", "ADMIN_CANCEL_DONE": "직권취소완료", "ADMIN_CANCEL_REJECT": "직권취소철회",
}
_REJECTED = frozenset({"CANCEL_REJECT", "RETURN_REJECT", "EXCHANGE_REJECT", "ADMIN_CANCEL_REJECT"})
_CLAIM_TARGET = {
    "CANCEL_REQUEST": Status.CANCEL_REQUESTED, "CANCELING": Status.CANCEL_REQUESTED,
    "CANCEL_DONE": Status.CANCELLED, "ADMIN_CANCELING": Status.CANCEL_REQUESTED,
    "ADMIN_CANCEL_DONE": Status.CANCELLED,
    "RETURN_REQUEST": Status.RETURN_REQUESTED, "RETURN_DONE": Status.RETURNED,
    "EXCHANGE_REQUEST": Status.EXCHANGE_REQUESTED, "EXCHANGE_REDELIVERING": Status.EXCHANGED,
    "EXCHANGE_DONE": Status.EXCHANGED,
}
_STATUS_TARGET = {
    "PAYED": Status.PREPARING, "DELIVERING": Status.SHIPPING, "DELIVERED": Status.DELIVERED,
    "PURCHASE_DECIDED": Status.CONFIRMED, "CANCELED": Status.CANCELLED, "RETURNED": Status.RETURNED,
    "EXCHANGED": Status.EXCHANGED,
}


def describe(po: ProductOrder) -> str:
    """The channel's state in its own words (상태 · 클레임)."""
    text = STATUS_KO.get(po.status, po.status)
    if po.claim is not None:
        text += f" · {CLAIM_KO.get(po.claim.status, po.claim.status)}"
        if po.claim.holdback:
            text += " (보류)"
    return text


def target_of(po: ProductOrder) -> Status | None:
    """Where the channel's state puts our units (None: nothing the channel decides, e.g. unpaid)."""
    claim = po.claim
    if claim is not None and claim.status not in _REJECTED:
        if claim.status in ("COLLECTING", "COLLECT_DONE"):
            return Status.EXCHANGE_COLLECTING if claim.type == "EXCHANGE" else Status.RETURN_COLLECTING
        if claim.status in _CLAIM_TARGET:
            return _CLAIM_TARGET[claim.status]
    return _STATUS_TARGET.get(po.status)


def _path(line: Line, target: Status) -> list[Status]:
    """The single steps from the line's status to ``target`` (empty: already there, or the shop is
    ahead of the channel on the main flow — its push is on the way)."""
    cur = line.status
    if cur is target:
        return []
    if cur in MAIN_FLOW and target in MAIN_FLOW:
        ci, ti = MAIN_FLOW.index(cur), MAIN_FLOW.index(target)
        return list(MAIN_FLOW[ci + 1:ti + 1]) if ti > ci else []
    for flow in CLAIM_FLOWS.values():
        if target in flow:
            ti = flow.index(target)
            if cur in flow:
                ci = flow.index(cur)
                return list(flow[ci + 1:ti + 1]) if ti > ci else []
            if cur in CLAIM_REQUESTS or any(cur in f for f in CLAIM_FLOWS.values()):
                return [line.claim_origin or Status.PREPARING, *flow[:ti + 1]] if cur in CLAIM_REQUESTS else []
            return list(flow[:ti + 1])
    if cur in CLAIM_REQUESTS and target in MAIN_FLOW:  # the claim was withdrawn on the channel
        origin = line.claim_origin or Status.PREPARING
        rest = _path(replace(line, status=origin), target) if origin in MAIN_FLOW else []
        return [origin, *rest]
    return []


def state_of(po: ProductOrder, at: str, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """``line.channel_state`` from the channel's product order, keeping what the shop recorded
    (its delay, its pending decision, the last push and refusal)."""
    keep = {k: v for k, v in (previous or {}).items()
            if k in ("delay", "decision", "last_push", "refusal", "conflict")}
    state: dict[str, Any] = {
        **keep, "status": po.status, "status_ko": describe(po), "synced_at": at,
        "claim": ({"type": po.claim.type, "status": po.claim.status, "reason": po.claim.reason,
                   "detail": po.claim.detail, "requested_at": po.claim.requested_at,
                   "holdback": po.claim.holdback} if po.claim else None),
        "dispatch_due_at": po.dispatch_due_at,
        "tracking": ({"courier": po.courier_code, "tracking_no": po.tracking_no} if po.tracking_no else None),
    }
    decision = keep.get("decision")
    if decision and (po.claim is None or po.claim.status != decision.get("claim_status")):
        state.pop("decision")  # the channel moved on: the decision is no longer waiting
    return state


# ---- our order from the channel's ----------------------------------------------------------------

_OPT_SPLIT = re.compile(r"\s*/\s*")


def options_of(po: ProductOrder) -> list[dict[str, Any]]:
    """``색상: 블랙 / 사이즈: L`` as our options (the option price on the first)."""
    text = (po.option_text or "").strip()
    if not text:
        return [{"name": "옵션", "value": "-", "price": po.option_price}] if po.option_price else []
    out: list[dict[str, Any]] = []
    for part in [p for p in _OPT_SPLIT.split(text) if p][:10]:
        name, _, value = part.partition(":")
        if not value.strip():
            name, value = "옵션", part
        out.append({"name": name.strip()[:50] or "옵션", "value": value.strip()[:100] or "-", "price": 0})
    if out:
        out[0]["price"] = po.option_price
    return out


def _product_code(po: ProductOrder) -> str:
    code = re.sub(r"[^A-Za-z0-9_\-.]", "", f"{po.product_id}{'.' + po.option_code if po.option_code else ''}")
    return (code or f"NAVER-{po.product_order_id}")[:64]


def intake_body(site_id: str, channel: str, pos: list[ProductOrder]) -> dict[str, Any]:
    """The checkout intake's body for a channel order (validated by ``IntakeOrderIn`` like any):
    one line per product order (whole, never split), the seller's and the channel's discounts in
    the line's discount so the buyer's payment is exactly what the channel charged (each product
    order's payment, which excludes the delivery fee, plus the fees); paid through the channel (easy
    pay, provider ``naverpay``). The checkout id is the channel's order id, so the same order pulled
    twice is taken once."""
    first = pos[0]
    lines = []
    for po in pos:
        gross = (po.unit_price + po.option_price) * po.quantity
        paid_for_goods = po.total_payment
        lines.append({"product_code": _product_code(po), "product_name": po.product_name[:200] or "-",
                      "kind": "physical", "options": options_of(po), "quantity": po.quantity,
                      "unit_price": po.unit_price, "product_discount": max(0, gross - paid_for_goods),
                      "points_eligible": False})
    fee = sum(po.delivery_fee for po in pos)
    amount = sum(po.total_payment for po in pos) + fee
    return {
        "site_id": site_id, "checkout_id": checkout_id(channel, first.order_id), "channel": "naverpay_order",
        "buyer": {"name": first.buyer_name[:50] or "-", "phone": first.buyer_phone or first.receiver_phone},
        "recipient": {"name": first.receiver_name[:50] or "-", "phone": first.receiver_phone or first.buyer_phone,
                      "postal_code": first.zip_code, "address1": first.address1[:200] or "-",
                      "address2": first.address2[:200], "message": (first.delivery_memo or None)},
        "lines": lines, "shipping_fee": fee,
        "payment": {"method": "easy_pay", "amount": amount, "provider": "naverpay",
                    "paid_at": first.paid_at or first.ordered_at},
    }


def summary(order: Order) -> dict[str, Any]:
    """The list row's channel fields: the channel's order id, and whether a line needs the operator."""
    if not order.external:
        return {}
    alert = any((line.channel_state or {}).get("conflict") or (line.channel_state or {}).get("refusal")
                for line in order.lines)
    return {"external_order_id": order.external.get("order_id"), "channel_alert": alert}


def checkout_id(channel: str, channel_order_id: str) -> str:
    return f"{channel}:{channel_order_id}"


def link(order: Order, channel: str, pos: list[ProductOrder], at: str) -> None:
    """Mark a just-built order as the channel's (its id, each line's product order, their state):
    the intake's lines are in the product orders' order."""
    order.external = {"channel": channel, "order_id": pos[0].order_id, "linked_at": at}
    for line, po in zip(order.lines, pos, strict=True):
        line.external_id = po.product_order_id
        line.channel_state = state_of(po, at)


# ---- the channel's later state --------------------------------------------------------------------


def _steps(order: Order, line_id: str, po: ProductOrder, target: Status, at: str) -> Change | None:
    """The single moves to ``target``; 배송중 with the channel's number when the shop never entered one
    (dispatched from the channel's own seller center), like an uploaded row."""
    path = _path(order.line(line_id), target)
    if not path:
        return None
    acc = Change(order, [], set())
    for to in path:
        if to is Status.SHIPPING and po.tracking_no and po.courier_code and not acc.order.tracking_of(
                acc.order.line(line_id)):
            step = ship_with_tracking(acc.order, [ShipRow(line_id, str(po.courier_code), str(po.tracking_no))],
                                      SYNC, at)
        else:
            step = apply_moves(acc.order, [Move(line_id, to)], SYNC, at)
        acc = acc.then(step)
        if to is target:
            break
    return acc


def reconcile(order: Order, pos: list[ProductOrder], at: str) -> Change | None:
    """Bring our order to the channel's product orders: each line's channel state refreshed, its
    units moved toward the channel's state by the move rules (a step the rules refuse is recorded as
    the line's conflict, with the channel's words), the recipient's address when the channel says it
    changed. None: nothing differs."""
    by_id = {po.product_order_id: po for po in pos}
    acc = Change(order.clone(), [], set())
    acc.order.version = order.version
    for line in list(acc.order.lines):
        po = by_id.get(line.external_id or "")
        if po is None or line.exchange_of:
            continue
        before_state = line.channel_state or {}
        target = target_of(po)
        conflict: dict[str, Any] | None = None
        if target is not None:
            try:
                step = _steps(acc.order, line.line_id, po, target, at)
            except DomainError as exc:
                step = None
                conflict = {"code": exc.code, "message_ko": exc.message_ko, "channel_status": describe(po), "at": at}
            if step is not None:
                acc = acc.then(step)
        line = acc.order.line(line.line_id)
        state = state_of(po, at, before_state)
        if conflict:
            state["conflict"] = conflict
        elif line.status is target or target is None or not _path(line, target):
            state.pop("conflict", None)
        if _differs(before_state, state):
            line.channel_state = state
            acc.touched_lines.add(line.line_id)
            if conflict and (before_state.get("conflict") or {}).get("code") != conflict["code"]:
                acc.events.append(Event("channel_conflict", SYNC, at, {
                    "line_id": line.line_id, "external_id": line.external_id, "code": conflict["code"],
                    "channel_status": describe(po),
                    "text_ko": f"{line.product_name}: 네이버 상태({describe(po)})를 반영할 수 없습니다 — "
                               f"{conflict['message_ko']}"}))
            elif before_state.get("status_ko") != state["status_ko"] and not step_moved(acc.events, line.line_id):
                acc.events.append(Event("channel_state", SYNC, at, {
                    "line_id": line.line_id, "external_id": line.external_id, "channel_status": state["status_ko"],
                    "text_ko": f"{line.product_name}: 네이버 {state['status_ko']}"}))
    address = _address_change(acc.order, pos, at)
    if address is not None:
        acc.events.append(address)
    if not acc.touched_lines and address is None:
        return None
    acc.touched_lines |= changed_lines(order, acc.order)
    return acc


def step_moved(events: list[Event], line_id: str) -> bool:
    return any((e.kind == "status_changed" and e.data.get("line_id") == line_id)
               or (e.kind == "invoice_applied" and any(m["line_id"] == line_id for m in e.data.get("moves", [])))
               for e in events)


def _differs(a: dict[str, Any], b: dict[str, Any]) -> bool:
    strip = ("synced_at",)
    return {k: v for k, v in a.items() if k not in strip} != {k: v for k, v in b.items() if k not in strip}


def _address_change(order: Order, pos: list[ProductOrder], at: str) -> Event | None:
    po = pos[0]
    r = order.recipient
    if not po.address1 or (r.postal_code, r.address1, r.address2) == (po.zip_code, po.address1, po.address2):
        return None
    if any(line.status not in (Status.PREPARING, Status.READY_TO_SHIP, Status.PAYMENT_PENDING)
           for line in order.lines if line.external_id):
        return None  # shipped already: the parcel goes where it goes
    before = f"{r.address1} {r.address2}".strip()
    r.postal_code, r.address1, r.address2 = po.zip_code, po.address1, po.address2
    if po.receiver_name:
        r.name = po.receiver_name
    if po.receiver_phone:
        r.phone = po.receiver_phone
    return Event("channel_address_changed", SYNC, at, {
        "before": before, "after": f"{po.address1} {po.address2}".strip(),
        "text_ko": f"네이버에서 배송지가 변경되었습니다: {po.address1} {po.address2}".strip()})
