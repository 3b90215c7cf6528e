"""Entry point of OrdersFunction: one resolver, one Router per resource, OpenAPI from the models."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.shared.json_encoder import Encoder
from aws_lambda_powertools.utilities.typing import LambdaContext

from admin_api.routes import balance, claims, intake, orders, points, settings, shipping, stock
from admin_api.routes import payments as payment_routes
from oms.http import register_error_handlers
from oms.http.idempotency import idempotency_middleware

logger = Logger()
tracer = Tracer()
metrics = Metrics()

# Korean text stays readable in responses (UTF-8, not \uXXXX escapes)
app = APIGatewayHttpResolver(
    enable_validation=True,
    serializer=partial(json.dumps, separators=(",", ":"), cls=Encoder, ensure_ascii=False),
)
app.enable_swagger(
    path="/swagger",
    title="주문관리v2 API",
    version="1.0.0",
    description="Order management for shop operators: orders, units by status, memos, stock, checkout intake.",
)
register_error_handlers(app)
app.use(middlewares=[idempotency_middleware("orders")])  # Idempotency-Key on POST/PATCH/PUT
app.include_router(orders.router, prefix="/admin/orders")
app.include_router(payment_routes.router, prefix="/admin/orders")
app.include_router(balance.router, prefix="/admin/orders")
app.include_router(claims.router, prefix="/admin/orders")
app.include_router(stock.router, prefix="/admin/stock")
app.include_router(settings.router, prefix="/admin/settings")
app.include_router(intake.router, prefix="/intake")
app.include_router(points.router, prefix="/admin/members")
app.include_router(shipping.router, prefix="/admin")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
