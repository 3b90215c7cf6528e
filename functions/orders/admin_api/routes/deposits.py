"""/admin/deposits: 미확인 입금 — bank deposits the feed could not match: the list (with its count
and suggested orders), matching one to an order, marking one "not an order"."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from oms.http import admin_identity
from oms.schemas.common import Lookup
from oms.schemas.deposits import AccountPath, DepositDismissIn, DepositMatchIn, TxIdPath
from oms.services import unmatched_deposits

router = Router()


@router.get("/unmatched", summary="미확인 입금 목록 (사유, 후보 주문; q: 입금자명 또는 금액)")
def list_unmatched(q: Annotated[Lookup | None, Query()] = None) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return unmatched_deposits.list_unmatched(site_id, q)


@router.get("/accounts", summary="입금 조회 계좌의 상태 (마지막 조회, 다음 조회, 오류)")
def list_accounts() -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return unmatched_deposits.account_status(site_id)


@router.post("/<account>/<tx_id>/match", summary="미확인 입금을 주문에 연결 (수동 입금 확인과 같은 처리)")
def match(account: AccountPath, tx_id: TxIdPath, body: DepositMatchIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    order = unmatched_deposits.match_to_order(site_id, account, tx_id, body.order_id, actor, body.note)
    return {"account": account, "tx_id": tx_id, "status": "matched", "order_id": order.order_id}


@router.post("/<account>/<tx_id>/dismiss", summary="주문 입금 아님으로 처리 (메모 필수)")
def dismiss(account: AccountPath, tx_id: TxIdPath, body: DepositDismissIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return unmatched_deposits.dismiss(site_id, account, tx_id, body.note, actor)
