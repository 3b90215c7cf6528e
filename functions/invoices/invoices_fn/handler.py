"""Entry point of InvoicesFunction.

- S3 ``ObjectCreated`` on ``uploads/<site>/<import>.xlsx`` → :func:`oms.services.invoices.ingest_object`.
  If time runs short the handler raises after recording progress; Lambda's asynchronous retry
  delivers the event again and ingestion resumes where it stopped (no order is half-applied).
- ``GET /admin/invoices/template`` → the .xlsx template (this function ships openpyxl; the admin API
  function does not).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3Event
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability
from oms.domain.errors import DomainError
from oms.http import admin_identity, resolver

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()

# One binary route: no response-model validation (it would try to serialise the xlsx bytes).
app = resolver(enable_validation=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def _order_ids() -> Any:
    """The order-number list's validator, built on first use (the cold start does not build it)."""
    from pydantic import TypeAdapter

    from oms.schemas.common import OrderId

    return TypeAdapter(list[OrderId] | None)


@app.get("/admin/invoices/template", summary="송장 일괄 등록 엑셀 양식 (주문 1건 또는 여러 건)")
def template() -> Response[bytes]:
    from pydantic import ValidationError

    from oms.services import invoices  # the service (and openpyxl, later) on first use, not at the cold start

    site_id, _ = admin_identity(app)
    order_ids = app.current_event.get_query_string_value("order_ids")
    if order_ids is not None and len(order_ids) > 20_000:
        raise DomainError("TOO_MANY_ORDERS", "주문번호 목록이 너무 깁니다.", status=400, field="order_ids")
    ids = [i.strip() for i in order_ids.split(",") if i.strip()] if order_ids else None
    try:
        _order_ids().validate_python(ids)
    except ValidationError as exc:
        raise DomainError("INVALID_ORDER_ID", "주문번호 형식이 올바르지 않습니다 (영문·숫자·-·_ 40자 이내).",
                          status=400, field="order_ids") from exc
    body = invoices.build_template(site_id, ids)
    return Response(
        status_code=200, content_type=XLSX,
        body=body,  # bytes: sent base64-encoded (isBase64Encoded)
        headers={"Content-Disposition": 'attachment; filename="invoice-template.xlsx"'},
    )


def _ingest(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from oms.services import invoices  # on first use: the service stays out of the cold start

    s3 = S3Event(event)
    results = []
    for bucket, key in invoices.s3_records(s3.raw_event):
        logger.info("ingesting upload", extra={"bucket": bucket, "key": key})
        out = invoices.ingest_object(bucket, key, remaining_ms=context.get_remaining_time_in_millis)
        for k in ("applied", "refused", "skipped"):
            if k in out:
                metrics.add_metric(name=f"InvoiceRows{k.title()}", unit=MetricUnit.Count, value=out[k])
        results.append(out)
    return {"results": results}


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" in event:
        return _ingest(event, context)
    return app.resolve(event, context)
