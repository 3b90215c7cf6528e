"""Bank-deposit polling end to end on DynamoDB Local with the bank sandbox over HTTP: saving the
settings puts the site's accounts in the due index, the fan-out lists only accounts due (one
message each), the worker's handler reads the feed once and confirms the order, an account just read
is not due again for the provider's 5 minutes, and an account removed from the settings (or a site
that turns the provider off) leaves the index."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from oms.domain.clock import iso
from oms.schemas.settings import BankAccount, DepositFeedSettings
from oms.services import deposit_collection as collection
from oms.store import deposits as store
from oms.store import orders
from oms_local import bank_sandbox as bsb
from tests.integration.test_deposit_collection import transfer_order
from tests.support import FakeContext


@pytest.fixture
def bank(monkeypatch: pytest.MonkeyPatch) -> Iterator[bsb.BankSandbox]:
    sb = bsb.BankSandbox(port=0).start()
    for k, v in {**sb.env(), "BANKDA_API_TOKEN": bsb.DEV_BANKDA_TOKEN, "POPBILL_API_KEY": bsb.DEV_POPBILL_KEY}.items():
        monkeypatch.setenv(k, v)
    try:
        yield sb
    finally:
        sb.stop()


def mine(site_id: str, now: str | None = None) -> list[dict[str, object]]:
    return [m for m in collection.poll_messages(now) if m["site_id"] == site_id]


def feed(provider: str | None, *numbers: str) -> DepositFeedSettings:
    return DepositFeedSettings(provider=provider, rule="ignore_spaces",  # type: ignore[arg-type]
                               accounts=[BankAccount(number=n, bank_code="020") for n in numbers])


def test_settings_fan_out_and_the_worker_confirm_over_the_sandbox(site_id: str, bank: bsb.BankSandbox) -> None:
    from scheduled_fn import deposit_worker

    order_id = transfer_order(site_id, "홍길동", 38000)
    assert collection.register_accounts(site_id, feed("bankda", bsb.DEMO_ACCOUNT)) == [bsb.DEMO_ACCOUNT]
    (message,) = mine(site_id)
    assert message == {"site_id": site_id, "account": bsb.DEMO_ACCOUNT, "bank_code": "020", "provider": "bankda",
                       "rule": "ignore_spaces"}
    bank.deposit("홍 길동", 38000)
    event = {"Records": [{"messageId": "m1", "receiptHandle": "r", "body": json.dumps(message),
                          "attributes": {}, "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                          "eventSourceARN": "arn:aws:sqs:ap-northeast-2:000000000000:DepositPollQueue",
                          "awsRegion": "ap-northeast-2"}]}
    answer = deposit_worker.lambda_handler(event, FakeContext())
    assert answer == {"batchItemFailures": []}
    assert next(iter(orders.load(site_id, order_id).payments.values())).status == "paid"
    assert len(bank.calls) == 1
    assert mine(site_id) == []  # read a moment ago: not due for the provider's 5 minutes
    assert len(mine(site_id, iso(datetime.now(UTC) + timedelta(seconds=301)))) == 1


def test_accounts_leave_the_index_with_the_settings(site_id: str) -> None:
    collection.register_accounts(site_id, feed("bankda", "1002000000001", "1002000000002"))
    assert {m["account"] for m in mine(site_id)} == {"1002000000001", "1002000000002"}
    collection.register_accounts(site_id, feed("bankda", "1002000000002"))
    assert {m["account"] for m in mine(site_id)} == {"1002000000002"}
    collection.register_accounts(site_id, feed(None, "1002000000002"))
    assert mine(site_id) == []
    assert {a["account"]: a["enabled"] for a in store.list_accounts(site_id)} == {
        "1002000000001": False, "1002000000002": False}


def test_the_scheduled_run_takes_accounts_due_within_its_whole_second(
        site_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """EventBridge writes the run's time to the second: an account registered 0.3 s into that second
    (the settings saved a moment before the run) is read by it, one a second later is not."""
    from scheduled_fn import deposit_poll

    collection.register_accounts(site_id, feed("bankda", "1002000000003"), now="2026-12-07T12:10:55.300000Z")
    sent: list[dict[str, object]] = []
    monkeypatch.setattr(store, "enqueue_polls", lambda bodies: sent.extend(bodies) or len(bodies))

    def run(at: str) -> list[dict[str, object]]:
        sent.clear()
        deposit_poll.lambda_handler({"version": "0", "id": "e1", "detail-type": "Scheduled Event",
                                     "source": "aws.events", "account": "000000000000", "time": at,
                                     "region": "ap-northeast-2", "resources": [], "detail": {}}, FakeContext())
        return [m for m in sent if m["site_id"] == site_id]

    assert run("2026-12-07T12:10:54Z") == []
    assert [m["account"] for m in run("2026-12-07T12:10:55Z")] == ["1002000000003"]
