"""Entry point of ExportsFunction: export templates, Excel export of chosen orders, order sheets.

xlsxwriter and reportlab ship with this function only (functions/exports/Makefile), so the admin
API's cold start never loads them. Handlers are thin: identity, body model, one service call.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability
from oms.excel.export_fields import catalog
from oms.http import admin_identity, granted, request_meta, resolver
from oms.http.idempotency import idempotency_middleware
from oms.schemas.exports import ExportIn, ExportTemplateIn, SheetsIn
from oms.schemas.jobs import JobIn
from oms.schemas.paths import ExportIdPath, JobIdPath, OrderIdPath, TemplateIdPath
from oms.services import exports as svc
from oms.services import jobs, personal_data

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()

# the API document is the merged one of every function (``make openapi``), served at /swagger
app = resolver(enable_validation=True)
app.use(middlewares=[idempotency_middleware("exports")])  # Idempotency-Key on POST/PATCH/PUT, as the admin API

PDF = "application/pdf"
HTML = "text/html; charset=utf-8"


@app.get("/admin/exports/fields", summary="엑셀 내보내기 항목 목록 (필드, 한글 제목, 그룹)")
def fields() -> dict[str, Any]:
    admin_identity(app)
    return {"fields": catalog()}


@app.get("/admin/exports/templates", summary="엑셀 양식 목록 (기본 제공 + 사이트 양식)")
def list_templates() -> dict[str, Any]:
    site_id, _ = admin_identity(app)
    return {"templates": svc.list_templates(site_id)}


@app.post("/admin/exports/templates", summary="엑셀 양식 만들기")
def create_template(body: ExportTemplateIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(app)
    return svc.create_template(site_id, body, actor), 201


@app.get("/admin/exports/templates/<template_id>", summary="엑셀 양식 조회")
def get_template(template_id: TemplateIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(app)
    return svc.get_template(site_id, template_id)


@app.put("/admin/exports/templates/<template_id>", summary="엑셀 양식 바꾸기 (전체)")
def update_template(template_id: TemplateIdPath, body: ExportTemplateIn) -> dict[str, Any]:
    site_id, actor = admin_identity(app)
    return svc.update_template(site_id, template_id, body, actor)


@app.delete("/admin/exports/templates/<template_id>", summary="엑셀 양식 지우기")
def delete_template(template_id: TemplateIdPath) -> Response[str]:
    site_id, _ = admin_identity(app)
    svc.delete_template(site_id, template_id)
    return Response(status_code=204, body="")


@app.post("/admin/exports", summary="선택한 주문 엑셀 내보내기 (최대 50건, 다운로드 URL)")
def export(body: ExportIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(app)
    personal = personal_data.include(granted(app), body.personal, body.reason)
    answer = svc.export(site_id, body, actor, personal=personal)
    if personal:
        personal_data.record_download(site_id, actor, request_meta(app), "export", list(body.order_ids),
                                      size=answer["rows"], reason=body.reason,
                                      detail={"export_id": answer["export_id"]})
    return answer, 201


@app.get("/admin/exports/<export_id>", summary="내보낸 파일의 새 다운로드 URL (1일 보관)")
def download(export_id: ExportIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(app)
    return svc.download(site_id, export_id)


# The two document routes carry no return annotation on purpose: with one, the resolver's response
# validation would serialise the PDF bytes as JSON text; without, a non-JSON Response passes as is.
def _document(doc: bytes | str, name: str, fmt: str) -> Response[Any]:
    disposition = "inline" if fmt == "html" else "attachment"
    return Response(status_code=200, content_type=PDF if fmt == "pdf" else HTML, body=doc,
                    headers={"Content-Disposition": f'{disposition}; filename="{name}"',
                             "Cache-Control": "no-store"})


@app.get("/admin/orders/<order_id>/sheet", summary="주문서 출력 (HTML 인쇄용 또는 PDF)")
def sheet(order_id: OrderIdPath, format: Annotated[Literal["html", "pdf"], Query()] = "html",  # type: ignore[no-untyped-def]
          personal: Annotated[bool, Query(description="개인정보 포함 (사유 필수, 접속기록에 남음)")] = False,
          reason: Annotated[str | None, Query(max_length=200)] = None):
    site_id, actor = admin_identity(app)
    shown = personal_data.include(granted(app), personal, reason)
    doc, name = svc.sheets(site_id, [order_id], format, personal=shown)
    if shown:
        personal_data.record_download(site_id, actor, request_meta(app), "print", [order_id], size=1, reason=reason)
    return _document(doc, name, format)


@app.post("/admin/orders/sheets", summary="선택한 주문서 한번에 출력 (최대 50건, 주문마다 한 쪽)")
def sheets(body: SheetsIn):  # type: ignore[no-untyped-def]
    site_id, actor = admin_identity(app)
    shown = personal_data.include(granted(app), body.personal, body.reason)
    doc, name = svc.sheets(site_id, body.order_ids, body.format, personal=shown)
    if shown:
        personal_data.record_download(site_id, actor, request_meta(app), "print", list(body.order_ids),
                                      size=len(body.order_ids), reason=body.reason)
    return _document(doc, name, body.format)


@app.post("/admin/jobs", summary="검색결과·탭 전체 주문에 대한 작업 (상태 변경, 배송없음 배송완료, 엑셀, 주문서)")
def create_job(body: JobIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(app)
    return jobs.create(site_id, body, actor, granted=granted(app), meta=request_meta(app)), 202


@app.get("/admin/jobs", summary="작업 목록 (최근 순)")
def list_jobs(limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
    site_id, _ = admin_identity(app)
    return {"jobs": jobs.list_jobs(site_id, limit)}


@app.get("/admin/jobs/<job_id>", summary="작업 진행률과 결과 (거절된 주문과 사유, 파일)")
def get_job(job_id: JobIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(app)
    return jobs.get(site_id, job_id)


@app.post("/admin/jobs/<job_id>/cancel", summary="진행 중인 작업 취소")
def cancel_job(job_id: JobIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(app)
    return jobs.cancel(site_id, job_id)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
