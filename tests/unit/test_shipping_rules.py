"""Shipment rules (docs/domain.md, "Shipping"): manual entry never changes status; Excel path ships; 배송없음;
합배송."""

from __future__ import annotations

import pytest

from oms.domain import shipping as rules
from oms.domain.errors import DomainError
from oms.domain.moves import Move, apply_moves
from oms.domain.statuses import Status
from tests.shipping_support import ADMIN, AT, domain_order


def test_add_change_remove_tracking_never_changes_status() -> None:
    order = domain_order()
    added = rules.set_tracking(order, ["L001"], courier="CJ", tracking_no="6312-3456-7890", method=None,
                               actor=ADMIN, at=AT)
    o = added.order
    assert [line.status for line in o.lines] == [Status.READY_TO_SHIP, Status.READY_TO_SHIP]
    assert o.tracking_of(o.line("L001")) == "631234567890"
    assert o.tracking_of(o.line("L002")) is None
    assert added.touched_shipments == {"SH001"} and added.touched_lines == {"L001"}
    assert added.events[0].kind == "tracking_added"
    assert o.shipments["SH001"].courier == "CJGLS" and o.shipments["SH001"].method == "parcel"

    changed = rules.set_tracking(o, ["L001"], courier="롯데택배", tracking_no="234567890123", method=None,
                                 actor=ADMIN, at=AT)
    assert changed.order.shipments["SH001"].courier == "HYUNDAI"
    assert changed.events[0].kind == "tracking_changed"
    assert changed.events[0].data["previous"] == ["631234567890"]
    with pytest.raises(DomainError) as e:
        rules.set_tracking(changed.order, ["L001"], courier="HYUNDAI", tracking_no="234567890123", method=None,
                           actor=ADMIN, at=AT)
    assert e.value.code == "TRACKING_UNCHANGED"

    removed = rules.remove_tracking(changed.order, ["L001"], actor=ADMIN, at=AT)
    assert removed.order.shipments == {}
    assert removed.touched_shipments == {"SH001"}
    assert removed.order.line("L001").status is Status.READY_TO_SHIP


def test_tracking_only_while_ready_to_ship_and_blocks_cancel() -> None:
    order = domain_order(ready=False)
    with pytest.raises(DomainError) as e:
        rules.set_tracking(order, ["L001"], courier="CJ", tracking_no="631234567890", method=None, actor=ADMIN,
                           at=AT)
    assert e.value.code == "NOT_READY_TO_SHIP"
    ready = domain_order()
    tracked = rules.set_tracking(ready, ["L001", "L002"], courier="CJ", tracking_no="631234567890", method=None,
                                 actor=ADMIN, at=AT).order
    assert len(tracked.shipments) == 1
    with pytest.raises(DomainError) as e:
        apply_moves(tracked, [Move("L001", Status.CANCEL_REQUESTED)], ADMIN, AT)
    assert e.value.code == "CANCEL_NOT_ALLOWED_WITH_TRACKING"
    # units in ready_to_ship cannot be split
    with pytest.raises(DomainError) as e:
        apply_moves(tracked, [Move("L001", Status.CANCEL_REQUESTED, 1)], ADMIN, AT)
    assert e.value.code in ("SPLIT_NOT_ALLOWED_IN_READY_TO_SHIP", "CANCEL_NOT_ALLOWED_WITH_TRACKING")
    untracked = rules.remove_tracking(tracked, ["L001"], actor=ADMIN, at=AT).order
    assert apply_moves(untracked, [Move("L001", Status.CANCEL_REQUESTED)], ADMIN, AT).order.line(
        "L001").status is Status.CANCEL_REQUESTED
    # the shipment still carries L002
    assert untracked.tracking_of(untracked.line("L002")) == "631234567890"


def test_quick_takes_a_phone_and_etc_any_number() -> None:
    order = domain_order(method="quick")
    c = rules.set_tracking(order, ["L001"], courier=None, tracking_no="010-9876-5432", method=None, actor=ADMIN,
                           at=AT)
    s = c.order.shipments["SH001"]
    assert (s.method, s.courier, s.tracking_no) == ("quick", "ETC", "010-9876-5432")
    c2 = rules.set_tracking(domain_order(), ["L002"], courier="기타", tracking_no="1234", method=None, actor=ADMIN,
                            at=AT)
    assert c2.order.shipments["SH001"].tracking_no == "1234"


def test_excel_path_attaches_and_ships_all_or_nothing() -> None:
    order = domain_order()
    rows = [rules.ShipRow("L001", "CJGLS", "631234567890", 3), rules.ShipRow("L002", "CJGLS", "631234567890")]
    change = rules.ship_with_tracking(order, rows, ADMIN, AT)
    assert [line.status for line in change.order.lines] == [Status.SHIPPING, Status.SHIPPING]
    assert len(change.order.shipments) == 1
    assert [e.kind for e in change.events] == ["invoice_applied"]
    data = change.events[0].data
    assert [(m["line_id"], m["from"], m["to"]) for m in data["moves"]] == [
        ("L001", "ready_to_ship", "shipping"), ("L002", "ready_to_ship", "shipping")]
    assert data["tracking"][0]["tracking_no"] == "631234567890" and "배송중" in data["text_ko"]
    assert change.order.version == order.version
    # re-applied rows: nothing to do
    with pytest.raises(DomainError) as e:
        rules.ship_with_tracking(change.order, rows, ADMIN, AT)
    assert e.value.code == "ALREADY_APPLIED"
    # one bad row refuses the whole order
    bad = [rules.ShipRow("L001", "CJGLS", "631234567890"), rules.ShipRow("L002", "CJGLS", "631234567890", 5)]
    with pytest.raises(DomainError) as e:
        rules.ship_with_tracking(order, bad, ADMIN, AT)
    assert e.value.code == "QUANTITY_MISMATCH"


def test_no_shipping_walks_every_step_to_delivered() -> None:
    order = domain_order(method="none")
    change = rules.deliver_no_shipping(order, ADMIN, AT)
    assert all(line.status is Status.DELIVERED for line in change.order.lines)
    steps = [(e.data["from"], e.data["to"]) for e in change.events if e.kind == "status_changed"]
    assert steps == [("ready_to_ship", "shipping")] * 2 + [("shipping", "delivered")] * 2
    with pytest.raises(DomainError) as e:
        rules.deliver_no_shipping(domain_order(method="parcel"), ADMIN, AT)
    assert e.value.code == "NO_NO_SHIPPING_LINES"


def test_combined_shipping_same_buyer_and_address_only() -> None:
    a, b = domain_order("20260302-000001"), domain_order("20260302-000002")
    changes = rules.combine([(a, ["L001"]), (b, ["L001", "L002"])], courier="CJ", tracking_no="631234567890",
                            method=None, group_id="CG1", actor=ADMIN, at=AT)
    assert [c.order.shipments["SH001"].combined_group for c in changes] == ["CG1", "CG1"]
    assert changes[0].events[0].data["combined_with"] == ["20260302-000002"]
    assert "합배송" in changes[1].events[0].data["text_ko"]
    other = domain_order("20260302-000003", address2="5층")
    with pytest.raises(DomainError) as e:
        rules.combine([(a, ["L001"]), (other, ["L001"])], courier="CJ", tracking_no="631234567890", method=None,
                      group_id="CG2", actor=ADMIN, at=AT)
    assert e.value.code == "COMBINE_DIFFERENT_DESTINATION"
