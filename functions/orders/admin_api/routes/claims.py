"""/admin/orders/{order_id}/claims…: 취소/반품/교환 claims, their steps, the refund calculation
(preview) and settlement; lines added to a placed order (추가); the recipient (배송지 변경)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from oms.domain.order import Recipient
from oms.http import admin_identity
from oms.schemas.claims import AddLineIn, CalculateIn, ClaimIn, ClaimStepIn, RecipientChangeIn, SettleIn
from oms.schemas.paths import ClaimIdPath, OrderIdPath
from oms.services import claims
from oms.store import orders

router = Router()


@router.post("/<order_id>/claims", summary="클레임 접수 (취소/반품/교환)")
def create_claim(order_id: OrderIdPath, body: ClaimIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    return claims.request(site_id, order_id, body, actor).detail(), 201


@router.get("/<order_id>/claims", summary="클레임 목록, 비용 항목, 미결금액, 사유 목록")
def list_claims(order_id: OrderIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    order = orders.load(site_id, order_id)
    return claims.claims_view(order)


@router.post("/<order_id>/claims/<claim_id>/steps",
             summary="클레임 단계 처리 (수거중, 수거완료, 보류, 보류해제, 거부, 철회, 완료)")
def claim_step(order_id: OrderIdPath, claim_id: ClaimIdPath, body: ClaimStepIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return claims.step(site_id, order_id, claim_id, body, actor).detail()


@router.post("/<order_id>/claims/<claim_id>/calculate", summary="환불금액 계산 (미리보기, 저장하지 않음)")
def calculate(order_id: OrderIdPath, claim_id: ClaimIdPath, body: CalculateIn) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return claims.calculate(site_id, order_id, claim_id, body)


@router.post("/<order_id>/claims/<claim_id>/settle", summary="정산: 환불처리 또는 결제요청")
def settle(order_id: OrderIdPath, claim_id: ClaimIdPath, body: SettleIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return claims.settle(site_id, order_id, claim_id, body, actor)


@router.post("/<order_id>/lines", summary="상품 추가 (교환 시 다른 상품, 추가 구매)")
def add_line(order_id: OrderIdPath, body: AddLineIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    return claims.add_line(site_id, order_id, body, actor).detail(), 201


@router.patch("/<order_id>/recipient", summary="배송지 변경 (출고 전, 도서산간 추가배송비 반영)")
def change_recipient(order_id: OrderIdPath, body: RecipientChangeIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    r = Recipient(name=body.name, phone=body.phone, postal_code=body.postal_code, address1=body.address1,
                  address2=body.address2, message=body.message)
    return claims.change_recipient(site_id, order_id, r, actor, body.expected_version).detail()
