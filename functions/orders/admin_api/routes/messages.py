"""/admin: messages to the buyer (SMS/LMS) from the order detail, the site's sender numbers
(발신번호, verified at the provider) and message templates."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from oms.http import admin_identity
from oms.schemas.messages import DefaultSenderIn, MessageIn, SenderIn, SmsTemplateIn
from oms.schemas.paths import MessageIdPath, OrderIdPath, TemplateIdPath
from oms.services import message_senders as setup
from oms.services import messages as svc

router = Router()


@router.post("/orders/<order_id>/messages/preview", summary="문자 미리보기 (최종 본문, SMS/LMS, 바이트)")
def preview(order_id: OrderIdPath, body: MessageIn) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.preview(site_id, order_id, body)


@router.post("/orders/<order_id>/messages",
             summary="구매자·수령자에게 문자 발송 요청 (사이트 인증 발신번호; 발송중으로 답하고 곧 발송됨)")
def send(order_id: OrderIdPath, body: MessageIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    message, created = svc.send(site_id, order_id, body, actor)
    return message, 201 if created else 200


@router.get("/orders/<order_id>/messages", summary="주문의 문자 발송 내역 (최신순)")
def list_messages(order_id: OrderIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.list_messages(site_id, order_id)


@router.get("/orders/<order_id>/messages/<message_id>", summary="문자 한 건 (전체 본문, 결과, 시도 이력)")
def get_message(order_id: OrderIdPath, message_id: MessageIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.get_message(site_id, order_id, message_id)


@router.post("/orders/<order_id>/messages/<message_id>/resend", summary="실패한 문자 재발송 요청 (발송중으로 답함)")
def resend(order_id: OrderIdPath, message_id: MessageIdPath) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return svc.resend(site_id, order_id, message_id, actor)


@router.get("/messages/senders", summary="발신번호 목록 (인증 대기 번호는 발송사에 확인)")
def list_senders() -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return setup.list_senders(site_id)


@router.post("/messages/senders", summary="발신번호 등록 요청 (발송사 인증 대기)")
def register_sender(body: SenderIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    return setup.register_sender(site_id, body.number, body.label, actor), 201


@router.put("/messages/senders/default", summary="기본 발신번호 지정 (인증된 번호만)")
def choose_default(body: DefaultSenderIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return setup.choose_default(site_id, body.number, actor)


@router.get("/messages/templates", summary="문자 템플릿 목록과 변수")
def list_templates() -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return setup.list_templates(site_id)


@router.post("/messages/templates", summary="문자 템플릿 등록")
def create_template(body: SmsTemplateIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    return setup.put_template(site_id, None, body, actor), 201


@router.put("/messages/templates/<template_id>", summary="문자 템플릿 저장 (ID 지정)")
def put_template(template_id: TemplateIdPath, body: SmsTemplateIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return setup.put_template(site_id, template_id, body, actor)


@router.delete("/messages/templates/<template_id>", summary="문자 템플릿 삭제")
def delete_template(template_id: TemplateIdPath) -> tuple[dict[str, Any], int]:
    site_id, _ = admin_identity(router)
    setup.delete_template(site_id, template_id)
    return {"template_id": template_id, "deleted": True}, 200
