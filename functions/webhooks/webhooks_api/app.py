"""Entry point of WebhooksFunction: ``POST /webhooks/{provider}``.

A plain handler rather than the Event Handler resolver: one route, and the resolver keeps the
current request on a module global, while this handler must stay correct when invoked
concurrently (the tests drive it from many threads at once).
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms.http import log_unexpected
from oms.http.body import check_json_bytes
from oms.services import webhooks

logger = Logger()
tracer = Tracer()


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    ctype = "application/json" if status < 400 else "application/problem+json"
    return {"statusCode": status, "headers": {"content-type": ctype},
            "body": json.dumps({"status": status, **body} if status >= 400 else body, ensure_ascii=False)}


def _internal_error(req: APIGatewayProxyEventV2, exc: Exception) -> dict[str, Any]:
    correlation_id = log_unexpected(exc, req.request_context.request_id)
    return _response(500, {"code": "INTERNAL_ERROR", "message_ko": "일시적인 오류가 발생했습니다.",
                           "correlation_id": correlation_id})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    req = APIGatewayProxyEventV2(event)
    if req.request_context.http.method != "POST":
        return _response(405, {"code": "METHOD_NOT_ALLOWED", "message_ko": "POST만 허용됩니다."})
    provider = (req.path_parameters or {}).get("provider", "")
    raw = req.body or ""
    try:
        body = base64.b64decode(raw) if req.is_base64_encoded else raw.encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        body = b"\xff"  # not base64 / unpaired surrogates: refused below as not UTF-8
    refusal = check_json_bytes(body)
    if refusal is not None:
        return _response(refusal.status, {"code": refusal.code, "message_ko": refusal.message_ko,
                                          "detail": refusal.detail, "field": refusal.field})
    try:
        answer = webhooks.handle(provider, dict(req.headers or {}), body, context)
    except Exception as exc:
        return _internal_error(req, exc)
    if os.getenv("POWERTOOLS_METRICS_DISABLED", "").lower() != "true":  # Powertools' own switch
        with single_metric(name="PgCallback", unit=MetricUnit.Count, value=1,
                           namespace=os.getenv("POWERTOOLS_METRICS_NAMESPACE", "Oms")) as metric:
            metric.add_dimension(name="provider", value=provider or "-")
            metric.add_dimension(name="outcome", value=str(answer.body.get("result") or answer.status))
    return _response(answer.status, answer.body)
