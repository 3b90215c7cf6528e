"""The site's staff (operator -> role) and the roles its owner composed (docs/data-model.md, "Staff
and the access record"). Read on every admin call, so kept per container for :data:`TTL` seconds: a
role the owner changes applies within it (a save in this container applies at once)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from oms.domain.staff import Role
from oms.store.keys_staff import member_sk, role_sk, staff_pk
from oms.store.orders import plain
from oms.store.table import client, dump, key, table_name
from oms.store.table import load as _load
from oms.store.ttl_cache import TtlCache

TTL = 60.0


@dataclass
class SiteStaff:
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)


_cache: TtlCache[SiteStaff] = TtlCache(TTL)


def _role(item: dict[str, Any]) -> Role:
    return Role(str(item["role_id"]), str(item["name_ko"]), frozenset(item.get("permissions") or []), builtin=False)


def read(site_id: str, *, fresh: bool = False) -> SiteStaff:
    """The site's members and custom roles: one Query of its staff partition (cached)."""
    if fresh:
        forget(site_id)
    return _cache.get(site_id, lambda: _query(site_id))


def _query(site_id: str) -> SiteStaff:
    out = SiteStaff()
    kwargs: dict[str, Any] = {"TableName": table_name(), "KeyConditionExpression": "PK = :pk",
                              "ExpressionAttributeValues": dump({":pk": staff_pk(site_id)}), "ConsistentRead": True}
    while True:
        resp = client().query(**kwargs)
        for raw in resp.get("Items", []):
            item = dict(plain(_load(raw)))
            if str(item["SK"]).startswith("MEMBER#"):
                out.members[str(item["operator_id"])] = item
            elif str(item["SK"]).startswith("ROLE#"):
                out.roles[str(item["role_id"])] = _role(item)
        if "LastEvaluatedKey" not in resp:
            return out
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def forget(site_id: str | None = None) -> None:
    _cache.forget(site_id)


def put_member(site_id: str, operator_id: str, fields: dict[str, Any]) -> None:
    item = {"PK": staff_pk(site_id), "SK": member_sk(operator_id), "type": "staff_member", "site_id": site_id,
            "operator_id": operator_id, **fields}
    client().put_item(TableName=table_name(), Item=dump(item))
    forget(site_id)


def delete_member(site_id: str, operator_id: str) -> None:
    client().delete_item(TableName=table_name(), Key=key(staff_pk(site_id), member_sk(operator_id)))
    forget(site_id)


def put_role(site_id: str, role: Role, by: dict[str, Any], at: str) -> None:
    item = {"PK": staff_pk(site_id), "SK": role_sk(role.role_id), "type": "staff_role", "site_id": site_id,
            "role_id": role.role_id, "name_ko": role.name_ko, "permissions": sorted(role.permissions),
            "updated_by": by, "updated_at": at}
    client().put_item(TableName=table_name(), Item=dump(item))
    forget(site_id)


def delete_role(site_id: str, role_id: str) -> None:
    client().delete_item(TableName=table_name(), Key=key(staff_pk(site_id), role_sk(role_id)))
    forget(site_id)
