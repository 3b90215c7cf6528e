"""Auto-confirm on DynamoDB Local: KST day boundary, sparse index cost, overlapping runs, buyer race.

The job reads global due partitions, so each test uses its own calendar year.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any

from bench.autoconfirm import batch_write, build_items
from bench.common import RequestCounter
from oms.domain.clock import KST, iso
from oms.domain.errors import DomainError
from oms.services import buyer, confirmation
from oms.store import keys, orders, points
from oms.store.table import client, table_name
from scheduled_fn.auto_confirm import lambda_handler
from tests.integration.confirm_helpers import deliver, one_line, take_in
from tests.support import FakeContext


def kst(y: int, mo: int, d: int, h: int, mi: int) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=KST)


def line_of(site: str, oid: str) -> Any:
    order, _ = orders.load_order(site, oid)
    return order.lines[0]


def index_entries(day: str) -> int:
    n = 0
    for shard in range(keys.CONFIRM_DUE_SHARDS):
        resp = client().query(TableName=table_name(), IndexName="GSI3", KeyConditionExpression="GSI3PK = :p",
                              ExpressionAttributeValues={":p": {"S": keys.confirm_due_pk(day, shard)}})
        n += resp["Count"]
    return n


def accruals(site: str, member: str) -> list[dict[str, Any]]:
    entries, _ = points.ledger(site, member, 100, None)
    return [e for e in entries if e["kind"] == "accrual"]


def test_kst_day_boundary_2359_and_0001(site_id: str) -> None:
    late = take_in(site_id, **one_line())
    early = take_in(site_id, **one_line())
    deliver(site_id, late, iso(kst(2031, 3, 1, 23, 59)))   # KST 3/1 → due 3/8
    deliver(site_id, early, iso(kst(2031, 3, 2, 0, 1)))    # KST 3/2 → due 3/9
    assert line_of(site_id, late).auto_confirm_on == "2031-03-08"
    assert line_of(site_id, early).auto_confirm_on == "2031-03-09"
    assert index_entries("2031-03-08") >= 1

    r1 = confirmation.run(kst(2031, 3, 8, 23, 50))
    assert line_of(site_id, late).status.value == "confirmed"
    assert line_of(site_id, late).confirmed_by == "auto"
    assert line_of(site_id, early).status.value == "delivered"
    assert r1.failed == []

    out = lambda_handler({"time": iso(kst(2031, 3, 9, 0, 5))}, FakeContext())
    assert out["failed"] == []
    assert line_of(site_id, early).status.value == "confirmed"
    # an order with nothing left to confirm leaves the sparse index
    _order, items = orders.load_order(site_id, late)
    assert not any("GSI3PK" in it for it in items)
    # one accrual per order for the member: 1% of 20,000
    got = accruals(site_id, "m-100")
    assert sorted(e["order_id"] for e in got) == sorted([late, early])
    assert all(e["amount"] == 200 for e in got)
    assert points.balance(site_id, "m-100") == 400


def test_10000_orders_50_due_touches_only_those(site_id: str) -> None:
    today = date(2035, 6, 15)
    batch_write(build_items(site_id, 10_000, 50, today))
    confirmation._set_cursor("2035-06-14", "test")
    counter = RequestCounter().attach(client())
    try:
        with counter.measure() as calls:
            result = confirmation.run(kst(2035, 6, 15, 0, 10))
    finally:
        client().meta.events.unregister("before-call.dynamodb", counter._hook)
    assert result.due == 50 and result.confirmed == 50 and result.failed == []
    # 2 days x 4 shards of the index, then per due order one read and one transaction
    assert calls["Query"] == 2 * keys.CONFIRM_DUE_SHARDS + 50
    assert calls["TransactWriteItems"] == 50
    assert calls["GetItem"] == 2  # the job cursor and the site's settings (read once per run)
    assert calls["PutItem"] == 1  # the cursor moves on
    assert "Scan" not in calls
    assert sum(calls.values()) == 111
    assert points.balance(site_id, "m-bench") == 50 * 200


def _due_orders(site: str, n: int, day: datetime) -> list[str]:
    ids = [take_in(site, **one_line()) for _ in range(n)]
    for oid in ids:
        deliver(site, oid, iso(day))
    return ids


def test_two_overlapping_runs_confirm_and_accrue_once(site_id: str) -> None:
    ids = _due_orders(site_id, 12, kst(2032, 5, 1, 12, 0))
    event = {"time": iso(kst(2032, 5, 8, 0, 10))}
    results: list[dict[str, Any]] = []
    threads = [threading.Thread(target=lambda: results.append(lambda_handler(event, FakeContext())))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["confirmed"] for r in results) == 12
    assert all(r["failed"] == [] for r in results)
    assert all(line_of(site_id, oid).status.value == "confirmed" for oid in ids)
    got = accruals(site_id, "m-100")
    assert sorted(e["order_id"] for e in got) == sorted(ids)
    assert points.balance(site_id, "m-100") == 12 * 200
    # a third run finds nothing due
    again = confirmation.run(kst(2032, 5, 8, 1, 0))
    assert again.confirmed == 0


def test_buyer_confirm_racing_the_job_accrues_once(site_id: str) -> None:
    ids = _due_orders(site_id, 6, kst(2033, 7, 1, 12, 0))
    who = buyer.BuyerIdentity(site_id, member_id="m-100")
    errors: list[str] = []

    def by_buyer() -> None:
        for oid in ids:
            try:
                buyer.confirm(who, oid, None)
            except DomainError as exc:
                errors.append(exc.code)

    t = threading.Thread(target=by_buyer)
    t.start()
    confirmation.run(kst(2033, 7, 8, 0, 10))
    t.join()
    assert set(errors) <= {"VERSION_CONFLICT", "NOTHING_TO_CONFIRM"}
    lines = [line_of(site_id, oid) for oid in ids]
    assert all(li.status.value == "confirmed" for li in lines)
    assert {li.confirmed_by for li in lines} <= {"buyer", "auto"}
    got = accruals(site_id, "m-100")
    assert sorted(e["order_id"] for e in got) == sorted(ids)
    assert points.balance(site_id, "m-100") == 6 * 200


def test_not_due_and_returned_units_are_not_confirmed(site_id: str) -> None:
    from oms.domain.statuses import Status
    from tests.integration.confirm_helpers import move

    kept = take_in(site_id, **one_line())
    returned = take_in(site_id, **one_line())
    for oid in (kept, returned):
        deliver(site_id, oid, iso(kst(2034, 2, 1, 12, 0)))
    move(site_id, returned, Status.RETURN_REQUESTED, iso(kst(2034, 2, 3, 12, 0)))
    assert index_entries("2034-02-08") >= 1
    confirmation.run(kst(2034, 2, 7, 12, 0))  # one day early
    assert line_of(site_id, kept).status.value == "delivered"
    r = confirmation.run(kst(2034, 2, 8, 0, 10))
    assert r.failed == []
    assert line_of(site_id, kept).status.value == "confirmed"
    assert line_of(site_id, returned).status.value == "return_requested"


def test_partial_failure_is_reported_and_the_cursor_stays(site_id: str, monkeypatch: Any) -> None:
    ids = _due_orders(site_id, 3, kst(2037, 4, 1, 12, 0))
    real = confirmation.confirm_due_order

    def flaky(site: str, oid: str, today: str, attempts: int = 3) -> int:
        if oid == ids[1]:
            raise DomainError("VERSION_CONFLICT", "충돌", status=409)
        return real(site, oid, today, attempts)

    monkeypatch.setattr(confirmation, "confirm_due_order", flaky)
    monkeypatch.setattr(confirmation, "utcnow", lambda: kst(2037, 4, 8, 1, 0))  # the wall clock of these runs
    confirmation._set_cursor("2037-04-07", "test")
    r = confirmation.run(kst(2037, 4, 8, 0, 10))
    assert r.confirmed == 2
    assert r.failed == [{"site_id": site_id, "order_id": ids[1], "code": "VERSION_CONFLICT"}]
    assert confirmation._cursor() == "2037-04-07"
    monkeypatch.setattr(confirmation, "confirm_due_order", real)
    r = confirmation.run(kst(2037, 4, 8, 0, 20))
    assert r.confirmed == 1 and r.failed == [] and confirmation._cursor() == "2037-04-08"


def test_a_run_for_a_later_time_does_not_move_the_cursor_past_today() -> None:
    """A what-if run (its "now" ahead of the wall clock) must not hide the days in between."""
    from datetime import timedelta

    from oms.domain.clock import kst_date, utcnow

    confirmation.run(utcnow() + timedelta(days=30))
    cursor = confirmation._cursor()
    assert cursor is not None and cursor <= kst_date(utcnow()).isoformat()
