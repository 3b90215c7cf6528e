"""A stateful test of the money edges, on DynamoDB Local and the PG sandbox, through the admin, buyer
and webhook handlers.

Random histories of one order: intake by card, virtual account or bank transfer; deposits (the PG's
callback, delivered once or twice, or an admin's manual confirmation); lines added; cancels
completed and settled; 결제요청 asked, cancelled, and paid by the buyer by card (confirmed, refused by
the card company, its answer lost after capture, or raced by an admin's cancel) or by a new virtual
account then deposited; refunds of what is owed. After every step:

- money the PG captured for this order and did not cancel = money recorded on it as paid from the
  PG minus what we refunded through the PG (nothing taken twice, nothing kept unrecorded);
- the header's paid and refunded totals are the payment items' own, and outstanding = charges −
  net payments;
- an order is closed exactly when it is final (every unit final, balance 0, no claim open or
  unsettled);
- a refused step changes nothing of the order; no step answers 5xx.

``OMS_MONEY_STATEFUL_EXAMPLES`` (default 150) histories of up to 25 steps run in CI (≥ 2,000 steps);
set it higher for a long run.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from oms.domain.closing import is_final, unsettled_claims
from oms.schemas.orders import IntakeOrderIn
from oms.services import intake, request_payments
from oms.store import orders as store
from oms_local.pg_sandbox import PgSandbox, SandboxError
from tests.integration.claims_support import admin, buyer_call, guest_claims, use_pg
from tests.integration.payments_support import deliver as deliver_callback
from tests.integration.payments_support import sandbox_fixture  # noqa: F401

EXAMPLES = int(os.environ.get("OMS_MONEY_STATEFUL_EXAMPLES", "150"))
STEPS = 25
#: set by the test function: one sandbox for every example (payments are told apart by our ids)
SANDBOX: dict[str, PgSandbox] = {}
COUNTED = {"steps": 0, "calls": 0}
#: answers by code (2xx as "ok"): what the histories reached
OUTCOMES: Counter[str] = Counter()


class MoneyEdges(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.sb = SANDBOX["sb"]
        self.site = f"m-{uuid.uuid4().hex[:10]}"
        use_pg(self.site)
        self.order_id = ""
        self.pg_ids: set[str] = set()  # every PG order id of this order (intake, requests and their accounts)

    # ---- helpers ----------------------------------------------------------------------------
    def admin(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return self.checked(lambda: admin(method, f"/admin/orders/{self.order_id}{path}", self.site, body))

    def buyer(self, path: str, body: Any) -> tuple[int, Any]:
        return self.checked(lambda: buyer_call("POST", f"/buyer/guest/orders/{self.order_id}{path}",
                                               guest_claims(self.site, self.order_id), body))

    def snapshot(self) -> dict[str, Any]:
        order, items = store.load_order(self.site, self.order_id)
        pays = {i["payment_id"]: (i["status"], int(i.get("refunded_amount") or 0))
                for i in items if str(i["SK"]).startswith("PAY#")}
        reqs = {i["request_id"]: i["status"] for i in items if str(i["SK"]).startswith("PAYREQ#")}
        return {"version": order.version, "paid": order.paid_total, "refunded": order.refunded_total,
                "closed": order.closed, "payments": pays, "requests": reqs}

    def checked(self, call: Any) -> tuple[int, Any]:
        before = self.snapshot()
        status, body = call()
        COUNTED["calls"] += 1
        OUTCOMES["ok" if status < 400 else str(body.get("code"))] += 1
        assert status < 500, body
        if status >= 400:
            assert isinstance(body, dict) and body.get("code"), body
            assert self.snapshot() == before, f"refused {body['code']} but the order changed"
        return status, body

    def detail(self) -> dict[str, Any]:
        status, body = admin("GET", f"/admin/orders/{self.order_id}", self.site)
        assert status == 200
        return body

    def pending_payment(self, method: str | None = None) -> dict[str, Any] | None:
        return next((p for p in self.detail()["payments"] if p["status"] == "pending"
                     and (method is None or p["method"] == method)), None)

    def open_request(self) -> dict[str, Any] | None:
        return next((r for r in self.detail()["payment_requests"]
                     if r["status"] in ("open", "awaiting_deposit", "expired")), None)

    def deposit(self, pg_order_id: str, copies: int) -> None:
        pay = self.sb.find("toss", order_id=pg_order_id)
        if pay.status != "WAITING_FOR_DEPOSIT":
            return
        self.sb.deposited(pay)
        headers, body = self.sb.callback("toss", pay)
        for _ in range(copies):
            status, answer = self.checked(lambda: deliver_callback("toss", headers, body))
            assert status == 200, answer

    # ---- steps ------------------------------------------------------------------------------
    @initialize(method=st.sampled_from(["card", "card", "virtual_account", "bank_transfer"]),
                prices=st.lists(st.sampled_from([9900, 10000, 29000, 35000]), min_size=1, max_size=3))
    def intake(self, method: str, prices: list[int]) -> None:
        amount = sum(prices) + 3000
        pg_order_id = f"{self.site}-{uuid.uuid4().hex[:10]}"
        payment: dict[str, Any] = {"method": method, "amount": amount}
        if method == "card":
            pg = self.sb.create_paid("toss", pg_order_id, amount)
            payment.update(provider="toss", pg_payment_key=pg.key, pg_order_id=pg_order_id)
            self.pg_ids.add(pg_order_id)
        elif method == "virtual_account":
            pg = self.sb.issue_virtual_account("toss", pg_order_id, amount, order_name="상품", holder="박지우")
            payment.update(provider="toss", pg_payment_key=pg.key, pg_order_id=pg_order_id, deposit_secret=pg.secret,
                           virtual_account={"bank": "신한은행", "account_no": pg.account_no, "holder": "데모샵",
                                            "due_at": pg.due_at.isoformat() if pg.due_at else None})
            self.pg_ids.add(pg_order_id)
        else:
            due = (datetime.now(UTC) + timedelta(days=3)).isoformat()
            payment["virtual_account"] = {"bank": "국민은행", "account_no": "123-456-789", "holder": "데모샵",
                                          "due_at": due}
        body = {"site_id": self.site, "checkout_id": uuid.uuid4().hex,
                "buyer": {"name": "박지우", "phone": "010-3456-7890"},
                "recipient": {"name": "박지우", "phone": "010-3456-7890", "postal_code": "04524",
                              "address1": "서울특별시 중구 세종대로 110"},
                "lines": [{"product_code": f"P{i}", "product_name": f"상품{i}", "quantity": 1, "unit_price": p}
                          for i, p in enumerate(prices)],
                "shipping_fee": 3000, "payment": payment}
        self.order_id, _ = intake.create_order(IntakeOrderIn.model_validate(body))

    @rule(copies=st.integers(1, 2))
    def pg_deposit(self, copies: int) -> None:
        pay = self.pending_payment("virtual_account")
        if pay is not None and pay.get("pg_order_id"):
            self.deposit(str(pay["pg_order_id"]), copies)

    @rule()
    def manual_deposit(self) -> None:
        pay = self.pending_payment("bank_transfer")
        if pay is not None:
            self.admin("POST", f"/payments/{pay['payment_id']}/deposit", {})

    @rule(price=st.sampled_from([5000, 12000, 35000]),
          then=st.sampled_from(["nothing", "ask", "card:ok", "card:refused", "card:answer_lost",
                                "card:admin_cancels_meanwhile", "card:wrong_amount", "va:0", "va:1", "va:2"]))
    def add_line(self, price: int, then: str) -> None:
        status, _ = self.admin("POST", "/lines", {"product_code": "ADD", "product_name": "추가 상품", "quantity": 1,
                                                  "unit_price": price})
        if status != 201 or then == "nothing":
            return
        self.admin("POST", "/payment-requests", {})  # the usual next steps: ask the buyer, who pays
        how, _, arg = then.partition(":")
        if how == "card":
            self.buyer_pays_by_card(arg)
        elif how == "va":
            self.buyer_pays_by_virtual_account(int(arg))

    @rule(i=st.integers(0, 9))
    def cancel_a_line(self, i: int) -> None:
        movable = [li for li in self.detail()["lines"] if li["status"] in ("preparing", "payment_pending")]
        if not movable:
            return
        line = movable[i % len(movable)]
        status, body = self.admin("POST", "/claims", {"type": "cancel", "reason": "intent_changed",
                                                      "items": [{"line_id": line["line_id"], "quantity": 1}]})
        if status == 201:
            self.admin("POST", f"/claims/{body['claims'][-1]['claim_id']}/steps", {"to": "complete"})

    @rule(i=st.integers(0, 9))
    def walk_forward(self, i: int) -> None:
        nxt = {"preparing": "ready_to_ship", "ready_to_ship": "shipping", "shipping": "delivered",
               "delivered": "confirmed"}
        movable = [li for li in self.detail()["lines"] if li["status"] in nxt]
        if movable:
            line = movable[i % len(movable)]
            self.admin("POST", "/status", {"moves": [{"line_id": line["line_id"], "to": nxt[line["status"]]}]})

    @rule(i=st.integers(0, 9), how=st.sampled_from(["reject", "withdraw"]))
    def return_turned_down(self, i: int, how: str) -> None:
        done = [li for li in self.detail()["lines"] if li["status"] in ("delivered", "confirmed")]
        if not done:
            return
        line = done[i % len(done)]
        status, body = self.admin("POST", "/claims", {"type": "return", "reason": "intent_changed",
                                                      "items": [{"line_id": line["line_id"], "quantity": 1}],
                                                      "collection": {"method": "courier"}})
        if status == 201:
            self.admin("POST", f"/claims/{body['claims'][-1]['claim_id']}/steps", {"to": how, "reason": "고객 요청"})

    @rule()
    def settle(self) -> None:
        d = self.detail()
        waiting = [c for c in d["claims"] if c["step"] == "completed" and not c.get("settlement_id")]
        if not waiting:
            return
        cid = waiting[0]["claim_id"]
        status, calc = self.admin("POST", f"/claims/{cid}/calculate", {"basis": "paid"})
        if status == 200:
            self.admin("POST", f"/claims/{cid}/settle",
                       {"basis": "paid", "direction": "request" if calc["outstanding_after"] > 0 else "refund"})

    @rule()
    def ask(self) -> None:
        self.admin("POST", "/payment-requests", {})

    @rule()
    def cancel_request(self) -> None:
        req = self.open_request()
        if req is not None:
            self.admin("POST", f"/payment-requests/{req['request_id']}/cancel", {})

    @rule(mode=st.sampled_from(["ok", "ok", "refused", "answer_lost", "admin_cancels_meanwhile", "wrong_amount"]))
    def buyer_pays_by_card(self, mode: str) -> None:
        req = self.open_request()
        if req is None or req["status"] == "awaiting_deposit":
            return
        self.pg_ids.add(req["pg_order_id"])
        amount = int(req["amount"]) + (1000 if mode == "wrong_amount" else 0)
        try:
            auth = self.sb.authorise("toss", req["pg_order_id"], amount)
        except SandboxError:  # the order id has a live payment already: the buyer sends its key again
            auth = self.sb.find("toss", order_id=req["pg_order_id"])
        if mode == "refused":
            self.sb.refuse_next_confirm()
        elif mode == "answer_lost":
            self.sb.fail_next_confirm_after_capture()
        real = request_payments._confirm
        if mode == "admin_cancels_meanwhile":
            def confirm_then_cancel(*args: Any) -> Any:
                got = real(*args)
                admin("POST", f"/admin/orders/{self.order_id}/payment-requests/{req['request_id']}/cancel",
                      self.site, {})
                return got
            request_payments._confirm = confirm_then_cancel  # type: ignore[assignment]
        try:
            status, body = buyer_call("POST", f"/buyer/guest/orders/{self.order_id}/payment-requests/"
                                              f"{req['request_id']}/pay", guest_claims(self.site, self.order_id),
                                      {"method": "card", "payment_key": auth.key})
        finally:
            request_payments._confirm = real  # type: ignore[assignment]
            self.sb.next_confirm = None
        COUNTED["calls"] += 1
        OUTCOMES[f"card {mode}: " + ("ok" if status < 400 else str(body.get("code")))] += 1
        assert status < 500, body

    @rule(copies=st.integers(0, 2))
    def buyer_pays_by_virtual_account(self, copies: int) -> None:
        req = self.open_request()
        if req is None:
            return
        status, body = self.buyer(f"/payment-requests/{req['request_id']}/pay", {"method": "virtual_account"})
        if status == 200 and copies:
            shown = next(r for r in body["payment_requests"] if r["request_id"] == req["request_id"])
            pay = shown.get("payment") or {}
            issued = next((p for p in self.detail()["payments"] if p["payment_id"] == pay.get("payment_id")), None)
            if issued and issued.get("pg_order_id"):
                self.pg_ids.add(str(issued["pg_order_id"]))
                self.deposit(str(issued["pg_order_id"]), copies)

    @rule()
    def refund_what_is_owed(self) -> None:
        if self.detail()["amounts"]["refund_due"] > 0:
            self.admin("POST", "/refunds", {})

    # ---- invariants -------------------------------------------------------------------------
    @precondition(lambda self: bool(self.order_id))
    @invariant()
    def money_at_the_pg_is_money_on_the_order(self) -> None:
        COUNTED["steps"] += 1  # invariants run after every step
        order, items = store.load_order(self.site, self.order_id)
        pays = [i for i in items if str(i["SK"]).startswith("PAY#")]
        for p in pays:
            if p.get("pg_order_id"):
                self.pg_ids.add(str(p["pg_order_id"]))
        at_pg = sum(p.amount - p.cancelled for (prov, _), p in self.sb.payments.items()
                    if prov == "toss" and p.approved_at and p.order_id in self.pg_ids)
        came_in = [p for p in pays if p["status"] in ("paid", "partial_cancelled")
                   or (p["status"] == "cancelled" and p.get("paid_at"))]  # refunded whole, not an unpaid account
        recorded = sum(int(p["amount"]) - sum(int(r["amount"]) for r in (p.get("refunds") or {}).values()
                                               if not r.get("forced"))
                       for p in came_in if p.get("provider"))
        assert at_pg == recorded, f"PG holds {at_pg:,}원, the order records {recorded:,}원"
        paid = sum(int(p["amount"]) for p in came_in)
        refunded = sum(int(p.get("refunded_amount") or 0) for p in pays)
        assert (order.paid_total, order.refunded_total) == (paid, refunded)
        assert order.outstanding == order.order_amount - (paid - refunded)

    @precondition(lambda self: bool(self.order_id))
    @invariant()
    def a_closed_order_owes_nothing(self) -> None:
        order, _ = store.load_order(self.site, self.order_id)
        if order.closed:
            assert order.outstanding == 0 and not unsettled_claims(order)
        assert order.closed == is_final(order), f"closed={order.closed} but final={is_final(order)}"


def test_money_edges_over_random_histories(sandbox: PgSandbox) -> None:
    SANDBOX["sb"] = sandbox
    COUNTED.update(steps=0, calls=0)
    OUTCOMES.clear()
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(MoneyEdges, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck)))
    print(f"money stateful: {EXAMPLES} histories, {COUNTED['steps']} steps, {COUNTED['calls']} API calls")
    print("outcomes:", dict(OUTCOMES.most_common()))
    assert COUNTED["steps"] >= EXAMPLES * STEPS // 2  # the histories ran their steps (≥ 2,000 by default)
