"""A cash receipt left ``requested`` by a crash between the PG call and the commit: a second POST
issues it again with the same PG idempotency key (the PG answers its first receipt, none is issued
twice), or the admin completes it by hand with the PG's issue number (who and when on the timeline)."""

from __future__ import annotations

from typing import Any

import pytest

from oms.schemas.settings import PaymentSettings, SiteSettingsPatch
from oms.services import cash_receipts, payments
from oms.store import orders as store
from oms.store import settings
from oms_local.pg_sandbox import PgSandbox
from tests.integration.payments_support import sandbox_fixture, snapshot, va_order  # noqa: F401
from tests.support import call, http_event

BODY = {"type": "소득공제", "identity_number": "010-1234-5678"}


def admin(method: str, path: str, body: Any, site_id: str) -> tuple[int, Any]:
    from admin_api.app import lambda_handler

    status, answer, _ = call(lambda_handler, http_event(method, path, body, site_id=site_id))
    return status, answer


def _paid_va(sandbox: PgSandbox, site_id: str) -> tuple[str, str, str]:
    settings.update(site_id, SiteSettingsPatch(payments=PaymentSettings(pg_provider="toss")), "test")
    order_id, payment_id, _ = va_order(sandbox, site_id)
    payments.confirm_manual_deposit(site_id, order_id, payment_id, payments.pg_actor("toss"))
    return order_id, payment_id, f"/admin/orders/{order_id}/payments/{payment_id}/cash-receipt"


def _crash_after_the_pg(sandbox: PgSandbox, site_id: str, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real = cash_receipts.commit_result

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the function was stopped after the PG answered")

    monkeypatch.setattr(cash_receipts, "commit_result", crash)
    status, answer = admin("POST", path, BODY, site_id)  # the handler answers 500, the receipt stays requested
    assert status == 500 and answer["code"] == "INTERNAL_ERROR", answer
    monkeypatch.setattr(cash_receipts, "commit_result", real)


def _issued_at_pg(sandbox: PgSandbox) -> int:
    return sandbox.performed[("toss", "cash_receipt")]


def test_a_requested_receipt_is_issued_again_with_the_same_pg_key(sandbox: PgSandbox, site_id: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    order_id, _, path = _paid_va(sandbox, site_id)
    issued_before = _issued_at_pg(sandbox)
    _crash_after_the_pg(sandbox, site_id, path, monkeypatch)
    receipt = snapshot(site_id, order_id)["payments"][0]["cash_receipt"]
    assert receipt["status"] == "requested"
    assert _issued_at_pg(sandbox) == issued_before + 1  # the PG issued it; the OMS did not record it

    status, detail = admin("POST", path, BODY, site_id)
    assert status == 200, detail
    receipt = detail["payments"][0]["cash_receipt"]
    assert receipt["status"] == "issued" and receipt["issue_number"]
    assert _issued_at_pg(sandbox) == issued_before + 1  # nothing issued twice at the PG
    keys = [k for (prov, op, k) in sandbox.calls[-2:] if (prov, op) == ("toss", "cash_receipt")]
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0]
    kinds = [e["data"].get("status") for e in detail["timeline"] if e["kind"] == "cash_receipt"]
    assert kinds == ["issued", "requested"]
    # now it is issued: another POST is refused as before
    status, problem = admin("POST", path, BODY, site_id)
    assert status == 409 and problem["code"] == "CASH_RECEIPT_EXISTS"


def test_a_retry_must_ask_for_the_same_receipt(sandbox: PgSandbox, site_id: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    order_id, _, path = _paid_va(sandbox, site_id)
    _crash_after_the_pg(sandbox, site_id, path, monkeypatch)
    status, problem = admin("POST", path, {"type": "지출증빙", "identity_number": "123-45-67890"}, site_id)
    assert status == 409 and problem["code"] == "CASH_RECEIPT_REQUEST_MISMATCH"
    assert snapshot(site_id, order_id)["payments"][0]["cash_receipt"]["status"] == "requested"


def test_a_requested_receipt_can_be_completed_by_hand(sandbox: PgSandbox, site_id: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    order_id, _, path = _paid_va(sandbox, site_id)
    status, problem = admin("POST", path + "/complete", {"issue_number": "123456789"}, site_id)
    assert status == 409 and problem["code"] == "CASH_RECEIPT_NOT_REQUESTED"  # nothing requested yet
    _crash_after_the_pg(sandbox, site_id, path, monkeypatch)
    status, problem = admin("POST", path + "/complete", {}, site_id)
    assert status == 400  # the issue number is required
    status, detail = admin("POST", path + "/complete", {"issue_number": "123456789", "note": "PG 관리자 화면 확인"},
                           site_id)
    assert status == 200, detail
    receipt = detail["payments"][0]["cash_receipt"]
    assert (receipt["status"], receipt["issue_number"]) == ("issued", "123456789")
    assert receipt["completed_by"]["id"] == "admin-1" and receipt["issued_at"]
    entry = next(e for e in detail["timeline"] if e["kind"] == "cash_receipt")
    assert entry["actor"]["id"] == "admin-1" and entry["data"]["status"] == "issued"
    assert "123456789" in entry["data"]["text_ko"] and entry["data"]["note"] == "PG 관리자 화면 확인"
    # completing twice is refused and changes nothing
    version = snapshot(site_id, order_id)["version"]
    status, problem = admin("POST", path + "/complete", {"issue_number": "999"}, site_id)
    assert status == 409 and problem["code"] == "CASH_RECEIPT_NOT_REQUESTED"
    assert snapshot(site_id, order_id)["version"] == version


def test_another_sites_order_is_404_and_nothing_is_written(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, path = _paid_va(sandbox, site_id)
    before = snapshot(site_id, order_id)
    other = site_id + "x"
    for suffix, body in (("", BODY), ("/complete", {"issue_number": "1"})):
        status, problem = admin("POST", path + suffix, body, other)
        assert status == 404, problem
    assert snapshot(site_id, order_id) == before
    assert store.timeline(other, order_id, 10, None)[0] == []  # no refusal written under that number
