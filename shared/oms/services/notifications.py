"""Buyer notifications: a KakaoTalk 알림톡 on the order events the site switches on, with the same
text by SMS/LMS when the buyer cannot get it (docs/domain.md, "Buyer notifications (알림톡)").

Both halves run in the relay (``oms.services.relay``), after the change committed:

- the expander (:mod:`oms.services.notification_triggers`): the triggers a committed change's events
  signal (:func:`oms.domain.alimtalk.triggers_of`), read against the site's switches — one settings
  read per record that signals any, at relay time, never in the change's transaction — answer one
  ``notify:<trigger>`` intent each;
- :func:`deliver` (the deliverer of ``notify``): fills the site's approved template for the trigger
  with the order's values as they are now and sends it with the relay's idempotency key. When the
  buyer is not a KakaoTalk user, the text does not match the approved template, the template is not
  approved (or the channel's first-use limit refuses a value), the same text goes as SMS/LMS from
  the site's verified default sender under the existing cp949 rules, with its own stable key. An
  unreachable provider is retried (:class:`~oms.services.relay.Retry`); on the last attempt an
  unreachable 알림톡 provider falls back to SMS too.

Each 알림톡 and each fallback is a message item of the order with a ``notification`` timeline entry
(:mod:`oms.services.notification_records`).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from oms.domain import alimtalk as rules
from oms.domain import messages as text_rules
from oms.domain.clock import iso, utcnow
from oms.domain.errors import DomainError
from oms.domain.order import Event, Order
from oms.integrations import alimtalk, sms
from oms.services import alimtalk_templates, relay
from oms.services import messages as message_service
from oms.services import notification_records as records
from oms.store import messages as msg_store
from oms.store import orders, settings
from oms.store import outbox as outbox_store

LABEL_KO = {"notify": "구매자 알림(알림톡)"}
#: why a 알림톡 was not even sent: the provider's reasons, and the site without a KakaoTalk channel
NOT_SENT_KO = {**alimtalk.REASONS_KO, "no_kakao_channel": "카카오톡 채널(발신 키)이 설정되지 않았습니다."}
logger = Logger(child=True)


def _note(d: relay.Delivery, trigger: str, code: str, text_ko: str) -> None:
    """A notification that could not be made at all (no template, no value): on the timeline."""
    outbox_store.note(d.record, Event("notification", relay.RELAY, iso(utcnow()), {
        "trigger": trigger, "trigger_ko": rules.TRIGGERS.get(trigger, trigger), "channel": "none",
        "result": "not_sent", "reason": code, "text_ko": text_ko}))


def deliver(d: relay.Delivery) -> dict[str, Any]:
    trigger = str(d.intent.data["trigger"])
    label = rules.TRIGGERS.get(trigger, trigger)
    ids = records.ids(d)
    order = orders.load(d.site_id, d.order_id)
    conf = settings.get(d.site_id).notifications
    template = alimtalk_templates.template_for(d.site_id, trigger)
    if template is None:
        _note(d, trigger, "NO_TEMPLATE", f"{label} 알림 없음: 이 이벤트의 알림톡 템플릿이 없습니다.")
        return {"status": "skipped", "reason": "no_template"}
    limit_refused = False
    try:
        to = text_rules.recipient_number(order.buyer.phone)
        values = records.values(order, conf)
        try:
            filled = rules.fill(str(template["text"]), values, first_use_limit=conf.first_use_limit)
        except DomainError as exc:
            if exc.code != "ALIMTALK_VARIABLE_TOO_LONG":
                raise
            limit_refused, filled = True, rules.fill(str(template["text"]), values)
    except DomainError as exc:
        _note(d, trigger, exc.code, f"{label} 알림 보내지 못함: {exc.message_ko}")
        return {"status": "not_sent", "reason": exc.code}

    sent = msg_store.get_message(d.site_id, d.order_id, ids.alimtalk)
    if sent is None:
        sent = _send_alimtalk(d, template, conf, to, filled, ids.alimtalk, limit_refused)
    if sent["status"] == "sent":
        return {"status": "sent", "channel": "alimtalk", "message_id": sent["message_id"]}
    return _fallback(d, order, template, filled.text, to, ids, sent)


def _send_alimtalk(d: relay.Delivery, template: dict[str, Any], conf: Any, to: str, filled: rules.Filled,
                   message_id: str, limit_refused: bool) -> dict[str, Any]:
    """Send the 알림톡 (or decide it cannot go) and record the outcome."""
    trigger = str(d.intent.data["trigger"])
    label = rules.TRIGGERS.get(trigger, trigger)
    reason: str | None = None
    if template["state"] != rules.APPROVED:
        reason = "template_not_approved"
    elif limit_refused:
        reason = "variable_too_long"
    elif not conf.sender_key:
        reason = "no_kakao_channel"
    if reason is not None:  # never sent: the provider would refuse it
        msg = records.message(d, message_id, "alimtalk", "ALIMTALK", to, filled.text, status="not_sent",
                              template=template, reason=reason, reason_ko=NOT_SENT_KO[reason])
        return records.record(d, msg, f"{label} 알림톡 보내지 않음: {NOT_SENT_KO[reason]}")
    outbound = alimtalk.OutboundAlimtalk(
        idempotency_key=records.provider_key(d), site_id=d.site_id, sender_key=str(conf.sender_key),
        template_code=str(template.get("provider_template_id") or template["code"]), to=to,
        variables=filled.variables, text=filled.text)
    try:
        result = alimtalk.sender(template.get("provider")).send(outbound)
    except Exception as exc:  # configuration or adapter failure: like an unreachable provider
        logger.exception("알림톡 provider call failed", extra={"site_id": d.site_id, "order_id": d.order_id,
                                                            "message_id": message_id})
        result = alimtalk.SendResult(str(template.get("provider") or "?"), False, provider_code=type(exc).__name__,
                                     provider_message="provider call failed", reason="provider_unavailable")
    if result.retryable and d.attempt < d.max_attempts:
        raise relay.Retry(f"{result.provider}:{result.provider_code}", alimtalk.REASONS_KO["provider_unavailable"])
    status = "sent" if result.accepted else "failed"
    reason_ko = alimtalk.REASONS_KO.get(result.reason or "") if result.reason else None
    msg = records.message(d, message_id, "alimtalk", "ALIMTALK", to, filled.text, status=status, template=template,
                          result=result.as_dict(), reason_ko=reason_ko)
    text_ko = f"{label} 알림톡 발송됨" if result.accepted else f"{label} 알림톡 실패: {reason_ko}"
    return records.record(d, msg, text_ko)


def _fallback(d: relay.Delivery, order: Order, template: dict[str, Any], text: str, to: str, ids: records.Ids,
              failed: dict[str, Any], forced: sms.SendResult | None = None) -> dict[str, Any]:
    """The same text by SMS/LMS from the site's verified default sender (the existing rules)."""
    trigger = str(d.intent.data["trigger"])
    label = rules.TRIGGERS.get(trigger, trigger)
    done = msg_store.get_message(d.site_id, d.order_id, ids.fallback)
    if done is not None:
        return {"status": done["status"], "channel": "sms", "message_id": done["message_id"]}
    try:
        sender = message_service.default_sender(d.site_id)
        composed = text_rules.compose(text, str(template.get("name") or "") or None)
    except DomainError as exc:
        _note(d, trigger, exc.code, f"{label} 문자 대체 발송 못함: {exc.message_ko}")
        return {"status": "not_sent", "channel": "sms", "reason": exc.code}
    outbound = sms.OutboundSms(message_id=ids.fallback, site_id=d.site_id, type=composed.type, sender=sender, to=to,
                               text=composed.text, title=composed.title)
    result = forced
    if result is None:
        try:
            result = sms.sender().send(outbound)
        except Exception as exc:  # configuration or adapter failure: tried again, then recorded as failed
            raise relay.Retry(type(exc).__name__, sms.REASONS_KO["provider_unavailable"]) from exc
        if result.retryable:
            raise relay.Retry(f"{result.provider}:{result.provider_code}", sms.REASONS_KO["provider_unavailable"])
    status = "sent" if result.accepted else "failed"
    reason_ko = sms.REASONS_KO.get(result.reason or "") if result.reason else None
    msg = records.message(d, ids.fallback, "sms", composed.type, to, composed.text, status=status, template=template,
                          result=result.as_dict(), reason_ko=reason_ko, sender=sender, title=composed.title,
                          bytes=composed.bytes, fallback_of=failed["message_id"])
    text_ko = (f"{label} 알림 {composed.type} 대체 발송됨" if result.accepted
               else f"{label} 알림 {composed.type} 대체 발송 실패: {reason_ko}")
    records.record(d, msg, text_ko)
    return {"status": status, "channel": "sms", "message_id": ids.fallback}


def give_up(d: relay.Delivery, exc: relay.Retry) -> None:
    """The SMS provider stayed unreachable for the fallback: the fallback is recorded ``failed``
    (it can be resent from the order detail like any failed message)."""
    ids = records.ids(d)
    failed = msg_store.get_message(d.site_id, d.order_id, ids.alimtalk)
    if failed is None or failed["status"] == "sent":
        return
    template = alimtalk_templates.template_for(d.site_id, str(d.intent.data["trigger"]))
    if template is None:
        return
    order = orders.load(d.site_id, d.order_id)
    provider, _, code = exc.reason.rpartition(":")
    forced = sms.SendResult(provider=provider or "?", accepted=False, provider_code=code,
                            provider_message="provider call failed", reason="provider_unavailable")
    _fallback(d, order, template, str(failed["text"]), str(failed["to"]), ids, failed, forced)
