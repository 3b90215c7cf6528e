"""The OpenAPI description of TrackingWebhooksFunction's route (courier events), for the API document
(``make openapi``). The function runs the same plain handler as WebhooksFunction
(:mod:`webhooks_api.app`), which never imports this module."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Path

app = APIGatewayHttpResolver(enable_validation=True)

_PROBLEM: dict[str, Any] = {"application/problem+json": {"schema": {"type": "object"}}}


@app.post(
    "/webhooks/tracking/<provider>",
    summary="택배사 배송추적 콜백 수신 (JWT 없음, 서명 검증, 같은 스캔은 한 번만 반영)",
    description="The tracking provider's callback (webhook-subscription style: only the number, re-queried; "
                "push style: one courier event). Signed: `X-Tracking-Signature: t=…,v1=…`.",
    responses={
        200: {"description": "처리됨 (`result`: applied, duplicate, stale, unknown)"},
        202: {"description": "처리됨 (webhook-subscription provider)"},
        401: {"description": "서명이 없거나 틀리거나 오래된 콜백 (`WEBHOOK_REJECTED`)", "content": _PROBLEM},
        404: {"description": "지원하지 않는 배송추적 서비스 (`TRACKING_PROVIDER_UNKNOWN`)", "content": _PROBLEM},
        422: {"description": "읽을 수 없는 본문 (`WEBHOOK_BODY_INVALID`)", "content": _PROBLEM},
        503: {"description": "배송추적 서비스 조회 실패: 다시 보냅니다 (`TRACKING_PROVIDER_UNAVAILABLE`)",
              "content": _PROBLEM},
    },
)
def tracking_callback(provider: Annotated[str, Path(description="`trackerdelivery` 또는 `sweettracker`")]
                      ) -> dict[str, Any]:
    raise NotImplementedError("documentation only: TrackingWebhooksFunction serves this route (webhooks_api.app)")
