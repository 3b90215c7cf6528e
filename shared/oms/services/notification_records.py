"""What a buyer notification writes: its message items and timeline entries, and the values its
template is filled with (docs/domain.md, "Buyer notifications (알림톡)").

Every 알림톡 and every SMS/LMS fallback is a message item of the order (``MSG#<id>``, the same items
as the order detail's messages, with ``channel``) written with a ``notification`` timeline entry in
one order transaction. Ids are derived from the relay's idempotency key, so a delivery repeated after
a crash finds what the first one recorded instead of recording (or sending) it twice. The timeline
entry and the log lines carry the masked phone, the template code and the result: never the text
nor the number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from oms.domain import alimtalk as rules
from oms.domain import messages as text_rules
from oms.domain.clock import KST, iso, parse_iso, utcnow
from oms.domain.errors import DomainError
from oms.domain.order import Event, Order
from oms.domain.payment_requests import open_request
from oms.schemas.settings import NotificationSettings
from oms.services import messages as message_service
from oms.services import relay
from oms.store import messages as msg_store

logger = Logger(child=True)


@dataclass(frozen=True)
class Ids:
    alimtalk: str
    fallback: str


def ids(d: relay.Delivery) -> Ids:
    """The message ids of a notification and of its fallback: stable across attempts, different
    from each other (each is the idempotency key of its own send)."""
    stamp = parse_iso(d.record.at).strftime("%Y%m%d%H%M%S") if d.record.at else "00000000000000"

    def one(order: str, salt: str) -> str:  # ``order``: the fallback sorts after its 알림톡 (newest first)
        return "M" + stamp + order + hashlib.sha256(f"{provider_key(d)}{salt}".encode()).hexdigest()[:7]

    return Ids(one("a", ":alimtalk"), one("b", ":sms"))


def provider_key(d: relay.Delivery) -> str:
    """The 알림톡 send's idempotency key at the provider: the relay's (site, order, change, intent)."""
    return d.idempotency_key


# ---- values ---------------------------------------------------------------------------------------


def _won(amount: int) -> str:
    return f"{amount:,}원"


def values(order: Order, conf: NotificationSettings) -> dict[str, str | None]:
    """The template variables of an order at delivery time (None = no value for this order)."""
    out = dict(message_service.order_values(order))
    out.update({"주문자명": order.buyer.name, "결제금액": _won(order.order_amount)})
    waiting = [p for p in order.payments.values()
               if p.method == "virtual_account" and p.status == "pending" and p.virtual_account]
    if waiting:
        pay = max(waiting, key=lambda p: p.requested_at or "")
        va = pay.virtual_account or {}
        due = va.get("due_at")
        out.update({"입금은행": va.get("bank"), "입금계좌": va.get("account_no"), "입금금액": _won(pay.amount),
                    "입금기한": parse_iso(str(due)).astimezone(KST).strftime("%m월 %d일 %H:%M") if due else None})
    req = open_request(order, iso(utcnow()))
    if req is not None:
        out["요청금액"] = _won(req.amount)
    if conf.order_link:
        out["결제링크"] = conf.order_link.replace("{order_id}", order.order_id)
    return out


# ---- recording ------------------------------------------------------------------------------------


def _label(trigger: str) -> str:
    return rules.TRIGGERS.get(trigger, trigger)


def event_data(msg: dict[str, Any], trigger: str, text_ko: str) -> dict[str, Any]:
    data = {"trigger": trigger, "trigger_ko": _label(trigger), "channel": msg["channel"],
            "message_id": msg["message_id"], "type": msg["msg_type"], "template_code": msg.get("template_code"),
            "to": text_rules.mask(msg["to"]), "result": msg["status"], "reason": msg.get("reason"),
            "reason_ko": msg.get("reason_ko"), "provider": msg.get("provider"),
            "provider_code": msg.get("provider_code"), "fallback_of": msg.get("fallback_of"), "text_ko": text_ko}
    return {k: v for k, v in data.items() if v is not None}


def record(d: relay.Delivery, msg: dict[str, Any], text_ko: str) -> dict[str, Any]:
    """Write a notification's message item and its timeline entry in one order transaction; a
    repeat of a delivery that recorded it already answers the stored item."""
    trigger = str(d.intent.data["trigger"])
    msg = {k: v for k, v in msg.items() if v is not None}
    event = Event("notification", relay.RELAY, str(msg["created_at"]), event_data(msg, trigger, text_ko))

    try:
        message_service.commit_event(d.site_id, d.order_id, event,
                                     msg_store.new_message_actions(d.site_id, d.order_id, msg), relay.RELAY)
    except DomainError as exc:
        if exc.code != "MESSAGE_EXISTS":
            raise
        return msg_store.get_message(d.site_id, d.order_id, str(msg["message_id"])) or msg
    logger.info("buyer notification", extra={
        "site_id": d.site_id, "order_id": d.order_id, "message_id": msg["message_id"], "channel": msg["channel"],
        "trigger": trigger, "template_code": msg.get("template_code"), "to": text_rules.mask(msg["to"]),
        "status": msg["status"], "reason": msg.get("reason"), "provider_code": msg.get("provider_code")})
    return msg


def message(d: relay.Delivery, message_id: str, channel: str, msg_type: str, to: str, text: str, *,
            status: str, template: dict[str, Any] | None = None, result: dict[str, Any] | None = None,
            reason: str | None = None, reason_ko: str | None = None, **more: Any) -> dict[str, Any]:
    """A message item as the order's message history lists it (``channel`` alimtalk or sms)."""
    at = iso(utcnow())
    res = dict(result or {})
    item: dict[str, Any] = {
        "message_id": message_id, "site_id": d.site_id, "order_id": d.order_id, "channel": channel,
        "trigger": d.intent.data["trigger"], "role": "buyer", "to": to, "msg_type": msg_type, "text": text,
        "template_code": template["code"] if template else None, "status": status, "attempt": 1,
        "reason": reason or res.get("reason"), "reason_ko": reason_ko, "provider": res.get("provider"),
        "provider_code": res.get("provider_code"), "provider_message_id": res.get("provider_message_id"),
        "created_at": at, "updated_at": at, "created_by": relay.RELAY.as_dict(),
        "attempts": [{**res, "attempt": 1, "at": at, "status": status}] if res else None, **more,
    }
    return item
