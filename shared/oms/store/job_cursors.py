"""Scheduled jobs' own items: a cursor per job (the oldest KST day that may still hold work)."""

from __future__ import annotations

from oms.store import keys
from oms.store.table import client, dump, key, load, table_name

CURSOR_SK = "CURSOR"


def cursor(job: str) -> str | None:
    resp = client().get_item(TableName=table_name(), Key=key(keys.job_pk(job), CURSOR_SK), ConsistentRead=True)
    return str(load(resp["Item"])["day"]) if "Item" in resp else None


def set_cursor(job: str, day: str, at: str) -> None:
    client().put_item(TableName=table_name(),
                      Item=dump({"PK": keys.job_pk(job), "SK": CURSOR_SK, "day": day, "updated_at": at}))
