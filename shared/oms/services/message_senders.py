"""The site's sender numbers (발신번호 사전등록) and message templates.

A number is registered at the provider and stays ``pending`` until the provider verifies it
(``verified``) or refuses it (``rejected`` with the provider's reason); listing the numbers asks
the provider about each number that is not rejected. Only a verified number can become the site's default sender,
and messages are only ever sent from that number (checked again inside each send's transaction).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from aws_lambda_powertools import Logger

from oms.domain import messages as text_rules
from oms.domain.clock import iso, utcnow
from oms.domain.errors import Conflict, DomainError, NotFound
from oms.domain.order import Actor
from oms.integrations import sms
from oms.schemas.messages import SmsTemplateIn
from oms.store import messages as store

logger = Logger(child=True)


def _provider_error(exc: sms.SmsProviderError) -> DomainError:
    return DomainError(
        "SMS_PROVIDER_ERROR",
        "문자 발송 서비스가 발신번호 요청을 처리하지 못했습니다. 잠시 후 다시 시도하세요."
        if exc.retryable else f"문자 발송 서비스가 발신번호 요청을 거절했습니다: {exc.message}",
        status=503 if exc.retryable else 422, extra={"provider_code": exc.code},
    )


def _view(sender: dict[str, Any], default: str | None) -> dict[str, Any]:
    return {**sender, "display": text_rules.pretty(sender["number"]), "default": sender["number"] == default}


def register_sender(site_id: str, raw_number: str, label: str | None, actor: Actor) -> dict[str, Any]:
    number = text_rules.sender_number(raw_number)
    existing = store.get_sender(site_id, number)
    if existing and existing["state"] != "rejected":
        raise Conflict("SENDER_ALREADY_REGISTERED", f"이미 등록된 발신번호입니다: {text_rules.pretty(number)}",
                       extra={"number": number, "state": existing["state"]})
    owner = store.number_owner(number)
    if owner is not None and owner != site_id:
        raise store.held_by_other_site(number)
    provider = sms.sender()
    try:
        status = provider.request_sender(number, site_id=site_id)
    except sms.SmsProviderError as exc:
        raise _provider_error(exc) from exc
    at = iso(utcnow())
    sender = {"number": number, "label": label, "state": status.state, "reason": status.reason,
              "provider": provider.name, "requested_at": at, "requested_by": actor.id, "checked_at": at,
              "verified_at": at if status.state == "verified" else None}
    store.put_sender(site_id, sender)
    logger.info("sender number registered", extra={"site_id": site_id, "sender": text_rules.mask(number),
                                                   "state": status.state})
    return _view({k: v for k, v in sender.items() if v is not None}, store.get_config(site_id).get("default_sender"))


def _refresh(site_id: str, s: dict[str, Any]) -> None:
    """Ask the provider about one number and record a changed state (``s`` is updated in place)."""
    try:
        status = sms.sender().sender_status(s["number"])
    except sms.SmsProviderError as exc:
        s["check_error"] = exc.code
        return
    if status.state == s["state"] or (s["state"] == "verified" and status.state == "pending"):
        return
    at = iso(utcnow())
    store.set_sender_state(site_id, s["number"], status.state, status.reason, at)
    s.update(state=status.state, checked_at=at)
    if status.reason:
        s["reason"] = status.reason
    if status.state == "verified":
        s["verified_at"] = at


def list_senders(site_id: str) -> dict[str, Any]:
    """The site's numbers, each checked with the provider first (a pending number may have been
    verified or rejected since, a verified one blocked); a rejected number stays rejected."""
    senders = store.list_senders(site_id)
    for s in senders:
        if s["state"] != "rejected":
            _refresh(site_id, s)
    default = store.get_config(site_id).get("default_sender")
    return {"default_sender": default, "senders": [_view(s, default) for s in senders]}


def choose_default(site_id: str, raw_number: str, actor: Actor) -> dict[str, Any]:
    """Make a verified number the site's default sender (a pending one is checked with the provider first)."""
    number = text_rules.digits(raw_number)
    sender = store.get_sender(site_id, number)
    if sender is None:
        raise NotFound("sender", raw_number)
    if sender["state"] == "pending":
        _refresh(site_id, sender)
    store.set_default_sender(site_id, number, actor.id, iso(utcnow()))
    return list_senders(site_id)


# ---- templates -----------------------------------------------------------------------------------

_TEMPLATE_ID = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")


def _check_template_text(body: SmsTemplateIn) -> None:
    text_rules.check_template(body.text, "text")
    if body.title:
        text_rules.check_template(body.title, "title")
    # the fixed parts must be sendable already (the values are checked when a message is composed)
    for name, value in (("text", body.text), ("title", body.title or "")):
        fixed, _ = text_rules.apply_replacements(re.sub(r"#\{[^{}]*\}", "", value))
        text_rules.check_encodable(fixed, name)


def put_template(site_id: str, template_id: str | None, body: SmsTemplateIn, actor: Actor) -> dict[str, Any]:
    _check_template_text(body)
    if template_id is not None and not _TEMPLATE_ID.match(template_id):
        raise DomainError("TEMPLATE_ID_INVALID", "템플릿 ID는 영문·숫자·-·_ 40자까지입니다.", field="template_id",
                          status=400)
    template = {"template_id": template_id or f"T{secrets.token_hex(4)}", "name": body.name, "text": body.text,
                "title": body.title, "updated_at": iso(utcnow()), "updated_by": actor.id}
    store.put_template(site_id, {k: v for k, v in template.items() if v is not None})
    return {k: v for k, v in template.items() if v is not None}


def list_templates(site_id: str) -> dict[str, Any]:
    return {"templates": store.list_templates(site_id), "variables": text_rules.VARIABLES}


def get_template(site_id: str, template_id: str) -> dict[str, Any]:
    got = store.get_template(site_id, template_id)
    if got is None:
        raise DomainError("TEMPLATE_NOT_FOUND", f"문자 템플릿을 찾을 수 없습니다: {template_id}", status=404,
                          field="template_id")
    return got


def delete_template(site_id: str, template_id: str) -> None:
    if not store.delete_template(site_id, template_id):
        raise DomainError("TEMPLATE_NOT_FOUND", f"문자 템플릿을 찾을 수 없습니다: {template_id}", status=404)
