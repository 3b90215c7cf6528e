"""Delivery tracking rules (docs/domain.md, "Delivery tracking"): each provider status and level maps
to a scan kind; scans move units forward only, once each, whatever order they arrive in; delivered is
sticky and starts the confirmation clock at the courier's time; an operator's move wins."""

from __future__ import annotations

from typing import Any

import pytest

from oms.domain import shipping as rules
from oms.domain import tracking
from oms.domain.errors import DomainError
from oms.domain.moves import Move, apply_moves
from oms.domain.order import Order
from oms.domain.statuses import Status
from oms.domain.tracking_codes import ScanKind, from_sweet_level, from_tracker_status
from tests.shipping_support import ADMIN, AT, domain_order

K = ScanKind
PICKUP = "2026-03-02T03:00:00.000000Z"
TRANSIT = "2026-03-02T09:00:00.000000Z"
OUT = "2026-03-03T00:30:00.000000Z"
DELIVERED = "2026-03-03T05:10:00.000000Z"
NOW = "2026-03-03T06:00:00.000000Z"


@pytest.mark.parametrize(("status", "kind"), [
    ("UNKNOWN", K.INFO), ("INFORMATION_RECEIVED", K.INFO), ("AT_PICKUP", K.PICKED_UP),
    ("IN_TRANSIT", K.IN_TRANSIT), ("OUT_FOR_DELIVERY", K.OUT_FOR_DELIVERY),
    ("AVAILABLE_FOR_PICKUP", K.OUT_FOR_DELIVERY), ("ATTEMPT_FAIL", K.FAILED_ATTEMPT),
    ("DELIVERED", K.DELIVERED), ("EXCEPTION", K.EXCEPTION), ("delivered", K.DELIVERED), ("SOMETHING_NEW", K.INFO),
    (None, K.INFO),
])
def test_each_webhook_provider_status_maps_to_a_scan_kind(status: str | None, kind: ScanKind) -> None:
    assert from_tracker_status(status) is kind


@pytest.mark.parametrize(("level", "text", "kind"), [
    (1, "배송준비", K.INFO), (2, "집화처리", K.PICKED_UP), (3, "간선상차", K.IN_TRANSIT),
    ("4", "지점도착", K.IN_TRANSIT),
    (5, "배송출발", K.OUT_FOR_DELIVERY), (6, "배송완료", K.DELIVERED), (-99, "스캔 오류", K.EXCEPTION),
    (5, "미배달(수취인 부재)", K.FAILED_ATTEMPT), (3, "배달실패 - 주소 불명", K.FAILED_ATTEMPT),
    (7, "?", K.INFO), ("x", "?", K.INFO), (None, "", K.INFO),
])
def test_each_push_provider_level_maps_to_a_scan_kind(level: Any, text: str, kind: ScanKind) -> None:
    assert from_sweet_level(level, text) is kind


def tracked(order: Order | None = None) -> Order:
    """An order whose L001 (3 units) waits in 배송대기 with a registered CJ number."""
    change = rules.set_tracking(order or domain_order(), ["L001"], courier="CJ", tracking_no="631234567890",
                                method=None, actor=ADMIN, at=AT)
    assert [i.kind for i in change.intents] == ["tracking_register"]
    o = change.order
    return tracking.registration_result(o, "SH001", "631234567890", 1, provider="sweettracker", accepted=True,
                                        at=AT, quiet_days=5).order


def sc(kind: ScanKind, at: str, text: str = "", where: str = "서울 중구") -> dict[str, Any]:
    return tracking.scan(kind, at, text=text or kind.ko, where=where, code=kind.value)


def feed(order: Order, *scans: dict[str, Any], auto: bool = True) -> Order:
    change = tracking.apply_scans(order, "SH001", "631234567890", list(scans), provider="sweettracker", at=NOW,
                                  quiet_days=5, auto_complete=auto)
    assert change is not None
    return change.order


def status(order: Order, line_id: str = "L001") -> Status:
    return order.line(line_id).status


def test_every_way_a_number_is_entered_asks_for_one_registration_per_shipment() -> None:
    order = domain_order()
    added = rules.set_tracking(order, ["L001"], courier="CJ", tracking_no="631234567890", method=None,
                               actor=ADMIN, at=AT)
    assert [(i.key, i.data["tracking_no"]) for i in added.intents] == [("tracking_register:SH001:1", "631234567890")]
    assert added.order.shipments["SH001"].tracking["state"] == "pending"  # type: ignore[index]
    changed = rules.set_tracking(added.order, ["L001"], courier="CJ", tracking_no="631234567891", method=None,
                                 actor=ADMIN, at=AT)
    assert [i.key for i in changed.intents] == ["tracking_register:SH001:2"]  # a new number: a new round
    shipped = rules.ship_with_tracking(order, [rules.ShipRow("L001", "HANJIN", "400012345678"),
                                               rules.ShipRow("L002", "HANJIN", "400012345678")], ADMIN, AT)
    assert [i.data["tracking_no"] for i in shipped.intents] == ["400012345678"]  # one shipment, one registration
    combined = rules.combine([(order, ["L001"]), (domain_order("20260302-000002"), ["L001"])], courier="CJ",
                             tracking_no="631234567890", method=None, group_id="CG1", actor=ADMIN, at=AT)
    assert [len(c.intents) for c in combined] == [1, 1]
    quick = rules.set_tracking(order, ["L001"], courier=None, tracking_no="010-1234-5678", method="quick",
                               actor=ADMIN, at=AT)
    assert quick.intents == [] and quick.order.shipments["SH001"].tracking is None  # nothing to track


def test_pickup_moves_ready_units_to_shipping_and_nothing_else() -> None:
    order = tracked()
    o = feed(order, sc(K.INFO, "2026-03-02T02:00:00.000000Z"))
    assert status(o) is Status.READY_TO_SHIP  # 배송준비 moves nothing
    o = feed(o, sc(K.PICKED_UP, PICKUP, "집화처리"))
    assert status(o) is Status.SHIPPING
    assert status(o, "L002") is Status.READY_TO_SHIP  # not in this shipment
    t = o.shipments["SH001"].tracking
    assert t is not None and t["progress"] == "picked_up" and t["last_scan"]["text"] == "집화처리"


def test_delivered_moves_to_delivered_with_the_couriers_time() -> None:
    o = feed(tracked(), sc(K.PICKED_UP, PICKUP), sc(K.DELIVERED, DELIVERED, "배송완료(문앞)"))
    line = o.line("L001")
    assert line.status is Status.DELIVERED and line.status_changed_at == DELIVERED
    change = tracking.apply_scans(tracked(), "SH001", "631234567890", [sc(K.DELIVERED, DELIVERED)],
                                  provider="sweettracker", at=NOW, quiet_days=5)
    assert change is not None
    moves = [(e.data["from"], e.data["to"]) for e in change.events if e.kind == "status_changed"]
    assert moves == [("ready_to_ship", "shipping"), ("shipping", "delivered")]  # each step recorded
    scan_event = change.events[0]
    assert scan_event.kind == "tracking_scan" and scan_event.data["outcome"] == "applied"
    assert scan_event.data["courier_text"] == "배송완료" and "배송완료" in scan_event.data["text_ko"]


def test_out_of_order_and_duplicate_scans() -> None:
    order = tracked()
    # delivered arrives before the pickup and transit scans: they are recorded, nothing moves back
    o = feed(order, sc(K.DELIVERED, DELIVERED))
    o = feed(o, sc(K.IN_TRANSIT, TRANSIT), sc(K.PICKED_UP, PICKUP))
    assert status(o) is Status.DELIVERED and o.line("L001").status_changed_at == DELIVERED
    t = o.shipments["SH001"].tracking
    assert t is not None and [x["kind"] for x in t["scans"]] == ["picked_up", "in_transit", "delivered"]
    assert t["last_scan"]["kind"] == "delivered"
    # the same scans again: nothing to do (no change, no timeline entry)
    assert tracking.apply_scans(o, "SH001", "631234567890", [sc(K.DELIVERED, DELIVERED), sc(K.PICKED_UP, PICKUP)],
                                provider="sweettracker", at=NOW, quiet_days=5) is None
    # one new among duplicates: only it is applied
    change = tracking.apply_scans(order, "SH001", "631234567890",
                                  [sc(K.PICKED_UP, PICKUP), sc(K.PICKED_UP, PICKUP)],
                                  provider="sweettracker", at=NOW, quiet_days=5)
    assert change is not None and [e.kind for e in change.events].count("tracking_scan") == 1


def test_delivered_is_sticky() -> None:
    o = feed(tracked(), sc(K.PICKED_UP, PICKUP), sc(K.DELIVERED, DELIVERED))
    late = tracking.apply_scans(o, "SH001", "631234567890", [sc(K.OUT_FOR_DELIVERY, NOW, "배송출발")],
                                provider="sweettracker", at=NOW, quiet_days=5)
    assert late is not None
    assert status(late.order) is Status.DELIVERED
    assert late.events[0].data["outcome"] == "ignored" and "배송완료 이후" in late.events[0].data["text_ko"]
    assert late.order.shipments["SH001"].tracking["progress"] == "delivered"  # type: ignore[index]


def test_an_operators_move_wins_over_scans_made_before_it() -> None:
    o = feed(tracked(), sc(K.PICKED_UP, PICKUP))
    # the operator steps the parcel back (it came back to the shop) after the in-transit scan was made
    back = apply_moves(o, [Move("L001", Status.READY_TO_SHIP)], ADMIN, "2026-03-02T10:00:00.000000Z").order
    change = tracking.apply_scans(back, "SH001", "631234567890", [sc(K.IN_TRANSIT, TRANSIT)],
                                  provider="sweettracker", at=NOW, quiet_days=5)
    assert change is not None and status(change.order) is Status.READY_TO_SHIP
    assert change.events[0].data["outcome"] == "ignored" and "관리자" in change.events[0].data["text_ko"]
    # a scan the courier makes after the operator's move applies again
    later = feed(change.order, sc(K.PICKED_UP, "2026-03-03T01:00:00.000000Z"))
    assert status(later) is Status.SHIPPING
    # the operator completed delivery by hand: the courier's later delivered scan keeps the operator's time
    by_hand = apply_moves(later, [Move("L001", Status.DELIVERED)], ADMIN, "2026-03-03T02:00:00.000000Z").order
    after = feed(by_hand, sc(K.DELIVERED, DELIVERED))
    assert status(after) is Status.DELIVERED and after.line("L001").status_changed_at == "2026-03-03T02:00:00.000000Z"


def test_failed_attempt_and_exception_open_an_issue_delivered_closes_it() -> None:
    o = feed(tracked(), sc(K.PICKED_UP, PICKUP), sc(K.FAILED_ATTEMPT, OUT, "미배달(부재)"))
    assert status(o) is Status.SHIPPING
    assert "delivery_issue" in o.tabs()
    [issue] = tracking.open_issues(o)
    assert issue["reason"] == "failed_attempt" and issue["last_scan"]["text"] == "미배달(부재)"
    o2 = feed(o, sc(K.DELIVERED, DELIVERED))
    assert tracking.open_issues(o2) == [] and "delivery_issue" not in o2.tabs()
    ex = feed(tracked(), sc(K.EXCEPTION, PICKUP, "파손 사고"))
    assert [i["reason"] for i in tracking.open_issues(ex)] == ["exception"]
    resolved = tracking.resolve_issue(ex, "SH001", actor=ADMIN, at=NOW, note="재발송 예정", quiet_days=5)
    assert tracking.open_issues(resolved.order) == []
    assert resolved.events[0].kind == "tracking_issue_resolved" and resolved.events[0].data["note"] == "재발송 예정"
    with pytest.raises(DomainError) as e:
        tracking.resolve_issue(resolved.order, "SH001", actor=ADMIN, at=NOW, note="", quiet_days=5)
    assert e.value.code == "TRACKING_NO_ISSUE"


def test_no_scan_for_the_quiet_days_opens_an_issue() -> None:
    o = tracked()
    t = o.shipments["SH001"].tracking
    assert t is not None and t["check_at"] == "2026-03-07T01:00:00.000000Z"  # registered + 5 days
    assert tracking.quiet_check(o, at="2026-03-06T00:00:00.000000Z", quiet_days=5) is None  # not due
    change = tracking.quiet_check(o, at="2026-03-07T02:00:00.000000Z", quiet_days=5)
    assert change is not None and [i["reason"] for i in tracking.open_issues(change.order)] == ["no_scan"]
    assert change.events[0].kind == "tracking_issue"
    # a scan on day 2 pushes the check to day 2 + 5
    scanned = feed(o, sc(K.PICKED_UP, "2026-03-03T01:00:00.000000Z"))
    assert scanned.shipments["SH001"].tracking["check_at"] == "2026-03-08T01:00:00.000000Z"  # type: ignore[index]
    # a courier clock ahead of ours counts as now
    ahead = feed(o, sc(K.PICKED_UP, "2026-03-09T01:00:00.000000Z"))
    assert ahead.shipments["SH001"].tracking["last_scan"]["at"] == NOW  # type: ignore[index]


def test_events_may_not_complete_delivery_when_the_site_says_so() -> None:
    o = feed(tracked(), sc(K.PICKED_UP, PICKUP), sc(K.DELIVERED, DELIVERED), auto=False)
    assert status(o) is Status.SHIPPING
    assert o.shipments["SH001"].tracking["delivered_at"] == DELIVERED  # type: ignore[index]


def test_a_rejected_number_is_shown_with_the_reason_and_listed() -> None:
    change = rules.set_tracking(domain_order(), ["L001"], courier="CJ", tracking_no="631234567890", method=None,
                                actor=ADMIN, at=AT)
    rejected = tracking.registration_result(change.order, "SH001", "631234567890", 1, provider="sweettracker",
                                            accepted=False, at=AT, quiet_days=5, reason="invalid invoice",
                                            reason_ko="유효하지 않은 송장번호")
    t = rejected.order.shipments["SH001"].tracking
    assert t is not None and t["state"] == "rejected" and t["reason_ko"] == "유효하지 않은 송장번호"
    assert [i["reason"] for i in tracking.open_issues(rejected.order)] == ["rejected"]
    assert rejected.events[0].kind == "tracking_rejected"


def test_scans_for_a_number_no_longer_on_the_shipment_are_refused() -> None:
    o = tracked()
    with pytest.raises(DomainError) as e:
        tracking.apply_scans(o, "SH001", "999999999999", [sc(K.PICKED_UP, PICKUP)], provider="sweettracker",
                             at=NOW, quiet_days=5)
    assert e.value.code == "TRACKING_NUMBER_MISMATCH"


def test_correcting_a_number_after_shipping_registers_again() -> None:
    o = feed(tracked(), sc(K.PICKED_UP, PICKUP))
    change = tracking.correct_number(o, "SH001", courier=None, tracking_no="631234567899", actor=ADMIN, at=NOW)
    assert change.order.shipments["SH001"].tracking_no == "631234567899"
    assert [i.key for i in change.intents] == ["tracking_register:SH001:2"]
    assert change.events[0].kind == "tracking_corrected" and change.events[0].data["previous"] == "631234567890"
    assert status(change.order) is Status.SHIPPING
    assert change.order.shipments["SH001"].tracking["scans"] == []  # type: ignore[index]


def test_an_operators_forward_move_does_not_hold_the_couriers_later_news() -> None:
    # the operator pressed 배송중 (or uploaded the Excel) after the courier had already scanned more
    by_hand = apply_moves(tracked(), [Move("L001", Status.SHIPPING)], ADMIN, NOW).order
    assert by_hand.shipments["SH001"].tracking["operator_at"] is None  # type: ignore[index]
    o = feed(by_hand, sc(K.PICKED_UP, PICKUP), sc(K.DELIVERED, DELIVERED))
    assert status(o) is Status.DELIVERED and o.line("L001").status_changed_at == DELIVERED


def test_the_polling_fallback_polls_often_while_moving_rarely_otherwise_and_gives_up() -> None:
    from oms.domain.tracking_poll import next_poll, polls_per_day

    t: dict[str, Any] = {"state": "polling", "registered_at": "2026-03-02T01:00:00.000000Z", "progress": None,
                         "delivered_at": None}
    day = "2026-03-02T03:00:00.000000Z"  # 12:00 KST
    assert next_poll(t, day) == "2026-03-02T05:00:00.000000Z"  # nothing scanned yet: 2 hours
    assert next_poll({**t, "progress": "in_transit"}, day) == "2026-03-02T03:30:00.000000Z"  # moving: 30 min
    night = "2026-03-02T13:00:00.000000Z"  # 22:00 KST
    assert next_poll({**t, "progress": "in_transit"}, night) == "2026-03-02T15:00:00.000000Z"
    assert next_poll({**t, "delivered_at": day}, day) is None
    assert next_poll({**t, "state": "registered"}, day) is None  # webhooks call back: no polls
    assert next_poll(t, "2026-03-17T01:00:00.000000Z") is None  # 15 days: given up
    delivered_next_day = polls_per_day([(4, "picked_up"), (28, "delivered")], "2026-03-02T01:00:00.000000Z")
    never = polls_per_day([], "2026-03-02T01:00:00.000000Z")
    assert sum(delivered_next_day) < sum(never[:2]) * 2 and sum(delivered_next_day[2:]) == 0
    assert never[:2] == [11, 12] and len([d for d in never if d]) == 15  # every 2 h for 15 days, then none
