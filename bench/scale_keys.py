"""Every DynamoDB request of a run, by the partition it lands on. A botocore hook on the API parameters
(before they are serialised) records the table or index and the partition key value of each request
(Query: the key condition's partition value; Get/Put/Update/Delete and each action of a transaction
or batch: the item's ``PK``; a Put that carries GSI keys, or a Delete of a tab or lookup item, also
writes the index partitions) with estimated capacity units, and turns key values into key *shapes*
(``S#<site>#O#<order>``)."""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

#: the key segment after each of these labels is an identifier (one partition per value)
ID_AFTER = {"S": "<site>", "O": "<order>", "CHECKOUT": "<checkout>", "GUESTAUTH": "<order>", "M": "<member>",
            "IMP": "<import>", "BULKJOB": "<job>", "WHLOG": "<endpoint>", "SMSNUM": "<number>",
            "PGREF": None, "PGLOG": None, "IDEMP": None}
DAY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
SHARD = re.compile(r"^\d{1,2}$")
INDEX_KEYS = {"GSI1": "GSI1PK", "GSI2": "GSI2PK", "GSI3": "GSI3PK"}


def shape(value: str) -> str:
    """``S#bench-1a2b#O#20261207-000001`` → ``S#<site>#O#<order>``; ``PGLOG#toss#20261207`` →
    ``PGLOG#toss#<day>``; ``DUE#CONFIRM#2026-12-14#3`` → ``DUE#CONFIRM#<day>#<shard>``."""
    parts = value.split("#")
    out: list[str] = []
    for i, seg in enumerate(parts):
        prev = parts[i - 1] if i else ""
        before = parts[i - 2] if i > 1 else ""
        if ID_AFTER.get(prev):
            out.append(str(ID_AFTER[prev]))
        elif prev == "ORDER" and before == "ACCESS":
            out.append("<order>")
        elif before == "PGREF":
            out.append("<pg-order>")
        elif before == "LK":
            out.append("<value>")
        elif prev == "TAB":
            out.append("<tab>")
        elif DAY.match(seg):
            out.append("<day>")
        elif MONTH.match(seg):
            out.append("<month>")
        elif SHARD.match(seg) and i:
            out.append("<shard>")
        else:
            out.append(seg)
    return "#".join(out)


def scope(key_shape: str) -> str:
    """Whose partition: one order (or checkout, PG payment), one bulk job or import of a shop, one buyer,
    one shop (a shop's lookup value counts as the shop's: a bestseller's product code is on every
    order), or the platform's."""
    if any(p in key_shape for p in ("<job>", "<import>")):
        return "job"
    if any(p in key_shape for p in ("<order>", "<checkout>", "<pg-order>")):
        return "order"
    if "<member>" in key_shape:
        return "buyer"
    if "<site>" in key_shape:
        return "shop"
    return "platform"


def _size(item: dict[str, Any]) -> int:
    return len(json.dumps(item, ensure_ascii=False).encode())


def _wcu(item: dict[str, Any] | None) -> int:
    return max(1, math.ceil(_size(item) / 1024)) if item else 1


@dataclass
class Tally:
    requests: int = 0
    units: float = 0.0


@dataclass
class KeyRecorder:
    """(phase, table or index, key value, "R" | "W") -> requests and estimated capacity units. The phase
    (``sale``: intake and payment; ``work``: the shop's fulfilment and reads; ``jobs``: scheduled runs)
    is set by the caller; ``None`` records nothing (set-up)."""

    tally: dict[tuple[str, str, str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    phase: str | None = "sale"

    def attach(self, client: Any) -> KeyRecorder:
        client.meta.events.register("provide-client-params.dynamodb", self._before)
        client.meta.events.register("after-call.dynamodb", self._after)
        return self

    def detach(self, client: Any) -> None:
        client.meta.events.unregister("provide-client-params.dynamodb", self._before)
        client.meta.events.unregister("after-call.dynamodb", self._after)

    def _add(self, target: str, pk: str, kind: str, units: float) -> None:
        if self.phase is None:
            return
        t = self.tally[(self.phase, target, pk, kind)]
        t.requests += 1
        t.units += units

    def _before(self, model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        op = model.name
        if op in ("Query", "GetItem", "BatchGetItem"):
            context["scale_read"] = (op, params)
            return
        if op == "TransactWriteItems":
            for action in params.get("TransactItems", []):
                (kind, body), = action.items()
                self._write(body, 2, check=kind == "ConditionCheck", delete=kind == "Delete")
        elif op in ("PutItem", "UpdateItem", "DeleteItem"):
            self._write(params, 1, delete=op == "DeleteItem")
        elif op == "BatchWriteItem":
            for reqs in params.get("RequestItems", {}).values():
                for r in reqs:
                    if "PutRequest" in r:
                        self._write(r["PutRequest"], 1)
                    else:
                        self._write(r["DeleteRequest"], 1, delete=True)

    def _write(self, body: dict[str, Any], factor: int, *, check: bool = False, delete: bool = False) -> None:
        item = body.get("Item")
        pk = (item or body.get("Key") or {}).get("PK", {}).get("S", "?")
        if check:  # a ConditionCheck reads (2 RCU in a transaction), writes nothing
            self._add("table", pk, "R", 2.0)
            return
        units = factor * _wcu(item)
        self._add("table", pk, "W", units)
        for index, attr in INDEX_KEYS.items():
            if item and attr in item:
                self._add(index, item[attr]["S"], "W", _wcu(item))
        if delete:  # a tab or lookup item's Delete also removes its index entry
            sk = body.get("Key", {}).get("SK", {}).get("S", "")
            site = pk.split("#O#")[0] if "#O#" in pk else None
            if site and sk.startswith("TAB#"):
                self._add("GSI1", f"{site}#{sk}", "W", 1)
            elif site and sk.startswith("LK#"):
                self._add("GSI2", f"{site}#{sk}", "W", 1)

    def _after(self, model: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        read = context.pop("scale_read", None)
        if not read:
            return
        op, params = read
        factor = 1.0 if params.get("ConsistentRead") else 0.5
        if op == "BatchGetItem":
            for got in (parsed.get("Responses") or {}).values():
                for it in got:
                    self._add("table", it.get("PK", {}).get("S", "?"), "R", factor * math.ceil(_size(it) / 4096))
            return
        if op == "GetItem":
            item = parsed.get("Item")
            self._add("table", params["Key"]["PK"]["S"], "R", factor * max(1, math.ceil(_size(item or {}) / 4096)))
            return
        index = params.get("IndexName") or "table"
        attr = INDEX_KEYS.get(index, "PK")
        pk = partition_value(params, attr)
        size = sum(_size(i) for i in parsed.get("Items", []))
        self._add(index, pk, "R", factor * max(1, math.ceil(size / 4096)))


def partition_value(params: dict[str, Any], attr: str) -> str:
    """The partition value of a Query's ``KeyConditionExpression`` (``PK = :pk AND …``)."""
    expr = params.get("KeyConditionExpression", "")
    names = {v: k for k, v in (params.get("ExpressionAttributeNames") or {}).items()}
    for m in re.finditer(r"(#?\w+)\s*=\s*(:\w+)", expr):
        name = m.group(1)
        if name == attr or names.get(attr) == name:
            return str(params["ExpressionAttributeValues"][m.group(2)]["S"])
    return "?"
