"""/admin: tracking numbers (detail and list row), shipments, 배송없음 → 배송완료, 합배송, couriers,
invoice Excel imports (presigned upload, status, result). The .xlsx template itself is served by
InvoicesFunction (GET /admin/invoices/template), which ships openpyxl."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from oms.http import admin_identity
from oms.schemas.paths import ImportIdPath, OrderIdPath, ShipmentIdPath
from oms.schemas.shipping import BulkOrdersIn, CombinedIn, CorrectTrackingIn, ImportIn, ResolveIssueIn, TrackingIn
from oms.services import shipping as svc
from oms.services import tracking_issues

router = Router()


@router.post("/orders/<order_id>/tracking", summary="송장번호 등록·수정·삭제 (배송대기 품목, 상태는 바뀌지 않음)")
def set_tracking(order_id: OrderIdPath, body: TrackingIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return svc.tracking(site_id, order_id, body, actor).detail()


@router.get("/orders/<order_id>/shipments", summary="배송 정보 (배송방법, 택배사, 송장번호, 조회 링크)")
def get_shipments(order_id: OrderIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.get_shipments(site_id, order_id)


@router.post("/orders/<order_id>/shipments/<shipment_id>/issue/resolve",
             summary="배송 이상 처리 (처리 내용과 처리자를 기록)")
def resolve_issue(order_id: OrderIdPath, shipment_id: ShipmentIdPath, body: ResolveIssueIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return tracking_issues.resolve(site_id, order_id, shipment_id, body, actor).detail()


@router.post("/orders/<order_id>/shipments/<shipment_id>/correct",
             summary="발송 후 송장번호 수정 (배송대기·배송중; 기록 후 배송추적 다시 등록)")
def correct_tracking(order_id: OrderIdPath, shipment_id: ShipmentIdPath, body: CorrectTrackingIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return tracking_issues.correct(site_id, order_id, shipment_id, body, actor).detail()


@router.post("/orders/bulk/deliver-no-shipping", summary="배송없음 품목 일괄 배송완료 (단계별 기록, 최대 50건)")
def deliver_no_shipping(body: BulkOrdersIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    results = svc.bulk_deliver_no_shipping(site_id, body, actor)
    return {"results": [r.model_dump(exclude_none=True) for r in results],
            "done": sum(r.result == "done" for r in results),
            "refused": sum(r.result == "refused" for r in results)}


@router.post("/shipments/combined", summary="합배송 (같은 구매자·배송지 주문을 한 송장으로)")
def combined(body: CombinedIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    return svc.combine(site_id, body, actor), 201


@router.get("/couriers", summary="택배사 목록 (코드, 이름, 배송조회 URL)")
def list_couriers() -> dict[str, Any]:
    admin_identity(router)
    return {"couriers": svc.courier_catalog()}


@router.post("/invoices/imports", summary="송장 엑셀 업로드 시작 (업로드용 presigned PUT URL 발급)")
def start_import(body: ImportIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    from oms.services import invoices  # upload routes only: ingestion stays out of the cold start

    return invoices.start_import(site_id, actor, body.filename), 201


@router.get("/invoices/imports", summary="송장 업로드 목록")
def list_imports(limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    from oms.services import invoices

    return {"imports": invoices.list_imports(site_id, limit)}


@router.get("/invoices/imports/<import_id>", summary="송장 업로드 상태·진행률·결과 파일")
def get_import(import_id: ImportIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    from oms.services import invoices

    return invoices.get_import(site_id, import_id)


@router.post("/invoices/imports/<import_id>/resume",
             summary="멈춘 송장 업로드 이어서 처리 (아직 적용되지 않은 주문만 적용, 반복 호출해도 안전)")
def resume_import(import_id: str) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    from oms.services import invoices

    return invoices.resume_import(site_id, import_id, actor)
