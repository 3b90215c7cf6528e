"""/intake/orders: the storefront's checkout service hands over an order (IAM-authenticated route)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from oms.domain.errors import DomainError
from oms.schemas.orders import IntakeOrderIn
from oms.services import intake
from oms.services.orders import get_detail

router = Router()


@router.post("/orders", summary="주문 접수 (체크아웃 서비스 전용, IAM 인증)")
def create_order(body: IntakeOrderIn) -> tuple[dict[str, Any], int]:
    event: Any = router.current_event
    ctx = event.request_context.authorizer
    if ctx is None or not ctx.iam:
        raise DomainError("FORBIDDEN", "체크아웃 서비스만 주문을 접수할 수 있습니다.", status=403)
    committed, order_id = intake.take(body)
    if committed is None:  # a retried checkout: the order the first call created
        return get_detail(body.site_id, order_id, consistent=True), 200
    return committed.detail(), 201
