"""Entry point of OrdersFunction: one resolver, one Router per resource (imported on the first
request it may answer: :mod:`admin_api.route_table`), OpenAPI from the models.

The API document it serves at ``/swagger`` covers every function: see :mod:`admin_api.swagger`.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from admin_api.route_table import ROUTERS
from oms import observability
from oms.http import resolver
from oms.http.idempotency import idempotency_middleware

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()

# Korean text stays readable in responses (UTF-8, not \uXXXX escapes)
app = resolver(enable_validation=True)
app.use(middlewares=[idempotency_middleware("orders")])  # Idempotency-Key on POST/PATCH/PUT
# each route module is imported on the first request it may answer (the API document imports all)
for module, prefix, rules in ROUTERS:
    app.lazy_router(f"admin_api.routes.{module}", prefix, rules)


@app.get("/swagger", summary="API 문서 (Swagger UI; format=json 이면 OpenAPI 문서): 모든 함수의 모든 경로")
def swagger_ui(
    format: Annotated[str | None, Query(description="`json`: the OpenAPI document")] = None,
) -> Response[str]:
    from admin_api import swagger  # on first use: the document and Swagger UI stay out of the cold start

    return swagger.response(format)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
