"""The channel order rules, pure: a Naver order's product orders as our intake body (the buyer's
payment exact to the won), the channel's states as our unit statuses through the move rules (one
step at a time, whole lines), a state our rules refuse kept as the line's conflict, the shop's
dispatch implied only by its own move to 배송중, and the delay / claim decisions refused where the
channel would refuse them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from oms.domain import channel_orders as rules
from oms.domain import channel_pushes as pushes
from oms.domain.channel_records import ChannelClaim, ItemResult, ProductOrder
from oms.domain.errors import DomainError
from oms.domain.moves import Move, apply_moves
from oms.domain.order import Actor, Buyer, Option, Order, Recipient
from oms.domain.pricing import LineInput, build_order
from oms.domain.shipping import ShipRow, ship_with_tracking
from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind, Status
from oms.schemas.orders import IntakeOrderIn

AT = "2026-12-07T03:00:00.000000Z"
ADMIN = Actor("admin", "a1", "운영자")


def po(n: int = 1, **kw: object) -> ProductOrder:
    base = ProductOrder(
        product_order_id=f"2026120700000{n}", order_id="2026120711110001", status="PAYED",
        ordered_at="2026-12-07T01:00:00.000000Z", paid_at="2026-12-07T01:00:05.000000Z", product_id="8812345",
        product_name="오버핏 티셔츠", option_text="색상: 블랙 / 사이즈: L", option_code="OPT1", quantity=2,
        unit_price=19000, option_price=1000, product_discount=2000, total_payment=38000,
        delivery_fee=3000 if n == 1 else 0, buyer_name="김민수", buyer_phone="010-1234-5678",
        receiver_name="김민수", receiver_phone="010-1234-5678", zip_code="06236",
        address1="서울특별시 강남구 테헤란로 152", address2="12층")
    return replace(base, **kw)  # type: ignore[arg-type]


def channel_order(*pos: ProductOrder) -> Order:
    body = IntakeOrderIn.model_validate(rules.intake_body("site-1", "naver", list(pos)))
    order = build_order(
        site_id="site-1", order_id="20261207-000001", created_at=AT, channel=body.channel,
        payment_method=PaymentMethod.EASY_PAY, scope=DeliveryScope.DOMESTIC,
        buyer=Buyer(**body.buyer.model_dump()), recipient=Recipient(**body.recipient.model_dump()),
        lines=[LineInput(li.product_code, li.product_name, ProductKind.PHYSICAL, li.quantity, li.unit_price,
                         [Option(o.name, o.value, o.price) for o in li.options], product_discount=li.product_discount)
               for li in body.lines],
        shipping_fee=body.shipping_fee, shipping_fee_cod=False, coupon_total=0, points_total=0, paid=True)
    rules.link(order, "naver", list(pos), AT)
    return order


def test_the_intake_body_charges_exactly_what_the_buyer_paid_the_channel() -> None:
    body = rules.intake_body("site-1", "naver", [po(1), po(2)])
    # line 1: (19,000 + 1,000) x 2 = 40,000 gross; paid 38,000 for the goods -> discount 2,000
    assert body["lines"][0]["product_discount"] == 2000
    assert body["lines"][0]["options"] == [{"name": "색상", "value": "블랙", "price": 1000},
                                           {"name": "사이즈", "value": "L", "price": 0}]
    assert body["shipping_fee"] == 3000
    assert body["payment"]["amount"] == 38000 + 38000 + 3000
    assert body["checkout_id"] == "naver:2026120711110001"
    order = channel_order(po(1), po(2))
    assert order.order_amount == 79000  # 38,000 + 38,000 + 3,000, what the channel charged
    assert [li.external_id for li in order.lines] == ["20261207000001", "20261207000002"]
    assert order.channel is Channel.NAVERPAY_ORDER and order.external == {
        "channel": "naver", "order_id": "2026120711110001", "linked_at": AT}


@pytest.mark.parametrize(("status", "claim", "target"), [
    ("PAYED", None, Status.PREPARING),
    ("DELIVERING", None, Status.SHIPPING),
    ("DELIVERED", None, Status.DELIVERED),
    ("PURCHASE_DECIDED", None, Status.CONFIRMED),
    ("PAYED", ("CANCEL", "CANCEL_REQUEST"), Status.CANCEL_REQUESTED),
    ("CANCELED", ("CANCEL", "CANCEL_DONE"), Status.CANCELLED),
    ("DELIVERED", ("RETURN", "RETURN_REQUEST"), Status.RETURN_REQUESTED),
    ("DELIVERED", ("RETURN", "COLLECT_DONE"), Status.RETURN_COLLECTING),
    ("RETURNED", ("RETURN", "RETURN_DONE"), Status.RETURNED),
    ("DELIVERED", ("EXCHANGE", "COLLECTING"), Status.EXCHANGE_COLLECTING),
    ("DELIVERED", ("RETURN", "RETURN_REJECT"), Status.DELIVERED),
    ("PAYMENT_WAITING", None, None),
])
def test_the_channels_states_as_our_statuses(status: str, claim: tuple[str, str] | None, target: Status | None) -> None:
    c = ChannelClaim(*claim) if claim else None
    assert rules.target_of(po(status=status, claim=c)) is target


def test_delivered_on_the_channel_walks_every_step_with_the_number_the_channel_has() -> None:
    order = channel_order(po(1))
    done = rules.reconcile(order, [po(1, status="DELIVERED", courier_code="CJGLS", tracking_no="640012345678")], AT)
    assert done is not None
    line = done.order.lines[0]
    assert line.status is Status.DELIVERED
    assert done.order.tracking_of(line) == "640012345678"
    moved = [(e.data["from"], e.data["to"]) for e in done.events if e.kind == "status_changed"]
    assert ("shipping", "delivered") in moved and ("preparing", "ready_to_ship") in moved
    assert line.channel_state is not None and line.channel_state["status"] == "DELIVERED"
    assert rules.reconcile(done.order, [po(1, status="DELIVERED", courier_code="CJGLS",
                                           tracking_no="640012345678")], AT) is None  # pulled again: nothing


def test_a_cancel_the_channel_completes_voids_the_line_and_the_order_owes_the_buyer() -> None:
    order = channel_order(po(1), po(2))
    done = rules.reconcile(order, [po(1, status="CANCELED", claim=ChannelClaim("CANCEL", "CANCEL_DONE"))], AT)
    assert done is not None
    assert [li.status for li in done.order.lines] == [Status.CANCELLED, Status.PREPARING]
    assert done.order.order_amount == 38000 + 3000  # the other line and the fee


def test_a_cancel_asked_after_the_shop_shipped_is_a_conflict_not_a_forced_move() -> None:
    order = channel_order(po(1))
    ready = apply_moves(order, [Move(order.lines[0].line_id, Status.READY_TO_SHIP)], ADMIN, AT).order
    shipped = ship_with_tracking(ready, [ShipRow(order.lines[0].line_id, "CJGLS", "640012345678")], ADMIN, AT).order
    done = rules.reconcile(shipped, [po(1, claim=ChannelClaim("CANCEL", "CANCEL_REQUEST"))], AT)
    assert done is not None
    line = done.order.lines[0]
    assert line.status is Status.SHIPPING
    assert line.channel_state is not None
    assert line.channel_state["conflict"]["code"] == "CANCEL_NOT_ALLOWED_AFTER_SHIPPING"
    assert [e.kind for e in done.events] == ["channel_conflict"]


def test_the_shops_move_to_shipping_implies_a_dispatch_and_the_channels_own_does_not() -> None:
    order = channel_order(po(1))
    lid = order.lines[0].line_id
    ready = apply_moves(order, [Move(lid, Status.READY_TO_SHIP)], ADMIN, AT)
    assert pushes.dispatch_intents(order, ready.order, ready.events) == []
    shipped = ship_with_tracking(ready.order, [ShipRow(lid, "CJGLS", "640012345678")], ADMIN, AT)
    (intent,) = pushes.dispatch_intents(ready.order, shipped.order, shipped.events)
    assert intent.kind == "channel_dispatch"
    assert intent.data["external_ids"] == ["20261207000001"] and intent.data["tracking_no"] == "640012345678"
    by_channel = rules.reconcile(order, [po(1, status="DELIVERING", courier_code="CJGLS",
                                            tracking_no="640012345678")], AT)
    assert by_channel is not None and by_channel.order.lines[0].status is Status.SHIPPING
    assert pushes.dispatch_intents(order, by_channel.order, by_channel.events) == []


def test_a_delay_takes_the_channels_reasons_and_a_date_within_30_days() -> None:
    order = channel_order(po(1))
    lid = order.lines[0].line_id
    with pytest.raises(DomainError) as bad:
        pushes.request_delay(order, [lid], reason="LAZY", due_date="2026-12-10", detail="", actor=ADMIN, at=AT)
    assert bad.value.code == "CHANNEL_DELAY_REASON_INVALID"
    with pytest.raises(DomainError) as late:
        pushes.request_delay(order, [lid], reason="PRODUCT_PREPARE", due_date="2027-01-07", detail="", actor=ADMIN,
                             at=AT)
    assert late.value.code == "CHANNEL_DELAY_DATE_INVALID"
    done = pushes.request_delay(order, [lid], reason="PRODUCT_PREPARE", due_date="2026-12-10", detail="입고 지연",
                                actor=ADMIN, at=AT)
    (intent,) = done.intents
    assert intent.data["due_at"] == "2026-12-10T14:59:59.000000Z"  # the KST day's end, in UTC
    assert done.order.lines[0].channel_state["delay"]["state"] == "sending"  # type: ignore[index]


def test_claim_decisions_only_where_the_channel_has_them() -> None:
    order = channel_order(po(1))
    lid = order.lines[0].line_id
    with pytest.raises(DomainError) as none:
        pushes.request_decision(order, [lid], action="approve", reason="", detail="", fee=0, actor=ADMIN, at=AT)
    assert none.value.code == "CHANNEL_NO_OPEN_CLAIM"
    asked = rules.reconcile(order, [po(1, claim=ChannelClaim("CANCEL", "CANCEL_REQUEST"))], AT)
    assert asked is not None
    with pytest.raises(DomainError) as reject:
        pushes.request_decision(asked.order, [lid], action="reject", reason="이미 포장", detail="", fee=0, actor=ADMIN,
                                at=AT)
    assert reject.value.code == "CHANNEL_DECISION_INVALID"
    ok = pushes.request_decision(asked.order, [lid], action="approve", reason="", detail="", fee=0, actor=ADMIN, at=AT)
    assert ok.intents[0].data["kind"] == "cancel"
    with pytest.raises(DomainError) as twice:
        pushes.request_decision(ok.order, [lid], action="approve", reason="", detail="", fee=0, actor=ADMIN, at=AT)
    assert twice.value.code == "CHANNEL_DECISION_PENDING"
    refused = pushes.record_push(ok.order, "claim", [ItemResult("20261207000001", False, "104000", "처리 불가")],
                                 ADMIN, AT)
    state = refused.order.lines[0].channel_state or {}
    assert "decision" not in state and state["refusal"]["code"] == "104000"
    assert refused.events[0].kind == "channel_refused"
