"""Admin payment routes (manual deposit, PG refund, cash receipts), auto-issue on deposit and the
virtual-account expiry job, through the handlers on DynamoDB Local with the PG sandbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from oms.domain.clock import iso, utcnow
from oms.schemas.settings import PaymentSettings, SiteSettingsPatch
from oms.services import payments
from oms.store import orders as store
from oms.store import settings, stock
from oms_local.pg_sandbox import PgSandbox
from tests.integration.payments_support import deliver, sandbox_fixture, snapshot, va_order  # noqa: F401
from tests.outbox_support import Relay
from tests.support import call, http_event

pytestmark = pytest.mark.usefixtures("standard_buyer_points")


def admin(method: str, path: str, body: Any, site_id: str) -> tuple[int, Any]:
    from admin_api.app import lambda_handler

    status, answer, _ = call(lambda_handler, http_event(method, path, body, site_id=site_id))
    return status, answer


def use_pg(site_id: str, **kw: Any) -> None:
    settings.update(site_id, SiteSettingsPatch(payments=PaymentSettings(pg_provider="toss", **kw)), "test")


def test_manual_deposit_on_the_detail_records_who_and_when(sandbox: PgSandbox, site_id: str) -> None:
    order_id, payment_id, _ = va_order(sandbox, site_id)
    paid_at = (utcnow() - timedelta(hours=2)).replace(microsecond=0)
    status, detail = admin("POST", f"/admin/orders/{order_id}/payments/{payment_id}/deposit",
                           {"paid_at": paid_at.isoformat(), "note": "입금자명 김민지"}, site_id)
    assert status == 200, detail
    assert [line["status"] for line in detail["lines"]] == ["preparing"]
    pay = detail["payments"][0]
    assert pay["status"] == "paid" and pay["paid_at"] == iso(paid_at) and pay["deposit_source"] == "manual"
    assert pay["confirmed_by"]["id"] == "admin-1"
    assert "deposit_secret" not in json.dumps(detail)
    entry = next(e for e in detail["timeline"] if e["kind"] == "payment")
    assert entry["actor"] == {"kind": "admin", "id": "admin-1", "name": "관리자", "role": "대표 운영자"}
    assert entry["data"]["source"] == "manual" and entry["data"]["note"] == "입금자명 김민지"
    # a second confirmation of the same deposit is refused and leaves the money alone
    status, problem = admin("POST", f"/admin/orders/{order_id}/payments/{payment_id}/deposit", {}, site_id)
    assert status == 409 and problem["code"] == "PAYMENT_ALREADY_PAID"
    assert snapshot(site_id, order_id)["paid_total"] == 10000
    # another site's admin cannot see or confirm it
    status, problem = admin("POST", f"/admin/orders/{order_id}/payments/{payment_id}/deposit", {}, site_id + "x")
    assert status == 404


def test_manual_deposit_validation(sandbox: PgSandbox, site_id: str) -> None:
    order_id, payment_id, _ = va_order(sandbox, site_id)
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    status, problem = admin("POST", f"/admin/orders/{order_id}/payments/{payment_id}/deposit",
                            {"paid_at": future}, site_id)
    assert status == 422 and problem["code"] == "PAID_AT_IN_FUTURE"
    status, problem = admin("POST", f"/admin/orders/{order_id}/payments/nope/deposit", {}, site_id)
    assert status == 404 and problem["code"] == "PAYMENT_NOT_FOUND"


def test_cash_receipt_through_the_pg_issued_and_failed(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id, cash_receipt_auto_issue=True)
    order_id, payment_id, _ = va_order(sandbox, site_id)
    path = f"/admin/orders/{order_id}/payments/{payment_id}/cash-receipt"
    status, problem = admin("POST", path, {"type": "소득공제", "identity_number": "010-1234-5678"}, site_id)
    assert status == 409 and problem["code"] == "CASH_RECEIPT_NOT_PAID"
    payments.confirm_manual_deposit(site_id, order_id, payment_id, payments.pg_actor("toss"))

    status, detail = admin("POST", path, {"type": "소득공제", "identity_number": "000-0000-0000"}, site_id)
    assert status == 200
    receipt = detail["payments"][0]["cash_receipt"]
    assert receipt["status"] == "failed"
    assert receipt["failure_reason"].startswith("INVALID_CUSTOMER_IDENTITY_NUMBER")  # the PG's reason, kept

    status, detail = admin("POST", path, {"type": "소득공제", "identity_number": "010-1234-5678"}, site_id)
    receipt = detail["payments"][0]["cash_receipt"]
    assert (status, receipt["status"], receipt["identity_number"]) == (200, "issued", "*******5678")
    assert receipt["issue_number"] and receipt["receipt_key"]
    kinds = [(e["kind"], e["data"].get("status")) for e in detail["timeline"] if e["kind"] == "cash_receipt"]
    assert kinds == [("cash_receipt", "issued"), ("cash_receipt", "requested"), ("cash_receipt", "failed"),
                     ("cash_receipt", "requested")]


def test_manual_completion_only_without_pg(sandbox: PgSandbox, site_id: str) -> None:
    order_id, payment_id, _ = va_order(sandbox, site_id)
    payments.confirm_manual_deposit(site_id, order_id, payment_id, payments.pg_actor("toss"))
    path = f"/admin/orders/{order_id}/payments/{payment_id}/cash-receipt"
    status, problem = admin("POST", path, {"type": "소득공제", "identity_number": "010-1234-5678"}, site_id)
    assert status == 409 and problem["code"] == "NO_PG"
    status, detail = admin("POST", path + "/manual-complete", {"type": "지출증빙", "issue_number": "HT-123"}, site_id)
    assert status == 200
    receipt = detail["payments"][0]["cash_receipt"]
    assert (receipt["status"], receipt["source"], receipt["issue_number"]) == ("issued", "manual", "HT-123")

    use_pg(site_id)
    other, other_pid, _ = va_order(sandbox, site_id)
    payments.confirm_manual_deposit(site_id, other, other_pid, payments.pg_actor("toss"))
    status, problem = admin("POST", f"/admin/orders/{other}/payments/{other_pid}/cash-receipt/manual-complete",
                            {"type": "소득공제"}, site_id)
    assert status == 409 and problem["code"] == "CASH_RECEIPT_USE_PG"


def test_auto_issue_on_deposit_where_pg_and_bank_matching(sandbox: PgSandbox, site_id: str, relay: Relay) -> None:
    use_pg(site_id, cash_receipt_auto_issue=True, bank_matching=True)
    order_id, _, pg = va_order(sandbox, site_id, cash_receipt={"type": "소득공제", "identity_number": "01098765432"})
    assert deliver("toss", *sandbox.callback("toss", sandbox.deposited(pg), status="DONE"))[0] == 200
    assert "cash_receipt" not in snapshot(site_id, order_id)["payments"][0]  # after the deposit commits:
    relay.drain()  # the relay issues it
    pay = snapshot(site_id, order_id)["payments"][0]
    assert pay["cash_receipt"]["status"] == "issued" and pay["cash_receipt"]["source"] == "auto"
    assert pay["cash_receipt_request"]["identity_number"] == "*******5432"  # the full number is never shown
    # without bank matching the admin presses the button instead
    use_pg(site_id, cash_receipt_auto_issue=True, bank_matching=False)
    order2, _, pg2 = va_order(sandbox, site_id, cash_receipt={"type": "소득공제", "identity_number": "01098765432"})
    assert deliver("toss", *sandbox.callback("toss", sandbox.deposited(pg2), status="DONE"))[0] == 200
    relay.drain()
    assert "cash_receipt" not in snapshot(site_id, order2)["payments"][0]


def test_va_refund_is_whole_only_and_cancels_the_receipt(sandbox: PgSandbox, site_id: str, relay: Relay) -> None:
    use_pg(site_id, cash_receipt_auto_issue=True, bank_matching=True)
    order_id, payment_id, pg = va_order(sandbox, site_id, cash_receipt={"type": "소득공제",
                                                                         "identity_number": "01012345678"})
    assert deliver("toss", *sandbox.callback("toss", sandbox.deposited(pg), status="DONE"))[0] == 200
    relay.drain()
    path = f"/admin/orders/{order_id}/payments/{payment_id}/refund"
    account = {"bank": "국민", "account_no": "123-456-789", "holder": "김민지"}
    status, problem = admin("POST", path, {"amount": 3000, "reason": "부분 환불", "refund_account": account}, site_id)
    assert status == 422 and problem["code"] == "VA_PARTIAL_REFUND_NOT_ALLOWED"
    status, problem = admin("POST", path, {"reason": "전체 환불"}, site_id)
    assert status == 422 and problem["code"] == "REFUND_ACCOUNT_REQUIRED"
    status, detail = admin("POST", path, {"reason": "전체 환불", "refund_account": account}, site_id)
    assert status == 200, detail
    pay = detail["payments"][0]
    assert (pay["status"], pay["refunded_amount"]) == ("cancelled", 10000)
    assert detail["amounts"]["refunded"] == 10000
    assert pay["cash_receipt"]["status"] == "issued"  # the refund committed; the relay cancels the receipt
    relay.drain()
    assert snapshot(site_id, order_id)["payments"][0]["cash_receipt"]["status"] == "cancelled"
    assert sandbox.find("toss", pg.key).status == "CANCELED"
    # the PG's own cancel notice arriving later changes nothing more
    late = {"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": "2026-03-01T12:00:00.000000",
            "data": sandbox.find("toss", pg.key).toss()}
    status, answer = deliver("toss", {}, json.dumps(late).encode())
    assert (status, answer["result"]) == (200, "settled")
    assert snapshot(site_id, order_id)["refunded_total"] == 10000


def test_card_partial_refund_then_pg_callback_counts_once(sandbox: PgSandbox, site_id: str) -> None:
    from oms.schemas.orders import IntakeOrderIn
    from oms.services import intake
    from tests.support import order_payload

    use_pg(site_id)
    body = order_payload(site_id)
    pg = sandbox.create_paid("toss", f"{site_id}-card01", body["payment"]["amount"])
    body["payment"].update(pg_payment_key=pg.key, pg_order_id=pg.order_id)
    order_id, _ = intake.create_order(IntakeOrderIn.model_validate(body))
    payment_id = snapshot(site_id, order_id)["payments"][0]["payment_id"]
    status, detail = admin("POST", f"/admin/orders/{order_id}/payments/{payment_id}/refund",
                           {"amount": 5000, "reason": "부분 취소"}, site_id)
    assert status == 200, detail
    assert detail["payments"][0]["status"] == "partial_cancelled"
    assert detail["amounts"]["refunded"] == 5000
    psc = {"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": "2026-03-01T12:00:00.000000",
           "data": sandbox.find("toss", pg.key).toss()}
    assert deliver("toss", {}, json.dumps(psc).encode())[1]["result"] == "settled"
    assert snapshot(site_id, order_id)["refunded_total"] == 5000


def test_va_expiry_cancels_unpaid_orders_once(sandbox: PgSandbox, site_id: str) -> None:
    from scheduled_fn.va_expiry import lambda_handler
    from scheduled_fn.va_expiry_worker import lambda_handler as worker
    from tests.fanout_support import deliver, fan_out_run

    stock.set_quantity(site_id, "CUP-01", 5, "test")
    due, _, _ = va_order(sandbox, site_id, quantity=2, stock_sku="CUP-01")
    paid, paid_pid, _ = va_order(sandbox, site_id)
    later, _, _ = va_order(sandbox, site_id)
    payments.confirm_manual_deposit(site_id, paid, paid_pid, payments.pg_actor("toss"))
    # the first order's account fell due an hour ago
    order, _ = store.load_order(site_id, due)
    before = order.clone()
    order.payment_due_at = iso(utcnow() - timedelta(hours=1))
    from oms.domain.order import Change
    from oms.services.orders import commit

    commit(before, Change(order, [], set()))
    assert stock.tracked(site_id, ["CUP-01"]) == {"CUP-01": 3}

    event = {"version": "0", "id": "1", "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "000000000000", "time": iso(utcnow()), "region": "ap-northeast-2",
             "resources": [], "detail": {}}
    run = fan_out_run(lambda_handler, worker, event, "VaExpiryQueue")
    assert run.answer["due"] >= 1 and (site_id, due) in run.orders() and run.failed == []
    assert (site_id, later) not in run.orders()  # not due yet
    snap = snapshot(site_id, due)
    assert snap["statuses"] == ["cancelled"] and snap["closed"] is True
    assert snap["payments"][0]["status"] == "expired"
    assert stock.tracked(site_id, ["CUP-01"]) == {"CUP-01": 5}
    assert "GSI3PK" not in store.get_header(site_id, due)
    assert snapshot(site_id, paid)["statuses"] == ["preparing"]
    assert snapshot(site_id, later)["statuses"] == ["payment_pending"]
    # rerunning changes nothing more
    version = snap["version"]
    again = fan_out_run(lambda_handler, worker, event, "VaExpiryQueue")
    assert (site_id, due) not in again.orders()  # it left the index
    # the first run's message delivered again (SQS at least once): answered, nothing expired twice
    assert deliver(worker, run.messages[0], "VaExpiryQueue") is False
    assert snapshot(site_id, due)["version"] == version
    assert stock.tracked(site_id, ["CUP-01"]) == {"CUP-01": 5}
    # a deposit arriving after expiry does not revive the order
    problem = None
    try:
        payments.confirm_manual_deposit(site_id, due, snap["payments"][0]["payment_id"], payments.pg_actor("toss"))
    except Exception as exc:
        problem = getattr(exc, "code", None)
    assert problem == "PAYMENT_NOT_PENDING"


def test_callback_registration_is_recorded(site_id: str) -> None:
    status, problem = admin("POST", "/admin/settings/payments/callback-registration", None, site_id)
    assert status == 409 and problem["code"] == "NO_PG"
    use_pg(site_id, cash_receipt_auto_issue=True)
    status, body = admin("POST", "/admin/settings/payments/callback-registration", None, site_id)
    assert status == 200
    assert body["callback_url"].endswith("/webhooks/toss") and body["callback_registered_at"]
    status, current = admin("GET", "/admin/settings", None, site_id)
    assert current["payments"]["callback_registered_at"] == body["callback_registered_at"]
    assert current["payments"]["cash_receipt_auto_issue"] is True
