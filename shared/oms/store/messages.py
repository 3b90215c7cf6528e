"""Buyer messages in the single table (docs/data-model.md, "Buyer messages").

- Sender numbers: site partition, ``SK = SMSSENDER#<digits>`` (state pending/verified/rejected),
  claimed for one site by ``PK = SMSNUM#<digits>, SK = OWNER``; the site's default sender:
  ``SK = SMSCONF``. Templates: ``SK = SMSTPL#<id>``.
- Messages (the outbox): the order's partition, ``SK = MSG#<message id>``, written before the
  provider is called and updated with its answer, each write in the order's transaction. A
  resendable message (an SMS/LMS, not a 알림톡) while ``failed`` is counted on the home screen
  (``messages_failed``, :mod:`oms.store.home_counts`): +1 in the transaction that records it failed,
  −1 in the one that claims it for a resend.
"""

from __future__ import annotations

from typing import Any

from oms.domain.errors import Conflict, DomainError
from oms.store import home_counts, keys
from oms.store.orders import plain, put, update
from oms.store.table import Item, TransactionFailed, client, dump, key, load, query_all, table_name, transact


def _get(pk: str, sk: str) -> Item | None:
    resp = client().get_item(TableName=table_name(), Key=key(pk, sk), ConsistentRead=True)
    return plain(load(resp["Item"])) if "Item" in resp else None


def _strip(item: Item) -> Item:
    return {k: v for k, v in item.items() if k not in ("PK", "SK", "type")}


# ---- sender numbers ------------------------------------------------------------------------------


def get_sender(site_id: str, number: str) -> Item | None:
    got = _get(keys.site_pk(site_id), keys.sms_sender_sk(number))
    return _strip(got) if got else None


def list_senders(site_id: str) -> list[Item]:
    items = query_all(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={":pk": {"S": keys.site_pk(site_id)}, ":p": {"S": keys.SMS_SENDER_PREFIX}},
    )
    return [_strip(plain(i)) for i in items]


def number_owner(number: str) -> str | None:
    got = _get(keys.sms_number_owner_pk(number), keys.SMS_NUMBER_OWNER_SK)
    return str(got["site_id"]) if got else None


def held_by_other_site(number: str) -> Conflict:
    return Conflict("SENDER_HELD_BY_OTHER_SITE", "다른 사이트에 등록된 발신번호입니다.", extra={"number": number})


def put_sender(site_id: str, sender: Item) -> None:
    """Write the site's sender number and claim the number for the site, in one transaction: the
    provider account is shared by every site, so a number another site holds is refused."""
    number = sender["number"]
    item = {"PK": keys.site_pk(site_id), "SK": keys.sms_sender_sk(number), "type": "sms_sender", **sender}
    owner = {"PK": keys.sms_number_owner_pk(number), "SK": keys.SMS_NUMBER_OWNER_SK, "type": "sms_number_owner",
             "number": number, "site_id": site_id, "claimed_at": sender.get("requested_at")}
    try:
        transact([put(owner, "attribute_not_exists(PK) OR site_id = :site", {":site": site_id}), put(item)])
    except TransactionFailed as exc:
        if exc.reasons and exc.reasons[0] == "ConditionalCheckFailed":
            raise held_by_other_site(number) from exc
        raise


def _set_remove(fields: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, str]]:
    """``SET a = :a ... REMOVE b ...`` for ``fields`` (None removes the attribute)."""
    names = {f"#f{i}": k for i, k in enumerate(fields)}
    sets = [f"#f{i} = :f{i}" for i, (k, v) in enumerate(fields.items()) if v is not None]
    removes = [f"#f{i}" for i, (k, v) in enumerate(fields.items()) if v is None]
    values = {f":f{i}": v for i, (k, v) in enumerate(fields.items()) if v is not None}
    expr = ("SET " + ", ".join(sets) if sets else "") + (" REMOVE " + ", ".join(removes) if removes else "")
    return expr.strip(), values, names


def set_sender_state(site_id: str, number: str, state: str, reason: str | None, at: str) -> None:
    fields: dict[str, Any] = {"state": state, "checked_at": at, "reason": reason}
    if state == "verified":
        fields["verified_at"] = at
    expr, values, names = _set_remove(fields)
    client().update_item(TableName=table_name(), Key=key(keys.site_pk(site_id), keys.sms_sender_sk(number)),
                         UpdateExpression=expr, ConditionExpression="attribute_exists(PK)",
                         ExpressionAttributeNames=names, ExpressionAttributeValues=dump(values))


def sender_verified_check(site_id: str, number: str) -> dict[str, Any]:
    """Transaction action: the sender number is the site's and verified (else the condition fails)."""
    return {"ConditionCheck": {
        "TableName": table_name(), "Key": key(keys.site_pk(site_id), keys.sms_sender_sk(number)),
        "ConditionExpression": "#st = :v", "ExpressionAttributeNames": {"#st": "state"},
        "ExpressionAttributeValues": dump({":v": "verified"}),
    }}


def sender_not_verified(number: str) -> Conflict:
    return Conflict("SENDER_NOT_VERIFIED",
                    "인증(등록)이 끝난 발신번호만 쓸 수 있습니다. 발신번호 인증 후 다시 시도하세요.",
                    extra={"sender": number})


def get_config(site_id: str) -> Item:
    return _get(keys.site_pk(site_id), keys.SMS_CONFIG_SK) or {}


def set_default_sender(site_id: str, number: str, by: str, at: str) -> None:
    """The site's default sender, only if that number is verified (one transaction)."""
    item = {"PK": keys.site_pk(site_id), "SK": keys.SMS_CONFIG_SK, "type": "sms_config",
            "default_sender": number, "updated_at": at, "updated_by": by}
    try:
        transact([sender_verified_check(site_id, number), put(item)])
    except TransactionFailed as exc:
        if exc.reasons and exc.reasons[0] == "ConditionalCheckFailed":
            raise sender_not_verified(number) from exc
        raise


# ---- templates -----------------------------------------------------------------------------------


def put_template(site_id: str, template: Item) -> None:
    item = {"PK": keys.site_pk(site_id), "SK": keys.sms_template_sk(template["template_id"]),
            "type": "sms_template", **template}
    client().put_item(TableName=table_name(), Item=dump(item))


def get_template(site_id: str, template_id: str) -> Item | None:
    got = _get(keys.site_pk(site_id), keys.sms_template_sk(template_id))
    return _strip(got) if got else None


def list_templates(site_id: str) -> list[Item]:
    items = query_all(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={":pk": {"S": keys.site_pk(site_id)}, ":p": {"S": keys.SMS_TEMPLATE_PREFIX}},
    )
    return [_strip(plain(i)) for i in items]


def delete_template(site_id: str, template_id: str) -> bool:
    resp = client().delete_item(TableName=table_name(),
                                Key=key(keys.site_pk(site_id), keys.sms_template_sk(template_id)),
                                ReturnValues="ALL_OLD")
    return "Attributes" in resp


# ---- messages (outbox) -----------------------------------------------------------------------------


def get_message(site_id: str, order_id: str, message_id: str) -> Item | None:
    got = _get(keys.order_pk(site_id, order_id), keys.message_sk(message_id))
    return _strip(got) if got else None


def list_messages(site_id: str, order_id: str) -> list[Item]:
    """The order's messages, newest first (ids sort by creation time)."""
    items = query_all(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={":pk": {"S": keys.order_pk(site_id, order_id)},
                                   ":p": {"S": keys.MESSAGE_PREFIX}},
        ScanIndexForward=False,
    )
    return [_strip(plain(i)) for i in items]


def new_message_action(site_id: str, order_id: str, message: Item) -> tuple[dict[str, Any], DomainError]:
    """Put the outbox item (status ``sending``, attempt 1) unless the message id exists."""
    item = {"PK": keys.order_pk(site_id, order_id), "SK": keys.message_sk(message["message_id"]),
            "type": "message", **message}
    refusal = Conflict("MESSAGE_EXISTS", "같은 메시지 ID로 이미 발송했습니다.",
                       extra={"message_id": message["message_id"]})
    return put(item, "attribute_not_exists(PK)"), refusal


Actions = list[tuple[dict[str, Any], DomainError | None]]


def _counted(message: Item) -> bool:
    """A message the operator can resend (the home screen's failed messages)."""
    return message.get("status") == "failed" and (message.get("channel") or "sms") != "alimtalk"


def failed_counter_action(site_id: str, message_id: str, delta: int) -> tuple[dict[str, Any], None]:
    return home_counts.add_action(site_id, "messages_failed", message_id, delta), None


def new_message_actions(site_id: str, order_id: str, message: Item) -> Actions:
    """:func:`new_message_action`, and the +1 of a message recorded ``failed`` at once."""
    out: Actions = [new_message_action(site_id, order_id, message)]
    if _counted(message):
        out.append(failed_counter_action(site_id, str(message["message_id"]), 1))
    return out


def resend_actions(site_id: str, order_id: str, message_id: str, attempt: int, sender: str,
                   at: str, by: dict[str, Any]) -> Actions:
    """:func:`resend_action` and the −1 of the failed message it claims."""
    return [resend_action(site_id, order_id, message_id, attempt, sender, at, by),
            failed_counter_action(site_id, message_id, -1)]


def result_actions(site_id: str, order_id: str, message_id: str, attempt: int, status: str,
                   result: dict[str, Any], at: str) -> Actions:
    """:func:`result_action` and, for a ``failed`` answer, the +1 (an SMS's claimed attempt)."""
    out: Actions = [result_action(site_id, order_id, message_id, attempt, status, result, at)]
    if status == "failed":
        out.append(failed_counter_action(site_id, message_id, 1))
    return out


def resend_action(site_id: str, order_id: str, message_id: str, attempt: int, sender: str,
                  at: str, by: dict[str, Any]) -> tuple[dict[str, Any], DomainError]:
    """Claim a failed message for attempt ``attempt`` (only one claim can win)."""
    action = update(
        keys.order_pk(site_id, order_id), keys.message_sk(message_id),
        "SET #st = :sending, attempt = :n, sender = :sender, updated_at = :at, last_by = :by REMOVE reason",
        {":sending": "sending", ":failed": "failed", ":n": attempt, ":prev": attempt - 1, ":sender": sender,
         ":at": at, ":by": by},
        {"#st": "status"},
        "#st = :failed AND attempt = :prev",
    )
    refusal = Conflict("MESSAGE_NOT_RESENDABLE", "실패한 메시지만 다시 보낼 수 있습니다(이미 발송 중이거나 발송됨).",
                       extra={"message_id": message_id})
    return action, refusal


def result_action(site_id: str, order_id: str, message_id: str, attempt: int, status: str,
                  result: dict[str, Any], at: str) -> tuple[dict[str, Any], DomainError]:
    """Record the provider's answer to attempt ``attempt`` (the attempt that claimed the item)."""
    expr, values, names = _set_remove({
        "status": status, "reason": result.get("reason"), "provider": result.get("provider"),
        "provider_code": result.get("provider_code"), "provider_message_id": result.get("provider_message_id"),
        "updated_at": at,
    })
    set_part, _, remove_part = expr.partition(" REMOVE ")
    expr = set_part + ", attempts = list_append(if_not_exists(attempts, :empty), :one)" \
        + (f" REMOVE {remove_part}" if remove_part else "")
    action = update(
        keys.order_pk(site_id, order_id), keys.message_sk(message_id), expr,
        {**values, ":empty": [], ":one": [result], ":sending": "sending", ":n": attempt},
        {**names, "#st": "status"},
        "#st = :sending AND attempt = :n",
    )
    refusal = Conflict("MESSAGE_STATE_CHANGED", "메시지 상태가 이미 바뀌었습니다.", extra={"message_id": message_id})
    return action, refusal
