"""Entry point of InvoicesFunction.

- S3 ``ObjectCreated`` on ``uploads/<site>/<import>.xlsx`` → :func:`oms.services.invoices.ingest_object`.
  If time runs short the handler raises after recording progress; Lambda's asynchronous retry
  delivers the event again and ingestion resumes where it stopped (no order is half-applied).
- ``GET /admin/invoices/template`` → the .xlsx template (this function ships openpyxl; the admin API
  function does not).
"""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.shared.json_encoder import Encoder
from aws_lambda_powertools.utilities.data_classes import S3Event
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms.http import admin_identity, register_error_handlers
from oms.services import invoices

logger = Logger()
tracer = Tracer()
metrics = Metrics()

app = APIGatewayHttpResolver(
    enable_validation=True,
    serializer=partial(json.dumps, separators=(",", ":"), cls=Encoder, ensure_ascii=False),
)
register_error_handlers(app)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@app.get("/admin/invoices/template", summary="송장 일괄 등록 엑셀 양식 (주문 1건 또는 여러 건)")
def template(order_ids: Annotated[str | None, Query(max_length=20_000)] = None) -> Response[bytes]:
    site_id, _ = admin_identity(app)
    ids = [i.strip() for i in order_ids.split(",") if i.strip()] if order_ids else None
    body = invoices.build_template(site_id, ids)
    return Response(
        status_code=200, content_type=XLSX,
        body=body,  # bytes: sent base64-encoded (isBase64Encoded)
        headers={"Content-Disposition": 'attachment; filename="invoice-template.xlsx"'},
    )


def _ingest(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
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
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" in event:
        return _ingest(event, context)
    return app.resolve(event, context)
