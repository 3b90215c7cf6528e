"""/admin/webhooks: the site's webhook endpoints (HTTPS receivers of its order events), their
signing secrets and delivery log."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from oms.http import admin_identity
from oms.schemas.webhooks import EndpointIdPath, WebhookEndpointIn, WebhookEndpointPatch
from oms.services import webhook_endpoints as svc

router = Router()


@router.get("/endpoints", summary="웹훅 엔드포인트 목록과 이벤트 유형")
def list_endpoints() -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.list_endpoints(site_id)


@router.post("/endpoints", summary="웹훅 엔드포인트 등록 (서명 비밀키는 이 응답에서 한 번만 보입니다)")
def register(body: WebhookEndpointIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    return svc.register(site_id, body, actor), 201


@router.get("/endpoints/<endpoint_id>", summary="웹훅 엔드포인트 한 건")
def get_endpoint(endpoint_id: EndpointIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.get_endpoint(site_id, endpoint_id)


@router.patch("/endpoints/<endpoint_id>", summary="웹훅 엔드포인트 변경 (URL, 이벤트 유형, 사용/중지)")
def change(endpoint_id: EndpointIdPath, body: WebhookEndpointPatch) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return svc.change(site_id, endpoint_id, body, actor)


@router.post("/endpoints/<endpoint_id>/rotate-secret",
             summary="서명 비밀키 교체 (새 키는 한 번만 보이고, 이전 키도 24시간 함께 서명)")
def rotate_secret(endpoint_id: EndpointIdPath) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return svc.rotate_secret(site_id, endpoint_id, actor)


@router.delete("/endpoints/<endpoint_id>", summary="웹훅 엔드포인트 삭제")
def remove(endpoint_id: EndpointIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.remove(site_id, endpoint_id)


@router.get("/endpoints/<endpoint_id>/attempts", summary="웹훅 전송 기록 (최신순, 최근 100건, 30일 보관)")
def attempts(endpoint_id: EndpointIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.attempts(site_id, endpoint_id)
