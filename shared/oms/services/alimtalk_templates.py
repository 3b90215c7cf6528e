"""The site's 알림톡 templates and notification switches (docs/domain.md, "Buyer notifications (알림톡)").

A template is registered at the provider under the site's KakaoTalk channel (its sender key) and
goes to Kakao's review; its state follows the provider's: asked again when the templates are listed
(each one not decided yet) and by the sync route. Only an approved (``TSC03``) template sends; a
rejected one keeps the reviewer's reason and is registered again under a new code.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from oms.domain import alimtalk as rules
from oms.domain.clock import iso, utcnow
from oms.domain.errors import Conflict, DomainError
from oms.domain.order import Actor
from oms.integrations import alimtalk
from oms.schemas.alimtalk import AlimtalkTemplateIn, NotificationSettingsIn
from oms.schemas.settings import NotificationSettings, SiteSettingsPatch
from oms.store import alimtalk as store
from oms.store import settings

logger = Logger(child=True)
DECIDED = frozenset({rules.APPROVED, rules.REJECTED})


def _provider_error(exc: alimtalk.AlimtalkProviderError) -> DomainError:
    return DomainError(
        "ALIMTALK_PROVIDER_ERROR",
        "알림톡 발송 서비스가 템플릿 요청을 처리하지 못했습니다. 잠시 후 다시 시도하세요."
        if exc.retryable else f"알림톡 발송 서비스가 템플릿 요청을 거절했습니다: {exc.message}",
        status=503 if exc.retryable else 422, extra={"provider_code": exc.code})


def view(t: dict[str, Any]) -> dict[str, Any]:
    return {**t, "state_ko": rules.state_ko(str(t["state"])), "sendable": t["state"] == rules.APPROVED,
            "trigger_ko": rules.TRIGGERS.get(str(t.get("trigger")), "")}


def sender_key(site_id: str) -> str:
    key = settings.get(site_id).notifications.sender_key
    if not key:
        raise Conflict("NO_KAKAO_CHANNEL",
                       "카카오톡 채널(발신 키)이 설정되지 않았습니다. 알림톡 설정에서 먼저 등록하세요.")
    return key


def register(site_id: str, body: AlimtalkTemplateIn, actor: Actor) -> dict[str, Any]:
    """Register a template at the provider for Kakao's review, then keep it with the state answered."""
    rules.check_template(body.text)
    key = sender_key(site_id)
    if store.get_template(site_id, body.code) is not None:
        raise Conflict("ALIMTALK_TEMPLATE_EXISTS", f"이미 등록된 템플릿 코드입니다: {body.code}",
                       extra={"code": body.code})
    buttons = [alimtalk.Button(b.name, b.link_mo, b.link_pc) for b in body.buttons]
    provider = alimtalk.sender()
    try:
        status = provider.register_template(key, body.code, body.name, body.text, buttons)
    except alimtalk.AlimtalkProviderError as exc:
        raise _provider_error(exc) from exc
    at = iso(utcnow())
    template = {"code": body.code, "name": body.name, "trigger": body.trigger, "text": body.text,
                "buttons": [b.as_dict() for b in buttons], "sender_key": key, "provider": provider.name,
                "provider_template_id": status.provider_template_id, "state": status.state,
                "reason": status.reason, "requested_at": at, "requested_by": actor.id, "checked_at": at}
    template = {k: v for k, v in template.items() if v is not None}
    store.put_new_template(site_id, template)
    logger.info("alimtalk template registered", extra={"site_id": site_id, "code": body.code, "state": status.state})
    return view(template)


def refresh(site_id: str, t: dict[str, Any]) -> None:
    """Ask the provider about one template and record a changed state (``t`` updated in place)."""
    try:
        status = alimtalk.sender(t.get("provider")).template_status(
            str(t["sender_key"]), str(t["code"]), str(t["provider_template_id"]))
    except alimtalk.AlimtalkProviderError as exc:
        t["check_error"] = exc.code
        return
    if status.state == t["state"] and status.reason == t.get("reason"):
        return
    at = iso(utcnow())
    store.set_state(site_id, str(t["code"]), status.state, status.reason, at)
    t.update(state=status.state, checked_at=at)
    t.pop("reason", None)
    if status.reason:
        t["reason"] = status.reason


def list_templates(site_id: str) -> dict[str, Any]:
    """The site's templates, each not decided yet (요청 / 검수 중) checked with the provider first."""
    templates = store.list_templates(site_id)
    for t in templates:
        if t["state"] not in DECIDED:
            refresh(site_id, t)
    return {"templates": [view(t) for t in templates], "variables": rules.VARIABLES, "triggers": rules.TRIGGERS}


def sync(site_id: str, code: str) -> dict[str, Any]:
    """One template's state as the provider has it now (an approved one can still be turned down)."""
    t = store.get_template(site_id, code)
    if t is None:
        raise DomainError("ALIMTALK_TEMPLATE_NOT_FOUND", f"알림톡 템플릿을 찾을 수 없습니다: {code}", status=404,
                          field="code")
    refresh(site_id, t)
    if "check_error" in t:
        raise DomainError("ALIMTALK_PROVIDER_ERROR", "알림톡 발송 서비스에 템플릿 상태를 확인하지 못했습니다.",
                          status=503, extra={"provider_code": t["check_error"]})
    return view(t)


def template_for(site_id: str, trigger: str) -> dict[str, Any] | None:
    """The template a trigger sends: the newest approved one, else the newest of any state (it is not
    sent as 알림톡 then: its text goes by SMS); None when the site has none for the trigger. A template
    still under review is asked about first (it may have been approved since it was last read)."""
    mine = sorted((t for t in store.list_templates(site_id) if t.get("trigger") == trigger),
                  key=lambda t: str(t.get("requested_at") or ""), reverse=True)
    for t in mine:
        if t["state"] not in DECIDED:
            refresh(site_id, t)
    approved = [t for t in mine if t["state"] == rules.APPROVED]
    chosen = approved or mine
    return chosen[0] if chosen else None


# ---- the switches ---------------------------------------------------------------------------------


def _answer(current: NotificationSettings, version: int) -> dict[str, Any]:
    return {**current.model_dump(mode="json"), "version": version, "triggers": rules.TRIGGERS}


def get_settings(site_id: str) -> dict[str, Any]:
    current, version = settings.read(site_id)
    return _answer(current.notifications, version)


def put_settings(site_id: str, body: NotificationSettingsIn, actor: Actor) -> dict[str, Any]:
    if body.order_link is not None and "{order_id}" not in body.order_link:
        raise DomainError("ORDER_LINK_INVALID", "주문 링크에는 {order_id} 자리가 있어야 합니다.", field="order_link",
                          status=400)
    section = NotificationSettings.model_validate(body.model_dump(exclude={"expected_version"}))
    saved, version = settings.save(site_id, SiteSettingsPatch(expected_version=body.expected_version,
                                                              notifications=section), actor.id)
    return _answer(saved.notifications, version)
