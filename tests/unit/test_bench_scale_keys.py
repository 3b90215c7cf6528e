"""The scale bench's request recorder (bench.scale_keys): key values become the shapes and scopes the
capacity model scales, and each request lands on the partitions it touches."""

from __future__ import annotations

from typing import Any

from bench.scale_keys import KeyRecorder, partition_value, scope, shape
from bench.scale_model import PLATFORM_ORDERS_DAY, PLATFORM_SHOPS, lambda_rows, snapshot_limit


def test_key_values_become_shapes_and_scopes() -> None:
    cases = {
        "S#bench-1a2b#O#20261207-000001": ("S#<site>#O#<order>", "order"),
        "S#bench-1a2b": ("S#<site>", "shop"),
        "S#bench-1a2b#TAB#ready_to_ship": ("S#<site>#TAB#<tab>", "shop"),
        "S#bench-1a2b#LK#q#tee01": ("S#<site>#LK#q#<value>", "shop"),
        "S#bench-1a2b#M#m-100": ("S#<site>#M#<member>", "buyer"),
        "S#bench-1a2b#BULKJOB#20261207-ab12": ("S#<site>#BULKJOB#<job>", "job"),
        "S#bench-1a2b#ACCESS#2026-12": ("S#<site>#ACCESS#<month>", "shop"),
        "PGLOG#portone#20261207": ("PGLOG#portone#<day>", "platform"),
        "PGREF#toss#bench-1a2b-0f3c": ("PGREF#toss#<pg-order>", "order"),
        "DUE#CONFIRM#2026-12-14#3": ("DUE#CONFIRM#<day>#<shard>", "platform"),
        "DUE#VAEXP#7": ("DUE#VAEXP#<shard>", "platform"),
        "IDEMP#webhooks#5": ("IDEMP#webhooks#<shard>", "platform"),
        "JOB#auto_confirm": ("JOB#auto_confirm", "platform"),
    }
    for value, (want_shape, want_scope) in cases.items():
        assert shape(value) == want_shape, value
        assert scope(want_shape) == want_scope, value


def test_a_query_lands_on_its_key_conditions_partition() -> None:
    params = {"KeyConditionExpression": "#pk = :p AND begins_with(SK, :s)",
              "ExpressionAttributeNames": {"#pk": "GSI1PK"},
              "ExpressionAttributeValues": {":p": {"S": "S#x#TAB#all"}, ":s": {"S": "2026"}}}
    assert partition_value(params, "GSI1PK") == "S#x#TAB#all"
    assert partition_value({"KeyConditionExpression": "PK = :pk",
                            "ExpressionAttributeValues": {":pk": {"S": "S#x"}}}, "PK") == "S#x"


class _Model:
    def __init__(self, name: str) -> None:
        self.name = name


def test_a_transaction_writes_each_items_partition_and_the_indexes_it_names() -> None:
    rec = KeyRecorder()
    header = {"PK": {"S": "S#x#O#1"}, "SK": {"S": "ORDER"}, "GSI1PK": {"S": "S#x#TAB#all"},
              "GSI1SK": {"S": "t#1"}, "blob": {"S": "가" * 1500}}  # 4.5 KB: 5 WCU, ×2 in a transaction
    params: dict[str, Any] = {"TransactItems": [
        {"Put": {"Item": header}},
        {"Update": {"Key": {"PK": {"S": "S#x"}, "SK": {"S": "TABCOUNT#3"}}}},
        {"Delete": {"Key": {"PK": {"S": "S#x#O#1"}, "SK": {"S": "TAB#paid"}}}},
        {"ConditionCheck": {"Key": {"PK": {"S": "S#x"}, "SK": {"S": "SMSSENDER#0212345678"}}}},
    ]}
    rec._before(_Model("TransactWriteItems"), params, {})
    got = {k: (t.requests, t.units) for k, t in rec.tally.items()}
    assert got[("sale", "table", "S#x#O#1", "W")] == (2, 12.0)  # the header (10) and the tab Delete (2)
    assert got[("sale", "GSI1", "S#x#TAB#all", "W")] == (1, 5.0)
    assert got[("sale", "GSI1", "S#x#TAB#paid", "W")] == (1, 1.0)
    assert got[("sale", "table", "S#x", "W")] == (1, 2.0)
    assert got[("sale", "table", "S#x", "R")] == (1, 2.0)  # the ConditionCheck reads
    rec.phase = None  # set-up: nothing recorded
    rec._before(_Model("PutItem"), {"Item": {"PK": {"S": "S#y"}}}, {})
    assert not any(k[2] == "S#y" for k in rec.tally)


def test_the_model_names_its_scales_and_limits() -> None:
    assert PLATFORM_SHOPS == 100_000 and PLATFORM_ORDERS_DAY == 593_000
    rows = {r[0].split(":")[0]: r for r in lambda_rows()}
    assert set(rows) >= {"WebhooksFunction", "TrackingWebhooksFunction", "RelayFunction", "ChannelWorkerFunction",
                         "DepositWorkerFunction", "POST /intake/orders", "GET /admin/orders"}
    # template.yaml gives every function, route, run and due-index shard the need of one shop and of
    # the platform with room to spare: a reservation, throttle or shard count lowered below 1.5 x the
    # model's need fails here
    assert len(rows) >= 18
    for row in rows.values():
        assert min(float(h.lstrip("×").replace(",", "")) for h in row[4:6]) >= 1.5, row
    from oms.services.jobs import MAX_ORDERS

    assert snapshot_limit() > 20 * MAX_ORDERS  # the worker takes a job's largest snapshot in its 900 s
