"""PG refunds on DynamoDB Local with the PG sandbox: each refund request reserves its amount on the
payment item first (refunded + reserved never above the payment), calls the PG with its own
idempotency key, then commits; concurrent refunds race cleanly and a crash between the PG call
and the commit is completed by a retry of the same request."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from oms.domain.errors import DomainError
from oms.domain.order import Actor
from oms.schemas.orders import IntakeOrderIn
from oms.services import intake, payments
from oms.store import orders as store
from oms_local.pg_sandbox import PgSandbox
from tests.integration.payments_support import sandbox_fixture, snapshot  # noqa: F401
from tests.support import call, http_event, order_payload

ADMIN = Actor("admin", "admin-1", "관리자")


def card_order(sandbox: PgSandbox, site_id: str, amount: int = 30000) -> tuple[str, str, Any]:
    body = order_payload(site_id, lines=[{"product_code": "BAG-01", "product_name": "가방", "quantity": 1,
                                          "unit_price": amount}],
                         coupon_discount=0, points_used=0, shipping_fee=0)
    pg = sandbox.create_paid("toss", f"{site_id}-card", body["payment"]["amount"])
    body["payment"].update(pg_payment_key=pg.key, pg_order_id=pg.order_id)
    order_id, _ = intake.create_order(IntakeOrderIn.model_validate(body))
    payment_id = snapshot(site_id, order_id)["payments"][0]["payment_id"]
    return order_id, payment_id, pg


def _refund(site_id: str, order_id: str, payment_id: str, amount: int | None = 10000,
            request_id: str | None = None) -> str:
    try:
        payments.refund_via_pg(site_id, order_id, payment_id, amount=amount, reason="부분 환불", refund_account=None,
                               actor=ADMIN, request_id=request_id)
        return "done"
    except DomainError as exc:
        return f"{exc.status}:{exc.code}"


def test_20_concurrent_refunds_of_10000_on_30000_three_succeed(sandbox: PgSandbox, site_id: str) -> None:
    order_id, payment_id, pg = card_order(sandbox, site_id)
    calls_before = len(sandbox.calls)
    performed_before = sandbox.performed[("toss", "cancel")]
    start = threading.Barrier(20)

    def one(_: int) -> str:
        start.wait()
        return _refund(site_id, order_id, payment_id)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = Counter(pool.map(one, range(20)))
    print(f"\n20 concurrent refunds of 10,000 on 30,000: {dict(answers)}")
    assert answers["done"] == 3
    assert sum(n for a, n in answers.items() if a != "done") == 17
    assert set(answers) - {"done"} <= {"409:NOTHING_LEFT_TO_REFUND", "409:REFUND_IN_PROGRESS"}
    cancels = [c for c in sandbox.calls[calls_before:] if c[:2] == ("toss", "cancel")]
    assert len(cancels) <= 3  # the PG is asked only for what was reserved
    assert sandbox.performed[("toss", "cancel")] - performed_before == 3
    assert len({key for _, _, key in cancels}) == len(cancels) and all(cancels)  # one key per request
    snap = snapshot(site_id, order_id)
    pay = snap["payments"][0]
    assert snap["refunded_total"] == 30000 and pay["refunded_amount"] == 30000
    assert pay["status"] == "cancelled" and len(pay["refunds"]) == 3
    assert sorted(pay["refunds"]) == sorted(c["key"] for c in sandbox.find("toss", pg.key).cancels)
    assert pay["refund_claimed"] == 30000  # nothing left reserved
    assert snap["events"].count("refund") == 3


def test_two_concurrent_refunds_of_the_last_10000_one_wins_and_the_pg_is_asked_once(
        sandbox: PgSandbox, site_id: str) -> None:
    order_id, payment_id, _ = card_order(sandbox, site_id)
    assert _refund(site_id, order_id, payment_id, 20000) == "done"
    performed = sandbox.performed[("toss", "cancel")]
    start = threading.Barrier(2)

    def one(_: int) -> str:
        start.wait()
        return _refund(site_id, order_id, payment_id)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = sorted(pool.map(one, range(2)))
    assert answers[0] in ("409:NOTHING_LEFT_TO_REFUND", "409:REFUND_IN_PROGRESS") and answers[1] == "done"
    assert sandbox.performed[("toss", "cancel")] - performed == 1
    assert snapshot(site_id, order_id)["refunded_total"] == 30000


def test_refund_answer_through_the_admin_api_is_a_409_problem(sandbox: PgSandbox, site_id: str) -> None:
    from admin_api.app import lambda_handler

    order_id, payment_id, _ = card_order(sandbox, site_id, 10000)
    path = f"/admin/orders/{order_id}/payments/{payment_id}/refund"
    status, detail, _ = call(lambda_handler, http_event("POST", path, {"reason": "전체 환불"}, site_id=site_id))
    assert status == 200 and detail["amounts"]["refunded"] == 10000
    status, problem, _ = call(lambda_handler, http_event("POST", path, {"amount": 1000, "reason": "추가"},
                                                                 site_id=site_id))
    assert status == 409 and problem["code"] == "NOTHING_LEFT_TO_REFUND" and problem["message_ko"]


def test_crash_between_the_pg_and_the_commit_is_completed_by_a_retry(sandbox: PgSandbox, site_id: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    order_id, payment_id, pg = card_order(sandbox, site_id)
    real_commit = payments.commit_refund

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the function was stopped after the PG answered")

    monkeypatch.setattr(payments, "commit_refund", crash)
    with pytest.raises(RuntimeError):
        payments.refund_via_pg(site_id, order_id, payment_id, amount=10000, reason="부분 환불", refund_account=None,
                               actor=ADMIN, request_id="req-crash-1")
    assert [c["amount"] for c in sandbox.find("toss", pg.key).cancels] == [10000]  # the PG refunded
    snap = snapshot(site_id, order_id)
    assert snap["refunded_total"] == 0 and snap["payments"][0]["refund_claimed"] == 10000  # still reserved
    _, items = store.load_order(site_id, order_id)
    req = next(store.plain(i) for i in items if i.get("type") == "refund_request")
    assert (req["request_id"], req["status"], req["amount"]) == ("req-crash-1", "reserved", 10000)
    assert req["idempotency_key"]
    # another refund meanwhile sees the reservation: 20,000 left, not 30,000
    assert _refund(site_id, order_id, payment_id, 30000) == "409:REFUND_IN_PROGRESS"

    monkeypatch.setattr(payments, "commit_refund", real_commit)
    performed = sandbox.performed[("toss", "cancel")]
    assert _refund(site_id, order_id, payment_id, 10000, request_id="req-crash-1") == "done"
    assert sandbox.performed[("toss", "cancel")] == performed  # the PG answered the first result again
    keys = [k for (prov, op, k) in sandbox.calls if (prov, op) == ("toss", "cancel") and k == req["idempotency_key"]]
    assert len(keys) == 2
    snap = snapshot(site_id, order_id)
    assert snap["refunded_total"] == 10000 and snap["payments"][0]["refund_claimed"] == 10000
    assert len(snap["payments"][0]["refunds"]) == 1
    # the same request once more: answered from what is recorded, nothing more refunded
    assert _refund(site_id, order_id, payment_id, 10000, request_id="req-crash-1") == "done"
    assert snapshot(site_id, order_id)["refunded_total"] == 10000
    assert sandbox.performed[("toss", "cancel")] == performed


def test_a_refund_the_pg_refuses_gives_its_reservation_back(sandbox: PgSandbox, site_id: str) -> None:
    order_id, payment_id, pg = card_order(sandbox, site_id)
    sandbox.cancel("toss", pg.key, 25000, "PG 관리자 화면에서 취소", None)  # not known to the OMS yet
    assert _refund(site_id, order_id, payment_id, 10000) == "502:PG_REFUND_FAILED"
    snap = snapshot(site_id, order_id)
    assert snap["refunded_total"] == 0 and snap["payments"][0].get("refund_claimed", 0) == 0
    _, items = store.load_order(site_id, order_id)
    assert [store.plain(i)["status"] for i in items if i.get("type") == "refund_request"] == ["failed"]
    assert _refund(site_id, order_id, payment_id, 5000) == "done"


def test_no_answer_from_the_pg_keeps_the_reservation_for_a_retry(sandbox: PgSandbox, site_id: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from oms.integrations.pg import PgError
    from oms.integrations.pg.toss import TossPayments

    order_id, payment_id, pg = card_order(sandbox, site_id)

    def unreachable(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise PgError("PG_UNREACHABLE", "timed out", retryable=True)

    real_cancel = TossPayments.cancel
    monkeypatch.setattr(TossPayments, "cancel", unreachable)
    assert _refund(site_id, order_id, payment_id, 10000, request_id="req-timeout") == "503:PG_REFUND_PENDING"
    assert pg.cancels == []  # the PG was never reached
    pay = snapshot(site_id, order_id)["payments"][0]
    assert pay["refund_claimed"] == 10000 and pay.get("refunded_amount", 0) == 0
    monkeypatch.setattr(TossPayments, "cancel", real_cancel)
    assert _refund(site_id, order_id, payment_id, None, request_id="req-timeout") == "done"  # same request
    snap = snapshot(site_id, order_id)
    assert snap["refunded_total"] == 10000 and snap["payments"][0]["refund_claimed"] == 10000
    assert [c["amount"] for c in sandbox.find("toss", pg.key).cancels] == [10000]
    assert _refund(site_id, order_id, payment_id, 20000, request_id="req-timeout") == "409:REFUND_REQUEST_MISMATCH"


def test_an_order_changed_during_the_pg_call_is_decided_again_and_the_refund_recorded_once(
        sandbox: PgSandbox, site_id: str) -> None:
    """The commit is decided on the order read before the PG call (its reservation laid over it):
    a change of the order meanwhile loses that race, and the refund is decided again on a fresh
    read — recorded once, with the other change kept."""
    from oms.services import orders as order_service

    order_id, payment_id, _ = card_order(sandbox, site_id)
    cancel = sandbox.cancel

    def cancel_while_an_admin_writes_a_memo(*a: Any, **k: Any) -> Any:
        order_service.memo(site_id, order_id, "환불 중 메모", ADMIN)
        return cancel(*a, **k)

    sandbox.cancel = cancel_while_an_admin_writes_a_memo  # type: ignore[method-assign]
    try:
        assert _refund(site_id, order_id, payment_id) == "done"
    finally:
        sandbox.cancel = cancel  # type: ignore[method-assign]
    order = store.load(site_id, order_id)
    pay = order.payments[payment_id]
    assert (order.refunded_total, pay.refunded_amount, pay.refund_claimed, order.memo_count) == (10000, 10000, 10000, 1)
    assert [r.status for r in pay.refund_requests.values()] == ["done"]
    assert snapshot(site_id, order_id)["events"].count("refund") == 1
