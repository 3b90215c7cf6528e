"""/admin/views: saved views of the order list (a named search, tab and columns), the operator's own
and the site's shared ones."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from oms.http import admin_identity, granted
from oms.schemas.views import ViewChange, ViewIdPath, ViewIn
from oms.services import views as svc

router = Router()


@router.get("", summary="저장한 보기: 내 보기와 공유 보기, 열 목록")
def list_views() -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return svc.listing(site_id, actor, granted(router))


@router.post("", summary="현재 검색 저장 (공유는 '설정' 권한)")
def create(body: ViewIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    return svc.create(site_id, actor, granted(router), body), 201


@router.put("/<view_id>", summary="보기 바꾸기: 이름, 공유, 검색, 열 (읽은 version일 때만)")
def change(view_id: ViewIdPath, body: ViewChange) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return svc.change(site_id, actor, granted(router), view_id, body)


@router.delete("/<view_id>", summary="보기 지우기")
def remove(view_id: ViewIdPath) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return svc.remove(site_id, actor, granted(router), view_id)
