"""Delivery tracking on DynamoDB Local: a number entered is registered through the outbox (once per
shipment), the tracking sandbox's signed callbacks reach WebhooksFunction (in process, under its
template contract) and move units from the courier's events alone; the confirmation clock starts
at the courier's delivery time; a callback delivered 20 times at once is applied once; combined
shipments move every order; a rejected number and a failed delivery land in 배송 이상."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from oms.domain.clock import kst_date, parse_iso
from oms.store import orders as store
from oms_local import REPO_ROOT, invoker
from oms_local.template import load_template
from oms_local.tracking_sandbox import TrackingSandbox
from scheduled_fn import tracking_sweep, tracking_sweep_worker
from tests.fanout_support import FanOut, deliver, fan_out_run
from tests.outbox_support import Relay, relay_stack
from tests.shipping_support import admin, api_order
from tests.support import call, http_event
from tests.tracking_support import sandbox_fixture, shipment, statuses, timeline, use_provider

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

sandbox = pytest.fixture(scope="module")(sandbox_fixture)
SWEEP_QUEUE = "TrackingSweepQueue"


@pytest.fixture
def relay(sandbox: TrackingSandbox, s3_endpoint: str, table_name: str) -> Relay:
    invoker.install(load_template(), os.environ["TABLE_NAME"], REPO_ROOT)
    return relay_stack(s3_endpoint, table_name)


def enter(site_id: str, oid: str, number: str, courier: str = "CJ", lines: tuple[str, ...] = ("L001", "L002")
          ) -> None:
    status, body = admin("POST", f"/admin/orders/{oid}/tracking", site_id,
                         {"line_ids": list(lines), "courier": courier, "tracking_no": number})
    assert status == 200, body


def number() -> str:
    import random

    return f"6{random.randint(10**10, 10**11 - 1)}"


@pytest.mark.parametrize("provider", ["trackerdelivery", "sweettracker"])
def test_a_number_entered_walks_to_delivered_from_the_couriers_scans_alone(
        site_id: str, sandbox: TrackingSandbox, relay: Relay, provider: str) -> None:
    use_provider(site_id, provider)
    oid = api_order(site_id)
    no = number()
    enter(site_id, oid, no)
    assert statuses(site_id, oid) == ["ready_to_ship", "ready_to_ship"]  # typing a number moves nothing
    assert shipment(site_id, oid)["tracking"]["state"] == "pending"
    relay.drain()
    [reg] = [r for r in sandbox.as_json("registrations") if r["number"] == no]
    assert reg["provider"] == provider and reg["courier"] == ("kr.cjlogistics" if provider == "trackerdelivery"
                                                               else "04")
    t = shipment(site_id, oid)["tracking"]
    assert t["state"] == "registered" and t["provider"] == provider
    relay.drain()  # the registration's own change asks for nothing more
    assert len([r for r in sandbox.as_json("registrations") if r["number"] == no]) == 1

    results = sandbox.play(no, "normal")
    assert [r["status"] for r in results] == [sandbox_status(provider)] * 4
    assert [r["body"]["result"] for r in results] == ["applied", "applied", "applied", "applied"] \
        if provider == "sweettracker" else results[0]["body"]["result"] == "applied"
    assert statuses(site_id, oid) == ["delivered", "delivered"]
    t = shipment(site_id, oid)["tracking"]
    delivered_at = t["delivered_at"]
    assert [s["kind"] for s in t["scans"]] == ["picked_up", "in_transit", "out_for_delivery", "delivered"]
    # the confirmation clock starts at the courier's delivery time (KST day + the site's 7 days)
    order, _ = store.load_order(site_id, oid)
    line = order.line("L001")
    assert line.status_changed_at == delivered_at
    day = kst_date(parse_iso(delivered_at))
    due = (day.fromordinal(day.toordinal() + 7)).isoformat()
    assert line.auto_confirm_on == due
    from oms.services import confirmation
    from oms.store import keys
    from oms.store.table import client, key, load, table_name

    item = client().get_item(TableName=table_name(), Key=key(keys.order_pk(site_id, oid), keys.CONFIRM_DUE_ITEM_SK),
                             ConsistentRead=True)["Item"]
    assert load(item)["day"] == due  # the job finds the order on that KST day (sparse GSI3)

    assert confirmation.confirm_due_order(site_id, oid, day.fromordinal(day.toordinal() + 6).isoformat()) == 0
    assert confirmation.confirm_due_order(site_id, oid, due) == 2  # the job's step on the 7th KST day
    assert statuses(site_id, oid) == ["confirmed", "confirmed"]
    scans = [e for e in timeline(site_id, oid) if e["kind"] == "tracking_scan"]
    assert sorted(e["data"]["courier_text"] for e in scans) == sorted(["집화처리", "간선상차", "배송출발", "배송완료"])
    assert all(e["actor"]["id"] == f"courier:{provider}" for e in scans)


def sandbox_status(provider: str) -> int:
    return 202 if provider == "trackerdelivery" else 200


def test_out_of_order_late_and_duplicate_scans_never_move_backwards(
        site_id: str, sandbox: TrackingSandbox, relay: Relay) -> None:
    use_provider(site_id, "sweettracker")
    oid = api_order(site_id)
    no = number()
    enter(site_id, oid, no)
    relay.drain()
    results = sandbox.play(no, "out_of_order")
    assert [r["body"]["result"] for r in results] == ["applied", "applied", "applied"]
    assert statuses(site_id, oid) == ["delivered", "delivered"]
    late = sandbox.scan(no, "out_for_delivery")
    assert late[0]["body"]["result"] == "applied"
    assert statuses(site_id, oid) == ["delivered", "delivered"]
    last = next(e for e in timeline(site_id, oid) if e["kind"] == "tracking_scan")
    assert last["data"]["outcome"] == "ignored" and "배송완료 이후" in last["data"]["text_ko"]
    again = sandbox.scan(no, "delivered", at=shipment(site_id, oid)["tracking"]["delivered_at"],
                         where="서울 마포")
    assert again[0]["body"]["result"] == "duplicate"


def test_a_callback_delivered_20_times_at_once_is_applied_once(
        site_id: str, sandbox: TrackingSandbox, relay: Relay) -> None:
    use_provider(site_id, "sweettracker")
    oid = api_order(site_id)
    no = number()
    enter(site_id, oid, no)
    relay.drain()
    before = store.load_order(site_id, oid)[0].version
    sandbox.post, post = None, sandbox.post  # capture the signed callback instead of sending it
    captured: list[tuple[str, bytes, dict[str, str]]] = []
    sandbox.post = lambda url, body, headers: (captured.append((url, body, headers)), (200, {}))[1]
    try:
        sandbox.scan(no, "picked_up")
    finally:
        sandbox.post = post
    [(url, body, headers)] = captured
    assert post is not None
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: post(url, body, headers), range(20)))
    assert Counter(a[1]["result"] for a in answers) == Counter({"applied": 1, "duplicate": 19})
    assert {a[0] for a in answers} == {200}
    order, _ = store.load_order(site_id, oid)
    assert order.version == before + 1  # one transaction
    assert statuses(site_id, oid) == ["shipping", "shipping"]
    assert [e["kind"] for e in timeline(site_id, oid)].count("tracking_scan") == 1


def test_a_forged_callback_is_refused_and_changes_nothing(site_id: str, sandbox: TrackingSandbox,
                                                         relay: Relay) -> None:
    use_provider(site_id, "sweettracker")
    oid = api_order(site_id)
    no = number()
    enter(site_id, oid, no)
    relay.drain()
    captured: list[tuple[str, bytes, dict[str, str]]] = []
    post = sandbox.post
    sandbox.post = lambda url, body, headers: (captured.append((url, body, headers)), (200, {}))[1]
    try:
        sandbox.scan(no, "delivered")
    finally:
        sandbox.post = post
    [(url, body, headers)] = captured
    assert post is not None
    forged = body.replace(b'"level": 6', b'"level": 6 ')
    status, answer = post(url, forged, headers)
    assert status == 401 and answer["code"] == "WEBHOOK_REJECTED" and answer["reason"] == "SIGNATURE_MISMATCH"
    status, answer = post(url, body, {"content-type": "application/json"})
    assert status == 401 and answer["reason"] == "SIGNATURE_MISSING"
    assert statuses(site_id, oid) == ["ready_to_ship", "ready_to_ship"]


def test_combined_shipments_move_every_order(site_id: str, sandbox: TrackingSandbox, relay: Relay) -> None:
    use_provider(site_id, "trackerdelivery")
    a, b = api_order(site_id), api_order(site_id)
    no = number()
    status, body = admin("POST", "/admin/shipments/combined", site_id, {
        "orders": [{"order_id": a, "line_ids": ["L001", "L002"]}, {"order_id": b, "line_ids": ["L001", "L002"]}],
        "courier": "CJ", "tracking_no": no})
    assert status == 201, body
    relay.drain()
    assert len([r for r in sandbox.as_json("registrations") if r["number"] == no]) == 2  # one per shipment
    sandbox.play(no, "normal")
    assert statuses(site_id, a) == statuses(site_id, b) == ["delivered", "delivered"]


def test_a_rejected_number_is_shown_with_the_reason_and_in_the_issue_tab(
        site_id: str, sandbox: TrackingSandbox, relay: Relay) -> None:
    use_provider(site_id, "sweettracker")
    oid = api_order(site_id)
    enter(site_id, oid, "999912345678")
    relay.drain()
    t = shipment(site_id, oid)["tracking"]
    assert t["state"] == "rejected" and t["reason_ko"] == "택배사에서 유효하지 않은 송장번호라고 답했습니다."
    status, page = admin("GET", "/admin/orders", site_id, query={"tab": "delivery_issue"})
    assert status == 200, page
    [row] = [r for r in page["orders"] if r["order_id"] == oid]
    assert row["tracking_issues"][0]["reason"] == "rejected"
    assert page["counts"]["delivery_issue"] >= 1
    assert any(e["kind"] == "tracking_rejected" for e in timeline(site_id, oid))


def test_a_failed_delivery_lands_in_the_issue_tab_with_the_last_scan(
        site_id: str, sandbox: TrackingSandbox, relay: Relay) -> None:
    use_provider(site_id, "trackerdelivery")
    oid = api_order(site_id)
    no = number()
    enter(site_id, oid, no)
    relay.drain()
    sandbox.play(no, "failed")
    assert statuses(site_id, oid) == ["shipping", "shipping"]
    status, page = admin("GET", "/admin/orders", site_id, query={"tab": "delivery_issue"})
    assert status == 200, page
    [row] = [r for r in page["orders"] if r["order_id"] == oid]
    [issue] = row["tracking_issues"]
    assert issue["reason"] == "failed_attempt" and issue["last_scan"]["text"] == "미배달(수취인 부재)"
    # the buyer's my page shows the courier's scans, not the shop's handling of them
    from buyer_api.app import lambda_handler as buyer

    claims = {"sub": "m-100", "site_id": site_id, "role": "buyer", "member_id": "m-100"}
    status, mine, _ = call(buyer, http_event("GET", f"/buyer/orders/{oid}", claims=claims))
    assert status == 200, mine
    [parcel] = mine["shipments"]
    assert [s["text"] for s in parcel["scans"]] == ["미배달(수취인 부재)", "배송출발", "간선상차", "집화처리"]
    assert parcel["tracking_no"] == no and parcel["tracking_url"].startswith("https://")
    assert "tracking" not in parcel and "issue" not in str(parcel)


def test_a_provider_outage_is_retried_by_the_outbox(site_id: str, sandbox: TrackingSandbox, relay: Relay) -> None:
    use_provider(site_id, "trackerdelivery")
    oid = api_order(site_id)
    no = number()
    sandbox.outage = 2
    try:
        enter(site_id, oid, no)
        relay.drain()
    finally:
        sandbox.outage = 0
    assert shipment(site_id, oid)["tracking"]["state"] == "registered"
    assert len([r for r in sandbox.as_json("registrations") if r["number"] == no]) == 1


@pytest.fixture(autouse=True)
def _fresh_sandbox(sandbox: TrackingSandbox) -> Iterator[None]:
    yield
    sandbox.outage = 0


def test_no_scan_for_the_quiet_days_lands_in_the_issue_tab_and_resolving_is_recorded(
        site_id: str, sandbox: TrackingSandbox, relay: Relay) -> None:
    from datetime import timedelta

    from oms.domain.clock import iso, utcnow

    use_provider(site_id, "sweettracker", quiet_days=3)
    oid = api_order(site_id)
    enter(site_id, oid, number())
    relay.drain()
    sweep_at(iso(utcnow() + timedelta(days=2)))
    assert shipment(site_id, oid)["tracking"]["issue"] is None
    run = sweep_at(iso(utcnow() + timedelta(days=3, hours=1)))
    assert (site_id, oid) in run.orders()
    t = shipment(site_id, oid)["tracking"]
    assert t["issue"]["reason"] == "no_scan"
    status, page = admin("GET", "/admin/orders", site_id, query={"tab": "delivery_issue"})
    assert status == 200 and oid in [r["order_id"] for r in page["orders"]]
    # its message delivered again, and a second run, find nothing more to do for it (no new timeline entry)
    kinds = [e["kind"] for e in timeline(site_id, oid)]
    assert not any(deliver(tracking_sweep_worker.lambda_handler, m, SWEEP_QUEUE) for m in run.messages)
    assert [e["kind"] for e in timeline(site_id, oid)] == kinds
    sweep_at(iso(utcnow() + timedelta(days=3, hours=2)))
    assert [e["kind"] for e in timeline(site_id, oid)] == kinds
    status, body = admin("POST", f"/admin/orders/{oid}/shipments/SH001/issue/resolve", site_id,
                         {"note": "택배사 확인: 분실 아님"})
    assert status == 200, body
    assert body["timeline"][0]["kind"] == "tracking_issue_resolved"
    assert body["timeline"][0]["data"]["note"] == "택배사 확인: 분실 아님"
    status, page = admin("GET", "/admin/orders", site_id, query={"tab": "delivery_issue"})
    assert oid not in [r["order_id"] for r in page["orders"]]
    status, again = admin("POST", f"/admin/orders/{oid}/shipments/SH001/issue/resolve", site_id, {})
    assert status == 409 and again["code"] == "TRACKING_NO_ISSUE"


def test_correcting_a_number_after_shipping_registers_the_new_one(
        site_id: str, sandbox: TrackingSandbox, relay: Relay) -> None:
    use_provider(site_id, "sweettracker")
    oid = api_order(site_id)
    old, new = number(), number()
    enter(site_id, oid, old)
    relay.drain()
    sandbox.scan(old, "picked_up")
    assert statuses(site_id, oid) == ["shipping", "shipping"]
    status, body = admin("POST", f"/admin/orders/{oid}/shipments/SH001/correct", site_id, {"tracking_no": new})
    assert status == 200, body
    assert body["timeline"][0]["kind"] == "tracking_corrected" and body["timeline"][0]["data"]["previous"] == old
    relay.drain()
    assert [r["number"] for r in sandbox.as_json("registrations") if r["number"] in (old, new)] == [old, new]
    stale = sandbox.scan(old, "delivered")
    assert stale[0]["body"]["result"] == "stale"  # the old number's events no longer move anything
    sandbox.scan(new, "delivered")
    assert statuses(site_id, oid) == ["delivered", "delivered"]


def test_a_courier_without_callbacks_is_polled_by_the_sweep(
        site_id: str, sandbox: TrackingSandbox, relay: Relay) -> None:
    from datetime import timedelta

    from oms.domain.clock import iso, utcnow

    use_provider(site_id, "trackerdelivery")
    oid = api_order(site_id, scope="overseas")
    no = f"{random_letters()}{number()}"
    enter(site_id, oid, no, courier="DHL")
    relay.drain()
    t = shipment(site_id, oid)["tracking"]
    assert t["state"] == "polling"
    assert not [r for r in sandbox.as_json("registrations") if r["number"] == no]  # nothing to register
    calls = sandbox.api_calls
    sandbox.scan(no, "picked_up", at=iso(utcnow() - timedelta(minutes=5)))
    assert statuses(site_id, oid) == ["ready_to_ship", "ready_to_ship"]  # no callback for this courier
    sweep_at(iso(utcnow() + timedelta(hours=1)))  # not due yet (every 2 h before a scan)
    assert sandbox.api_calls == calls
    sweep_at(iso(utcnow() + timedelta(hours=2, minutes=1)))
    assert sandbox.api_calls == calls + 1
    assert statuses(site_id, oid) == ["shipping", "shipping"]
    sandbox.scan(no, "delivered", at=iso(utcnow()))
    sweep_at(iso(utcnow() + timedelta(hours=4, minutes=2)))  # the next poll: 30 min by day, 2 h at night
    assert statuses(site_id, oid) == ["delivered", "delivered"]
    assert sandbox.api_calls == calls + 2
    sweep_at(iso(utcnow() + timedelta(hours=12)))
    assert sandbox.api_calls == calls + 2  # delivered: no more polls


def random_letters() -> str:
    import random
    import string

    return "".join(random.choices(string.ascii_uppercase, k=2))


def sweep_at(when: str) -> FanOut:
    """TrackingSweepFunction run as of ``when``, then TrackingSweepWorkerFunction on each message it
    sent (both under their template contracts)."""
    run = fan_out_run(tracking_sweep.lambda_handler, tracking_sweep_worker.lambda_handler,
                      {"time": when, "detail-type": "Scheduled Event", "source": "aws.events", "detail": {}},
                      SWEEP_QUEUE)
    assert run.failed == []
    assert all(len(m["orders"]) <= 50 and parse_iso(m["now"]) == parse_iso(when) for m in run.messages)
    return run


def test_events_for_a_removed_number_change_nothing(site_id: str, sandbox: TrackingSandbox, relay: Relay) -> None:
    use_provider(site_id, "sweettracker")
    oid = api_order(site_id)
    no = number()
    enter(site_id, oid, no)
    relay.drain()
    status, body = admin("POST", f"/admin/orders/{oid}/tracking", site_id,
                         {"action": "remove", "line_ids": ["L001", "L002"]})
    assert status == 200, body
    version = store.load_order(site_id, oid)[0].version
    assert [c["body"]["result"] for c in sandbox.scan(no, "picked_up")] == ["stale"]
    assert store.load_order(site_id, oid)[0].version == version
    assert statuses(site_id, oid) == ["ready_to_ship", "ready_to_ship"]
    status, body = admin("POST", f"/admin/orders/{oid}/shipments/SH001/issue/resolve", site_id, {})
    assert status == 404 and body["code"] == "SHIPMENT_NOT_FOUND"


def test_correcting_a_combined_parcel_corrects_every_order_of_the_group(
        site_id: str, sandbox: TrackingSandbox, relay: Relay) -> None:
    use_provider(site_id, "sweettracker")
    a, b = api_order(site_id), api_order(site_id)
    old, new = number(), number()
    status, body = admin("POST", "/admin/shipments/combined", site_id, {
        "orders": [{"order_id": a, "line_ids": ["L001", "L002"]}, {"order_id": b, "line_ids": ["L001", "L002"]}],
        "courier": "CJ", "tracking_no": old})
    assert status == 201, body
    relay.drain()
    sandbox.scan(old, "picked_up")
    assert statuses(site_id, a) == statuses(site_id, b) == ["shipping", "shipping"]
    status, body = admin("POST", f"/admin/orders/{a}/shipments/SH001/correct", site_id, {"tracking_no": new})
    assert status == 200, body
    assert shipment(site_id, a)["tracking_no"] == shipment(site_id, b)["tracking_no"] == new
    assert timeline(site_id, b)[0]["kind"] == "tracking_corrected"
    relay.drain()
    assert len([r for r in sandbox.as_json("registrations") if r["number"] == new]) == 2
    sandbox.scan(new, "delivered")
    assert statuses(site_id, a) == statuses(site_id, b) == ["delivered", "delivered"]
