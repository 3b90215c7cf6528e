"""/admin/me, /admin/session, /admin/staff, /admin/roles, /admin/access-log and the order's 개인정보
보기: who the operator is and may do, the sign-in record, the owner's staff and roles, the access
record (filtered, exported as CSV for the monthly review), revealing one order's personal data."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from oms.http import admin_identity, claims, request_meta
from oms.schemas.paths import OrderIdPath
from oms.schemas.staff import OperatorIdPath, RevealIn, RoleIdPath, RoleIn, StaffMemberIn
from oms.services import access_log, personal_data, staff

router = Router()
Day = Annotated[str, Query(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="KST 날짜 (YYYY-MM-DD)")]


@router.get("/me", summary="나: 운영자, 역할, 권한 (콘솔이 보일 기능을 고름)")
def me() -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return staff.me(staff.identify(site_id, claims(router)))


@router.post("/session", summary="로그인 기록 (콘솔이 로그인 직후 부름: 접속기록에 남음)")
def session() -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    access_log.record(site_id, actor, "sign_in", request_meta(router))
    return staff.me(staff.identify(site_id, claims(router)))


@router.get("/staff", summary="직원과 역할 (대표 운영자)")
def list_staff() -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return staff.listing(site_id)


@router.put("/staff/<operator_id>", summary="직원 등록·역할 변경 (접속기록에 남음)")
def put_member(operator_id: OperatorIdPath, body: StaffMemberIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return staff.put_member(site_id, operator_id, name=body.name, role_id=body.role_id, enabled=body.enabled,
                            actor=actor, meta=request_meta(router))


@router.delete("/staff/<operator_id>", summary="직원 삭제 (접속기록에 남음)")
def remove_member(operator_id: OperatorIdPath) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return staff.remove_member(site_id, operator_id, actor, request_meta(router))


@router.put("/roles/<role_id>", summary="역할 만들기·바꾸기 (권한 조합, 접속기록에 남음)")
def put_role(role_id: RoleIdPath, body: RoleIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return staff.put_role(site_id, role_id, name_ko=body.name_ko, permissions=list(body.permissions), actor=actor,
                          meta=request_meta(router))


@router.delete("/roles/<role_id>", summary="역할 지우기 (쓰는 직원이 없을 때)")
def remove_role(role_id: RoleIdPath) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return staff.remove_role(site_id, role_id, actor, request_meta(router))


@router.get("/access-log", summary="개인정보 접속기록 (기간, 운영자, 작업, 주문으로 조회)")
def access_records(date_from: Day, date_to: Day,
                   operator_id: Annotated[str | None, Query(max_length=64)] = None,
                   action: Annotated[str | None, Query(max_length=40)] = None,
                   order_id: Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")] = None,
                   ) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return access_log.search(site_id, date_from=date_from, date_to=date_to, operator_id=operator_id, action=action,
                             order_id=order_id)


@router.get("/access-log/export", summary="접속기록 내보내기 (CSV, 월간 점검용; 내보낸 일도 기록됨)")
def export_records(date_from: Day, date_to: Day,
                   operator_id: Annotated[str | None, Query(max_length=64)] = None,
                   action: Annotated[str | None, Query(max_length=40)] = None) -> Response[str]:
    site_id, actor = admin_identity(router)
    text, _ = access_log.export_csv(site_id, actor, request_meta(router), date_from=date_from, date_to=date_to,
                                    operator_id=operator_id, action=action)
    return Response(200, "text/csv; charset=utf-8", text,
                    headers={"content-disposition": f"attachment; filename=access-log-{date_from}-{date_to}.csv",
                             "cache-control": "no-store"})


@router.post("/orders/<order_id>/personal", summary="개인정보 보기: 이 주문의 구매자·수령인 (접속기록에 남음)")
def reveal(order_id: OrderIdPath, body: RevealIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return personal_data.reveal(site_id, order_id, actor, request_meta(router), reason=body.reason)
