"""Entry point of WebhooksFunction: ``POST /webhooks/{provider}`` (PG callbacks); TrackingWebhooksFunction
(``POST /webhooks/tracking/{provider}``, courier events) enters through :mod:`webhooks_api.tracking`,
the same reading of the request with its own route.

A plain handler rather than the Event Handler resolver: one route, and the resolver keeps the
current request on a module global, while this handler must stay correct when invoked
concurrently (the tests drive it from many threads at once).

Every answer of 400 and above is RFC 9457 problem+json with a stable ``code`` and ``message_ko``.
Nothing a caller sends can make the function fail: a body that cannot be decoded is 400, and an
unexpected error becomes a problem+json 500 with the correlation id (logged without the body).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability
from oms.json_body import check_json_bytes
from oms.observability import log_unexpected

if TYPE_CHECKING:  # imported by the first callback: the service stays out of the cold start
    from oms.services import webhooks

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it

_TITLES = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
           409: "Conflict", 422: "Unprocessable Content", 500: "Internal Server Error",
           503: "Service Unavailable"}


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    if status < 400:
        return {"statusCode": status, "headers": {"content-type": "application/json"},
                "body": json.dumps(body, ensure_ascii=False)}
    code = str(body.get("code") or "ERROR")
    problem = {"type": f"https://docs.oms.example/problems/{code.lower().replace('_', '-')}",
               "title": _TITLES.get(status, "Error"), "status": status,
               "detail": body.get("detail") or body.get("message_ko"), **body}
    return {"statusCode": status, "headers": {"content-type": "application/problem+json"},
            "body": json.dumps(problem, ensure_ascii=False, default=str)}


def _answer(event: dict[str, Any], context: LambdaContext, courier: bool) -> tuple[str, webhooks.Answer]:
    from oms.services import webhooks

    req = APIGatewayProxyEventV2(event)
    if req.request_context.http.method != "POST":
        return "", webhooks.Answer(405, {"code": "METHOD_NOT_ALLOWED",
                                         "message_ko": "이 주소는 'POST' 요청만 받습니다."})
    provider = str((req.path_parameters or {}).get("provider", ""))[:40]
    raw = req.body or ""
    try:
        body = base64.b64decode(raw, validate=True) if req.is_base64_encoded else raw.encode("utf-8")
    except (binascii.Error, ValueError):  # not base64, or a lone surrogate that is not UTF-8
        return provider, webhooks.Answer(400, {"code": "MALFORMED_BODY", "field": "body",
                                               "message_ko": "요청 본문을 읽을 수 없습니다."})
    refusal = check_json_bytes(body)  # the body check every function makes: UTF-8, depth
    if refusal is not None:
        return provider, webhooks.Answer(refusal.status, {"code": refusal.code, "message_ko": refusal.message_ko,
                                                          "detail": refusal.detail, "field": refusal.field})
    if courier:  # courier events (oms.services.tracking)
        from oms.services import tracking

        got = tracking.handle_callback(provider, dict(req.headers or {}), body,
                                       dict(req.query_string_parameters or {}))
        return f"tracking:{provider}", webhooks.Answer(got.status, got.body)
    return provider, webhooks.handle(provider, dict(req.headers or {}), body, context)


def serve(event: dict[str, Any], context: LambdaContext, *, courier: bool = False) -> dict[str, Any]:
    """One callback, PG (``courier=False``) or courier: read, answered, counted."""
    try:
        provider, answer = _answer(event, context, courier)
    except Exception as exc:  # a defect, never the caller's input: answered, not crashed
        correlation_id = log_unexpected(exc, APIGatewayProxyEventV2(event).request_context.request_id)
        return _response(500, {"code": "INTERNAL_ERROR", "message_ko": "일시적인 오류입니다. 다시 시도됩니다.",
                               "correlation_id": correlation_id})
    if os.getenv("POWERTOOLS_METRICS_DISABLED", "").lower() != "true":  # Powertools' own switch
        with single_metric(name="TrackingCallback" if courier else "PgCallback", unit=MetricUnit.Count, value=1,
                           namespace=os.getenv("POWERTOOLS_METRICS_NAMESPACE", "Oms")) as metric:
            metric.add_dimension(name="provider", value=provider or "-")
            metric.add_dimension(name="outcome", value=str(answer.body.get("result") or answer.status))
    observability.flush()  # what the callback's changes counted (orders changed, refunds)
    return _response(answer.status, answer.body)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return serve(event, context)
