"""Defects of the foundation, each reproduced on DynamoDB Local: reads that decide a write are
consistent, refusals land only on orders of the caller's site, a bulk call isolates each order,
jobs isolate each order, pass days are granted once, a voided order owes no shipping fee."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from admin_api.app import lambda_handler as admin
from oms.domain.clock import iso, parse_iso
from oms.domain.errors import DomainError
from oms.schemas.orders import BulkStatusIn
from oms.services import orders as svc
from oms.services import payments
from oms.store import keys, orders
from oms.store.table import client, query_all
from tests.fanout_support import expire_here
from tests.integration.confirm_helpers import ADMIN, one_line, take_in
from tests.integration.test_points_membership import PASS
from tests.support import call, http_event

pytestmark = pytest.mark.usefixtures("standard_buyer_points")


def partition(site_id: str, order_id: str) -> list[dict[str, Any]]:
    return query_all(KeyConditionExpression="PK = :pk",
                     ExpressionAttributeValues={":pk": {"S": keys.order_pk(site_id, order_id)}})


@pytest.fixture
def requests() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every DynamoDB request made during the test: (operation, parameters)."""
    seen: list[tuple[str, dict[str, Any]]] = []

    def hook(params: dict[str, Any], model: Any, **_: Any) -> None:
        seen.append((model.name, dict(params)))

    client().meta.events.register("before-parameter-build.dynamodb", hook)
    yield seen
    client().meta.events.unregister("before-parameter-build.dynamodb", hook)


def test_the_read_that_decides_a_change_is_strongly_consistent(site_id: str, requests: list) -> None:
    oid = take_in(site_id, **one_line())
    requests.clear()
    status, out, _ = call(admin, http_event("POST", f"/admin/orders/{oid}/status",
                                            {"moves": [{"line_id": "L001", "to": "ready_to_ship"}]}, site_id=site_id))
    assert status == 200, out
    # one consistent Query decides, one transaction commits, and the answer is the committed state
    assert [op for op, _ in requests] == ["Query", "TransactWriteItems"]
    assert requests[0][1]["ConsistentRead"] is True
    assert out["version"] == 2 and out["status_quantities"] == {"ready_to_ship": 1}


def test_intake_answers_from_what_it_committed(site_id: str, requests: list) -> None:
    from tests.support import order_payload

    status, out, _ = call(admin, http_event("POST", "/intake/orders", order_payload(site_id), iam=True))
    assert status == 201, out
    # no read of the order after its transaction (an eventually consistent read could miss it)
    ops = [op for op, _ in requests]
    assert "TransactWriteItems" in ops
    after = ops[ops.index("TransactWriteItems") + 1:]
    assert "Query" not in after
    assert out["order_id"] and out["status_quantities"] == {"preparing": 4}


def test_a_refusal_for_another_sites_order_writes_nothing_anywhere(site_id: str) -> None:
    oid = take_in(site_id, **one_line())
    other = site_id + "-b"
    with pytest.raises(DomainError) as err:
        svc.change_status(other, oid, [], ADMIN)  # refused (no moves) — for an order the site does not have
    assert err.value.status in (404, 422)
    assert partition(other, oid) == []
    # and a refusal on the caller's own order is recorded on it
    with pytest.raises(DomainError):
        svc.run_change(site_id, oid, ADMIN, lambda o, at: (_ for _ in ()).throw(DomainError("X", "거절")),
                       action="test")
    events = [e for it in partition(site_id, oid) if it["SK"].startswith(keys.TIMELINE_PREFIX)
              for e in it["events"]]
    assert any(e["kind"] == "refused" and e["data"]["code"] == "X" for e in events)


def test_record_refusal_never_creates_an_order_partition(site_id: str) -> None:
    from oms.domain.order import Event

    orders.record_refusal(site_id, "20991231-999999", Event("refused", ADMIN, "2026-01-01T00:00:00Z", {}))
    assert partition(site_id, "20991231-999999") == []


def test_one_failing_order_of_a_bulk_call_is_its_own_result(site_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [take_in(site_id, **one_line()) for _ in range(3)]
    real = orders.load

    def flaky(site: str, oid: str) -> Any:
        if oid == ids[1]:
            raise RuntimeError("connection reset")
        return real(site, oid)

    monkeypatch.setattr(orders, "load", flaky)
    results = svc.bulk_change(site_id, BulkStatusIn(order_ids=ids, to="ready_to_ship"), ADMIN)  # type: ignore[arg-type]
    monkeypatch.setattr(orders, "load", real)
    by_id = {r.order_id: r for r in results}
    assert [by_id[i].result for i in ids] == ["done", "refused", "done"]
    assert by_id[ids[1]].code == "INTERNAL_ERROR" and by_id[ids[1]].message_ko
    assert orders.load_order(site_id, ids[0])[0].status_quantities() == {"ready_to_ship": 1}
    assert orders.load_order(site_id, ids[1])[0].status_quantities() == {"preparing": 1}


def test_one_failing_order_does_not_stop_the_expiry_job(site_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    body = one_line()
    body["payment"] = {"method": "virtual_account", "provider": "toss", "amount": 20000,
                       "virtual_account": {"bank": "국민은행", "account_no": "123-456", "holder": "샵",
                                           "due_at": "2031-05-01T00:00:00+09:00"}}
    ids = [take_in(site_id, **body) for _ in range(3)]
    real = payments.expire_order

    def flaky(site: str, oid: str, now: str) -> Any:
        if oid == ids[0]:
            raise RuntimeError("boom")
        return real(site, oid, now)

    monkeypatch.setattr(payments, "expire_order", flaky)
    counts = expire_here(iso(parse_iso("2031-05-02T00:00:00+09:00")))
    assert counts["failed"] >= 1 and counts["expired"] >= 2
    assert orders.load_order(site_id, ids[2])[0].status_quantities() == {"cancelled": 1}
    monkeypatch.setattr(payments, "expire_order", real)
    expire_here(iso(parse_iso("2031-05-02T00:00:00+09:00")))  # the next run picks it up
    assert orders.load_order(site_id, ids[0])[0].status_quantities() == {"cancelled": 1}


def test_an_expired_order_owes_no_shipping_fee(site_id: str) -> None:
    body = one_line()
    body["shipping_fee"] = 3000
    body["payment"] = {"method": "virtual_account", "provider": "toss", "amount": 23000,
                       "virtual_account": {"bank": "국민은행", "account_no": "123-456", "holder": "샵",
                                           "due_at": "2031-06-01T00:00:00+09:00"}}
    oid = take_in(site_id, **body)
    expire_here(iso(parse_iso("2031-06-02T00:00:00+09:00")))
    status, out, _ = call(admin, http_event("GET", f"/admin/orders/{oid}", site_id=site_id))
    assert status == 200
    # 20,000 line cancelled + 3,000 shipping not owed any more = 0; nothing was paid
    assert out["amounts"]["order_amount"] == 0 and out["amounts"]["outstanding"] == 0


def test_withdrawing_a_pass_cancel_request_does_not_grant_the_days_again(site_id: str) -> None:
    oid = take_in(site_id, **one_line(lines=[PASS]))
    for _ in range(2):  # reopen, ask to cancel, withdraw (the order closes again), twice
        call(admin, http_event("POST", f"/admin/orders/{oid}/reopen", site_id=site_id))
        for to in ("cancel_requested", "confirmed"):
            status, out, _ = call(admin, http_event("POST", f"/admin/orders/{oid}/status",
                                                    {"moves": [{"line_id": "L001", "to": to}]}, site_id=site_id))
            assert status == 200, out
    _s, body, _ = call(admin, http_event("GET", "/admin/members/m-100/membership", site_id=site_id))
    assert body["days"] == 60  # 2 passes × 30 days, granted once at payment
    assert [h["kind"] for h in body["history"]] == ["grant"]
    call(admin, http_event("POST", f"/admin/orders/{oid}/reopen", site_id=site_id))
    for to in ("cancel_requested", "cancelled"):
        call(admin, http_event("POST", f"/admin/orders/{oid}/status", {"moves": [{"line_id": "L001", "to": to}]},
                               site_id=site_id))
    _s, body, _ = call(admin, http_event("GET", "/admin/members/m-100/membership", site_id=site_id))
    assert body["days"] == 0 and [h["kind"] for h in body["history"]] == ["revoke", "grant"]
