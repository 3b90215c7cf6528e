"""What a claim's preview and settlement cost in DynamoDB requests, through the admin handler: the
preview is the order's one Query (the refund rules as this container read them moments ago, a save
here applying at once); a settlement paying back one card payment is 3 reads and 3 writes besides
the PG call (the payout lease rides on the settlement and on the refund's commit), and still takes
turns with another refund run of the order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from bench.common import RequestCounter
from oms.store import keys
from oms.store import payouts as lease_store
from oms.store.table import client
from oms_local.pg_sandbox import PgSandbox
from tests.integration.claims_support import admin, card_order, deliver, ok, return_claim, use_pg
from tests.integration.payments_support import sandbox_fixture  # noqa: F401

WRITES = ("TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")


@pytest.fixture
def counter() -> Iterator[RequestCounter]:
    c = RequestCounter().attach(client())
    yield c
    client().meta.events.unregister("before-call.dynamodb", c._hook)


def split(c: Counter[str]) -> tuple[int, int]:
    writes = sum(c.get(k, 0) for k in WRITES)
    return sum(c.values()) - writes, writes


def lease_item(site_id: str, order_id: str) -> dict[str, object] | None:
    from oms.store.table import key, table_name

    got = client().get_item(TableName=table_name(), ConsistentRead=True,
                            Key=key(keys.order_pk(site_id, order_id), keys.PAYOUT_LEASE_SK))
    return got.get("Item")


def test_the_preview_is_one_query_and_follows_a_settings_save(sandbox: PgSandbox, site_id: str,
                                                               counter: RequestCounter) -> None:
    use_pg(site_id, return_shipping_fee=3000)
    order_id, _ = card_order(sandbox, site_id)
    deliver(site_id, order_id)
    cid, _ = return_claim(site_id, order_id, [("L001", 1)])
    path = f"/admin/orders/{order_id}/claims/{cid}/calculate"
    with counter.measure() as c:
        calc = ok("POST", path, site_id, {"basis": "paid"})
    assert (calc["return_fee"]["amount"], calc["total"]) == (3000, 7000)
    assert dict(c) == {"Query": 1}, dict(c)

    use_pg(site_id, return_shipping_fee=5000)  # a save in this container: the next preview follows it
    with counter.measure() as c:
        calc = ok("POST", path, site_id, {"basis": "paid"})
    assert (calc["return_fee"]["amount"], calc["total"]) == (5000, 5000)
    assert dict(c) == {"Query": 1}, dict(c)


def test_a_settlement_paying_back_one_card_payment_is_3_reads_and_3_writes(sandbox: PgSandbox, site_id: str,
                                                                           counter: RequestCounter) -> None:
    use_pg(site_id)
    order_id, pg = card_order(sandbox, site_id)
    deliver(site_id, order_id)
    cid, _ = return_claim(site_id, order_id, [("L002", 1)], "broken")
    with counter.measure() as c:
        done = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id, {"direction": "refund"})
    assert done["refund"]["refunded"] == 30000 and done["order"]["amounts"]["outstanding"] == 0
    assert [x["amount"] for x in sandbox.find("toss", pg.key).cancels] == [30000]
    assert split(c) == (3, 3), dict(c)  # reads: the order, the settings, the answer's detail
    assert c["TransactWriteItems"] == 3 and not c["PutItem"] and not c["DeleteItem"], dict(c)
    assert lease_item(site_id, order_id) is None  # given back with the refund's commit


def test_a_settlement_while_another_refund_run_holds_the_lease_settles_and_refunds_nothing(
        sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, pg = card_order(sandbox, site_id)
    deliver(site_id, order_id)
    cid, _ = return_claim(site_id, order_id, [("L002", 1)], "broken")
    other = lease_store.take(site_id, order_id, "someone-else")
    done = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id, {"direction": "refund"})
    assert done["refund"]["refunded"] == 0 and done["refund"]["error"]["code"] == "PAYOUT_IN_PROGRESS"
    assert done["order"]["amounts"]["outstanding"] == -30000
    assert not sandbox.find("toss", pg.key).cancels
    assert (lease_item(site_id, order_id) or {}).get("token", {}) == {"S": other}  # the other run's, untouched
    status, _ = admin("POST", f"/admin/orders/{order_id}/refunds", site_id, {})
    assert status == 409
    lease_store.give_back(site_id, order_id, other)
    again = ok("POST", f"/admin/orders/{order_id}/refunds", site_id, {})
    assert again["refund"]["refunded"] == 30000 and again["order"]["amounts"]["outstanding"] == 0
    assert [x["amount"] for x in sandbox.find("toss", pg.key).cancels] == [30000]
    assert lease_item(site_id, order_id) is None
