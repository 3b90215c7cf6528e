"""Points accrue only at confirmation (rate, product setting, site switch, members only); admins
adjust by hand; [beyond] claw-back; membership pass days granted at payment and taken back on cancel."""

from __future__ import annotations

from typing import Any

from admin_api.app import lambda_handler as admin
from oms.domain.clock import iso, utcnow
from oms.domain.statuses import Status
from oms.schemas.settings import ConfirmationSettings, MembershipSettings, PointSettings, SiteSettingsPatch
from oms.services.orders import reopen_order
from oms.store import points, settings
from tests.integration.confirm_helpers import ADMIN, deliver, move, one_line, take_in
from tests.support import call, http_event

PASS = {"product_code": "VIP-30", "product_name": "VIP 30일 이용권", "kind": "membership_pass",
        "quantity": 2, "unit_price": 30000, "membership_days": 30}
EBOOK = {"product_code": "EBOOK-01", "product_name": "전자책", "kind": "digital", "quantity": 1,
         "unit_price": 9900}


def ledger(site: str, member: str = "m-100") -> list[dict[str, Any]]:
    return points.ledger(site, member, 100, None)[0]


def confirm_now(site: str, oid: str) -> None:
    now = iso(utcnow())
    deliver(site, oid, now)
    move(site, oid, Status.CONFIRMED, now)


def test_accrual_at_confirmation_only_with_rate_and_product_setting(site_id: str) -> None:
    settings.update(site_id, SiteSettingsPatch(points=PointSettings(rate_bp=250)), "t")
    oid = take_in(site_id, **one_line(lines=[
        {"product_code": "A", "product_name": "적립상품", "quantity": 3, "unit_price": 10001},
        {"product_code": "B", "product_name": "적립제외상품", "quantity": 1, "unit_price": 5000,
         "points_eligible": False}]))
    deliver(site_id, oid, iso(utcnow()))
    assert ledger(site_id) == []  # delivered is not confirmed
    move(site_id, oid, Status.CONFIRMED, iso(utcnow()))
    entries = ledger(site_id)
    assert [(e["line_id"], e["amount"]) for e in entries] == [("L001", 30003 * 250 // 10000)]
    assert points.balance(site_id, "m-100") == 750
    _status, body, _ = call(admin, http_event("GET", f"/admin/orders/{oid}", site_id=site_id))
    line = body["lines"][0]
    assert line["confirmed_by"] == "admin" and line["confirmed_at"] and line["points_accrued"] == 750
    assert any(e["kind"] == "points_accrued" for e in body["timeline"])


def test_points_switched_off_and_guests_accrue_nothing(site_id: str) -> None:
    settings.update(site_id, SiteSettingsPatch(points=PointSettings(enabled=False)), "t")
    confirm_now(site_id, take_in(site_id, **one_line()))
    assert ledger(site_id) == [] and points.balance(site_id, "m-100") == 0


def test_digital_goods_accrue_at_payment(site_id: str) -> None:
    oid = take_in(site_id, **one_line(lines=[EBOOK]))
    entries = ledger(site_id)
    assert [(e["order_id"], e["amount"], e["by"]) for e in entries] == [(oid, 99, "payment")]


def test_admin_adjusts_by_hand_never_below_zero(site_id: str) -> None:
    url = "/admin/members/m-7/points"
    status, body, _ = call(admin, http_event("POST", url, {"amount": 5000, "reason": "이벤트 지급"}, site_id=site_id))
    assert status == 201 and body["balance"] == 5000
    status, body, _ = call(admin, http_event("POST", url, {"amount": -6000, "reason": "회수"}, site_id=site_id))
    assert status == 409 and body["code"] == "POINTS_INSUFFICIENT" and body["balance"] == 5000
    status, body, _ = call(admin, http_event("POST", url, {"amount": -2000, "reason": "이용권 취소분 차감"},
                                             site_id=site_id))
    assert status == 201 and body["balance"] == 3000
    status, body, _ = call(admin, http_event("GET", url, site_id=site_id))
    assert [(e["amount"], e["reason"]) for e in body["entries"]] == [
        (-2000, "이용권 취소분 차감"), (5000, "이벤트 지급")]
    assert body["entries"][0]["by"] == "관리자"
    status, body, _ = call(admin, http_event("POST", url, {"amount": 10, "reason": ""}, site_id=site_id))
    assert status == 400 and body["code"] == "VALIDATION_FAILED"
    # another site's admin sees an empty ledger for the same member id
    status, body, _ = call(admin, http_event("GET", url, site_id="other-site"))
    assert body["balance"] == 0 and body["entries"] == []


def test_clawback_on_return_when_the_site_says_so(site_id: str) -> None:
    settings.update(site_id, SiteSettingsPatch(points=PointSettings(auto_clawback=True)), "t")
    oid = take_in(site_id, **one_line())
    confirm_now(site_id, oid)
    assert points.balance(site_id, "m-100") == 200
    points.commit_entries(site_id, "m-100", [points.entry_item(
        site_id, "m-100", at=iso(utcnow()), ref="spent", kind="manual", amount=-150, reason="사용", by="t")],
        iso(utcnow()))
    reopen_order(site_id, oid, ADMIN)  # a confirmed (closed) order is reopened for a return
    for step in (Status.RETURN_REQUESTED, Status.RETURN_COLLECTING, Status.RETURNED):
        move(site_id, oid, step, iso(utcnow()), ["L001"])
    claw = [e for e in ledger(site_id) if e["kind"] == "clawback"]
    assert [(e["amount"], e["shortfall"]) for e in claw] == [(-50, 150)]
    assert points.balance(site_id, "m-100") == 0


def test_no_clawback_by_default(site_id: str) -> None:
    oid = take_in(site_id, **one_line())
    confirm_now(site_id, oid)
    reopen_order(site_id, oid, ADMIN)  # a confirmed (closed) order is reopened for a return
    for step in (Status.RETURN_REQUESTED, Status.RETURN_COLLECTING, Status.RETURNED):
        move(site_id, oid, step, iso(utcnow()), ["L001"])
    assert points.balance(site_id, "m-100") == 200


def test_pass_days_granted_at_payment_and_deducted_on_cancel(site_id: str) -> None:
    oid = take_in(site_id, **one_line(lines=[PASS]))
    status, body, _ = call(admin, http_event("GET", "/admin/members/m-100/membership", site_id=site_id))
    assert status == 200 and body["days"] == 60 and body["in_group"] is True
    call(admin, http_event("POST", f"/admin/orders/{oid}/reopen", site_id=site_id))
    for to in ("cancel_requested", "cancelled"):
        status, out, _ = call(admin, http_event("POST", f"/admin/orders/{oid}/status",
                                                {"moves": [{"line_id": "L001", "to": to}]}, site_id=site_id))
        assert status == 200, out
    status, body, _ = call(admin, http_event("GET", "/admin/members/m-100/membership", site_id=site_id))
    assert body["days"] == 0 and body["in_group"] is True  # the group stays until an admin removes it
    assert [h["kind"] for h in body["history"]] == ["revoke", "grant"]
    assert points.balance(site_id, "m-100") == 600  # accrued points are not taken back by default
    status, body, _ = call(admin, http_event("POST", "/admin/members/m-100/membership/remove-group",
                                             {"reason": "이용권 취소"}, site_id=site_id))
    assert status == 200 and body["in_group"] is False
    status, body, _ = call(admin, http_event("POST", "/admin/members/m-404/membership/remove-group",
                                             {"reason": "x"}, site_id=site_id))
    assert status == 404


def test_group_removed_automatically_where_set(site_id: str) -> None:
    settings.update(site_id, SiteSettingsPatch(membership=MembershipSettings(auto_remove_group=True),
                                               confirmation=ConfirmationSettings(auto_confirm_days=3)), "t")
    oid = take_in(site_id, **one_line(lines=[PASS]))
    call(admin, http_event("POST", f"/admin/orders/{oid}/reopen", site_id=site_id))
    for to in ("cancel_requested", "cancelled"):
        call(admin, http_event("POST", f"/admin/orders/{oid}/status", {"moves": [{"line_id": "L001", "to": to}]},
                               site_id=site_id))
    _status, body, _ = call(admin, http_event("GET", "/admin/members/m-100/membership", site_id=site_id))
    assert body["days"] == 0 and body["in_group"] is False


def test_site_days_setting_sets_the_due_day(site_id: str) -> None:
    settings.update(site_id, SiteSettingsPatch(confirmation=ConfirmationSettings(auto_confirm_days=3)), "t")
    oid = take_in(site_id, **one_line())
    deliver(site_id, oid, "2036-01-31T15:30:00.000000Z")  # 2036-02-01 00:30 KST
    _status, body, _ = call(admin, http_event("GET", f"/admin/orders/{oid}", site_id=site_id))
    assert body["lines"][0]["auto_confirm_on"] == "2036-02-04"
