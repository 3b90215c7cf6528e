"""Saved views of the order list on DynamoDB Local, through the admin API: an operator keeps their own
views and sees the site's shared ones, never another operator's own (404 when named); a view's search
is what the list accepts (checked with the list's own model, the field named); limits per operator and
per site, names unique per scope, changes conditional on the version read (409), sharing needs 설정;
another site sees none of them. The counter and name items are read back from the table."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from oms.domain.clock import KST, utcnow
from oms.domain.errors import DomainError
from oms.schemas.views import ViewIn
from oms.services import views as svc
from oms.services.staff import identify
from oms.store import keys
from oms.store import staff as staff_store
from oms.store.table import client, load, table_name
from tests.support import call, http_event

OWNER = {"sub": "owner-1", "role": "admin", "name": "김대표", "site_role": "owner"}


def as_(who: dict[str, Any], site_id: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    from admin_api.app import lambda_handler

    status, answer, _ = call(lambda_handler, http_event(method, path, body, claims={**who, "site_id": site_id}))
    return status, answer


def member(site_id: str, operator: str, role_id: str = "cs") -> dict[str, Any]:
    staff_store.put_member(site_id, operator, {"name": f"직원 {operator}", "role_id": role_id, "enabled": True})
    return {"sub": operator, "role": "admin", "name": f"직원 {operator}"}


def save(who: dict[str, Any], site_id: str, name: str, **more: Any) -> dict[str, Any]:
    status, view = as_(who, site_id, "POST", "/admin/views", {"name": name, **more})
    assert status == 201, view
    return dict(view)


def names(who: dict[str, Any], site_id: str) -> list[tuple[str, bool]]:
    status, page = as_(who, site_id, "GET", "/admin/views")
    assert status == 200, page
    return [(v["name"], v["shared"]) for v in page["views"]]


def site_items(site_id: str, prefix: str) -> list[dict[str, Any]]:
    resp = client().query(TableName=table_name(), KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
                          ExpressionAttributeValues={":pk": {"S": keys.site_pk(site_id)}, ":p": {"S": prefix}},
                          ConsistentRead=True)
    return [load(i) for i in resp.get("Items", [])]


def test_own_and_shared_views_each_operator_sees_theirs_and_the_shared_ones(site_id: str) -> None:
    a, b = member(site_id, "cs-a"), member(site_id, "cs-b")
    mine = save(a, site_id, "네이버 배송대기", search={"tab": "ready_to_ship", "channel": "naverpay_order", "days": 7},
                columns=["product", "buyer", "status"])
    assert mine["search"] == {"tab": "ready_to_ship", "channel": "naverpay_order", "days": 7}
    assert mine["shared"] is False and mine["mine"] and mine["editable"] and mine["version"] == 1
    today = utcnow().astimezone(KST).date()
    assert mine["query"] == {"tab": "ready_to_ship", "channel": "naverpay_order", "date_to": today.isoformat(),
                             "date_from": (today - timedelta(days=6)).isoformat()}
    save(b, site_id, "내 무통장", search={"payment_method": "virtual_account"})
    shared = save(OWNER, site_id, "오늘 결제완료", shared=True, search={"tab": "preparing", "date_from": "2026-12-01",
                                                                   "date_to": "2026-12-07"})
    assert shared["owner"] == {"id": "owner-1", "name": "김대표"}

    assert names(a, site_id) == [("네이버 배송대기", False), ("오늘 결제완료", True)]
    assert names(b, site_id) == [("내 무통장", False), ("오늘 결제완료", True)]
    assert names(OWNER, site_id) == [("오늘 결제완료", True)]
    status, page = as_(a, site_id, "GET", "/admin/views")
    assert page["can_share"] is False and page["limits"] == {"own": 20, "shared": 30}
    assert [c["key"] for c in page["columns"]][:3] == ["product", "quantity", "amount"]
    assert [v["editable"] for v in page["views"]] == [True, False]  # a shared view: 설정 or its maker

    # another operator's own view is not found, whatever the method (ids do not leak)
    for method, body in (("PUT", {"expected_version": 1, "name": "가로채기"}), ("DELETE", None)):
        status, problem = as_(b, site_id, method, f"/admin/views/{mine['view_id']}", body)
        assert status == 404 and problem["code"] == "VIEW_NOT_FOUND", problem
    # nor can the owner of the site reach it
    status, problem = as_(OWNER, site_id, "DELETE", f"/admin/views/{mine['view_id']}")
    assert status == 404 and problem["code"] == "VIEW_NOT_FOUND"
    assert names(a, site_id)[0] == ("네이버 배송대기", False)

    status, gone = as_(a, site_id, "DELETE", f"/admin/views/{mine['view_id']}")
    assert status == 200 and gone == {"view_id": mine["view_id"], "deleted": True}
    assert names(a, site_id) == [("오늘 결제완료", True)]
    counts = {i["SK"]: i["n"] for i in site_items(site_id, "VIEWCOUNT#")}
    assert counts == {"VIEWCOUNT#OP#cs-a": 0, "VIEWCOUNT#OP#cs-b": 1, "VIEWCOUNT#SHARED": 1}
    assert sorted(i["SK"] for i in site_items(site_id, "VIEWNAME#")) == [
        "VIEWNAME#OP#cs-b#내 무통장", "VIEWNAME#SHARED#오늘 결제완료"]


def test_a_bad_search_is_refused_naming_the_field(site_id: str) -> None:
    a = member(site_id, "cs-a")
    cases = [({"tab": "nope"}, "VIEW_SEARCH_INVALID", "search.tab"),
             ({"date_from": "2026-13-01"}, "VIEW_SEARCH_INVALID", "search.date_from"),
             ({"date_from": "2026-12-07", "date_to": "2026-12-01"}, "VIEW_SEARCH_INVALID", "search.date_to"),
             ({"buyer_name": "가" * 101}, "VIEW_SEARCH_INVALID", "search.buyer_name"),
             ({"days": 0}, "VIEW_SEARCH_INVALID", "search.days"),
             ({"days": 7, "date_from": "2026-12-01"}, "VIEW_SEARCH_INVALID", "search.days"),
             ({"cursor": "abc"}, "VIEW_SEARCH_KEY_UNKNOWN", "search.cursor"),
             ({"colour": "red"}, "VIEW_SEARCH_KEY_UNKNOWN", "search.colour")]
    for search, code, field in cases:
        status, problem = as_(a, site_id, "POST", "/admin/views", {"name": "틀린 검색", "search": search})
        assert status == 422 and problem["code"] == code and problem["field"] == field, (search, problem)
        assert problem["message_ko"]
    for body, field in (({"name": ""}, "name"), ({"name": "가" * 31}, "name"),
                        ({"name": "열", "columns": ["price"]}, "columns.0"),
                        ({"name": "열", "columns": []}, "columns")):
        status, problem = as_(a, site_id, "POST", "/admin/views", body)
        assert status == 400 and problem["errors"][0]["field"] == field, (body, problem)
    assert names(a, site_id) == []
    assert site_items(site_id, "VIEW") == []
    # every key the list takes is kept, normalised by the list's own model
    ok = save(a, site_id, "전부", search={"tab": "all", "scope": "domestic", "buyer_type": "guest",
                                        "recipient_phone": "010-1234-5678", "buyer_name": ""})
    assert ok["search"] == {"tab": "all", "scope": "domestic", "buyer_type": "guest",
                            "recipient_phone": "010-1234-5678"}
    assert set(svc.search_keys()) >= {"tab", "date_from", "date_to", "order_id", "tracking_no", "days"}


def test_limits_per_operator_and_per_site_hold_under_racing_saves(site_id: str, monkeypatch: Any) -> None:
    monkeypatch.setattr(svc, "MAX_OWN", 3)
    monkeypatch.setattr(svc, "MAX_SHARED", 2)
    a, b = member(site_id, "cs-a"), member(site_id, "cs-b")
    # the race is the service's (one Lambda container runs one request at a time: racing saves come
    # from different containers); the HTTP answer of a refused save is checked after it
    actor = identify(site_id, {**a, "site_id": site_id})

    def racing(i: int) -> str:
        try:
            svc.create(site_id, actor.actor, actor.permissions, ViewIn(name=f"보기 {i}"))
            return "saved"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(racing, range(6)))
    assert sorted(results) == ["VIEW_LIMIT"] * 3 + ["saved"] * 3, results
    status, problem = as_(a, site_id, "POST", "/admin/views", {"name": "보기 7"})
    assert status == 409 and problem["code"] == "VIEW_LIMIT" and problem["limit"] == 3
    assert len(names(a, site_id)) == 3
    save(b, site_id, "b의 보기")  # another operator's own limit is their own
    save(OWNER, site_id, "공유 1", shared=True)
    save(OWNER, site_id, "공유 2", shared=True)
    status, problem = as_(OWNER, site_id, "POST", "/admin/views", {"name": "공유 3", "shared": True})
    assert status == 409 and problem["code"] == "VIEW_LIMIT" and problem["shared"] is True
    assert "사이트당 2개" in problem["message_ko"]
    counts = {i["SK"]: i["n"] for i in site_items(site_id, "VIEWCOUNT#")}
    assert counts == {"VIEWCOUNT#OP#cs-a": 3, "VIEWCOUNT#OP#cs-b": 1, "VIEWCOUNT#SHARED": 2}


def test_a_name_is_unique_in_its_scope(site_id: str) -> None:
    a, b = member(site_id, "cs-a"), member(site_id, "cs-b")
    first = save(a, site_id, "Naver 배송")
    status, problem = as_(a, site_id, "POST", "/admin/views", {"name": " naver  배송 "})
    assert status == 409 and problem["code"] == "VIEW_NAME_TAKEN" and problem["field"] == "name"
    save(b, site_id, "Naver 배송")  # another operator's scope
    save(OWNER, site_id, "Naver 배송", shared=True)  # the shared scope
    status, problem = as_(OWNER, site_id, "POST", "/admin/views", {"name": "NAVER 배송", "shared": True})
    assert status == 409 and problem["code"] == "VIEW_NAME_TAKEN"
    second = save(a, site_id, "쿠팡")
    status, problem = as_(a, site_id, "PUT", f"/admin/views/{second['view_id']}",
                          {"expected_version": 1, "name": "naver 배송"})
    assert status == 409 and problem["code"] == "VIEW_NAME_TAKEN"
    # a rename frees the old name; the case of one's own name may change
    status, renamed = as_(a, site_id, "PUT", f"/admin/views/{first['view_id']}",
                          {"expected_version": 1, "name": "NAVER 배송"})
    assert status == 200 and renamed["name"] == "NAVER 배송" and renamed["version"] == 2
    status, renamed = as_(a, site_id, "PUT", f"/admin/views/{second['view_id']}",
                          {"expected_version": 1, "name": "쿠팡 배송"})
    assert status == 200
    assert names(a, site_id) == [("NAVER 배송", False), ("쿠팡 배송", False), ("Naver 배송", True)]


def test_a_change_is_conditional_on_the_version_read(site_id: str) -> None:
    a = member(site_id, "cs-a")
    view = save(a, site_id, "배송대기", search={"tab": "ready_to_ship"})
    path = f"/admin/views/{view['view_id']}"
    status, changed = as_(a, site_id, "PUT", path, {"expected_version": 1, "search": {"tab": "shipping"},
                                                     "columns": ["buyer", "memo"]})
    assert status == 200 and changed["version"] == 2 and changed["search"] == {"tab": "shipping"}
    assert changed["name"] == "배송대기" and changed["columns"] == ["buyer", "memo"]
    status, problem = as_(a, site_id, "PUT", path, {"expected_version": 1, "name": "늦은 변경"})
    assert status == 409 and problem["code"] == "VIEW_CHANGED" and problem["version"] == 2
    status, problem = as_(a, site_id, "PUT", path, {"expected_version": 2, "search": {"tab": "아무거나"}})
    assert status == 422 and problem["field"] == "search.tab"
    status, page = as_(a, site_id, "GET", "/admin/views")
    (kept,) = page["views"]
    assert kept["name"] == "배송대기" and kept["version"] == 2 and kept["search"] == {"tab": "shipping"}
    # two changes of the same version race: one wins
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: as_(a, site_id, "PUT", path, {"expected_version": 2, "name": f"경쟁 {i}"}),
                                range(4)))
    assert sorted(s for s, _ in results) == [200, 409, 409, 409]
    assert len(site_items(site_id, "VIEWNAME#")) == 1


def test_sharing_needs_the_settings_permission_or_the_views_maker(site_id: str) -> None:
    cs, manager = member(site_id, "cs-a", "cs"), member(site_id, "mgr-1", "manager")
    status, problem = as_(cs, site_id, "POST", "/admin/views", {"name": "공유하려던", "shared": True})
    assert status == 403 and problem["code"] == "VIEW_SHARE_DENIED" and problem["permission"] == "settings"
    own = save(cs, site_id, "내 것")
    status, problem = as_(cs, site_id, "PUT", f"/admin/views/{own['view_id']}", {"expected_version": 1, "shared": True})
    assert status == 403 and problem["code"] == "VIEW_SHARE_DENIED"
    shared = save(manager, site_id, "팀 배송대기", shared=True, search={"tab": "ready_to_ship"})
    path = f"/admin/views/{shared['view_id']}"
    for method, body in (("PUT", {"expected_version": 1, "name": "바꿈"}), ("DELETE", None)):
        status, problem = as_(cs, site_id, method, path, body)
        assert status == 403 and problem["code"] == "VIEW_SHARE_DENIED", (method, problem)
    status, problem = as_(OWNER, site_id, "PUT", path, {"expected_version": 1, "shared": False})
    assert status == 403 and problem["code"] == "VIEW_OWNER_ONLY"
    status, renamed = as_(OWNER, site_id, "PUT", path, {"expected_version": 1, "name": "팀 배송대기 (확인)"})
    assert status == 200 and renamed["owner"]["id"] == "mgr-1" and renamed["editable"] and not renamed["mine"]
    # its maker turns sharing off: the view goes back to their own views, counted there
    status, back = as_(manager, site_id, "PUT", path, {"expected_version": 2, "shared": False})
    assert status == 200 and back["shared"] is False and back["version"] == 3
    assert names(cs, site_id) == [("내 것", False)]
    assert names(manager, site_id) == [("팀 배송대기 (확인)", False)]
    counts = {i["SK"]: i["n"] for i in site_items(site_id, "VIEWCOUNT#")}
    assert counts == {"VIEWCOUNT#OP#cs-a": 1, "VIEWCOUNT#OP#mgr-1": 1, "VIEWCOUNT#SHARED": 0}
    status, shared_again = as_(manager, site_id, "PUT", path, {"expected_version": 3, "shared": True})
    assert status == 200 and shared_again["shared"] is True
    status, gone = as_(OWNER, site_id, "DELETE", path)
    assert status == 200 and gone["deleted"] is True
    assert names(manager, site_id) == [] and [v["name"] for v in site_items(site_id, "VIEW#")] == ["내 것"]


def test_another_site_sees_and_changes_none_of_them(site_id: str) -> None:
    other = site_id + "-other"
    shared = save(OWNER, site_id, "공유 보기", shared=True)
    own = save(OWNER, site_id, "내 보기")
    assert names(OWNER, other) == []
    for view in (shared, own):
        for method, body in (("PUT", {"expected_version": 1, "name": "다른 사이트"}), ("DELETE", None)):
            status, problem = as_(OWNER, other, method, f"/admin/views/{view['view_id']}", body)
            assert status == 404 and problem["code"] == "VIEW_NOT_FOUND"
    save(OWNER, other, "공유 보기", shared=True)  # names are per site
    assert names(OWNER, site_id) == [("내 보기", False), ("공유 보기", True)]
    assert [v for v in site_items(site_id, "VIEW#") if v["name"] == "다른 사이트"] == []
