"""Order events for integrators, end to end on the local stack: committed changes → DynamoDB Local's
stream → RelayFunction (in process, under its template contract) → the order events bus (moto's
EventBridge, read through a rule's SQS queue) and the site's webhook endpoints (the local receiver
sandbox). Each event on the bus validates against its committed JSON Schema; each webhook is signed
so that our verifier accepts it; retries, refusals, subscriptions, sites and redeliveries behave."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from oms.domain.statuses import Status
from oms.services import relay as relay_service
from oms.store import keys
from oms.store import outbox as out_store
from oms.store.table import client, load, table_name
from oms_local import REPO_ROOT, event_schemas, invoker
from oms_local.contract import under
from oms_local.event_buses import received
from oms_local.template import load_template
from oms_local.webhook_sandbox import WebhookSandbox
from tests.integration.claims_support import card_order, ok, return_claim, use_pg
from tests.integration.confirm_helpers import deliver, move, one_line, take_in
from tests.integration.payments_support import sandbox_fixture, va_order  # noqa: F401 - the PG sandbox
from tests.outbox_support import Relay, relay_stack
from tests.shipping_support import admin

LOCAL = {"WebhookInsecureHosts": "127.0.0.1"}


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookSandbox]:
    sb = WebhookSandbox(port=0).start()
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture
def relay(s3_endpoint: str, table_name: str) -> Iterator[Relay]:
    invoker.install(load_template(), os.environ["TABLE_NAME"], REPO_ROOT, LOCAL)  # the admin API's contract
    try:
        yield relay_stack(s3_endpoint, table_name, LOCAL)
    finally:
        invoker.install(load_template(), os.environ["TABLE_NAME"], REPO_ROOT)


def tap(relay: Relay) -> str:
    return relay.buses.tap("OrderEventsBus", f"tap-{uuid.uuid4().hex[:12]}")


def bus_events(relay: Relay, queue: str, order_id: str) -> list[dict[str, Any]]:
    got = received(relay.queues.endpoint, queue)
    return [e for e in got if e["detail"]["order_id"] == order_id]


def validate(event: dict[str, Any]) -> None:
    """An EventBridge event of ours: source, detail-type = detail.type, detail valid against its schema."""
    assert event["source"] == "oms.orders" and event["detail-type"] == event["detail"]["type"]
    path = event_schemas.EVENTS_DIR / f"{event['detail']['type']}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(event["detail"])


def register(site_id: str, receiver: WebhookSandbox, types: list[str], name: str | None = None) -> dict[str, Any]:
    path = f"/hooks/{name or uuid.uuid4().hex[:10]}"
    status, ep = admin("POST", "/admin/webhooks/endpoints", site_id,
                       {"url": receiver.url + path, "event_types": types, "description": "테스트 수신"})
    assert status == 201, ep
    receiver.set_secret(path, ep["secret"])
    ep["path"] = path
    return dict(ep)


def log(site_id: str, endpoint_id: str) -> list[dict[str, Any]]:
    status, body = admin("GET", f"/admin/webhooks/endpoints/{endpoint_id}/attempts", site_id)
    assert status == 200, body
    return list(body["attempts"])


def records(site_id: str, order_id: str) -> list[out_store.Record]:
    resp = client().query(TableName=table_name(), KeyConditionExpression="PK = :pk AND begins_with(SK, :tl)",
                          ExpressionAttributeValues={":pk": {"S": keys.order_pk(site_id, order_id)},
                                                     ":tl": {"S": keys.TIMELINE_PREFIX}}, ConsistentRead=True)
    return [r for r in (out_store.from_item(load(i)) for i in resp["Items"]) if r is not None]


# ---- the bus ----------------------------------------------------------------------------------------


def test_an_orders_life_on_the_bus_validates_against_the_schemas(site_id: str, relay: Relay,
                                                                sandbox: Any) -> None:
    queue = tap(relay)
    order_id, payment_id, _ = va_order(sandbox, site_id, unit_price=25000)
    ok("POST", f"/admin/orders/{order_id}/payments/{payment_id}/deposit", site_id, {})
    deliver(site_id, order_id, "2026-12-07T03:00:00.000000Z")
    move(site_id, order_id, Status.CONFIRMED, "2026-12-07T04:00:00.000000Z")
    relay.drain()
    events = bus_events(relay, queue, order_id)
    for e in events:
        validate(e)
    assert [e["detail-type"] for e in events] == ["order.placed", "order.paid", "order.shipped", "order.delivered",
                                                  "order.confirmed"]
    placed, paid = events[0]["detail"], events[1]["detail"]
    assert placed["data"] == {"channel": "store", "order_amount": 25000, "quantity": 1}
    assert paid["data"] == {"payment_id": payment_id, "method": "virtual_account", "amount": 25000}
    assert events[2]["detail"]["data"]["lines"] == [{"line_id": "L001", "quantity": 1, "from": "ready_to_ship"}]
    assert len({e["detail"]["id"] for e in events}) == 5
    versions = [e["detail"]["order_version"] for e in events]
    assert versions == sorted(versions) and len(set(versions)) == 5
    assert "김민지" not in json.dumps(events, ensure_ascii=False)


def test_a_cancel_and_its_refund_on_the_bus(site_id: str, relay: Relay, sandbox: Any) -> None:
    use_pg(site_id)
    queue = tap(relay)
    order_id, _ = card_order(sandbox, site_id)
    cid, _ = return_claim(site_id, order_id, [("L001", 2)], "intent_changed", type="cancel")
    done = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id, {"direction": "refund"})
    assert done["refund"]["refunded"] > 0
    relay.drain()
    events = bus_events(relay, queue, order_id)
    for e in events:
        validate(e)
    types = [e["detail-type"] for e in events]
    assert types == ["order.placed", "order.paid", "order.claim_requested", "order.cancelled",
                     "order.claim_completed", "order.refunded"]
    by_type = {e["detail-type"]: e["detail"]["data"] for e in events}
    assert by_type["order.claim_requested"]["claim_id"] == cid
    assert by_type["order.claim_requested"]["items"] == [{"line_id": "L001", "quantity": 2}]
    assert by_type["order.refunded"]["amount"] == done["refund"]["refunded"]


# ---- webhooks ---------------------------------------------------------------------------------------


def test_a_subscribed_endpoint_receives_signed_events_and_nothing_else(
        site_id: str, relay: Relay, receiver: WebhookSandbox) -> None:
    ep = register(site_id, receiver, ["order.placed", "order.paid"])
    assert ep["secret"].startswith("whsec_")
    order_id = take_in(site_id, **one_line())
    relay.drain()
    [got] = receiver.list_received(ep["path"])
    assert got.verified is True and got.answered == 204  # our verifier, with the endpoint's secret
    assert got.types == ["order.placed", "order.paid"]
    assert {e["order_id"] for e in got.body["events"]} == {order_id}
    # the delivery's idempotency key (site, order, change, endpoint)
    assert got.webhook_id == f"oms-{site_id}-{order_id}-v1-webhook-{ep['endpoint_id']}"
    [attempt] = log(site_id, ep["endpoint_id"])
    assert (attempt["outcome"], attempt["status_code"], attempt["attempt"]) == ("delivered", 204, 1)
    assert attempt["types"] == ["order.placed", "order.paid"] and attempt["duration_ms"] >= 0
    # later changes of types it did not subscribe to are not sent
    deliver(site_id, order_id, "2026-12-07T03:00:00.000000Z")
    relay.drain()
    assert len(receiver.list_received(ep["path"])) == 1 and len(log(site_id, ep["endpoint_id"])) == 1


def test_a_500_is_retried_then_delivered(site_id: str, relay: Relay, receiver: WebhookSandbox) -> None:
    ep = register(site_id, receiver, ["order.placed"])
    receiver.fail_next(500)
    order_id = take_in(site_id, **one_line())
    relay.drain()
    got = receiver.list_received(ep["path"])
    assert [r.answered for r in got] == [204, 500]  # newest first
    assert got[0].webhook_id == got[1].webhook_id  # the same message id on every attempt
    attempts = log(site_id, ep["endpoint_id"])
    assert [(a["attempt"], a["outcome"], a["status_code"]) for a in attempts] == [(2, "delivered", 204),
                                                                                 (1, "retry", 500)]
    [rec] = [r for r in records(site_id, order_id) if f"webhook:{ep['endpoint_id']}" in r.delivered]
    assert rec.delivered[f"webhook:{ep['endpoint_id']}"]["attempt"] == 2


def test_a_4xx_fails_without_retry_and_is_in_the_delivery_log(site_id: str, relay: Relay,
                                                              receiver: WebhookSandbox) -> None:
    ep = register(site_id, receiver, ["order.placed"])
    receiver.fail_next(410, count=3)
    order_id = take_in(site_id, **one_line())
    relay.drain()
    assert [r.answered for r in receiver.list_received(ep["path"])] == [410]  # once: not retried
    [attempt] = log(site_id, ep["endpoint_id"])
    assert (attempt["outcome"], attempt["status_code"]) == ("failed", 410)
    key = f"webhook:{ep['endpoint_id']}"
    [rec] = [r for r in records(site_id, order_id) if key in r.delivered]
    assert rec.delivered[key]["result"] == "failed"
    status, timeline = admin("GET", f"/admin/orders/{order_id}/timeline", site_id)
    assert status == 200
    failed = [e for e in timeline["events"] if e["kind"] == "delivery_failed"]
    assert len(failed) == 1 and failed[0]["data"]["intent"] == "webhook"
    assert "HTTP 410" in failed[0]["data"]["text_ko"]
    receiver.fail_next(410, count=0)


def test_another_sites_endpoints_never_receive_this_sites_events(site_id: str, relay: Relay,
                                                                 receiver: WebhookSandbox) -> None:
    other = site_id + "-b"
    mine = register(site_id, receiver, ["order.placed"])
    theirs = register(other, receiver, list(event_schemas_types()))
    take_in(site_id, **one_line())
    relay.drain()
    assert len(receiver.list_received(mine["path"])) == 1
    assert receiver.list_received(theirs["path"]) == [] and log(other, theirs["endpoint_id"]) == []
    status, problem = admin("GET", f"/admin/webhooks/endpoints/{mine['endpoint_id']}/attempts", other)
    assert status == 404 and problem["code"] == "WEBHOOK_ENDPOINT_NOT_FOUND"


def event_schemas_types() -> list[str]:
    from oms.domain.public_events import TYPES

    return list(TYPES)


def test_the_same_record_delivered_twice_posts_once(site_id: str, relay: Relay, receiver: WebhookSandbox) -> None:
    ep = register(site_id, receiver, ["order.placed"])
    queue = tap(relay)
    order_id = take_in(site_id, **one_line())
    relay.drain()
    [rec] = [r for r in records(site_id, order_id) if r.version == 1]
    assert set(rec.delivered) == {"publish", f"webhook:{ep['endpoint_id']}"}
    assert relay_service.deliver(rec) == 0  # the stream hands the same record over again
    stale = out_store.Record(rec.pk, rec.sk, rec.site_id, rec.order_id, rec.version, rec.at, rec.events,
                             rec.intents, {})  # as the stream saw it before anything was recorded
    with under(invoker.current("RelayFunction")):
        relay_service.deliver(stale)  # each deliverer finds its intent recorded since and skips it
    relay.drain()
    assert len(receiver.list_received(ep["path"])) == 1
    assert len(log(site_id, ep["endpoint_id"])) >= 1
    placed = [e for e in bus_events(relay, queue, order_id) if e["detail-type"] == "order.placed"]
    assert len(placed) == 1


def test_a_disabled_endpoint_gets_nothing_and_a_rotated_secret_signs_with_both(
        site_id: str, relay: Relay, receiver: WebhookSandbox) -> None:
    ep = register(site_id, receiver, ["order.placed"])
    status, off = admin("PATCH", f"/admin/webhooks/endpoints/{ep['endpoint_id']}", site_id, {"enabled": False})
    assert status == 200 and off["enabled"] is False and "secret" not in off
    take_in(site_id, **one_line())
    relay.drain()
    assert receiver.list_received(ep["path"]) == []
    admin("PATCH", f"/admin/webhooks/endpoints/{ep['endpoint_id']}", site_id, {"enabled": True})
    status, rotated = admin("POST", f"/admin/webhooks/endpoints/{ep['endpoint_id']}/rotate-secret", site_id)
    assert status == 200 and rotated["secret"] != ep["secret"] and rotated["previous_secret_until"]
    take_in(site_id, **one_line())
    relay.drain()
    [got] = receiver.list_received(ep["path"])
    assert got.verified is True  # the receiver still holds the old secret
    assert len(got.signature.split()) == 2
    receiver.set_secret(ep["path"], rotated["secret"])
    from oms.integrations.pg import standard_webhooks

    raw = json.dumps(got.body, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"webhook-id": got.webhook_id, "webhook-timestamp": got.timestamp, "webhook-signature": got.signature}
    from datetime import UTC, datetime

    standard_webhooks.verify([rotated["secret"]], headers, raw, datetime.now(UTC))


def test_a_receiver_that_stays_down_fails_for_good_on_the_timeline(site_id: str, relay: Relay,
                                                                   receiver: WebhookSandbox) -> None:
    ep = register(site_id, receiver, ["order.placed"])
    receiver.fail_next(503, count=4)  # the test stack's delays "0,0,0": 4 attempts
    order_id = take_in(site_id, **one_line())
    relay.drain()
    assert [r.answered for r in receiver.list_received(ep["path"])] == [503] * 4
    attempts = log(site_id, ep["endpoint_id"])
    assert [(a["attempt"], a["outcome"]) for a in attempts] == [(4, "failed"), (3, "retry"), (2, "retry"),
                                                                (1, "retry")]
    _, timeline = admin("GET", f"/admin/orders/{order_id}/timeline", site_id)
    [failed] = [e for e in timeline["events"] if e["kind"] == "delivery_failed"]
    assert failed["data"]["intent"] == "webhook" and "웹훅 전송 실패 (4회 시도)" in failed["data"]["text_ko"]


def test_a_receiver_that_refuses_connections_is_not_called_again_at_once(site_id: str, relay: Relay) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    status, ep = admin("POST", "/admin/webhooks/endpoints", site_id,
                       {"url": f"http://127.0.0.1:{port}/hooks/gone", "event_types": ["order.placed"]})
    assert status == 201, ep
    take_in(site_id, **one_line())
    relay.drain()
    attempts = log(site_id, ep["endpoint_id"])
    assert len(attempts) == 4 and attempts[0]["outcome"] == "failed"
    assert "ConnectError" in attempts[-1]["error"]  # the first attempt called it
    assert all(a["error"].startswith("not attempted") for a in attempts[:-1])  # the retries within 30 s did not
