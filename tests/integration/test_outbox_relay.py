"""The outbox relay on DynamoDB Local's stream: a change's intents ride on its timeline item, the
stream brings them to RelayFunction (in process, under its template contract), which delivers each
once — per order in commit order, transient failures retried through the delayed retry queue, a
provider that stays down recorded on the timeline, a record that keeps failing given up to the
dead-letter queue, and a relay killed between the provider's answer and recording it delivering
exactly once after it comes back."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from oms.store import messages as msg_store
from oms.store import outbox as out_store
from oms_local import REPO_ROOT, invoker
from oms_local.sms_sandbox import SmsSandbox
from oms_local.template import load_template
from tests.outbox_support import Relay, relay_stack
from tests.shipping_support import admin, api_order

pytestmark = pytest.mark.usefixtures("standard_buyer_points")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SmsSandbox]:
    sb = SmsSandbox(port=0).start()
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture
def relay(sandbox: SmsSandbox, s3_endpoint: str, table_name: str, monkeypatch: pytest.MonkeyPatch) -> Relay:
    for k, v in sandbox.env("nhn").items():
        monkeypatch.setenv(k, v)
    invoker.install(load_template(), os.environ["TABLE_NAME"], REPO_ROOT, {"SmsProvider": "nhn"})
    return relay_stack(s3_endpoint, table_name, {"SmsProvider": "nhn"})


def verified_sender(site_id: str, sandbox: SmsSandbox) -> str:
    number = f"02{random.randint(10_000_000, 99_999_999)}"
    assert admin("POST", "/admin/messages/senders", site_id, {"number": number})[0] == 201
    sandbox.verify(number)
    assert admin("PUT", "/admin/messages/senders/default", site_id, {"number": number})[0] == 200
    return number


def send(site_id: str, oid: str, text: str) -> dict[str, Any]:
    status, msg = admin("POST", f"/admin/orders/{oid}/messages", site_id, {"text": text})
    assert status == 201, msg
    return dict(msg)


def timeline(site_id: str, oid: str) -> list[dict[str, Any]]:
    status, body = admin("GET", f"/admin/orders/{oid}/timeline", site_id)
    assert status == 200
    return list(body["events"])


def outbox_record(site_id: str, oid: str, message_id: str) -> out_store.Record:
    """The timeline item (outbox record) of the change that queued ``message_id``."""
    from oms.store import keys
    from oms.store.table import client, load, table_name

    resp = client().query(TableName=table_name(), KeyConditionExpression="PK = :pk AND begins_with(SK, :tl)",
                          ExpressionAttributeValues={":pk": {"S": keys.order_pk(site_id, oid)},
                                                     ":tl": {"S": keys.TIMELINE_PREFIX}}, ConsistentRead=True)
    for raw in resp["Items"]:
        rec = out_store.from_item(load(raw))
        if rec and any(i.data.get("message_id") == message_id for i in rec.intents):
            return rec
    raise AssertionError("no outbox record holds the message's intent")


def test_the_intent_is_written_with_its_change_and_delivered_once_by_the_relay(
        site_id: str, sandbox: SmsSandbox, relay: Relay) -> None:
    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)
    msg = send(site_id, oid, "주문 감사합니다")
    assert msg["status"] == "sending"  # committed with its intent; nothing sent yet
    assert sandbox.list_messages(site_id) == []
    rec = outbox_record(site_id, oid, msg["message_id"])
    assert [i.key for i in rec.intents] == [f"sms:{msg['message_id']}:1"] and rec.delivered == {}
    assert rec.version is not None and rec.version >= 2

    relay.drain()
    assert [m.text for m in sandbox.list_messages(site_id)] == ["주문 감사합니다"]
    assert msg_store.get_message(site_id, oid, msg["message_id"])["status"] == "sent"  # type: ignore[index]
    rec = outbox_record(site_id, oid, msg["message_id"])
    assert rec.delivered[f"sms:{msg['message_id']}:1"]["result"] == "delivered"
    # the same records again (a redelivered batch) deliver nothing more
    assert out_store.get(rec.pk, rec.sk) is not None
    from oms.services import relay as relay_service

    assert relay_service.deliver(out_store.get(rec.pk, rec.sk)) == 0  # type: ignore[arg-type]
    relay.drain()
    assert len(sandbox.list_messages(site_id)) == 1
    kinds = [e["kind"] for e in timeline(site_id, oid)[:2]]
    assert kinds == ["message_result", "message"]


def test_an_orders_changes_are_delivered_in_commit_order(site_id: str, sandbox: SmsSandbox, relay: Relay) -> None:
    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)
    texts = [f"안내 {n}번" for n in range(1, 6)]
    for t in texts:
        send(site_id, oid, t)
    relay.drain()
    got = [m.text for m in sandbox.list_messages(site_id)]
    assert list(reversed(got)) == texts or got == texts
    # the sandbox lists newest first: the first committed is the first sent
    assert got[-1] == "안내 1번" and got[0] == "안내 5번"


def test_a_transient_failure_is_retried_through_the_retry_queue(site_id: str, sandbox: SmsSandbox,
                                                                relay: Relay) -> None:
    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)
    sandbox.fail_next("HTTP_503", count=2)
    msg = send(site_id, oid, "재시도 안내")
    relay.drain()
    item = msg_store.get_message(site_id, oid, msg["message_id"])
    assert item is not None and item["status"] == "sent"
    assert [m.result for m in sandbox.list_messages(site_id)] == ["accepted"]
    rec = outbox_record(site_id, oid, msg["message_id"])
    assert rec.delivered[f"sms:{msg['message_id']}:1"]["attempt"] == 3  # 2 failures, then delivered
    assert "delivery_failed" not in [e["kind"] for e in timeline(site_id, oid)]


def test_a_provider_that_stays_down_fails_for_good_on_the_timeline(site_id: str, sandbox: SmsSandbox,
                                                                  relay: Relay) -> None:
    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)
    sandbox.fail_next("HTTP_503", count=4)  # the test stack's delays "0,0,0": 4 attempts
    msg = send(site_id, oid, "장애 안내")
    relay.drain()
    item = msg_store.get_message(site_id, oid, msg["message_id"])
    assert item is not None and (item["status"], item["reason"]) == ("failed", "provider_unavailable")
    events = timeline(site_id, oid)
    failed = [e for e in events if e["kind"] == "delivery_failed"]
    assert len(failed) == 1 and failed[0]["data"]["attempts"] == 4 and failed[0]["data"]["intent"] == "sms"
    assert "문자 발송 실패 (4회 시도)" in failed[0]["data"]["text_ko"]
    rec = outbox_record(site_id, oid, msg["message_id"])
    assert rec.delivered[f"sms:{msg['message_id']}:1"]["result"] == "failed"
    sandbox.fail_next("HTTP_503", count=0)
    # the failed message can be resent by hand, and then it goes
    status, again = admin("POST", f"/admin/orders/{oid}/messages/{msg['message_id']}/resend", site_id)
    assert status == 200 and again["status"] == "sending", again
    relay.drain()
    assert msg_store.get_message(site_id, oid, msg["message_id"])["status"] == "sent"  # type: ignore[index]


def test_killed_between_the_providers_answer_and_recording_it_sends_exactly_once(
        site_id: str, sandbox: SmsSandbox, relay: Relay, monkeypatch: pytest.MonkeyPatch) -> None:
    """The relay dies after the provider accepted the message and before the answer is recorded;
    the event source mapping invokes it again with the same record, it calls the provider again with
    the same key (the message id), the provider answers its first result: one message, recorded once."""
    from oms.services import messages

    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)
    real_record = messages._record
    kills = {"left": 1}

    class Killed(Exception):
        pass

    def dying_record(*args: Any, **kwargs: Any) -> None:
        if kills["left"]:
            kills["left"] -= 1
            raise Killed("relay stopped")
        real_record(*args, **kwargs)

    monkeypatch.setattr(messages, "_record", dying_record)
    msg = send(site_id, oid, "정확히 한 번")
    relay.drain()
    assert kills["left"] == 0  # it did die once
    sent = sandbox.list_messages(site_id)
    assert [(m.text, m.result) for m in sent] == [("정확히 한 번", "accepted")]  # one message at the provider
    item = msg_store.get_message(site_id, oid, msg["message_id"])
    assert item is not None and item["status"] == "sent" and len(item["attempts"]) == 1
    results = [e for e in timeline(site_id, oid) if e["kind"] == "message_result"]
    assert len(results) == 1


def test_a_record_that_keeps_failing_goes_to_the_dead_letter_queue(
        site_id: str, sandbox: SmsSandbox, relay: Relay, monkeypatch: pytest.MonkeyPatch, s3_endpoint: str) -> None:
    from oms.services import messages

    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)

    real_deliver = messages.deliver

    def broken_for_poison(d: Any) -> dict[str, Any]:
        if d.intent.data["message_id"] == poisoned["message_id"]:
            raise KeyError("a bug in the deliverer")
        return real_deliver(d)

    monkeypatch.setattr(messages, "deliver", broken_for_poison)
    poisoned = send(site_id, oid, "독")
    relay.drain()
    assert relay.stream.given_up >= 1
    sqs = boto3.client("sqs", endpoint_url=s3_endpoint)
    url = relay.queues.urls["OutboxDeadLetterQueue"]
    bodies = [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                                    WaitTimeSeconds=0).get("Messages", [])]
    assert any(b["requestContext"]["condition"] == "RetryAttemptsExhausted" for b in bodies)
    # the records after it were delivered: the stream moved on
    assert msg_store.get_message(site_id, oid, poisoned["message_id"])["status"] == "sending"  # type: ignore[index]
    later = send(site_id, oid, "다음 안내")
    relay.drain()
    assert msg_store.get_message(site_id, oid, later["message_id"])["status"] == "sent"  # type: ignore[index]


def test_what_commits_while_the_relay_is_down_is_delivered_when_it_comes_back(
        site_id: str, sandbox: SmsSandbox, relay: Relay, tmp_path: Any) -> None:
    """``make run`` keeps the stream mapping's positions in a file, as the mapping keeps them on AWS:
    a send committed while the stack was stopped goes out when it starts again."""
    from oms_local.stream_events import StreamEvents

    def mapping() -> StreamEvents:
        m = StreamEvents(relay.gateway, os.environ["AWS_ENDPOINT_URL_DYNAMODB"], os.environ["TABLE_NAME"],
                         queue_urls=relay.queues.urls, sqs_endpoint=relay.stream.sqs_endpoint,
                         checkpoints=tmp_path / "positions.json")
        m.configure()
        return m

    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)
    first = mapping()
    send(site_id, oid, "첫 안내")
    first.drain()
    assert (tmp_path / "positions.json").exists()
    # stopped; meanwhile a send commits
    later = send(site_id, oid, "다운 중 안내")
    assert sandbox.list_messages(site_id)[0].text == "첫 안내"
    mapping().drain()  # started again from the saved position
    assert [m.text for m in sandbox.list_messages(site_id)] == ["다운 중 안내", "첫 안내"]
    assert msg_store.get_message(site_id, oid, later["message_id"])["status"] == "sent"  # type: ignore[index]
