"""The home screen (GET /admin/home) on DynamoDB Local: exact counts after orders are created and
moved, claims opened and stepped, a deposit left unmatched then matched or dismissed, a payment
request opened then cancelled, covered or paid, a job that failed; each counter +1 then −1 in the
transaction of what it counts; the answer costs two requests; another site sees none of it."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from bench.common import RequestCounter
from oms.domain.clock import iso, kst_date, utcnow
from oms.services import deposit_collection as collection
from oms.services import home as home_service
from oms.store import home_counts
from oms.store.table import client
from oms_local import REPO_ROOT, invoker
from oms_local.template import load_template
from oms_local.tracking_sandbox import TrackingSandbox
from tests.integration.claims_support import return_claim
from tests.integration.test_deposit_collection import ACCOUNT, FakeFeed, deposit, transfer_order
from tests.outbox_support import Relay, relay_stack
from tests.shipping_support import admin, api_order
from tests.tracking_support import sandbox_fixture

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

KEYS = [key for key, *_ in home_service.ITEMS]


def home(site_id: str) -> dict[str, int]:
    status, body = admin("GET", "/admin/home", site_id)
    assert status == 200, body
    assert [i["key"] for i in body["items"]] == KEYS
    return {i["key"]: i["count"] for i in body["items"]}


def expect(site_id: str, **counts: int) -> None:
    assert home(site_id) == {**dict.fromkeys(KEYS, 0), **counts}


def ok(method: str, path: str, site_id: str, body: Any = None, expect_status: int = 200) -> Any:
    status, answer = admin(method, path, site_id, body)
    assert status == expect_status, answer
    return answer


tracking_sandbox = pytest.fixture(scope="module")(sandbox_fixture)


@pytest.fixture
def relay(tracking_sandbox: TrackingSandbox, s3_endpoint: str, table_name: str) -> Relay:
    invoker.install(load_template(), os.environ["TABLE_NAME"], REPO_ROOT)
    return relay_stack(s3_endpoint, table_name)


@pytest.fixture
def counter() -> Iterator[RequestCounter]:
    c = RequestCounter().attach(client())
    yield c
    client().meta.events.unregister("before-call.dynamodb", c._hook)


def test_the_answer_names_every_count_with_its_label_and_link(site_id: str) -> None:
    status, body = admin("GET", "/admin/home", site_id)
    assert status == 200, body
    by_key = {i["key"]: i for i in body["items"]}
    assert (by_key["preparing"]["label_ko"], by_key["preparing"]["link"]) == ("상품준비", "#/orders?tab=preparing")
    assert by_key["delivery_issue"]["link"] == "#/orders?tab=delivery_issue"
    assert (by_key["deposits_unmatched"]["label_ko"], by_key["deposits_unmatched"]["link"]) == ("미확인 입금",
                                                                                                "#/deposits")
    assert by_key["exchange_collecting"]["label_ko"] == "교환수거중"
    assert set(body["groups"]) == {i["group"] for i in body["items"]}
    assert body["today"] == kst_date(utcnow()).isoformat()


def test_order_and_claim_counts_follow_every_change_in_two_requests(site_id: str, counter: RequestCounter) -> None:
    a, b, c, d, e = (api_order(site_id, ready=False) for _ in range(5))
    expect(site_id, preparing=5)
    ok("POST", "/admin/orders/bulk/status", site_id, {"order_ids": [a, b], "to": "ready_to_ship"})
    expect(site_id, preparing=3, ready_to_ship=2)
    # one unit of c to 취소접수: c shows under both tabs (L001 keeps two units in 상품준비)
    detail = ok("POST", f"/admin/orders/{c}/status", site_id, {"moves": [{"line_id": "L001", "to": "cancel_requested",
                                                                          "quantity": 1}]})
    [asked] = [li["line_id"] for li in detail["lines"] if li["status"] == "cancel_requested"]
    expect(site_id, preparing=3, ready_to_ship=2, cancel_requested=1)
    # d delivered, then a return of one unit: 반품접수, then 수거중
    for to in ("ready_to_ship", "shipping", "delivered"):
        ok("POST", f"/admin/orders/{d}/status", site_id, {"moves": [{"line_id": lid, "to": to}
                                                                    for lid in ("L001", "L002")]})
    cid, _ = return_claim(site_id, d, [("L002", 1)], complete=False)
    expect(site_id, preparing=2, ready_to_ship=2, cancel_requested=1, return_requested=1)
    ok("POST", f"/admin/orders/{d}/claims/{cid}/steps", site_id, {"to": "collecting"})
    expect(site_id, preparing=2, ready_to_ship=2, cancel_requested=1, return_collecting=1)
    # e delivered, then an exchange of one unit: 교환접수, then 교환수거중
    for to in ("ready_to_ship", "shipping", "delivered"):
        ok("POST", f"/admin/orders/{e}/status", site_id, {"moves": [{"line_id": lid, "to": to}
                                                                    for lid in ("L001", "L002")]})
    xid, _ = return_claim(site_id, e, [("L002", 1)], type="exchange", complete=False)
    expect(site_id, preparing=1, ready_to_ship=2, cancel_requested=1, return_collecting=1, exchange_requested=1)
    ok("POST", f"/admin/orders/{e}/claims/{xid}/steps", site_id, {"to": "collecting"})
    expect(site_id, preparing=1, ready_to_ship=2, cancel_requested=1, return_collecting=1, exchange_collecting=1)
    # the cancellation completed: 취소접수 goes
    ok("POST", f"/admin/orders/{c}/status", site_id, {"moves": [{"line_id": asked, "to": "cancelled"}]})
    expected = {"preparing": 1, "ready_to_ship": 2, "return_collecting": 1, "exchange_collecting": 1}
    expect(site_id, **expected)

    home(site_id)  # the operator's role is read once per container: measured on the next call
    with counter.measure() as got:
        expect(site_id, **expected)
    assert got == Counter({"BatchGetItem": 1, "Query": 1}), got  # the tab counts' shards, the home counters

    # another site sees none of it, and its own orders leave the first site's counts alone
    other = site_id + "-other"
    expect(other)
    api_order(other, ready=False)
    expect(other, preparing=1)
    expect(site_id, **expected)


def test_delivery_issue_counts_while_a_parcel_has_an_open_issue(site_id: str, relay: Relay) -> None:
    from tests.integration.test_delivery_tracking import enter, number, sweep_at
    from tests.tracking_support import use_provider

    use_provider(site_id, "sweettracker", quiet_days=3)
    oid = api_order(site_id)
    enter(site_id, oid, number())
    relay.drain()  # registered with the tracking provider: its quiet days start
    expect(site_id, ready_to_ship=1)
    sweep_at(iso(utcnow() + timedelta(days=3, hours=1)))
    expect(site_id, ready_to_ship=1, delivery_issue=1)
    ok("POST", f"/admin/orders/{oid}/shipments/SH001/issue/resolve", site_id, {"note": "택배사 확인"})
    expect(site_id, ready_to_ship=1)


def test_unmatched_deposits_plus_one_when_recorded_minus_one_when_matched_or_dismissed(site_id: str) -> None:
    paid_by_feed = transfer_order(site_id, "정확해", 21000)
    by_hand = transfer_order(site_id, "김주문", 33000)
    feed = FakeFeed([deposit("정확해", 21000, "H-0"), deposit("김주문엄마", 33000, "H-1"),
                     deposit("모름", 70000, "H-2")])
    polled = collection.collect_account(site_id, ACCOUNT, provider="bankda", adapter=feed)
    assert (polled.confirmed, polled.unmatched) == (["H-0"], 2)
    assert paid_by_feed  # confirmed automatically: 상품준비, and no 미확인 입금 for it
    expect(site_id, preparing=1, deposits_unmatched=2)
    # the same rows again (a repeated page): counted once
    for d in feed.rows[1:]:
        assert collection.record_deposit(site_id, d, "bankda", collection.DEFAULT_RULE, []) == ("duplicate", "")
    expect(site_id, preparing=1, deposits_unmatched=2)

    ok("POST", f"/admin/deposits/{ACCOUNT.number}/H-1/match", site_id, {"order_id": by_hand})
    expect(site_id, preparing=2, deposits_unmatched=1)
    status, body = admin("POST", f"/admin/deposits/{ACCOUNT.number}/H-1/match", site_id, {"order_id": by_hand})
    assert (status, body["code"]) == (409, "DEPOSIT_NOT_UNMATCHED")
    ok("POST", f"/admin/deposits/{ACCOUNT.number}/H-2/dismiss", site_id, {"note": "주문 아님"})
    expect(site_id, preparing=2)
    status, body = admin("POST", f"/admin/deposits/{ACCOUNT.number}/H-2/dismiss", site_id, {"note": "다시"})
    assert (status, body["code"]) == (409, "DEPOSIT_NOT_UNMATCHED")
    expect(site_id, preparing=2)
    expect(site_id + "-other")


def test_failed_jobs_count_on_the_day_they_failed(site_id: str) -> None:
    from exports_fn.app import lambda_handler
    from oms.services import jobs
    from tests.support import call, http_event

    api_order(site_id)
    status, job, _ = call(lambda_handler, http_event("POST", "/admin/jobs", {
        "action": "status", "to": "ready_to_ship", "search": {"tab": "ready_to_ship"}}, site_id=site_id))
    assert status == 202, job
    assert jobs.process({"site_id": site_id, "job_id": job["job_id"], "snapshot": True}) == {"total": 1, "chunks": 1}
    assert jobs.process({"site_id": site_id, "job_id": job["job_id"], "chunk": 0}) == {
        "done": 0, "refused": 1, "skipped": 0}
    assert jobs.get(site_id, job["job_id"])["status"] == "failed"
    expect(site_id, ready_to_ship=1, jobs_failed=1)
    assert jobs.finish(site_id, job["job_id"]) is None  # no longer running: not counted again
    expect(site_id, ready_to_ship=1, jobs_failed=1)
    # the count is the day's: tomorrow it is 0 again (the day's item expires)
    tomorrow = (kst_date(utcnow()) + timedelta(days=1)).isoformat()
    assert home_counts.read(site_id, tomorrow)["jobs_failed"] == 0
    expect(site_id + "-other")
