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

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms.services import webhooks

logger = Logger()


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    ctype = "application/json" if status < 400 else "application/problem+json"
    return {"statusCode": status, "headers": {"content-type": ctype},
            "body": json.dumps({"status": status, **body} if status >= 400 else body, ensure_ascii=False)}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    req = APIGatewayProxyEventV2(event)
    if req.request_context.http.method != "POST":
        return _response(405, {"code": "METHOD_NOT_ALLOWED", "message_ko": "POST만 허용됩니다."})
    provider = (req.path_parameters or {}).get("provider", "")
    raw = req.body or ""
    body = base64.b64decode(raw) if req.is_base64_encoded else raw.encode("utf-8")
    answer = webhooks.handle(provider, dict(req.headers or {}), body, context)
    if os.getenv("POWERTOOLS_METRICS_DISABLED", "").lower() != "true":  # Powertools' own switch
        with single_metric(name="PgCallback", unit=MetricUnit.Count, value=1,
                           namespace=os.getenv("POWERTOOLS_METRICS_NAMESPACE", "Oms")) as metric:
            metric.add_dimension(name="provider", value=provider or "-")
            metric.add_dimension(name="outcome", value=str(answer.body.get("result") or answer.status))
    return _response(answer.status, answer.body)
