"""/admin/members: a member's points ledger (read, add/deduct by hand) and membership group."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from oms.http import admin_identity
from oms.schemas.common import CursorQuery
from oms.schemas.paths import MemberIdPath
from oms.schemas.points import GroupRemoveIn, PointsAdjustIn
from oms.services import points as svc

router = Router()


@router.get("/<member_id>/points", summary="회원 적립금 잔액과 내역")
def get_points(
    member_id: MemberIdPath,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[CursorQuery | None, Query()] = None,
) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.ledger(site_id, member_id, limit, cursor)


@router.post("/<member_id>/points", summary="적립금 수동 지급·차감 (사유 필수)")
def adjust_points(member_id: MemberIdPath, body: PointsAdjustIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    return svc.adjust(site_id, member_id, body.amount, body.reason, actor), 201


@router.get("/<member_id>/membership", summary="회원그룹 이용권 (남은 일수, 그룹, 이력)")
def get_membership(member_id: MemberIdPath) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.membership(site_id, member_id)


@router.post("/<member_id>/membership/remove-group", summary="회원그룹에서 제외")
def remove_group(member_id: MemberIdPath, body: GroupRemoveIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return svc.remove_group(site_id, member_id, body.reason, actor)
