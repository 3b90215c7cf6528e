"""Entry point of BuyerFunction: members (BuyerJwt) under /buyer, guests (GuestJwt) under /buyer/guest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability
from oms.auth import guest_tokens
from oms.http import claims, resolver
from oms.http.idempotency import idempotency_middleware
from oms.schemas.claims import BuyerClaimIn, PayIn, WithdrawIn
from oms.schemas.common import CursorQuery
from oms.schemas.paths import ClaimIdPath, OrderIdPath, RequestIdPath
from oms.schemas.points import ConfirmIn, GuestSessionIn

if TYPE_CHECKING:  # each route imports the service on first use: it stays out of the cold start
    from oms.services import buyer

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()

app = resolver(enable_validation=True)
app.use(middlewares=[idempotency_middleware("buyer", per_caller=True)])  # Idempotency-Key on POST


def _member() -> buyer.BuyerIdentity:
    from oms.services import buyer

    return buyer.identity(claims(app), guest=False)


def _guest() -> buyer.BuyerIdentity:
    from oms.services import buyer

    return buyer.identity(claims(app), guest=True)


# ---- members ----------------------------------------------------------------------------------


@app.get("/buyer/orders", summary="내 주문 목록 (회원)")
def my_orders(
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    cursor: Annotated[CursorQuery | None, Query()] = None,
) -> dict[str, Any]:
    from oms.services import buyer

    return buyer.member_orders(_member(), limit, cursor)


@app.get("/buyer/orders/<order_id>", summary="주문 상세 (회원)")
def my_order(order_id: OrderIdPath) -> dict[str, Any]:
    from oms.services import buyer

    return buyer.order_view(_member(), order_id)


@app.post("/buyer/orders/<order_id>/confirm", summary="구매확정 (회원)")
def my_confirm(order_id: OrderIdPath, body: ConfirmIn) -> dict[str, Any]:
    from oms.services import buyer

    return buyer.confirm(_member(), order_id, body.line_ids)


@app.post("/buyer/orders/<order_id>/payment-requests/<request_id>/pay",
          summary="결제요청 결제 (회원: 카드 승인 / 가상계좌)")
def my_pay_request(order_id: OrderIdPath, request_id: RequestIdPath, body: PayIn) -> dict[str, Any]:
    from oms.services import buyer

    return buyer.pay_request(_member(), order_id, request_id, body.method, body.payment_key, body.holder)


@app.post("/buyer/orders/<order_id>/claims", summary="취소·반품·교환 신청 (회원)")
def my_claim(order_id: OrderIdPath, body: BuyerClaimIn) -> tuple[dict[str, Any], int]:
    from oms.services import buyer

    return buyer.request_claim(_member(), order_id, body), 201


@app.post("/buyer/orders/<order_id>/claims/<claim_id>/withdraw", summary="신청 철회 (회원)")
def my_withdraw(order_id: OrderIdPath, claim_id: ClaimIdPath, body: WithdrawIn) -> dict[str, Any]:
    from oms.services import buyer

    return buyer.withdraw_claim(_member(), order_id, claim_id, body.reason)


@app.get("/buyer/points", summary="내 적립금 잔액과 내역")
def my_points(
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[CursorQuery | None, Query()] = None,
) -> dict[str, Any]:
    from oms.services import buyer

    return buyer.member_points(_member(), limit, cursor)


# ---- guests -----------------------------------------------------------------------------------


@app.post("/buyer/guest/session", summary="비회원 주문조회 (주문번호 + 휴대폰 번호 → 주문 한 건용 토큰)")
def guest_session(body: GuestSessionIn) -> dict[str, Any]:
    from oms.services import buyer

    return buyer.guest_session(body.site_id, body.order_id, body.phone)


@app.get("/buyer/guest/orders/<order_id>", summary="주문 상세 (비회원)")
def guest_order(order_id: OrderIdPath) -> dict[str, Any]:
    from oms.services import buyer

    return buyer.order_view(_guest(), order_id)


@app.post("/buyer/guest/orders/<order_id>/confirm", summary="구매확정 (비회원)")
def guest_confirm(order_id: OrderIdPath, body: ConfirmIn) -> dict[str, Any]:
    from oms.services import buyer

    return buyer.confirm(_guest(), order_id, body.line_ids)


@app.post("/buyer/guest/orders/<order_id>/payment-requests/<request_id>/pay",
          summary="결제요청 결제 (비회원: 카드 승인 / 가상계좌)")
def guest_pay_request(order_id: OrderIdPath, request_id: RequestIdPath, body: PayIn) -> dict[str, Any]:
    from oms.services import buyer

    return buyer.pay_request(_guest(), order_id, request_id, body.method, body.payment_key, body.holder)


@app.post("/buyer/guest/orders/<order_id>/claims", summary="취소·반품·교환 신청 (비회원)")
def guest_claim(order_id: OrderIdPath, body: BuyerClaimIn) -> tuple[dict[str, Any], int]:
    from oms.services import buyer

    return buyer.request_claim(_guest(), order_id, body), 201


@app.post("/buyer/guest/orders/<order_id>/claims/<claim_id>/withdraw", summary="신청 철회 (비회원)")
def guest_withdraw(order_id: OrderIdPath, claim_id: ClaimIdPath, body: WithdrawIn) -> dict[str, Any]:
    from oms.services import buyer

    return buyer.withdraw_claim(_guest(), order_id, claim_id, body.reason)


@app.get("/buyer/guest/.well-known/jwks.json", summary="비회원 토큰 검증 키 (JWKS)")
def guest_jwks() -> dict[str, Any]:
    return guest_tokens.jwks()


@app.get("/buyer/guest/.well-known/openid-configuration", summary="비회원 토큰 발급자 정보")
def guest_openid() -> dict[str, Any]:
    return guest_tokens.openid_configuration()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
