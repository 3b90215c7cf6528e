"""Orders and claims for the claims/refunds unit tests: round numbers, paid in full."""

from __future__ import annotations

from oms.domain.claims import Collection, Reason, advance_claim, complete_claim, request_claim
from oms.domain.moves import Move, apply_moves
from oms.domain.order import Actor, Buyer, Order, Recipient
from oms.domain.pricing import LineInput, build_order
from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind, Status

AT = "2024-05-01T01:00:00.000000Z"
LATER = "2024-05-03T01:00:00.000000Z"
ADMIN = Actor("admin", "admin-1", "관리자")
BUYER = Actor("buyer", "m-100", "김민지")
OTHER_BUYER = Actor("buyer", "m-200", "이서준")
SEOUL = Recipient("김민지", "010-1234-5678", "04524", "서울특별시 중구 세종대로 110", "3층")
JEJU = Recipient("김민지", "010-1234-5678", "63100", "제주특별자치도 제주시 첨단로 242", "")


def shirt(quantity: int = 2, **kw: object) -> LineInput:
    """셔츠 10,000원."""
    return LineInput("SHIRT", "셔츠", ProductKind.PHYSICAL, quantity, 10000, **kw)  # type: ignore[arg-type]


def pants(quantity: int = 1, **kw: object) -> LineInput:
    """바지 30,000원."""
    return LineInput("PANTS", "바지", ProductKind.PHYSICAL, quantity, 30000, **kw)  # type: ignore[arg-type]


def coat(quantity: int = 1) -> LineInput:
    """코트 35,000원 (exchange to another product)."""
    return LineInput("COAT", "코트", ProductKind.PHYSICAL, quantity, 35000)


def ebook() -> LineInput:
    return LineInput("EBOOK", "전자책", ProductKind.DIGITAL, 1, 12000)


def order_of(*lines: LineInput, coupon: int = 0, points: int = 0, shipping_fee: int = 3000,
             channel: Channel = Channel.STORE, recipient: Recipient = SEOUL, paid: bool = True) -> Order:
    """A placed order, paid in full by card (one payment of what it owes)."""
    order = build_order(
        site_id="site-a", order_id="20240501-000001", created_at=AT, channel=channel,
        payment_method=PaymentMethod.CARD, scope=DeliveryScope.DOMESTIC,
        buyer=Buyer("김민지", "010-1234-5678", member_id="m-100"), recipient=recipient,
        lines=list(lines) or [shirt(), pants()], shipping_fee=shipping_fee, shipping_fee_cod=False,
        coupon_total=coupon, points_total=points, paid=paid,
    )
    return order


def standard(**kw: object) -> Order:
    """셔츠 2 × 10,000 + 바지 30,000, coupon 5,000, points 1,000, shipping 3,000.

    Coupon by gross 20,000 : 30,000 → 셔츠 2,000, 바지 3,000. Points by what is left 18,000 : 27,000
    → 셔츠 400, 바지 600. Paid: 셔츠 20,000 − 2,000 − 400 = 17,600, 바지 30,000 − 3,000 − 600 = 26,400;
    with shipping the card paid 47,000."""
    return order_of(shirt(), pants(), coupon=5000, points=1000, **kw)  # type: ignore[arg-type]


def walk(order: Order, line_id: str, *statuses: Status) -> Order:
    for to in statuses:
        order = apply_moves(order, [Move(line_id, to)], ADMIN, AT).order
    return order


def delivered(order: Order, *line_ids: str) -> Order:
    for lid in line_ids or [li.line_id for li in order.lines]:
        order = walk(order, lid, Status.READY_TO_SHIP, Status.SHIPPING, Status.DELIVERED)
    return order


def claimed(order: Order, type: str, items: list[tuple[str, int]], reason: Reason = Reason.INTENT_CHANGED,
            *, actor: Actor = ADMIN, complete: bool = True, **kw: object) -> tuple[Order, str]:
    """Request a claim and (by default) take it to completed: (order, claim_id)."""
    order = request_claim(order, type, items, reason, actor, AT, **kw).order  # type: ignore[arg-type]
    cid = f"C{order.next_claim_no - 1:03d}"
    if complete:
        if type != "cancel":
            pickup = Collection("courier", "CJ", "111")
            order = advance_claim(order, cid, "collecting", ADMIN, AT, collection=pickup).order
            order = advance_claim(order, cid, "collected", ADMIN, AT).order
        order = complete_claim(order, cid, ADMIN, LATER).order
    return order, cid
