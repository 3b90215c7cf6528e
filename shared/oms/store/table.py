"""The DynamoDB client, item (de)serialisation and transaction helpers.

Clients are created once per container. Local endpoints come from the standard
``AWS_ENDPOINT_URL_DYNAMODB`` variable, so no code path differs between AWS and DynamoDB Local.
"""

from __future__ import annotations

import os
import random
import time
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from boto3.dynamodb.types import DYNAMODB_CONTEXT, TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import ClientError

from oms.domain.errors import Conflict

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_ser = TypeSerializer()
_de = TypeDeserializer()

Item = dict[str, Any]


@cache
def client() -> DynamoDBClient:
    return boto3.client(
        "dynamodb",
        config=Config(retries={"max_attempts": 4, "mode": "standard"}, connect_timeout=3, read_timeout=10,
                      parameter_validation=CLIENT_PARAMETER_VALIDATION),
    )


#: botocore re-checks every request against the API model before sending it, a recursive walk
#: that costs more Python time than building the request (an order change is a few hundred
#: values); DynamoDB validates every request itself, and items are built by the store's codec.
CLIENT_PARAMETER_VALIDATION = False


def table_name() -> str:
    return os.environ["TABLE_NAME"]


def dump(item: Item) -> dict[str, Any]:
    return {k: _to_attr(v) for k, v in item.items() if v is not None or k in _KEEP_NULL}


_MAX_N = 10**38  # DynamoDB numbers carry 38 significant digits; TypeSerializer refuses more


def _to_attr(v: Any) -> dict[str, Any]:
    """TypeSerializer's output, with a fast path for the plain types items are made of (every
    order change serialises a few hundred values); anything else goes to TypeSerializer."""
    t = type(v)
    if t is str:
        return {"S": v}
    if t is bool:
        return {"BOOL": v}
    if t is int and -_MAX_N < v < _MAX_N:
        return {"N": str(v)}
    if v is None:
        return {"NULL": True}
    if t is dict:
        return {"M": {k: _to_attr(x) for k, x in v.items()}}
    if t is list or t is tuple:
        return {"L": [_to_attr(x) for x in v]}
    return dict(_ser.serialize(v))


_KEEP_NULL: frozenset[str] = frozenset()


def load(raw: dict[str, Any]) -> Item:
    return {k: _from_attr(v) for k, v in raw.items()}


def _from_attr(d: dict[str, Any]) -> Any:
    """TypeDeserializer's output, with a fast path for S/N/M/L/BOOL/NULL."""
    if len(d) == 1:
        (t, v), = d.items()
        if t == "S":
            return v
        if t == "N":
            return DYNAMODB_CONTEXT.create_decimal(v)
        if t == "M":
            return {k: _from_attr(x) for k, x in v.items()}
        if t == "L":
            return [_from_attr(x) for x in v]
        if t == "BOOL":
            return v
        if t == "NULL":
            return None
    return _de.deserialize(d)  # type: ignore[arg-type]


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


class TransactionFailed(Exception):
    """A transaction was cancelled; ``reasons`` holds one code per action (``None`` = fine)."""

    def __init__(self, reasons: list[str | None]) -> None:
        super().__init__(f"transaction cancelled: {reasons}")
        self.reasons = reasons


def transact(actions: list[dict[str, Any]], *, attempts: int = 6) -> None:
    """Run one TransactWriteItems; retry only on TransactionConflict/throttling, with jittered backoff.

    A failed condition raises :class:`TransactionFailed` at once (it will not pass on retry).
    """
    if not actions:
        return
    if len(actions) > 100:
        raise ValueError("a DynamoDB transaction holds at most 100 actions")
    for attempt in range(attempts):
        try:
            client().transact_write_items(TransactItems=actions)  # type: ignore[arg-type]
            return
        except ClientError as exc:
            err = exc.response.get("Error", {})
            code = err.get("Code")
            if code == "TransactionCanceledException":
                reasons = [r.get("Code") if r.get("Code") != "None" else None
                           for r in exc.response.get("CancellationReasons", [])]
                retryable = reasons and all(
                    r in (None, "TransactionConflict", "ThrottlingError") for r in reasons
                )
                if not reasons:
                    reasons = _reasons_from_message(err.get("Message", ""), len(actions))
                    retryable = all(r in (None, "TransactionConflict") for r in reasons)
                if not retryable or attempt == attempts - 1:
                    raise TransactionFailed(reasons) from exc
            elif code in ("TransactionConflictException", "ThrottlingException",
                          "ProvisionedThroughputExceededException", "TransactionInProgressException"):
                if attempt == attempts - 1:
                    raise
            else:
                raise
        time.sleep(min(0.5, 0.02 * 2**attempt) * (0.5 + random.random()))


def _reasons_from_message(message: str, n: int) -> list[str | None]:
    # "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]"
    if "[" in message and "]" in message:
        inner = message[message.rindex("[") + 1 : message.rindex("]")]
        parts = [p.strip() for p in inner.split(",")]
        if len(parts) == n:
            return [None if p == "None" else p for p in parts]
    return ["Unknown"] * n


def version_conflict() -> Conflict:
    return Conflict(
        "VERSION_CONFLICT",
        "다른 사용자가 먼저 이 주문을 변경했습니다. 새로고침 후 다시 시도하세요.",
        detail="the order changed since it was read; reload and retry",
    )


def query_all(**kwargs: Any) -> list[Item]:
    """Query every page (for bounded partitions such as one order)."""
    out: list[Item] = []
    while True:
        resp = client().query(TableName=table_name(), **kwargs)
        out.extend(load(i) for i in resp.get("Items", []))
        lek = resp.get("LastEvaluatedKey")
        if not lek:
            return out
        kwargs["ExclusiveStartKey"] = lek


def batch_get(raw_keys: list[dict[str, Any]], *, consistent: bool = False) -> list[Item]:
    """BatchGetItem of any number of keys (100 per request), retrying unprocessed keys."""
    out: list[Item] = []
    for start in range(0, len(raw_keys), 100):
        req: dict[str, Any] = {table_name(): {"Keys": raw_keys[start:start + 100], "ConsistentRead": consistent}}
        while req:
            resp = client().batch_get_item(RequestItems=req)
            out.extend(load(raw) for raw in resp.get("Responses", {}).get(table_name(), []))
            req = resp.get("UnprocessedKeys") or {}
    return out
