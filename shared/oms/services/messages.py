"""Messages to the buyer from the order detail: preview, send, resend (docs/domain.md, "Working the list and
the detail").

A message goes to the buyer's or the recipient's phone of the order (a role, never a number typed
in), from the site's verified default sender only. Sending is an outbox:

1. one order transaction (``services.orders.commit``) writes the timeline entry (``message``:
   type, masked phone, first characters, ``sending``), the outbox item with the full text
   (``MSG#<id>``, status ``sending``) and a condition that the sender is verified;
2. the provider is called with the message id as idempotency key;
3. a second order transaction records the answer on the item and the timeline
   (``message_result``: ``sent`` or ``failed`` + reason).

The message id is the key of the outbox item: a retry with the same id (client-chosen
``message_id``) answers the stored message and never sends again; only a ``failed`` message can be
resent, and only one resend can claim it. The full text lives on the item only: never in a log
line or a timeline entry.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from aws_lambda_powertools import Logger

from oms.domain import couriers, outbox
from oms.domain import messages as text_rules
from oms.domain.clock import iso, utcnow
from oms.domain.errors import Conflict, DomainError
from oms.domain.order import Actor, Change, Event, Order, Shipment
from oms.domain.outbox import Intent
from oms.integrations import sms
from oms.schemas.messages import MessageIn
from oms.services import message_senders, relay
from oms.services import orders as order_service
from oms.store import messages as store
from oms.store import orders

logger = Logger(child=True)
COMMIT_ATTEMPTS = 5


# ---- composing -----------------------------------------------------------------------------------


def order_values(order: Order, shipment_id: str | None = None) -> dict[str, str | None]:
    """The template variables of an order (None = no value yet, e.g. no tracking number)."""
    counted = [line for line in order.lines if line.counted] or order.lines
    names = list(dict.fromkeys(line.product_name for line in counted))
    product = (names[0] + (f" 외 {len(names) - 1}건" if len(names) > 1 else "")) if names else None
    if shipment_id is not None:
        if shipment_id not in order.shipments:
            raise DomainError("SHIPMENT_NOT_FOUND", f"배송 정보를 찾을 수 없습니다: {shipment_id}", status=404,
                              field="shipment_id")
        shipment: Shipment | None = order.shipments[shipment_id]
    else:
        tracked = [s for s in order.shipments.values() if s.tracking_no]
        shipment = max(tracked, key=lambda s: (s.created_at or "", s.shipment_id)) if tracked else None
    courier = couriers.resolve(shipment.courier) if shipment and shipment.courier else None
    tracking = shipment.tracking_no if shipment else None
    return {
        "주문번호": order.order_id,
        "상품명": product,
        "택배사": courier.name_ko if courier else (shipment.courier if shipment else None),
        "송장번호": tracking,
        "배송조회": courier.url_for(tracking) if courier and tracking else None,
        "미결금액": f"{max(order.outstanding, 0):,}원",
    }


def _default_sender(site_id: str, requested: str | None) -> str:
    default = store.get_config(site_id).get("default_sender")
    if requested is not None and text_rules.digits(requested) != default:
        raise DomainError(
            "SENDER_NOT_ALLOWED",
            "발신번호는 메시지마다 고를 수 없습니다. 사이트의 인증된 기본 발신번호로만 보냅니다.",
            status=403, field="sender", extra={"sender": requested},
        )
    if not default:
        raise Conflict("NO_VERIFIED_SENDER",
                       "인증된 기본 발신번호가 없습니다. 발신번호를 등록·인증하고 기본으로 지정하세요.")
    sender = store.get_sender(site_id, default)
    if sender is None or sender["state"] != "verified":
        raise store.sender_not_verified(default)
    return str(default)


def default_sender(site_id: str) -> str:
    """The site's verified default sender (what every message and every notification fallback uses)."""
    return _default_sender(site_id, None)


def _compose(site_id: str, order: Order, body: MessageIn) -> tuple[text_rules.Composed, str]:
    if (body.template_id is None) == (body.text is None):
        raise DomainError("MESSAGE_TEXT_REQUIRED", "문자 템플릿을 고르거나 내용을 입력하세요.",
                          status=400, field="text")
    if body.template_id is not None:
        template = message_senders.get_template(site_id, body.template_id)
        raw_text, raw_title = template["text"], body.title or template.get("title")
    else:
        raw_text, raw_title = body.text or "", body.title
    values = order_values(order, body.shipment_id)
    text = text_rules.render(raw_text, values, "text")
    title = text_rules.render(raw_title, values, "title") if raw_title else None
    phone = order.buyer.phone if body.role == "buyer" else order.recipient.phone
    return text_rules.compose(text, title), text_rules.recipient_number(phone)


def preview(site_id: str, order_id: str, body: MessageIn) -> dict[str, Any]:
    """The final text and its type (SMS/LMS) with its byte count, before anything is sent; without a
    verified sender it still previews (``sendable: false`` with the reason's code)."""
    order = orders.load(site_id, order_id)
    sender: str | None = None
    problem: str | None = None
    try:
        sender = _default_sender(site_id, body.sender)
    except DomainError as exc:
        if exc.code == "SENDER_NOT_ALLOWED":
            raise
        problem = exc.code  # the text can be previewed before the sender is verified
    composed, to = _compose(site_id, order, body)
    return {**composed.as_dict(), "role": body.role, "to": text_rules.mask(to),
            "sender": text_rules.pretty(sender) if sender else None, "sendable": sender is not None,
            "sender_problem": problem}


# ---- sending -------------------------------------------------------------------------------------


def new_message_id() -> str:
    """Sortable by creation time: M + UTC yyyymmddHHMMSS + 8 hex."""
    return "M" + utcnow().strftime("%Y%m%d%H%M%S") + secrets.token_hex(4)


def _event_data(msg: dict[str, Any], result: str, **more: Any) -> dict[str, Any]:
    return {"message_id": msg["message_id"], "type": msg["msg_type"], "role": msg["role"],
            "to": text_rules.mask(msg["to"]), "sender": text_rules.pretty(msg["sender"]),
            "excerpt": text_rules.excerpt(msg["text"]), "attempt": msg["attempt"], "result": result, **more}


def send(site_id: str, order_id: str, body: MessageIn, actor: Actor) -> tuple[dict[str, Any], bool]:
    """Queue a message (``sending``); ``(message, created)``. A known ``message_id`` answers the
    stored message. The relay sends it once the change commits (:func:`deliver`)."""
    if body.message_id:
        existing = store.get_message(site_id, order_id, body.message_id)
        if existing is not None:
            return view(existing), False
    order = orders.load(site_id, order_id)
    with order_service.recording_refusals(site_id, order_id, actor, "message"):
        sender = _default_sender(site_id, body.sender)
        composed, to = _compose(site_id, order, body)
    at = iso(utcnow())
    msg: dict[str, Any] = {
        "message_id": body.message_id or new_message_id(), "site_id": site_id, "order_id": order_id,
        "role": body.role, "to": to, "sender": sender, "msg_type": composed.type, "text": composed.text,
        "title": composed.title, "bytes": composed.bytes, "template_id": body.template_id,
        "replacements": [r.as_dict() for r in composed.replacements],
        "status": "sending", "attempt": 1, "created_at": at, "created_by": actor.as_dict(), "updated_at": at,
    }
    msg = {k: v for k, v in msg.items() if v is not None}
    event = Event("message", actor, at,
                  _event_data(msg, "sending", text_ko=f"{_who(msg)}에게 {composed.type} 발송 요청"))
    try:
        with order_service.recording_refusals(site_id, order_id, actor, "message", unless={"MESSAGE_EXISTS"}):
            commit_event(site_id, order_id, event, [
                (store.sender_verified_check(site_id, sender), store.sender_not_verified(sender)),
                *store.new_message_actions(site_id, order_id, msg),
            ], actor, [outbox.sms(msg["message_id"], 1)])
    except DomainError as exc:
        stored = store.get_message(site_id, order_id, msg["message_id"]) if exc.code == "MESSAGE_EXISTS" else None
        if stored is None:
            raise
        return view(stored), False
    return view(msg), True


def resend(site_id: str, order_id: str, message_id: str, actor: Actor) -> dict[str, Any]:
    """Send a failed message again (same id, same text) from the site's current verified sender."""
    msg = store.get_message(site_id, order_id, message_id)
    if msg is None:
        raise DomainError("MESSAGE_NOT_FOUND", f"메시지를 찾을 수 없습니다: {message_id}", status=404)
    orders.get_header(site_id, order_id)
    with order_service.recording_refusals(site_id, order_id, actor, "message"):
        if msg["status"] != "failed" or msg.get("channel") == "alimtalk":
            raise Conflict("MESSAGE_NOT_RESENDABLE", "실패한 메시지만 다시 보낼 수 있습니다.",
                           extra={"message_id": message_id, "message_status": msg["status"]})
        sender = _default_sender(site_id, None)
    at = iso(utcnow())
    msg.update(attempt=int(msg["attempt"]) + 1, sender=sender, status="sending")
    event = Event("message", actor, at, _event_data(msg, "sending",
                                                    text_ko=f"{_who(msg)}에게 {msg['msg_type']} 재발송 요청"))
    with order_service.recording_refusals(site_id, order_id, actor, "message"):
        commit_event(site_id, order_id, event, [
            (store.sender_verified_check(site_id, sender), store.sender_not_verified(sender)),
            *store.resend_actions(site_id, order_id, message_id, msg["attempt"], sender, at, actor.as_dict()),
        ], actor, [outbox.sms(message_id, int(msg["attempt"]))])
    return view(msg)


def commit_event(site_id: str, order_id: str, event: Event, actions: list[tuple[dict[str, Any], DomainError | None]],
                  actor: Actor, intents: list[Intent] | None = None) -> None:
    """The timeline entry and the message's actions (and the send's intent) in one order
    transaction; a lost version race is decided again on a fresh read (the message's conditions,
    not the order's version, decide who sends)."""

    def write(_order: Order) -> orders.Write:
        w = orders.Write()
        for action, refusal in actions:
            w.add(action, refusal)
        return w

    order_service.run_change(site_id, order_id, actor,
                             lambda o, _at: Change(o.clone(), [event], set(), intents=list(intents or [])),
                             attempts=COMMIT_ATTEMPTS, extra=write)


def _who(msg: dict[str, Any]) -> str:
    return "구매자" if msg["role"] == "buyer" else "수령자"


# ---- delivering (the relay) ----------------------------------------------------------------------

LABEL_KO = {"sms": "문자 발송"}


def deliver(d: relay.Delivery) -> dict[str, Any]:
    """The ``sms`` intent: call the provider for the claimed attempt (the message id is its
    idempotency key: an accepted id sent again is answered, not sent again) and record its answer.
    A provider that cannot be reached is a :class:`~oms.services.relay.Retry`."""
    message_id, attempt = str(d.intent.data["message_id"]), int(d.intent.data["attempt"])
    msg = store.get_message(d.site_id, d.order_id, message_id)
    if msg is None or msg["status"] != "sending" or int(msg["attempt"]) != attempt:
        return {"skipped": "message not sending this attempt"}
    outbound = sms.OutboundSms(message_id=message_id, site_id=d.site_id, type=msg["msg_type"],
                               sender=msg["sender"], to=msg["to"], text=msg["text"], title=msg.get("title"))
    try:
        result = sms.sender().send(outbound)
    except Exception as exc:  # configuration or adapter failure: tried again, then recorded as failed
        logger.exception("SMS provider call failed", extra={"message_id": message_id})
        raise relay.Retry(type(exc).__name__, sms.REASONS_KO["provider_unavailable"]) from exc
    if not result.accepted and result.reason in sms.RETRYABLE:
        raise relay.Retry(f"{result.provider}:{result.provider_code}", sms.REASONS_KO["provider_unavailable"])
    _record(d.site_id, d.order_id, msg, result)
    return {"status": "sent" if result.accepted else "failed"}


def give_up(d: relay.Delivery, exc: relay.Retry) -> None:
    """The provider stayed unreachable: the message is ``failed`` (it can be resent)."""
    msg = store.get_message(d.site_id, d.order_id, str(d.intent.data["message_id"]))
    if msg is None or msg["status"] != "sending" or int(msg["attempt"]) != int(d.intent.data["attempt"]):
        return
    provider, _, code = exc.reason.rpartition(":")
    _record(d.site_id, d.order_id, msg, sms.SendResult(
        provider=provider or os.environ.get("SMS_PROVIDER", "?"), accepted=False, provider_code=code,
        provider_message="provider call failed", reason="provider_unavailable"))


def _record(site_id: str, order_id: str, msg: dict[str, Any], result: sms.SendResult) -> None:
    at = iso(utcnow())
    status = "sent" if result.accepted else "failed"
    reason_ko = sms.REASONS_KO.get(result.reason or "") if result.reason else None
    record = {**result.as_dict(), "attempt": msg["attempt"], "at": at, "status": status, "reason_ko": reason_ko,
              "sender": msg["sender"], "by": relay.RELAY.as_dict()}
    logger.info("buyer message", extra={
        "site_id": site_id, "order_id": order_id, "message_id": msg["message_id"], "type": msg["msg_type"],
        "to": text_rules.mask(msg["to"]), "attempt": msg["attempt"], "status": status, "reason": result.reason,
        "provider": result.provider, "provider_code": result.provider_code})
    more: dict[str, Any] = {"provider": result.provider}
    if result.reason:
        more.update(reason=result.reason, reason_ko=reason_ko, provider_code=result.provider_code)
    text_ko = (f"{_who(msg)}에게 {msg['msg_type']} 발송됨" if result.accepted
               else f"{_who(msg)}에게 {msg['msg_type']} 발송 실패: {reason_ko}")
    try:
        commit_event(site_id, order_id, Event("message_result", relay.RELAY, at,
                                               _event_data(msg, status, text_ko=text_ko, **more)),
                      store.result_actions(site_id, order_id, msg["message_id"], msg["attempt"], status, record, at),
                      relay.RELAY)
    except DomainError as exc:  # another delivery of this attempt recorded it first
        if exc.code != "MESSAGE_STATE_CHANGED":
            raise


# ---- reading -------------------------------------------------------------------------------------


def view(msg: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in msg.items() if k != "msg_type"}
    out["type"] = msg["msg_type"]
    out["to_masked"] = text_rules.mask(msg["to"])
    out["channel"] = msg.get("channel") or "sms"
    if out["channel"] == "alimtalk":  # a 알림톡 goes from the site's KakaoTalk channel, not a number
        out["sender_display"] = "카카오톡 채널"
    else:
        out["sender_display"] = text_rules.pretty(msg["sender"])
    out.pop("reason_ko", None)
    if msg.get("reason"):  # a 알림톡's reason is the 알림톡 port's (stored with it); an SMS's is ours
        out["reason_ko"] = msg.get("reason_ko") if out["channel"] == "alimtalk" else sms.REASONS_KO.get(msg["reason"])
    out["resendable"] = msg["status"] == "failed" and out["channel"] != "alimtalk"
    return out


def list_messages(site_id: str, order_id: str) -> dict[str, Any]:
    orders.get_header(site_id, order_id)  # 404 for an unknown order or another site's
    return {"messages": [view(m) for m in store.list_messages(site_id, order_id)]}


def get_message(site_id: str, order_id: str, message_id: str) -> dict[str, Any]:
    msg = store.get_message(site_id, order_id, message_id)
    if msg is None:
        raise DomainError("MESSAGE_NOT_FOUND", f"메시지를 찾을 수 없습니다: {message_id}", status=404)
    return view(msg)
