"""The site's 알림톡 templates in the single table (docs/data-model.md, "Buyer notifications").

Site partition, ``SK = ATTPL#<code>``: the template as registered (text, buttons, trigger) and its
review state as the provider last reported it (``state`` TSC01–TSC04, ``reason`` of a rejection).
The notifications themselves are message items of the order (``MSG#``, :mod:`oms.store.messages`)
with ``channel`` ``alimtalk`` (or ``sms`` for a fallback).
"""

from __future__ import annotations

from typing import Any

from oms.domain.errors import Conflict
from oms.store import keys
from oms.store.orders import plain
from oms.store.table import Item, client, dump, key, load, query_all, table_name


def _strip(item: Item) -> Item:
    return {k: v for k, v in item.items() if k not in ("PK", "SK", "type")}


def get_template(site_id: str, code: str) -> Item | None:
    resp = client().get_item(TableName=table_name(), Key=key(keys.site_pk(site_id), keys.alimtalk_template_sk(code)),
                             ConsistentRead=True)
    return _strip(plain(load(resp["Item"]))) if "Item" in resp else None


def list_templates(site_id: str) -> list[Item]:
    items = query_all(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={":pk": {"S": keys.site_pk(site_id)}, ":p": {"S": keys.ALIMTALK_TEMPLATE_PREFIX}},
    )
    return [_strip(plain(i)) for i in items]


def put_new_template(site_id: str, template: Item) -> None:
    """Register a template code once per site (a rejected one is registered again under a new code)."""
    item = {"PK": keys.site_pk(site_id), "SK": keys.alimtalk_template_sk(template["code"]),
            "type": "alimtalk_template", **template}
    try:
        client().put_item(TableName=table_name(), Item=dump(item), ConditionExpression="attribute_not_exists(PK)")
    except client().exceptions.ConditionalCheckFailedException as exc:
        raise Conflict("ALIMTALK_TEMPLATE_EXISTS", f"이미 등록된 템플릿 코드입니다: {template['code']}",
                       extra={"code": template["code"]}) from exc


def set_state(site_id: str, code: str, state: str, reason: str | None, at: str) -> None:
    values: dict[str, Any] = {":s": state, ":at": at}
    expr = "SET #st = :s, checked_at = :at"
    if state == "TSC03":
        expr += ", approved_at = if_not_exists(approved_at, :at)"
    if reason:
        expr, values = expr + ", reason = :r", {**values, ":r": reason}
    else:
        expr += " REMOVE reason"
    client().update_item(TableName=table_name(), Key=key(keys.site_pk(site_id), keys.alimtalk_template_sk(code)),
                         UpdateExpression=expr, ConditionExpression="attribute_exists(PK)",
                         ExpressionAttributeNames={"#st": "state"}, ExpressionAttributeValues=dump(values))
