"""The OpenAPI description of WebhooksFunction's route, for the API document (``make openapi``).

The handler (:mod:`webhooks_api.app`) is a plain function, not a resolver, and never imports this
module: the resolver here only describes the route so that the one OpenAPI document of the HTTP API
covers it like every other route.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Path

app = APIGatewayHttpResolver(enable_validation=True)

_PROBLEM: dict[str, Any] = {"application/problem+json": {"schema": {"type": "object"}}}


@app.post(
    "/webhooks/<provider>",
    summary="PG 콜백 수신 (토스페이먼츠·포트원; JWT 없음, 콜백마다 서명·비밀값·PG 조회로 인증, 멱등)",
    description="The body is the PG's own callback payload, read as raw bytes (signatures cover them).",
    responses={
        200: {"description": "처리됨 (`result`: applied, duplicate, noted, unknown_order ...)"},
        401: {"description": "인증되지 않았거나 유효기간이 지난 콜백 (`WEBHOOK_REJECTED`, `reason`)",
              "content": _PROBLEM},
        404: {"description": "지원하지 않는 PG (`PG_PROVIDER_UNKNOWN`)", "content": _PROBLEM},
        503: {"description": "PG 조회 실패: PG가 다시 보냅니다 (`PG_UNAVAILABLE`)", "content": _PROBLEM},
    },
)
def pg_callback(provider: Annotated[str, Path(description="`toss` 또는 `portone`")]) -> dict[str, Any]:
    raise NotImplementedError("documentation only: WebhooksFunction serves this route (webhooks_api.app)")


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
    raise NotImplementedError("documentation only: WebhooksFunction serves this route (webhooks_api.app)")
