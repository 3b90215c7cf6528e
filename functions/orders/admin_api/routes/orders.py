"""/admin/orders: list with tabs, detail, status changes (one order or up to 50), memos, timeline."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from oms.http import admin_identity
from oms.schemas.common import CursorQuery
from oms.schemas.orders import BulkResult, BulkStatusIn, ListQuery, MemoIn, StatusChangeIn
from oms.schemas.paths import OrderIdPath
from oms.services import listing
from oms.services import orders as svc

router = Router()


@router.get("", summary="주문 목록 (상태 탭, 건수, 필터, 검색, 품목 미리보기)")
def list_orders(query: Annotated[ListQuery, Query()]) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return listing.list_orders(site_id, query)


@router.get("/<order_id>", summary="주문 상세")
def get_order(order_id: OrderIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.get_detail(site_id, order_id)


@router.post("/<order_id>/status", summary="품목·수량 단위 상태 변경")
def change_status(order_id: OrderIdPath, body: StatusChangeIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return svc.change_status(site_id, order_id, body.moves, actor, body.expected_version).detail()


@router.post("/bulk/status", summary="일괄 상태 변경 (최대 50건, 주문별 결과)")
def bulk_status(body: BulkStatusIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    results: list[BulkResult] = svc.bulk_change(site_id, body, actor)
    return {
        "results": [r.model_dump(exclude_none=True) for r in results],
        "done": sum(r.result == "done" for r in results),
        "refused": sum(r.result == "refused" for r in results),
    }


@router.post("/<order_id>/reopen", summary="거래 재개")
def reopen(order_id: OrderIdPath) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return svc.reopen_order(site_id, order_id, actor).detail()


@router.post("/<order_id>/memos", summary="주문 메모 작성 (타임라인)")
def add_memo(order_id: OrderIdPath, body: MemoIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    order = svc.memo(site_id, order_id, body.text, actor).order
    return {"order_id": order_id, "memo_count": order.memo_count,
            "last_memo": vars(order.last_memo) if order.last_memo else None}, 201


@router.get("/<order_id>/timeline", summary="타임라인 (변경·메모·거절 이력)")
def get_timeline(
    order_id: OrderIdPath,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[CursorQuery | None, Query()] = None,
) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.timeline(site_id, order_id, limit, cursor)
