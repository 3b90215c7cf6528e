"""Claims: DynamoDB requests (and PG calls) per claim operation, through the admin handler."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from bench.common import RequestCounter, new_site, print_table


def _open_request(site: str, order_id: str) -> str:
    from oms.domain.clock import iso, utcnow
    from oms.domain.payment_requests import views
    from oms.store import orders

    return next(r["request_id"] for r in views(orders.load(site, order_id), iso(utcnow())) if r["status"] == "open")


def requests_per_claim_operation() -> None:
    # keep the printed tables readable: no EMF lines or warnings of the handler on stdout
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    from oms.store.table import client
    from oms_local.pg_sandbox import PgSandbox
    from tests.integration.claims_support import COAT, admin, card_order, deliver, use_pg

    sandbox = PgSandbox(port=0).start()
    saved = {k: os.environ.get(k) for k in sandbox.env()}
    os.environ.update(sandbox.env())
    pg_calls: Counter[str] = Counter()
    cancel = sandbox.cancel

    def counting_cancel(*a: Any, **k: Any) -> Any:
        pg_calls["cancel"] += 1
        return cancel(*a, **k)

    sandbox.cancel = counting_cancel  # type: ignore[method-assign]
    try:
        counter = RequestCounter().attach(client())
        site = new_site()
        use_pg(site)
        order_id, _ = card_order(sandbox, site)
        deliver(site, order_id)
        rows: list[list[Any]] = []

        def measure(name: str, method: str, path: str, body: Any, expect: int = 200) -> Any:
            before = pg_calls["cancel"]
            with counter.measure() as c:
                status, answer = admin(method, f"/admin/orders/{order_id}{path}", site, body)
            assert status == expect, answer
            writes = sum(c.get(k, 0) for k in ("TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem"))
            reads = sum(c.values()) - writes
            rows.append([name, reads, writes, pg_calls["cancel"] - before, dict(c)])
            return answer

        body = {"type": "return", "items": [{"line_id": "L001", "quantity": 1}], "reason": "intent_changed",
                "collection": {"method": "courier", "courier": "CJGLS", "tracking_no": "1"}, "fee_payment": "deduct"}
        cid = measure("request a claim (반품 접수)", "POST", "/claims", body, 201)["claims"][-1]["claim_id"]
        for to in ("collecting", "collected", "complete"):
            measure(f"step: {to}", "POST", f"/claims/{cid}/steps", {"to": to})
        measure("calculate (preview)", "POST", f"/claims/{cid}/calculate", {"basis": "paid"})
        measure("settle: refund (1 card payment)", "POST", f"/claims/{cid}/settle", {"direction": "refund"})
        measure("list claims", "GET", "/claims", None)
        # a second order, still in preparation: a coat added, a shirt cancelled at once, the difference requested
        order_id, _ = card_order(sandbox, site)
        measure("add a line (추가)", "POST", "/lines", {**COAT, "shipping_fee": 0}, 201)
        cancel = {"type": "cancel", "items": [{"line_id": "L001", "quantity": 1}], "reason": "sold_out",
                  "complete": True}
        c2 = measure("admin cancel, completed at once", "POST", "/claims", cancel, 201)["claims"][-1]["claim_id"]
        measure("settle: request (+ the 결제요청)", "POST", f"/claims/{c2}/settle", {"direction": "request"})
        measure("cancel the 결제요청", "POST", f"/payment-requests/{_open_request(site, order_id)}/cancel", {})
        measure("결제요청 (no claim)", "POST", "/payment-requests", {}, 201)
        jeju = {"name": "김민지", "phone": "010-1234-5678", "postal_code": "63100", "address1": "제주"}
        order_id, _ = card_order(sandbox, site)
        measure("address change (제주)", "PATCH", "/recipient", jeju)
        print_table("Requests per claim operation (admin handler, DynamoDB Local; PG = sandbox calls)",
                    ["operation", "reads", "writes", "PG cancels", "by API"], rows)
    finally:
        sandbox.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
