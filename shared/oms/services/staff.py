"""Staff and roles (docs/domain.md, "Staff and personal data"): who an operator is on a site and
what they may do (:func:`identify`, on every admin call), and the owner's management of staff and
custom roles — each change recorded in the access record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oms.domain.clock import iso, utcnow
from oms.domain.errors import DomainError
from oms.domain.order import Actor
from oms.domain.staff import BUILTIN, MAX_CUSTOM_ROLES, PERMISSIONS, Role, custom_role, role_of
from oms.services import access_log
from oms.store import staff as store

NOT_STAFF = "이 사이트의 직원으로 등록되지 않았습니다. 대표 운영자에게 등록을 요청하세요."


@dataclass(frozen=True)
class Identity:
    actor: Actor
    role: Role
    owner: bool

    @property
    def permissions(self) -> frozenset[str]:
        return self.role.permissions


def identify(site_id: str, claims: dict[str, Any]) -> Identity:
    """The operator of a verified admin token on ``site_id``: the site's owner (the builder says so:
    ``site_role: owner``) holds every permission; anyone else the role the owner gave them here (a
    role since deleted leaves 조회 전용). No request for the owner; one cached Query otherwise."""
    sub = str(claims.get("sub") or "")
    name = claims.get("name")
    if claims.get("site_role") == "owner":
        role, owner = BUILTIN["owner"], True
    else:
        site = store.read(site_id)
        member = site.members.get(sub)
        if not sub or member is None or not member.get("enabled", True):
            raise DomainError("STAFF_NOT_REGISTERED", NOT_STAFF, status=403)
        role = role_of(str(member.get("role_id")), site.roles) or BUILTIN["readonly"]
        name = name or member.get("name")
        owner = False
    return Identity(Actor("admin", sub, str(name or role.name_ko), role=role.name_ko), role, owner)


def me(identity: Identity) -> dict[str, Any]:
    return {"operator_id": identity.actor.id, "name": identity.actor.name, "role_id": identity.role.role_id,
            "role_name": identity.role.name_ko, "owner": identity.owner,
            "permissions": sorted(identity.permissions)}


def _role_view(r: Role) -> dict[str, Any]:
    return {"role_id": r.role_id, "name_ko": r.name_ko, "builtin": r.builtin, "permissions": sorted(r.permissions)}


def listing(site_id: str) -> dict[str, Any]:
    site = store.read(site_id, fresh=True)
    members = sorted(({"operator_id": m["operator_id"], "name": m.get("name"), "role_id": m.get("role_id"),
                       "enabled": bool(m.get("enabled", True)), "updated_at": m.get("updated_at"),
                       "updated_by": m.get("updated_by")} for m in site.members.values()),
                     key=lambda m: str(m["name"] or m["operator_id"]))
    roles = [_role_view(r) for r in BUILTIN.values() if r.role_id != "owner"] + [
        _role_view(r) for r in sorted(site.roles.values(), key=lambda r: r.role_id)]
    return {"staff": members, "roles": roles,
            "permissions": [{"permission": k, "label_ko": v} for k, v in PERMISSIONS.items()]}


def put_member(site_id: str, operator_id: str, *, name: str, role_id: str, enabled: bool, actor: Actor,
               meta: access_log.RequestMeta) -> dict[str, Any]:
    site = store.read(site_id, fresh=True)
    if role_id == "owner":
        raise DomainError("ROLE_OWNER_RESERVED", "대표 운영자는 쇼핑몰 빌더 계정으로 정해집니다. 다른 역할을 고르세요.",
                          field="role_id")
    if role_of(role_id, site.roles) is None:
        raise DomainError("ROLE_NOT_FOUND", f"없는 역할입니다: {role_id}", status=404, field="role_id")
    if operator_id == actor.id:
        raise DomainError("STAFF_SELF_CHANGE", "자기 자신의 역할은 바꿀 수 없습니다.", status=409)
    before = site.members.get(operator_id)
    at = iso(utcnow())
    store.put_member(site_id, operator_id, {"name": name, "role_id": role_id, "enabled": enabled,
                                            "updated_at": at, "updated_by": actor.as_dict()})
    access_log.record(site_id, actor, "permission_change", meta, detail={
        "operator_id": operator_id, "role_before": (before or {}).get("role_id"), "role_after": role_id,
        "enabled": enabled})
    return listing(site_id)


def remove_member(site_id: str, operator_id: str, actor: Actor, meta: access_log.RequestMeta) -> dict[str, Any]:
    site = store.read(site_id, fresh=True)
    before = site.members.get(operator_id)
    if before is None:
        raise DomainError("STAFF_NOT_FOUND", f"등록되지 않은 직원입니다: {operator_id}", status=404)
    store.delete_member(site_id, operator_id)
    access_log.record(site_id, actor, "permission_change", meta, detail={
        "operator_id": operator_id, "role_before": before.get("role_id"), "role_after": None, "enabled": False})
    return listing(site_id)


def put_role(site_id: str, role_id: str, *, name_ko: str, permissions: list[str], actor: Actor,
             meta: access_log.RequestMeta) -> dict[str, Any]:
    role = custom_role(role_id, name_ko, permissions)
    site = store.read(site_id, fresh=True)
    if role_id not in site.roles and len(site.roles) >= MAX_CUSTOM_ROLES:
        raise DomainError("ROLE_LIMIT", f"역할은 최대 {MAX_CUSTOM_ROLES}개까지 만들 수 있습니다.", status=409)
    before = site.roles.get(role_id)
    store.put_role(site_id, role, actor.as_dict(), iso(utcnow()))
    access_log.record(site_id, actor, "permission_change", meta, detail={
        "role_id": role_id, "permissions_before": sorted(before.permissions) if before else None,
        "permissions_after": sorted(role.permissions)})
    return listing(site_id)


def remove_role(site_id: str, role_id: str, actor: Actor, meta: access_log.RequestMeta) -> dict[str, Any]:
    site = store.read(site_id, fresh=True)
    if role_id not in site.roles:
        raise DomainError("ROLE_NOT_FOUND", f"없는 역할입니다: {role_id}", status=404)
    users = sorted(m["operator_id"] for m in site.members.values() if m.get("role_id") == role_id)
    if users:
        raise DomainError("ROLE_IN_USE",
                          f"이 역할을 쓰는 직원이 있습니다 ({len(users)}명). 다른 역할로 바꾼 뒤 지우세요.",
                          status=409, extra={"staff": users})
    store.delete_role(site_id, role_id)
    access_log.record(site_id, actor, "permission_change", meta, detail={
        "role_id": role_id, "permissions_before": sorted(site.roles[role_id].permissions), "permissions_after": None})
    return listing(site_id)
