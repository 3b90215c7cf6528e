"""Auto-confirm on DynamoDB Local: KST day boundary, sparse index cost, overlapping runs, buyer race,
and the fan-out: AutoConfirmFunction sends the due orders round-robin by shop, 50 a message, and
AutoConfirmWorkerFunction confirms each message's orders (its handler on each message sent).

The job reads global due partitions, so each test uses its own calendar year.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from itertools import pairwise
from typing import Any

import pytest

from bench.autoconfirm import batch_write, build_items
from bench.common import RequestCounter
from oms.domain.clock import KST, iso
from oms.domain.errors import DomainError
from oms.services import buyer, confirmation
from oms.store import keys, orders, points
from oms.store.table import client, table_name
from scheduled_fn import auto_confirm, auto_confirm_worker
from tests.fanout_support import FanOut, Sent, deliver, fan_out_run, sent_fixture
from tests.integration.confirm_helpers import deliver as deliver_units
from tests.integration.confirm_helpers import one_line, take_in

QUEUE = "AutoConfirmQueue"
sent = pytest.fixture(sent_fixture)


def kst(y: int, mo: int, d: int, h: int, mi: int) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=KST)


def run_job(when: datetime, sent: Sent | None = None, *, work: bool = True) -> FanOut:
    """AutoConfirmFunction's run as of ``when``, then AutoConfirmWorkerFunction on each message."""
    return fan_out_run(auto_confirm.lambda_handler, auto_confirm_worker.lambda_handler if work else None,
                       {"time": iso(when)}, QUEUE, sent)


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
    deliver_units(site_id, late, iso(kst(2031, 3, 1, 23, 59)))   # KST 3/1 → due 3/8
    deliver_units(site_id, early, iso(kst(2031, 3, 2, 0, 1)))    # KST 3/2 → due 3/9
    assert line_of(site_id, late).auto_confirm_on == "2031-03-08"
    assert line_of(site_id, early).auto_confirm_on == "2031-03-09"
    assert index_entries("2031-03-08") >= 1

    r1 = run_job(kst(2031, 3, 8, 23, 50))
    assert line_of(site_id, late).status.value == "confirmed"
    assert line_of(site_id, late).confirmed_by == "auto"
    assert line_of(site_id, early).status.value == "delivered"
    assert r1.failed == [] and (site_id, late) in r1.orders() and (site_id, early) not in r1.orders()

    out = run_job(kst(2031, 3, 9, 0, 5))
    assert out.failed == [] and out.answer["today"] == "2031-03-09"
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
            result = run_job(kst(2035, 6, 15, 0, 10))
    finally:
        client().meta.events.unregister("before-call.dynamodb", counter._hook)
    assert result.answer["due"] == 50 and result.answer["messages"] == len(result.messages) == 1
    assert result.failed == []
    # the dispatcher: 2 days x 8 shards of the index; the worker: per due order one read and one transaction
    assert calls["Query"] == 2 * keys.CONFIRM_DUE_SHARDS + 50
    assert calls["TransactWriteItems"] == 50
    assert calls["GetItem"] == 2  # the job cursor and the site's settings (read once per message)
    assert calls["PutItem"] == 1  # the cursor moves on
    assert "Scan" not in calls
    assert sum(calls.values()) == 2 * 8 + 50 + 50 + 2 + 1  # 119: nothing else
    assert points.balance(site_id, "m-bench") == 50 * 200


def _due_orders(site: str, n: int, day: datetime) -> list[str]:
    ids = [take_in(site, **one_line()) for _ in range(n)]
    for oid in ids:
        deliver_units(site, oid, iso(day))
    return ids


def test_two_overlapping_runs_confirm_and_accrue_once(site_id: str, sent: Sent) -> None:
    """Two runs at once send the same orders twice; their messages, worked at once (as two worker
    containers would), confirm and accrue each order once."""
    ids = _due_orders(site_id, 12, kst(2032, 5, 1, 12, 0))
    runs: list[FanOut] = []
    threads = [threading.Thread(target=lambda: runs.append(run_job(kst(2032, 5, 8, 0, 10), sent, work=False)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(runs) == 2 and all(sorted(o for s, o in r.orders() if s == site_id) == sorted(ids) for r in runs)
    messages = [m for r in runs for m in r.messages]
    results: list[confirmation.Confirmed] = []
    workers = [threading.Thread(target=lambda m=m: results.append(confirmation.confirm_message(m))) for m in messages]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert sum(r.confirmed for r in results) == 12
    assert all(r.failed == [] for r in results)
    assert all(line_of(site_id, oid).status.value == "confirmed" for oid in ids)
    got = accruals(site_id, "m-100")
    assert sorted(e["order_id"] for e in got) == sorted(ids)
    assert points.balance(site_id, "m-100") == 12 * 200
    # a third run finds nothing due
    again = run_job(kst(2032, 5, 8, 1, 0))
    assert [o for s, o in again.orders() if s == site_id] == []


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

    r = run_job(kst(2033, 7, 8, 0, 10), work=False)
    t = threading.Thread(target=by_buyer)
    t.start()  # the buyer confirms while the worker works through the messages
    failed = [deliver(auto_confirm_worker.lambda_handler, body, QUEUE) for body in r.messages]
    t.join()
    assert not any(failed)
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
        deliver_units(site_id, oid, iso(kst(2034, 2, 1, 12, 0)))
    move(site_id, returned, Status.RETURN_REQUESTED, iso(kst(2034, 2, 3, 12, 0)))
    assert index_entries("2034-02-08") >= 1
    run_job(kst(2034, 2, 7, 12, 0))  # one day early
    assert line_of(site_id, kept).status.value == "delivered"
    r = run_job(kst(2034, 2, 8, 0, 10))
    assert r.failed == []
    assert line_of(site_id, kept).status.value == "confirmed"
    assert line_of(site_id, returned).status.value == "return_requested"


def test_a_message_failing_transiently_is_reported_and_its_order_comes_again(
        site_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """One order of a message loses its race every time: the message is reported failed (and
    comes back) while its other orders are confirmed, once however often it comes; the cursor
    stays on the order's day, so every run sends it again until it is confirmed."""
    ids = _due_orders(site_id, 3, kst(2037, 4, 1, 12, 0))
    real = confirmation.confirm_due_order
    wall = [kst(2037, 4, 8, 1, 0)]

    def flaky(site: str, oid: str, today: str, attempts: int = 3) -> int:
        if oid == ids[1]:
            raise DomainError("VERSION_CONFLICT", "충돌", status=409)
        return real(site, oid, today, attempts)

    monkeypatch.setattr(confirmation, "confirm_due_order", flaky)
    monkeypatch.setattr(confirmation, "utcnow", lambda: wall[0])  # the wall clock of these runs
    confirmation._set_cursor("2037-04-07", "test")
    r = run_job(kst(2037, 4, 8, 0, 10))
    (message,) = [m for m in r.messages if any(s == site_id for s, _ in m["orders"])]
    assert r.failed == [r.messages.index(message)]
    assert [line_of(site_id, oid).status.value for oid in ids] == ["confirmed", "delivered", "confirmed"]
    assert confirmation._cursor() == "2037-04-08"  # its day still held due orders
    # the queue delivers it again (and again, up to maxReceiveCount): nothing is confirmed twice
    assert deliver(auto_confirm_worker.lambda_handler, message, QUEUE) is True
    assert sorted(e["order_id"] for e in accruals(site_id, "m-100")) == sorted([ids[0], ids[2]])
    # in the dead-letter queue now; the next day's run reads the day again and sends the order alone
    wall[0] = kst(2037, 4, 9, 1, 0)
    r = run_job(kst(2037, 4, 9, 0, 10))
    assert [o for s, o in r.orders() if s == site_id] == [ids[1]] and r.failed != []
    assert r.answer["days"] == ["2037-04-08", "2037-04-09"] and confirmation._cursor() == "2037-04-08"
    monkeypatch.setattr(confirmation, "confirm_due_order", real)
    wall[0] = kst(2037, 4, 10, 1, 0)
    r = run_job(kst(2037, 4, 10, 0, 10))
    assert [o for s, o in r.orders() if s == site_id] == [ids[1]] and r.failed == []
    assert line_of(site_id, ids[1]).status.value == "confirmed"
    assert confirmation._cursor() == "2037-04-08"  # read while it still held the order
    wall[0] = kst(2037, 4, 11, 1, 0)
    r = run_job(kst(2037, 4, 11, 0, 10))
    assert r.answer["due"] == 0 and confirmation._cursor() == "2037-04-11"
    assert sorted(e["order_id"] for e in accruals(site_id, "m-100")) == sorted(ids)
    assert points.balance(site_id, "m-100") == 3 * 200


def test_a_run_for_a_later_time_does_not_move_the_cursor_past_today() -> None:
    """A what-if run (its "now" ahead of the wall clock) must not hide the days in between."""
    from datetime import timedelta

    from oms.domain.clock import kst_date, utcnow

    run_job(utcnow() + timedelta(days=30), work=False)
    cursor = confirmation._cursor()
    assert cursor is not None and cursor <= kst_date(utcnow()).isoformat()


def test_the_messages_take_the_shops_in_turn_50_orders_at_most(site_id: str) -> None:
    """Two shops' due orders alternate in the messages (one shop's orders never one after another
    while the other has some left); 120 orders of one shop go in messages of 50, 50 and 20, and a
    message delivered twice confirms nothing twice."""
    other = f"{site_id}-b"
    today = date(2038, 9, 20)
    batch_write(build_items(site_id, 3, 3, today) + build_items(other, 120, 120, today))
    confirmation._set_cursor("2038-09-19", "test")
    r = run_job(kst(2038, 9, 20, 0, 10), work=False)
    assert r.answer["due"] == 123 and [len(m["orders"]) for m in r.messages] == [50, 50, 23]
    assert all(m["today"] == "2038-09-20" for m in r.messages)
    shops = [s for s, _ in r.orders()]
    firsts = [i for i, s in enumerate(shops) if s == site_id]
    assert len(firsts) == 3 and min(b - a for a, b in pairwise(firsts)) > 30  # spread over the run
    for body in r.messages:
        assert deliver(auto_confirm_worker.lambda_handler, body, QUEUE) is False
    assert points.balance(site_id, "m-bench") == 3 * 200 and points.balance(other, "m-bench") == 120 * 200
    again = [confirmation.confirm_message(body) for body in r.messages]  # the queue delivers them again
    assert sum(a.confirmed for a in again) == 0 and sum(a.already_done for a in again) == 123
    assert points.balance(site_id, "m-bench") == 3 * 200 and points.balance(other, "m-bench") == 120 * 200


def test_two_shops_alternate(site_id: str) -> None:
    other = f"{site_id}-b"
    ids = {site: _due_orders(site, 3, kst(2039, 1, 3, 12, 0)) for site in (site_id, other)}
    r = run_job(kst(2039, 1, 10, 0, 10))
    mine = [(s, o) for s, o in r.orders() if s in ids]
    shops = [s for s, _ in mine]
    assert shops in ([site_id, other] * 3, [other, site_id] * 3)
    assert sorted(o for s, o in mine if s == other) == sorted(ids[other])
    assert r.failed == [] and all(line_of(s, o).status.value == "confirmed" for s, o in mine)


def test_the_local_stack_queues_the_messages_for_the_worker(site_id: str, s3_endpoint: str, table_name: str) -> None:
    """As `make run` wires it: AutoConfirmFunction's messages go to AutoConfirmQueue (its URL and
    sqs:SendMessage from the template) and its event source mapping delivers them to
    AutoConfirmWorkerFunction."""
    from oms_local import REPO_ROOT
    from oms_local.gateway import Gateway
    from oms_local.sqs_events import SqsEvents

    ids = _due_orders(site_id, 2, kst(2040, 2, 1, 12, 0))
    gw = Gateway(REPO_ROOT / "template.yaml", table_name=table_name, port=0, concurrency=0,
                 env={"POWERTOOLS_TRACE_DISABLED": "true", "LOG_LEVEL": "WARNING"})
    events = SqsEvents(gw, s3_endpoint)
    assert "AutoConfirmQueue" in {m.queue for m in events.configure() if m.function == "AutoConfirmWorkerFunction"}
    out = gw.invoke_function("AutoConfirmFunction", {"time": iso(kst(2040, 2, 8, 0, 10))})
    assert out["due"] >= 2 and out["messages"] >= 1
    events.drain(timeout_s=30)
    assert events.failed == 0
    assert [line_of(site_id, oid).status.value for oid in ids] == ["confirmed", "confirmed"]
