"""Staff, roles and permissions (docs/domain.md, "Staff and personal data").

An operator signs in through the shop builder; the token names the operator (``sub``, ``name``) and
whether they own the site (``site_role: owner``). The owner has every permission; anyone else holds
the permissions of the role the owner gave them on this site — a built-in role or one the owner
composed. An operator the site does not list holds none. Every admin route declares the one
permission it needs (``oms.http.permissions``); a call without it is refused with 403
``PERMISSION_DENIED`` naming the permission.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oms.domain.errors import DomainError

#: permission -> 한국어 label (what the console and the refusal name)
PERMISSIONS: dict[str, str] = {
    "orders.view": "주문 조회",
    "personal.view": "개인정보 보기",
    "orders.move": "주문 상태 변경·메모",
    "shipping": "송장·배송",
    "claims": "취소·반품·교환",
    "payments": "결제·환불·강제완료",
    "messages": "문자·알림톡 발송",
    "exports": "엑셀 내보내기·인쇄",
    "settings": "설정",
    "staff": "직원·권한 관리, 접속기록",
}
ALL = frozenset(PERMISSIONS)


@dataclass(frozen=True)
class Role:
    role_id: str
    name_ko: str
    permissions: frozenset[str]
    builtin: bool = True


BUILTIN: dict[str, Role] = {r.role_id: r for r in (
    Role("owner", "대표 운영자", ALL),
    Role("manager", "운영 관리자", ALL - {"staff"}),
    Role("cs", "CS 상담", frozenset({"orders.view", "personal.view", "orders.move", "claims", "payments",
                                    "messages"})),
    Role("shipping", "배송·포장", frozenset({"orders.view", "personal.view", "orders.move", "shipping",
                                          "exports"})),
    Role("readonly", "조회 전용", frozenset({"orders.view"})),
)}
MAX_CUSTOM_ROLES = 20
_ROLE_ID = re.compile(r"^[a-z][a-z0-9_-]{1,30}$")


def custom_role(role_id: str, name_ko: str, permissions: list[str]) -> Role:
    """A role the owner composes: a new id, a name, permissions from the catalogue (never ``staff``:
    only the owner manages staff)."""
    if not _ROLE_ID.match(role_id) or role_id in BUILTIN:
        raise DomainError("ROLE_ID_INVALID",
                          "역할 ID는 영문 소문자로 시작하는 2~31자이며 기본 역할과 겹칠 수 없습니다.", field="role_id")
    unknown = sorted(set(permissions) - ALL)
    if unknown:
        raise DomainError("PERMISSION_UNKNOWN", f"알 수 없는 권한입니다: {', '.join(unknown)}", field="permissions",
                          extra={"unknown": unknown})
    if "staff" in permissions:
        raise DomainError("PERMISSION_OWNER_ONLY", "직원·권한 관리는 대표 운영자만 할 수 있습니다.",
                          field="permissions")
    if not name_ko.strip():
        raise DomainError("ROLE_NAME_REQUIRED", "역할 이름을 입력하세요.", field="name_ko")
    return Role(role_id, name_ko.strip()[:30], frozenset(permissions) | {"orders.view"}, builtin=False)


def role_of(role_id: str | None, custom: dict[str, Role]) -> Role | None:
    if role_id is None:
        return None
    return BUILTIN.get(role_id) or custom.get(role_id)


def require(granted: frozenset[str], permission: str) -> None:
    """Refuse unless ``permission`` is granted (403, naming it in Korean)."""
    if permission not in granted:
        raise DomainError("PERMISSION_DENIED", f"'{PERMISSIONS.get(permission, permission)}' 권한이 없습니다. "
                          "대표 운영자에게 권한을 요청하세요.", status=403, extra={"permission": permission})
