"""Claims through the admin handler on DynamoDB Local with the PG sandbox: every step, the calculation
(a preview that writes nothing), settlement with the refund through the PG, 강제완료, added lines,
the address change, points restored, and two admins settling the same claim."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from oms.store import orders as store
from oms.store import points
from oms_local.pg_sandbox import PgSandbox
from tests.integration.claims_support import (
    COAT,
    admin,
    card_order,
    deliver,
    lines,
    ok,
    return_claim,
    use_pg,
)
from tests.integration.payments_support import sandbox_fixture, va_order  # noqa: F401
from tests.outbox_support import Relay
from tests.support import fund_points


def items_of(site_id: str, order_id: str) -> list[dict[str, Any]]:
    return store.load_order(site_id, order_id)[1]


def test_partial_return_with_a_return_fee_is_refunded_through_the_pg(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id, return_shipping_fee=3000)
    order_id, pg = card_order(sandbox, site_id)
    deliver(site_id, order_id)

    # one of the two shirts comes back (단순변심: the buyer's fault, 반품비 3,000원 deducted)
    cid, detail = return_claim(site_id, order_id, [("L001", 1)], complete=False)
    assert cid == "C001"
    claim = detail["claims"][0]
    assert (claim["type"], claim["step"], claim["reason_ko"], claim["fault"]) == ("return", "requested", "단순변심",
                                                                                 "buyer")
    assert lines(detail) == {"L001": ("delivered", 1), "L002": ("delivered", 1), "L003": ("return_requested", 1)}
    assert claim["items"] == [{"line_id": "L003", "quantity": 1}]
    for to, status in (("collecting", "return_collecting"), ("collected", "return_collecting"),
                       ("complete", "returned")):
        detail = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/steps", site_id, {"to": to})
        assert lines(detail)["L003"] == (status, 1)
    assert detail["claims"][0]["step"] == "completed"
    assert detail["amounts"]["outstanding"] == -10000  # the returned shirt is no longer owed

    # the calculation is a preview: nothing is written (the version stays)
    version = detail["version"]
    calc = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/calculate", site_id, {"basis": "paid"})
    assert (calc["product"]["amount"], calc["return_fee"]["amount"], calc["total"]) == (10000, 3000, 7000)
    assert calc["return_fee"]["rule"] and calc["direction"] == "refund"
    assert store.load_order(site_id, order_id)[0].version == version

    done = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id,
              {"direction": "refund", "basis": "paid", "reason": "반품 환불"})
    assert done["refund"]["refunded"] == 7000 and done["refund"]["left"] == 0
    assert [r["status"] for r in done["refund"]["results"]] == ["refunded"]
    order = done["order"]
    assert order["amounts"]["outstanding"] == 0 and order["amounts"]["refunded"] == 7000
    assert [(c["kind"], c["amount"]) for c in order["charges"]] == [("return_fee", 3000)]
    assert order["claims"][0]["settlement_id"]
    assert [c["amount"] for c in sandbox.find("toss", pg.key).cancels] == [7000]
    kinds = [e["kind"] for e in order["timeline"]]
    assert "claim_settled" in kinds and "refund" in kinds

    # settled once: a second settlement is refused, nothing refunded again
    status, problem = admin("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id,
                            {"direction": "refund", "basis": "paid"})
    assert status == 409 and problem["code"] == "CLAIM_ALREADY_SETTLED", problem
    assert len(sandbox.find("toss", pg.key).cancels) == 1
    status, problem = admin("POST", f"/admin/orders/{order_id}/refunds", site_id, {})
    assert status == 409 and problem["code"] == "NOTHING_TO_REFUND"


def test_claim_steps_hold_release_reject_and_withdraw(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id)
    deliver(site_id, order_id)
    cid, _ = return_claim(site_id, order_id, [("L002", 1)], "broken", type="exchange", complete=False)
    base = f"/admin/orders/{order_id}/claims/{cid}/steps"
    ok("POST", base, site_id, {"to": "collecting", "collection": {"method": "courier", "courier": "CJGLS",
                                                                   "tracking_no": "777"}})
    ok("POST", base, site_id, {"to": "collected"})
    held = ok("POST", base, site_id, {"to": "on_hold", "hold": {"amount": 6000, "reason": "교환배송비 미입금"}})
    assert held["claims"][0]["step"] == "on_hold" and held["claims"][0]["hold"]["amount"] == 6000
    assert held["claims"][0]["fault"] == "shop"  # 파손
    released = ok("POST", base, site_id, {"to": "release"})
    assert released["claims"][0]["step"] == "collected"
    rejected = ok("POST", base, site_id, {"to": "reject", "reason": "사용 흔적"})
    assert rejected["claims"][0]["step"] == "rejected" and rejected["claims"][0]["closed_reason"] == "사용 흔적"
    assert lines(rejected)["L002"] == ("delivered", 1)  # the unit is back where it came from

    # a refused step is a problem with its code, on the timeline, and changes nothing
    version = rejected["version"]
    status, problem = admin("POST", base, site_id, {"to": "complete"})
    assert status in (409, 422) and problem["code"]
    assert store.load_order(site_id, order_id)[0].version == version

    cid2, _ = return_claim(site_id, order_id, [("L001", 2)], complete=False)
    withdrawn = ok("POST", f"/admin/orders/{order_id}/claims/{cid2}/steps", site_id,
                   {"to": "withdraw", "reason": "고객 요청"})
    claims = {c["claim_id"]: c["step"] for c in withdrawn["claims"]}
    assert claims == {cid: "rejected", cid2: "withdrawn"}
    listed = ok("GET", f"/admin/orders/{order_id}/claims", site_id)
    assert [c["claim_id"] for c in listed["claims"]] == [cid, cid2]
    assert {r["code"] for r in listed["reasons"]} >= {"intent_changed", "broken"}


def test_claim_validation_and_tenancy(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id)
    status, problem = admin("POST", f"/admin/orders/{order_id}/claims", site_id,
                            {"type": "return", "items": [{"line_id": "L001", "quantity": 1}], "reason": "bored"})
    assert status == 400 and problem["code"] == "CLAIM_REASON_INVALID" and problem["field"] == "reason"
    status, problem = admin("POST", f"/admin/orders/{order_id}/claims", site_id,
                            {"type": "refund", "items": [{"line_id": "L001", "quantity": 1}], "reason": "other"})
    assert status == 400 and problem["code"] == "VALIDATION_FAILED"
    status, problem = admin("POST", f"/admin/orders/{order_id}/claims", site_id,
                            {"type": "return", "items": [{"line_id": "L001", "quantity": 1}], "reason": "other"})
    assert status in (409, 422) and problem["code"]  # not delivered yet: no return
    status, _ = admin("GET", f"/admin/orders/{order_id}/claims", site_id + "x")
    assert status == 404
    # another site's order is 404 whatever the body says (a bad reason is not looked at first)
    status, problem = admin("POST", f"/admin/orders/{order_id}/claims", site_id + "x",
                            {"type": "return", "items": [{"line_id": "L001", "quantity": 1}], "reason": "bored"})
    assert status == 404 and problem["code"] == "ORDER_NOT_FOUND"
    status, problem = admin("POST", f"/admin/orders/{order_id}/claims/C009/calculate", site_id, {})
    assert status == 404


def test_cancel_before_shipping_refunds_shipping_and_restores_points(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    fund_points(site_id, 5000)
    order_id, pg = card_order(sandbox, site_id, points_used=2000)
    assert points.balance(site_id, "m-100") == 3000  # debited at intake
    cid, detail = return_claim(site_id, order_id, [("L001", 2), ("L002", 1)], "sold_out", type="cancel")
    assert detail["amounts"]["outstanding"] == -51000  # everything cancelled: the shipping fee is not owed
    calc = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/calculate", site_id, {})
    assert calc["points_back"] == 2000 and calc["total"] == 51000
    assert calc["shipping_refunded"]["amount"] == 3000
    done = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id, {"direction": "refund"})
    assert done["refund"]["refunded"] == 51000
    assert points.balance(site_id, "m-100") == 5000  # the points went back to the ledger, not as cash
    assert sandbox.find("toss", pg.key).cancelled == 51000


def test_va_partial_refund_is_refused_then_force_completed(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, payment_id, pg = va_order(sandbox, site_id, quantity=2, unit_price=10000)
    ok("POST", f"/admin/orders/{order_id}/payments/{payment_id}/deposit", site_id, {})
    deliver(site_id, order_id, ["L001"])
    cid, _ = return_claim(site_id, order_id, [("L001", 1)], "wrong_delivery")  # shop's fault: no fee
    done = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id,
              {"direction": "refund", "refund_account": {"bank": "신한", "account_no": "110-123-456789",
                                                         "holder": "김민지"}})
    [result] = done["refund"]["results"]
    assert (result["status"], result["code"], result["amount"]) == ("refused", "VA_PARTIAL_REFUND_NOT_ALLOWED",
                                                                    10000)
    assert done["order"]["amounts"]["outstanding"] == -10000 and done["refund"]["left"] == 10000
    assert sandbox.find("toss", pg.key).cancels == []
    assert any(e["kind"] == "refused" and e["data"]["code"] == "VA_PARTIAL_REFUND_NOT_ALLOWED"
               for e in done["order"]["timeline"])

    # more than owed is refused; the amount owed is recorded as refunded by hand, with who and the note
    status, problem = admin("POST", f"/admin/orders/{order_id}/payments/{payment_id}/refunds/force-complete",
                            site_id, {"amount": 10001, "bank_note": "신한 110-***-6789 김민지"})
    assert status == 422 and problem["code"] == "REFUND_EXCEEDS_OUTSTANDING"
    detail = ok("POST", f"/admin/orders/{order_id}/payments/{payment_id}/refunds/force-complete", site_id,
                {"amount": 10000, "bank_note": "신한 110-***-6789 김민지"})
    assert detail["amounts"]["outstanding"] == 0 and detail["amounts"]["refunded"] == 10000
    [refund] = detail["payments"][0]["refunds"].values()
    assert refund["forced"] is True and refund["by"]["id"] == "admin-1" and refund["bank_note"].startswith("신한")
    assert detail["payments"][0]["status"] == "partial_cancelled"
    assert detail["timeline"][0]["kind"] in ("refund_forced", "cash_receipt")


def test_two_admins_settling_the_same_claim_refund_once(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, pg = card_order(sandbox, site_id)
    deliver(site_id, order_id)
    cid, _ = return_claim(site_id, order_id, [("L002", 1)], "broken")
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: admin("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id,
                                                {"direction": "refund"}), range(2)))
    statuses = sorted(s for s, _ in answers)
    assert statuses == [200, 409], answers
    loser = next(a for s, a in answers if s == 409)
    assert loser["code"] in ("VERSION_CONFLICT", "CLAIM_ALREADY_SETTLED")
    assert [c["amount"] for c in sandbox.find("toss", pg.key).cancels] == [30000]
    order = store.load_order(site_id, order_id)[0]
    assert (order.refunded_total, order.outstanding) == (30000, 0)


@pytest.mark.parametrize("points_balance", [0])
def test_intake_refuses_points_the_member_does_not_have(sandbox: PgSandbox, site_id: str,
                                                        points_balance: int) -> None:
    from oms.domain.errors import DomainError

    with pytest.raises(DomainError) as refused:
        card_order(sandbox, site_id, points_used=1000)
    assert refused.value.code == "POINTS_INSUFFICIENT" and points.balance(site_id, "m-100") == points_balance


def test_a_refund_the_pg_refuses_is_recorded_with_its_reason_and_retried(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, pg = card_order(sandbox, site_id)
    deliver(site_id, order_id)
    cid, _ = return_claim(site_id, order_id, [("L002", 1)], "broken")
    sandbox.refuse_next_cancel("EXCEED_MAX_REFUND_DUE", "환불 가능 기간이 지났습니다.")
    done = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id, {"direction": "refund"})
    [result] = done["refund"]["results"]
    assert (result["status"], result["code"], result["pg_code"]) == ("refused", "PG_REFUND_FAILED",
                                                                     "EXCEED_MAX_REFUND_DUE")
    assert "환불 가능 기간이 지났습니다" in result["message_ko"]
    assert done["order"]["amounts"]["outstanding"] == -30000  # settled, still owed
    refusal = next(e for e in done["order"]["timeline"] if e["kind"] == "refused")
    assert refusal["data"]["pg_code"] == "EXCEED_MAX_REFUND_DUE" and "환불 가능 기간" in refusal["data"]["text_ko"]
    assert sandbox.find("toss", pg.key).cancels == []

    retried = ok("POST", f"/admin/orders/{order_id}/refunds", site_id, {"reason": "환불 재시도"})
    assert retried["refund"]["refunded"] == 30000 and retried["order"]["amounts"]["outstanding"] == 0
    assert [c["amount"] for c in sandbox.find("toss", pg.key).cancels] == [30000]


def test_cash_receipt_of_a_partly_refunded_payment_is_reissued_for_the_rest(sandbox: PgSandbox, site_id: str,
                                                                           relay: Relay) -> None:
    use_pg(site_id)
    order_id, payment_id, _ = va_order(sandbox, site_id, quantity=2, unit_price=10000,
                                       cash_receipt={"type": "소득공제", "identity_number": "010-1234-5678"})
    ok("POST", f"/admin/orders/{order_id}/payments/{payment_id}/deposit", site_id, {})
    issued = ok("POST", f"/admin/orders/{order_id}/payments/{payment_id}/cash-receipt", site_id,
                {"type": "소득공제", "identity_number": "010-1234-5678"})
    assert issued["payments"][0]["cash_receipt"]["status"] == "issued"
    assert issued["payments"][0]["cash_receipt"]["amount"] == 20000
    deliver(site_id, order_id, ["L001"])
    cid, _ = return_claim(site_id, order_id, [("L001", 1)], "broken")
    ok("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id, {"direction": "refund"})
    ok("POST", f"/admin/orders/{order_id}/payments/{payment_id}/refunds/force-complete", site_id,
       {"amount": 10000, "bank_note": "신한 110-***-6789"})
    relay.drain()  # after the refund commits, the relay cancels the receipt and issues one for the rest
    detail = ok("GET", f"/admin/orders/{order_id}", site_id)
    receipt = detail["payments"][0]["cash_receipt"]
    assert (receipt["status"], receipt["amount"]) == ("issued", 10000)  # a new receipt for what remains
    texts = [e["data"].get("text_ko", "") for e in detail["timeline"] if e["kind"] == "cash_receipt"]
    assert any("취소" in t for t in texts) and any("발급 완료" in t for t in texts)


def test_closed_digital_order_reopened_cancelled_and_refunded(sandbox: PgSandbox, site_id: str) -> None:
    from tests.integration.claims_support import buyer_call, member_claims

    use_pg(site_id)
    ebook = {"product_code": "EBOOK", "product_name": "전자책", "kind": "digital", "quantity": 1, "unit_price": 12000}
    vip = {"product_code": "VIP-30", "product_name": "VIP 30일 이용권", "kind": "membership_pass", "quantity": 1,
           "unit_price": 30000, "membership_days": 30}
    order_id, pg = card_order(sandbox, site_id, lines=[ebook, vip], shipping_fee=0)
    detail = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert detail["closed"] is True and {li["status"] for li in detail["lines"]} == {"confirmed"}
    assert points.membership(site_id, "m-100")["days"] == 30

    ok("POST", f"/admin/orders/{order_id}/reopen", site_id)
    # buyers cannot cancel non-physical goods; the admin can, from any status
    status, problem = buyer_call("POST", f"/buyer/orders/{order_id}/claims", member_claims(site_id),
                                 {"type": "cancel", "items": [{"line_id": "L002", "quantity": 1}], "reason": "other"})
    assert status in (403, 409, 422) and problem["code"]
    cid, detail = return_claim(site_id, order_id, [("L002", 1)], "intent_changed", type="cancel")
    assert lines(detail)["L002"] == ("cancelled", 1)
    assert points.membership(site_id, "m-100")["days"] == 0  # the pass days are taken back
    done = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id, {"direction": "refund"})
    assert done["refund"]["refunded"] == 30000 and done["order"]["amounts"]["outstanding"] == 0
    assert sandbox.find("toss", pg.key).cancelled == 30000


def test_two_refund_retries_at_once_refund_once(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, pg = card_order(sandbox, site_id)
    deliver(site_id, order_id)
    cid, _ = return_claim(site_id, order_id, [("L002", 1)], "broken")
    sandbox.refuse_next_cancel()
    ok("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id, {"direction": "refund"})
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: admin("POST", f"/admin/orders/{order_id}/refunds", site_id, {}), range(2)))
    assert sorted(s for s, _ in answers) == [200, 409], answers
    assert next(a for s, a in answers if s == 409)["code"] in ("PAYOUT_IN_PROGRESS", "NOTHING_TO_REFUND")
    assert [c["amount"] for c in sandbox.find("toss", pg.key).cancels] == [30000]
    assert store.load_order(site_id, order_id)[0].outstanding == 0


def test_admin_cancel_completed_at_once_and_settled_as_a_request(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id)
    detail = ok("POST", f"/admin/orders/{order_id}/claims", site_id,
                {"type": "cancel", "items": [{"line_id": "L001", "quantity": 1}], "reason": "sold_out",
                 "complete": True}, expect=201)
    assert detail["claims"][0]["step"] == "completed" and lines(detail)["L003"] == ("cancelled", 1)
    assert detail["version"] == 2  # request + complete: one transaction
    status, problem = admin("POST", f"/admin/orders/{order_id}/claims", site_id,
                            {"type": "return", "items": [{"line_id": "L002", "quantity": 1}], "reason": "other",
                             "complete": True})
    assert status == 400 and problem["code"] == "CLAIM_COMPLETE_CANCEL_ONLY"
    # the cancelled shirt is owed back; adding a coat turns the balance into a request
    ok("POST", f"/admin/orders/{order_id}/lines", site_id, {**COAT, "shipping_fee": 0}, expect=201)
    done = ok("POST", f"/admin/orders/{order_id}/claims/C001/settle", site_id, {"direction": "request"})
    assert done["payment_request"]["amount"] == 35000 - 10000 and done["payment_request"]["status"] == "open"
    assert done["order"]["amounts"]["outstanding"] == 25000


def test_bad_input_on_every_claim_route_is_a_problem_never_a_500(sandbox: PgSandbox, site_id: str) -> None:
    from tests.integration.claims_support import buyer_call, member_claims

    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id)
    deliver(site_id, order_id)
    cid, _ = return_claim(site_id, order_id, [("L001", 1)], complete=False)
    base = f"/admin/orders/{order_id}"
    cases: list[tuple[str, str, Any]] = [
        ("POST", f"{base}/claims", {"type": "return", "items": [], "reason": "other"}),
        ("POST", f"{base}/claims", {"type": "return", "items": [{"line_id": "L999", "quantity": 1}],
                                    "reason": "other"}),
        ("POST", f"{base}/claims", {"type": "return", "items": [{"line_id": "L002", "quantity": 5}],
                                    "reason": "other"}),
        ("POST", f"{base}/claims/{cid}/steps", {"to": "on_hold"}),
        ("POST", f"{base}/claims/{cid}/steps", {"to": "teleport"}),
        ("POST", f"{base}/claims/{cid}/steps", {"to": "reject"}),
        ("POST", f"{base}/claims/C404/steps", {"to": "collecting"}),
        ("POST", f"{base}/claims/{cid}/calculate", {"adjustment": 500}),
        ("POST", f"{base}/claims/{cid}/calculate", {"basis": "cheapest"}),
        ("POST", f"{base}/claims/{cid}/settle", {"direction": "refund"}),
        ("POST", f"{base}/claims/{cid}/settle", {"direction": "sideways"}),
        ("POST", f"{base}/lines", {"product_code": "X", "product_name": "x", "quantity": 1, "unit_price": -1}),
        ("POST", f"{base}/lines", {"product_code": "X", "product_name": "x", "quantity": 1, "unit_price": 100,
                                   "product_discount": 500}),
        ("PATCH", f"{base}/recipient", {"name": "a", "phone": "010-1234-5678", "postal_code": "1",
                                        "address1": "x"}),
        ("POST", f"{base}/payment-requests/R404/cancel", {}),
        ("POST", f"{base}/payments/P404/refunds/force-complete", {"amount": 1, "bank_note": "x"}),
        ("POST", f"{base}/payments/P404/refunds/force-complete", {"amount": 0, "bank_note": "x"}),
        ("POST", f"{base}/refunds", {}),
        ("POST", f"{base}/claims", "{not json"),
    ]
    for method, path, body in cases:
        status, problem = admin(method, path, site_id, body)
        assert 400 <= status < 500, (path, body, status, problem)
        assert problem["code"] and problem["message_ko"], (path, problem)
    me = member_claims(site_id)
    for body in ({"method": "card"}, {"method": "cash"}):
        status, problem = buyer_call("POST", f"/buyer/orders/{order_id}/payment-requests/R404/pay", me, body)
        assert 400 <= status < 500 and problem["code"], problem
    status, problem = buyer_call("POST", f"/buyer/orders/{order_id}/claims/C404/withdraw", me, {})
    assert status == 404 and problem["code"]


def test_no_refund_while_another_completed_claim_is_not_settled(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id, return_shipping_fee=3000)
    order_id, pg = card_order(sandbox, site_id)
    deliver(site_id, order_id)
    first, _ = return_claim(site_id, order_id, [("L001", 1)])  # 단순변심: 10,000 − 3,000
    second, _ = return_claim(site_id, order_id, [("L002", 1)])  # 단순변심: 30,000 − 3,000
    done = ok("POST", f"/admin/orders/{order_id}/claims/{first}/settle", site_id, {"direction": "refund"})
    assert done["refund"]["error"]["code"] == "CLAIMS_NOT_SETTLED" and done["refund"]["error"]["claims"] == [second]
    assert sandbox.find("toss", pg.key).cancels == []  # the second claim's fee is not paid out
    done = ok("POST", f"/admin/orders/{order_id}/claims/{second}/settle", site_id, {"direction": "refund"})
    assert done["refund"]["refunded"] == 7000 + 27000 and done["order"]["amounts"]["outstanding"] == 0
    assert [c["amount"] for c in sandbox.find("toss", pg.key).cancels] == [34000]
