"""Saved views of the order list (README "Saved views", docs/data-model.md): a named search, its status tab and
the columns shown, an operator's own or shared with the site's staff.

- Anyone who reads orders keeps their own views (at most :data:`MAX_OWN`); a shared view (at most
  :data:`MAX_SHARED` per site) is created, changed or deleted with the ``settings`` permission, or
  by the operator who made it. Another operator's own view is never found (404, never 403).
- ``search`` holds only what the order list accepts: each key the list's own
  :class:`~oms.schemas.orders.ListQuery` takes (but ``cursor`` and ``limit``), checked with that
  model, or ``days`` (the last N KST days, today included) in place of fixed dates.
- A name is unique within its scope (the operator's own views, or the site's shared ones): a name
  item claimed in the save's transaction, compared case-insensitively.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from pydantic import ValidationError

from oms.domain.clock import iso, kst_date, utcnow
from oms.domain.errors import Conflict, DomainError
from oms.domain.order import Actor
from oms.schemas.common import RULES_KO
from oms.schemas.orders import ListQuery
from oms.schemas.views import COLUMNS, ViewChange, ViewIn
from oms.store import keys_views as vk
from oms.store import views as store

MAX_OWN = 20
MAX_SHARED = 30
MAX_DAYS = 366
#: ListQuery's paging keys: a view holds a search, never a page of it
PAGING = frozenset({"cursor", "limit"})
SHARE_PERMISSION = "settings"


def search_keys() -> frozenset[str]:
    """The keys a view's search may hold: the list's own (whatever ListQuery takes today) and ``days``."""
    return frozenset(ListQuery.model_fields) - PAGING | {"days"}


def _search_refused(field: str, message_ko: str, rule: str) -> DomainError:
    return DomainError("VIEW_SEARCH_INVALID", message_ko, field=field, extra={"rule": rule})


def clean_search(search: dict[str, Any]) -> dict[str, Any]:
    """The search as stored: checked with the list's ListQuery, values normalised, empty ones dropped."""
    allowed = search_keys()
    for k in search:
        if k not in allowed:
            raise DomainError("VIEW_SEARCH_KEY_UNKNOWN",
                              f"주문 목록에 없는 검색 조건은 저장할 수 없습니다: {k}", field=f"search.{k}")
    given = {k: v for k, v in search.items() if v not in (None, "")}
    days = given.pop("days", None)
    if days is not None:
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
            raise _search_refused("search.days", f"최근 기간은 1~{MAX_DAYS}일로 정하세요.", "days_range")
        if "date_from" in given or "date_to" in given:
            message_ko = "기간은 날짜(date_from·date_to)와 최근 N일(days) 중 하나로만 정하세요."
            raise _search_refused("search.days", message_ko, "days_or_dates")
    try:
        query = ListQuery.model_validate(given)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first.get("loc") or ()
        field = f"search.{loc[0]}" if loc else "search"  # the list's key (a union's branch is not a field)
        rule = str(first.get("type", "invalid"))
        detail = RULES_KO.get(rule)
        message_ko = f"주문 목록이 받지 않는 검색 조건입니다: {field}" + (f" ({detail})" if detail else "")
        raise _search_refused(field, message_ko, rule) from exc
    out = {k: v for k, v in query.model_dump(mode="json", include=set(given)).items() if v not in (None, "")}
    if days is not None:
        out["days"] = days
    return out


def applied(search: dict[str, Any]) -> dict[str, Any]:
    """The list query of a view applied today: ``days`` becomes the KST dates it covers."""
    out = {k: v for k, v in search.items() if k != "days"}
    days = search.get("days")
    if days:
        today = kst_date(utcnow())
        out["date_from"] = (today - timedelta(days=int(days) - 1)).isoformat()
        out["date_to"] = today.isoformat()
    return out


def _limit(shared: bool) -> int:
    return MAX_SHARED if shared else MAX_OWN


def _answer(view: dict[str, Any], actor: Actor, granted: frozenset[str]) -> dict[str, Any]:
    mine = view["owner"]["id"] == actor.id
    return {**{k: view[k] for k in ("view_id", "name", "shared", "owner", "search", "columns", "version",
                                    "created_at", "updated_at")},
            "query": applied(view["search"]), "mine": mine,
            "editable": mine or (bool(view["shared"]) and SHARE_PERMISSION in granted)}


def _share_denied() -> DomainError:
    return DomainError("VIEW_SHARE_DENIED",
                       "직원 전체와 공유하는 보기는 '설정' 권한이 있어야 만들거나 바꿀 수 있습니다.",
                       status=403, field="shared", extra={"permission": SHARE_PERMISSION})


def _refused(reason: str, shared: bool, name: str) -> DomainError:
    if reason == store.LIMIT:
        where = "공유 보기는 사이트당" if shared else "내 보기는 직원 한 명당"
        return Conflict("VIEW_LIMIT", f"{where} {_limit(shared)}개까지 저장할 수 있습니다. 쓰지 않는 보기를 지우세요.",
                        extra={"limit": _limit(shared), "shared": shared})
    if reason == store.NAME_TAKEN:
        return Conflict("VIEW_NAME_TAKEN", f"같은 이름의 {'공유 ' if shared else ''}보기가 이미 있습니다: {name}",
                        field="name")
    return Conflict("VIEW_CHANGED", "보기가 그 사이 바뀌었거나 삭제되었습니다. 목록을 새로 불러온 뒤 다시 하세요.")


def listing(site_id: str, actor: Actor, granted: frozenset[str]) -> dict[str, Any]:
    """The caller's own views, then the site's shared ones, each by name (one Query per scope)."""
    own = store.list_scope(site_id, vk.scope(actor.id))
    shared = store.list_scope(site_id, vk.SHARED)
    by_name = lambda v: vk.name_key(str(v["name"]))  # noqa: E731
    views = sorted(own, key=by_name) + sorted(shared, key=by_name)
    return {"views": [_answer(v, actor, granted) for v in views],
            "columns": [{"key": k, "label_ko": v} for k, v in COLUMNS.items()],
            "limits": {"own": MAX_OWN, "shared": MAX_SHARED}, "can_share": SHARE_PERMISSION in granted}


def create(site_id: str, actor: Actor, granted: frozenset[str], body: ViewIn) -> dict[str, Any]:
    if body.shared and SHARE_PERMISSION not in granted:
        raise _share_denied()
    at = iso(utcnow())
    view = {"view_id": "v" + secrets.token_hex(6), "name": body.name, "shared": body.shared,
            "owner": {"id": actor.id, "name": actor.name}, "search": clean_search(body.search),
            "columns": list(body.columns), "version": 1, "created_at": at, "updated_at": at,
            "updated_by": actor.as_dict()}
    try:
        store.create(site_id, view, _limit(body.shared))
    except store.Refused as exc:
        raise _refused(exc.reason, body.shared, body.name) from exc
    return _answer(view, actor, granted)


def _visible(site_id: str, actor: Actor, view_id: str) -> dict[str, Any]:
    """A shared view or the caller's own; anything else (another operator's own) is not found."""
    view = store.find(site_id, view_id, [vk.SHARED, vk.scope(actor.id)])
    if view is None:
        raise DomainError("VIEW_NOT_FOUND", f"보기를 찾을 수 없습니다: {view_id}", status=404, field="view_id")
    return view


def _may_change(view: dict[str, Any], actor: Actor, granted: frozenset[str]) -> None:
    if view["shared"] and view["owner"]["id"] != actor.id and SHARE_PERMISSION not in granted:
        raise _share_denied()


def change(site_id: str, actor: Actor, granted: frozenset[str], view_id: str, body: ViewChange) -> dict[str, Any]:
    view = _visible(site_id, actor, view_id)
    _may_change(view, actor, granted)
    if view["version"] != body.expected_version:
        raise Conflict("VIEW_CHANGED", "보기가 그 사이 바뀌었거나 삭제되었습니다. 목록을 새로 불러온 뒤 다시 하세요.",
                       extra={"version": view["version"]})
    shared = view["shared"] if body.shared is None else body.shared
    if shared and not view["shared"] and SHARE_PERMISSION not in granted:
        raise _share_denied()
    if view["shared"] and not shared and view["owner"]["id"] != actor.id:
        raise DomainError("VIEW_OWNER_ONLY",
                          "공유를 끄면 만든 직원의 보기로 돌아갑니다. 만든 직원만 공유를 끌 수 있습니다.",
                          status=403, field="shared")
    after = {**view, "shared": shared, "version": view["version"] + 1, "updated_at": iso(utcnow()),
             "updated_by": actor.as_dict()}
    if body.name is not None:
        after["name"] = body.name
    if body.search is not None:
        after["search"] = clean_search(body.search)
    if body.columns is not None:
        after["columns"] = list(body.columns)
    try:
        store.replace(site_id, view, after, _limit(shared))
    except store.Refused as exc:
        raise _refused(exc.reason, shared, str(after["name"])) from exc
    return _answer(after, actor, granted)


def remove(site_id: str, actor: Actor, granted: frozenset[str], view_id: str) -> dict[str, Any]:
    view = _visible(site_id, actor, view_id)
    _may_change(view, actor, granted)
    try:
        store.delete(site_id, view)
    except store.Refused as exc:
        raise _refused(exc.reason, bool(view["shared"]), str(view["name"])) from exc
    return {"view_id": view_id, "deleted": True}
