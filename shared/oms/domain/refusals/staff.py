"""Refusals of staff, roles, permissions and the access record (oms.domain.staff; the staff and
access-record services; oms.http's permission check)."""

from __future__ import annotations

from oms.domain.refusals.base import Refusal

REFUSALS: tuple[Refusal, ...] = (
    Refusal("ACCESS_LOG_ACTION_UNKNOWN", 422, "알 수 없는 작업입니다."),
    Refusal("ACCESS_LOG_RANGE_INVALID", 422, "조회 기간은 366일 이내로 정하세요 (날짜는 2026-12-24처럼 연-월-일)."),
    Refusal("PERMISSION_DENIED", 403, "'{권한}' 권한이 없습니다. 대표 운영자에게 권한을 요청하세요."),
    Refusal("PERMISSION_NOT_DECLARED", 403, "이 기능의 권한이 정해지지 않았습니다."),
    Refusal("PERMISSION_OWNER_ONLY", 422, "직원·권한 관리는 대표 운영자만 할 수 있습니다."),
    Refusal("PERMISSION_UNKNOWN", 422, "알 수 없는 권한입니다: {권한}"),
    Refusal("PERSONAL_DATA_REASON_REQUIRED", 422, "개인정보를 포함하려면 사유를 입력하세요 (접속기록에 남습니다)."),
    Refusal("ROLE_ID_INVALID", 422, "역할 ID는 영문 소문자로 시작하는 2~31자이며 기본 역할과 겹칠 수 없습니다."),
    Refusal("ROLE_IN_USE", 409, "이 역할을 쓰는 직원이 있습니다 ({n}명). 다른 역할로 바꾼 뒤 지우세요."),
    Refusal("ROLE_LIMIT", 409, "역할은 최대 20개까지 만들 수 있습니다."),
    Refusal("ROLE_NAME_REQUIRED", 422, "역할 이름을 입력하세요."),
    Refusal("ROLE_NOT_FOUND", 404, "없는 역할입니다: {role_id}"),
    Refusal("ROLE_OWNER_RESERVED", 422, "대표 운영자는 쇼핑몰 빌더 계정으로 정해집니다. 다른 역할을 고르세요."),
    Refusal("STAFF_NOT_FOUND", 404, "등록되지 않은 직원입니다: {operator_id}"),
    Refusal("STAFF_NOT_REGISTERED", 403,
            "이 사이트의 직원으로 등록되지 않았습니다. 대표 운영자에게 등록을 요청하세요."),
    Refusal("STAFF_SELF_CHANGE", 409, "자기 자신의 역할은 바꿀 수 없습니다."),
)
