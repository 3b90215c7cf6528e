"""The OpenAPI description of WebhooksFunction's route (PG callbacks), for the API document
(``make openapi``); TrackingWebhooksFunction's is :mod:`webhooks_api.tracking_doc`.

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
