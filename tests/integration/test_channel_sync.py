"""Naver order sync on DynamoDB Local, over HTTP against the Naver sandbox: a Naver order is taken in
once however often (and however concurrently) its changes are pulled, with the buyer's payment exact
to the won; Naver's states move our units; the shop's dispatch reaches Naver through the outbox,
Naver's refusal of a number shows on the line; an order the buyer asked Naver to cancel before our
dispatch arrived is never dispatched; a claim approved here is pushed once even when the relay dies
between Naver's answer and recording it, and the cancel Naver completes is refunded on our order."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from oms.integrations.channels import channel
from oms.services import channel_push, channel_sync
from oms.store import channels as channel_store
from oms_local.naver_sandbox import NaverSandbox
from tests.channel_support import connect, detail, our_order, pull, ship, start_sandbox
from tests.outbox_support import Relay, relay_stack
from tests.shipping_support import admin

pytestmark = pytest.mark.usefixtures("parameter_store")

ITEMS = [{"product_id": "8800001", "name": "오가닉 코튼 반팔 티셔츠", "option": "색상: 화이트 / 사이즈: L",
          "quantity": 2, "unit_price": 19000, "option_price": 1000, "discount": 2000},
         {"product_id": "8800002", "name": "린넨 셔츠", "option": "", "quantity": 1, "unit_price": 35000,
          "option_price": 0, "discount": 0}]


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[NaverSandbox]:
    sb = start_sandbox(monkeypatch)
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture
def relay(sandbox: NaverSandbox, s3_endpoint: str, table_name: str) -> Relay:
    return relay_stack(s3_endpoint, table_name, env=sandbox.env())


def claim_calls(sb: NaverSandbox) -> int:
    return sum(1 for _, p in sb.calls if "/claim/" in p)


def test_connecting_checks_the_secret_with_naver_and_never_answers_it(site_id: str, sandbox: NaverSandbox) -> None:
    status, body = admin("PUT", "/admin/channels/naver", site_id,
                         {"client_id": "oms-local-naver-app", "client_secret": "$2a$04$AAAAAAAAAAAAAAAAAAAAAA"})
    assert status == 422 and body["code"] == "CHANNEL_CREDENTIALS_REFUSED", body
    assert channel_store.get_connection(site_id, "naver") == {}  # nothing kept
    answer = connect(site_id)
    assert answer["enabled"] is True and "client_secret" not in answer
    status, listed = admin("GET", "/admin/channels", site_id)
    assert status == 200 and listed["channels"][0]["client_id"] == "oms-local-naver-app"
    assert "$2a$" not in str(listed)


def test_a_naver_order_is_taken_in_once_exact_to_the_won(site_id: str, sandbox: NaverSandbox) -> None:
    connect(site_id)
    naver_id, pids = sandbox.place(ITEMS, delivery_fee=3000)
    waiting, _ = sandbox.place(ITEMS[:1], status="PAYMENT_WAITING")
    first = pull(site_id)
    assert first.status == "ok" and len(first.created) == 1, first
    oid = our_order(site_id, naver_id)
    d = detail(site_id, oid)
    assert d["channel"] == "naverpay_order" and d["external"]["order_id"] == naver_id
    assert [li["external_id"] for li in d["lines"]] == pids
    assert [li["status"] for li in d["lines"]] == ["preparing", "preparing"]
    # goods: (19,000 + 1,000) x 2 - 2,000 = 38,000 and 35,000; the fee 3,000: 76,000 paid to Naver
    assert d["amounts"]["order_amount"] == 76000 and d["amounts"]["paid"] == 76000
    assert d["amounts"]["outstanding"] == 0
    assert d["lines"][0]["options"][0] == {"name": "색상", "value": "화이트", "price": 1000}
    again = pull(site_id)
    assert again.created == [] and again.status == "ok"
    # the same product orders applied by five pullers at once: still one order
    pos = channel("naver").details(channel_store.credentials(site_id, "naver"), pids)  # type: ignore[arg-type]
    with ThreadPoolExecutor(5) as pool:
        outcomes = list(pool.map(lambda _: channel_sync.apply_order(site_id, "naver", pos), range(5)))
    assert {o[1] for o in outcomes} == {oid} and all(o[0] != "created" for o in outcomes)
    # the unpaid one is taken in when it is paid
    sandbox.pay(waiting)
    assert len(pull(site_id).created) == 1
    our_order(site_id, waiting)


def test_naver_states_move_our_units_and_a_completed_cancel_is_refunded(site_id: str, sandbox: NaverSandbox) -> None:
    connect(site_id)
    naver_id, (_, p2) = sandbox.place(ITEMS, delivery_fee=3000)
    pull(site_id)
    oid = our_order(site_id, naver_id)
    sandbox.cancel_request(p2, detail="색상이 마음에 들지 않아요")
    assert pull(site_id).updated == [oid]
    d = detail(site_id, oid)
    assert [li["status"] for li in d["lines"]] == ["preparing", "cancel_requested"]
    assert d["lines"][1]["channel_state"]["claim"]["status"] == "CANCEL_REQUEST"
    sandbox.cancel_done(p2)
    pull(site_id)
    d = detail(site_id, oid)
    assert [li["status"] for li in d["lines"]] == ["preparing", "cancelled"]
    # Naver refunded the 35,000 line; the order now owes 38,000 + 3,000 and was paid that
    assert d["amounts"]["refunded"] == 35000 and d["amounts"]["outstanding"] == 0
    assert any(e["kind"] == "refund" and e["data"]["reason"] == "네이버 환불" for e in d["timeline"])
    # a move into a claim status by the operator is refused: claims are Naver's
    status, body = admin("POST", f"/admin/orders/{oid}/status", site_id,
                         {"moves": [{"line_id": d["lines"][0]["line_id"], "to": "cancel_requested"}]})
    assert status == 422 and body["code"] == "CHANNEL_CLAIM_ON_CHANNEL", body


def test_the_shops_dispatch_reaches_naver_and_a_refused_number_shows_on_the_line(
        site_id: str, sandbox: NaverSandbox, relay: Relay) -> None:
    connect(site_id)
    naver_id, pids = sandbox.place(ITEMS[:1])
    bad_id, (bad_pid,) = sandbox.place(ITEMS[1:])
    pull(site_id)
    oid, bad = our_order(site_id, naver_id), our_order(site_id, bad_id)
    ship(site_id, oid, "640012345678")
    sandbox.refuse_tracking("640099999999")
    ship(site_id, bad, "640099999999")
    relay.drain()
    po = sandbox.product_order(pids[0])
    assert po["status"] == "DELIVERING" and po["tracking_no"] == "640012345678", po
    line = detail(site_id, oid)["lines"][0]
    assert line["channel_state"]["status"] == "DELIVERING"
    assert line["channel_state"]["last_push"]["what"] == "dispatch" and "refusal" not in line["channel_state"]
    refused = detail(site_id, bad)
    state = refused["lines"][0]["channel_state"]
    assert state["refusal"]["code"] == "104122", state
    assert sandbox.product_order(bad_pid)["status"] == "PAYED"
    assert any(e["kind"] == "channel_refused" and e["data"]["code"] == "104122" for e in refused["timeline"])
    status, rows = admin("GET", "/admin/orders", site_id)
    assert status == 200
    assert {r["order_id"]: r.get("channel_alert") for r in rows["orders"]} == {oid: False, bad: True}


def test_an_order_cancelled_on_naver_before_our_dispatch_is_never_dispatched(
        site_id: str, sandbox: NaverSandbox, relay: Relay) -> None:
    connect(site_id)
    naver_id, (pid,) = sandbox.place(ITEMS[:1])
    pull(site_id)
    oid = our_order(site_id, naver_id)
    ship(site_id, oid, "640012345678")  # the operator ships; the push waits for the relay
    sandbox.cancel_request(pid)  # meanwhile the buyer asks Naver to cancel
    relay.drain()
    assert sandbox.dispatched == []  # never dispatched on Naver
    assert sandbox.product_order(pid)["status"] == "PAYED"
    line = detail(site_id, oid)["lines"][0]
    state = line["channel_state"]
    assert state["refusal"]["code"] == "CLAIM_FIRST"
    assert state["conflict"]["code"] == "CANCEL_NOT_ALLOWED_AFTER_SHIPPING"  # our parcel left: the operator decides
    assert state["claim"]["status"] == "CANCEL_REQUEST" and line["status"] == "shipping"


def test_a_claim_approved_here_is_pushed_once_even_when_the_relay_dies_after_naver_answered(
        site_id: str, sandbox: NaverSandbox, relay: Relay, monkeypatch: pytest.MonkeyPatch) -> None:
    connect(site_id)
    naver_id, (pid,) = sandbox.place(ITEMS[:1], delivery_fee=3000)
    pull(site_id)
    oid = our_order(site_id, naver_id)
    sandbox.cancel_request(pid)
    pull(site_id)
    line = detail(site_id, oid)["lines"][0]
    assert line["status"] == "cancel_requested"
    real = channel_push._record
    kills = {"left": 1}

    def dying(*args: Any, **kwargs: Any) -> None:
        if kills["left"]:
            kills["left"] -= 1
            raise RuntimeError("relay stopped after Naver answered")
        real(*args, **kwargs)

    monkeypatch.setattr(channel_push, "_record", dying)
    status, body = admin("POST", f"/admin/orders/{oid}/channel/claims", site_id,
                         {"line_ids": [line["line_id"]], "action": "approve"})
    assert status == 200 and body["lines"][0]["channel_state"]["decision"]["action"] == "approve", body
    status, twice = admin("POST", f"/admin/orders/{oid}/channel/claims", site_id,
                          {"line_ids": [line["line_id"]], "action": "approve"})
    assert status == 409 and twice["code"] == "CHANNEL_DECISION_PENDING"
    relay.drain()
    assert kills["left"] == 0  # it did die once, after Naver approved
    assert claim_calls(sandbox) == 1  # approved on Naver once
    assert sandbox.product_order(pid)["status"] == "CANCELED"
    d = detail(site_id, oid)
    state = d["lines"][0]["channel_state"]
    assert d["lines"][0]["status"] == "cancelled" and "decision" not in state
    assert state["last_push"]["what"] == "claim"
    # the whole order cancelled: Naver refunded the goods and the fee, 38,000 + 3,000
    assert d["amounts"]["refunded"] == 41000 and d["amounts"]["outstanding"] == 0
    assert os.environ["CHANNEL_PARAMETER_PATH"] == "/oms/channels"


def test_a_delay_goes_to_naver_with_its_reason_and_date(site_id: str, sandbox: NaverSandbox, relay: Relay) -> None:
    connect(site_id)
    naver_id, (pid,) = sandbox.place(ITEMS[:1])
    pull(site_id)
    oid = our_order(site_id, naver_id)
    lid = detail(site_id, oid)["lines"][0]["line_id"]
    status, body = admin("POST", f"/admin/orders/{oid}/channel/delay", site_id,
                         {"line_ids": [lid], "reason": "LAZY", "due_date": "2099-01-01"})
    assert status == 400 and body["code"] == "VALIDATION_FAILED"
    from datetime import timedelta

    from oms.domain.clock import KST, utcnow
    due = (utcnow().astimezone(KST) + timedelta(days=5)).date().isoformat()
    status, body = admin("POST", f"/admin/orders/{oid}/channel/delay", site_id,
                         {"line_ids": [lid], "reason": "PRODUCT_PREPARE", "due_date": due, "detail": "입고 지연"})
    assert status == 200, body
    relay.drain()
    (delay,) = sandbox.delays
    assert delay["productOrderId"] == pid and delay["delayedDispatchReason"] == "PRODUCT_PREPARE", delay
    state = detail(site_id, oid)["lines"][0]["channel_state"]
    assert state["delay"]["state"] == "done" and state["delay"]["due_date"] == due


def test_the_fan_out_lists_due_connections_and_the_worker_pulls_one(
        site_id: str, sandbox: NaverSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    from datetime import UTC, datetime, timedelta

    from oms.domain.clock import iso
    from scheduled_fn import channel_poll, channel_worker
    from tests.support import FakeContext

    connect(site_id)
    naver_id, _ = sandbox.place(ITEMS[:1])
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(channel_store, "enqueue_pulls", lambda bodies: sent.extend(bodies) or len(bodies))
    channel_poll.lambda_handler({"version": "0", "id": "e1", "detail-type": "Scheduled Event", "source": "aws.events",
                                 "account": "000000000000", "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                 "region": "ap-northeast-2", "resources": [], "detail": {}}, FakeContext())
    (message,) = [m for m in sent if m["site_id"] == site_id]
    assert message == {"site_id": site_id, "channel": "naver"}
    event = {"Records": [{"messageId": "m1", "receiptHandle": "r", "body": json.dumps(message), "attributes": {},
                          "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                          "eventSourceARN": "arn:aws:sqs:ap-northeast-2:000000000000:ChannelSyncQueue",
                          "awsRegion": "ap-northeast-2"}]}
    assert channel_worker.lambda_handler(event, FakeContext()) == {"batchItemFailures": []}
    our_order(site_id, naver_id)
    mine = lambda now: [m for m in channel_sync.poll_messages(now) if m["site_id"] == site_id]  # noqa: E731
    assert mine(None) == []  # pulled a moment ago: due again in 5 minutes
    assert len(mine(iso(datetime.now(UTC) + timedelta(minutes=5, seconds=1)))) == 1


def test_naver_down_never_blocks_the_operator_the_push_waits_and_is_retried(
        site_id: str, sandbox: NaverSandbox, relay: Relay) -> None:
    connect(site_id)
    naver_id, (pid,) = sandbox.place(ITEMS[:1])
    down_id, (down_pid,) = sandbox.place(ITEMS[1:])
    pull(site_id)
    oid, down = our_order(site_id, naver_id), our_order(site_id, down_id)
    sandbox.outage(1)  # the first call of the push fails: retried through the queue
    ship(site_id, oid, "640012345678")
    relay.drain()
    assert sandbox.product_order(pid)["status"] == "DELIVERING"
    sandbox.outage(-1)  # down for every attempt: the operator's move stands, the line says the push failed
    answer = ship(site_id, down, "640012345679")
    assert answer["lines"][0]["status"] == "shipping"
    relay.drain()
    sandbox.outage(0)
    state = detail(site_id, down)["lines"][0]["channel_state"]
    assert state["refusal"]["code"] == "CHANNEL_UNAVAILABLE" and sandbox.product_order(down_pid)["status"] == "PAYED"
    status, body = admin("POST", "/admin/channels/naver/check", site_id)
    assert status == 200 and body["ok"] is True, body


def test_a_rate_limited_pull_waits_what_naver_asks_and_loses_nothing(site_id: str, sandbox: NaverSandbox) -> None:
    connect(site_id)
    naver_id, _ = sandbox.place(ITEMS[:1])
    since = channel_store.get_connection(site_id, "naver")["since"]
    sandbox.set_rate(0.2)  # one call per 5 s, a burst of 0.4: the pull's second call is refused
    first = pull(site_id)
    assert first.status == "rate_limited", first
    conn = channel_store.get_connection(site_id, "naver")
    from oms.domain.clock import iso, utcnow
    assert conn["last_error"] and conn["next_at"] > iso(utcnow())  # it waits what Naver asked
    assert conn["since"] == since and "pulled_at" not in conn  # the cursor did not move: nothing lost
    sandbox.set_rate(0)
    assert len(pull(site_id).created) == 1
    our_order(site_id, naver_id)
