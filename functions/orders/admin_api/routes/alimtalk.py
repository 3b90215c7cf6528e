"""/admin/alimtalk: buyer notifications by 알림톡 — the site's templates under Kakao's review and the
order events the site notifies (the switches, the KakaoTalk channel, the order link)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from oms.http import admin_identity
from oms.schemas.alimtalk import AlimtalkTemplateIn, NotificationSettingsIn
from oms.schemas.paths import TemplateIdPath
from oms.services import alimtalk_templates as svc

router = Router()


@router.get("/templates", summary="알림톡 템플릿 목록 (검수 상태: 대기 중인 것은 발송사에 확인)")
def list_templates() -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.list_templates(site_id)


@router.post("/templates", summary="알림톡 템플릿 등록 (카카오 검수 요청)")
def register_template(body: AlimtalkTemplateIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    return svc.register(site_id, body, actor), 201


@router.post("/templates/<code>/sync", summary="알림톡 템플릿 검수 상태를 발송사에서 다시 읽기")
def sync_template(code: TemplateIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.sync(site_id, code)


@router.get("/settings", summary="알림톡 설정 (이벤트별 알림 켜기, 카카오톡 채널, 주문 링크)")
def get_settings() -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.get_settings(site_id)


@router.put("/settings", summary="알림톡 설정 저장 (expected_version 이 다르면 409)")
def put_settings(body: NotificationSettingsIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return svc.put_settings(site_id, body, actor)
