"""Staff and personal data on DynamoDB Local, through the admin API: the buyer and recipient come
masked in the list and the detail for everyone (masked views write nothing); revealing one order's
personal data is an action of its own, refused without 개인정보 보기, recorded once per reveal — 20
concurrent reveals, 20 records — with who, role, when, from where and which order, never the data;
sign-ins and permission changes are recorded; the record is searched by operator, action and order,
exported as CSV (itself recorded), and read by the owner only; the timeline names the operator and
their role."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from oms.domain.clock import KST, utcnow
from oms.store import staff as staff_store
from tests.support import call, http_event, order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

OWNER = {"sub": "owner-1", "role": "admin", "name": "김대표", "site_role": "owner"}


def as_(who: dict[str, Any], site_id: str, method: str, path: str, body: Any = None,
        query: dict[str, Any] | None = None) -> tuple[int, Any]:
    from admin_api.app import lambda_handler

    status, answer, _ = call(lambda_handler, http_event(method, path, body, query=query,
                                                        claims={**who, "site_id": site_id}))
    return status, answer


def staff_member(site_id: str, operator: str, role_id: str, name: str) -> dict[str, Any]:
    staff_store.put_member(site_id, operator, {"name": name, "role_id": role_id, "enabled": True})
    return {"sub": operator, "role": "admin", "name": name}


def new_order(site_id: str) -> str:
    from admin_api.app import lambda_handler

    status, body, _ = call(lambda_handler, http_event("POST", "/intake/orders", order_payload(site_id), iam=True))
    assert status == 201, body
    return str(body["order_id"])


def today() -> str:
    return utcnow().astimezone(KST).date().isoformat()


def records(site_id: str, **query: str) -> list[dict[str, Any]]:
    status, body = as_(OWNER, site_id, "GET", "/admin/access-log", query={"date_from": today(), "date_to": today(),
                                                                          **query})
    assert status == 200, body
    return list(body["records"])


def test_personal_data_is_masked_and_a_reveal_is_recorded_without_the_data(site_id: str) -> None:
    oid = new_order(site_id)
    cs = staff_member(site_id, "cs-1", "cs", "이상담")
    status, detail = as_(cs, site_id, "GET", f"/admin/orders/{oid}")
    assert status == 200
    assert detail["buyer"]["name"] == "김*지" and detail["buyer"]["phone"] == "010-****-5678"
    assert detail["recipient"]["address1"] == "서울특별시 중구 ***" and detail["recipient"]["address2"] == "***"
    status, page = as_(cs, site_id, "GET", "/admin/orders")
    assert status == 200 and page["orders"][0]["buyer_name"] == "김*지"
    assert page["orders"][0]["buyer_phone"] == "010-****-5678"
    assert records(site_id) == []  # masked views write nothing
    status, shown = as_(cs, site_id, "POST", f"/admin/orders/{oid}/personal", {"reason": "배송 문의 전화"})
    assert status == 200, shown
    assert shown["buyer"]["name"] == "김민지" and shown["recipient"]["phone"] == "010-1234-5678"
    (rec,) = records(site_id)
    assert rec["action"] == "reveal" and rec["order_ids"] == [oid] and rec["operator_id"] == "cs-1"
    assert rec["operator_name"] == "이상담" and rec["role"] == "CS 상담" and rec["reason"] == "배송 문의 전화"
    assert rec["ip"] and rec["user_agent"]
    text = json.dumps(rec, ensure_ascii=False)
    assert "김민지" not in text and "1234-5678" not in text and "세종대로" not in text  # never the data


def test_a_reveal_needs_the_permission_and_twenty_at_once_are_twenty_records(site_id: str) -> None:
    oid = new_order(site_id)
    reader = staff_member(site_id, "reader-1", "readonly", "박조회")
    status, refused = as_(reader, site_id, "POST", f"/admin/orders/{oid}/personal", {})
    assert status == 403 and refused["code"] == "PERMISSION_DENIED" and refused["permission"] == "personal.view"
    assert "개인정보 보기" in refused["message_ko"]
    assert records(site_id) == []
    packer = staff_member(site_id, "pack-1", "shipping", "최포장")
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: as_(packer, site_id, "POST", f"/admin/orders/{oid}/personal", {}),
                                range(20)))
    assert [s for s, _ in answers] == [200] * 20
    assert len(records(site_id, action="reveal")) == 20
    assert len(records(site_id, order_id=oid)) == 20
    assert records(site_id, operator_id="reader-1") == []


def test_sign_ins_and_permission_changes_are_recorded_and_only_the_owner_reads_them(site_id: str) -> None:
    status, me = as_(OWNER, site_id, "POST", "/admin/session")
    assert status == 200 and me["owner"] is True and "staff" in me["permissions"]
    status, listing = as_(OWNER, site_id, "PUT", "/admin/staff/cs-9", {"name": "정상담", "role_id": "cs"})
    assert status == 200 and [m["operator_id"] for m in listing["staff"]] == ["cs-9"]
    status, _ = as_(OWNER, site_id, "PUT", "/admin/roles/packers", {"name_ko": "포장 전담",
                                                                    "permissions": ["shipping", "orders.move"]})
    assert status == 200
    status, listing = as_(OWNER, site_id, "PUT", "/admin/staff/cs-9", {"name": "정상담", "role_id": "packers"})
    assert status == 200
    actions = [r["action"] for r in records(site_id)]
    assert actions.count("permission_change") == 3 and "sign_in" in actions
    change = next(r for r in records(site_id, action="permission_change") if r["detail"].get("role_after") == "packers")
    assert change["detail"] == {"operator_id": "cs-9", "role_before": "cs", "role_after": "packers", "enabled": True}
    manager = staff_member(site_id, "mgr-1", "manager", "한관리")
    status, refused = as_(manager, site_id, "GET", "/admin/access-log",
                          query={"date_from": today(), "date_to": today()})
    assert status == 403 and refused["permission"] == "staff"
    status, refused = as_(OWNER, site_id, "GET", "/admin/access-log", query={
        "date_from": today(), "date_to": (utcnow().astimezone(KST).date() + timedelta(days=400)).isoformat()})
    assert status == 422 and refused["code"] == "ACCESS_LOG_RANGE_INVALID"


def test_the_record_is_exported_for_the_monthly_review_and_the_export_recorded(site_id: str) -> None:
    oid = new_order(site_id)
    as_(OWNER, site_id, "POST", f"/admin/orders/{oid}/personal", {})
    from admin_api.app import lambda_handler

    resp = lambda_handler(http_event("GET", "/admin/access-log/export", query={"date_from": today(),
                                                                                "date_to": today()},
                                     claims={**OWNER, "site_id": site_id}), _ctx())
    assert resp["statusCode"] == 200 and resp["headers"]["Content-Type"].startswith("text/csv")
    rows = resp["body"].lstrip("\ufeff").splitlines()
    assert rows[0].startswith("일시(KST),작업,운영자 ID") and len(rows) == 2 and "개인정보 보기" in rows[1]
    assert records(site_id)[0]["action"] == "access_log_export"  # newest first


def test_the_timeline_names_the_operator_and_their_role(site_id: str) -> None:
    oid = new_order(site_id)
    cs = staff_member(site_id, "cs-2", "cs", "오상담")
    status, _ = as_(cs, site_id, "POST", f"/admin/orders/{oid}/memos", {"text": "부재중, 다시 연락"})
    assert status == 201
    status, tl = as_(cs, site_id, "GET", f"/admin/orders/{oid}/timeline")
    memo = next(e for e in tl["events"] if e["kind"] == "memo")
    assert memo["actor"] == {"kind": "admin", "id": "cs-2", "name": "오상담", "role": "CS 상담"}


def _ctx() -> Any:
    from tests.support import FakeContext

    return FakeContext()


def test_exports_mask_unless_asked_with_a_reason_and_twenty_at_once_are_twenty_records(
        site_id: str, monkeypatch: pytest.MonkeyPatch, s3_endpoint: str) -> None:
    import boto3

    from exports_fn.app import lambda_handler as exports_handler
    from oms_local.s3 import create_buckets
    from tests.integration.test_exports_api import BUCKET

    create_buckets(boto3.client("s3", endpoint_url=s3_endpoint), [BUCKET])
    monkeypatch.setenv("EXPORT_BUCKET", BUCKET)
    oid = new_order(site_id)
    packer = staff_member(site_id, "pack-2", "shipping", "최포장")
    mover = staff_member(site_id, "cs-3", "cs", "윤상담")  # moves orders, may not export

    def export(who: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        status, answer, _ = call(exports_handler, http_event("POST", "/admin/exports", body,
                                                             claims={**who, "site_id": site_id}))
        return status, answer

    status, _ = export(packer, {"template_id": "basic", "order_ids": [oid]})
    assert status == 201 and records(site_id) == []  # masked: nothing to record
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda _: export(packer, {"template_id": "basic", "order_ids": [oid], "personal": True,
                                                      "reason": "택배 송장 업로드"}), range(20)))
    assert [s for s, _ in got] == [201] * 20
    exported = records(site_id, action="export")
    assert len(exported) == 20 and {r["reason"] for r in exported} == {"택배 송장 업로드"}
    assert {tuple(r["order_ids"]) for r in exported} == {(oid,)} and all(r["size"] == 2 for r in exported)
    status, refused = export(mover, {"template_id": "basic", "order_ids": [oid]})
    assert status == 403 and refused["permission"] == "exports"
    status, answer, _ = call(exports_handler, http_event("POST", "/admin/jobs", {"action": "print"},
                                                         claims={**mover, "site_id": site_id}))
    assert status == 403 and answer["permission"] == "exports"  # a file job needs 엑셀 내보내기·인쇄 too


def test_an_order_sheet_masks_the_people_unless_printed_with_a_reason(site_id: str) -> None:
    from exports_fn.app import lambda_handler as exports_handler

    oid = new_order(site_id)

    def sheet(query: dict[str, str]) -> tuple[int, str]:
        resp = exports_handler(http_event("GET", f"/admin/orders/{oid}/sheet", query={"format": "html", **query},
                                          claims={**OWNER, "site_id": site_id}), _ctx())
        return int(resp["statusCode"]), str(resp["body"])

    status, masked = sheet({})
    assert status == 200 and "김*지" in masked and "010-****-5678" in masked and "세종대로" not in masked
    assert records(site_id) == []
    status, shown = sheet({"personal": "true", "reason": "포장 발송"})
    assert status == 200 and "김민지" in shown and "010-1234-5678" in shown and "세종대로 110" in shown
    (rec,) = records(site_id)
    assert rec["action"] == "print" and rec["order_ids"] == [oid] and rec["reason"] == "포장 발송"


def test_the_timeline_shows_an_address_change_masked(site_id: str) -> None:
    oid = new_order(site_id)
    status, _ = as_(OWNER, site_id, "PATCH", f"/admin/orders/{oid}/recipient", {
        "name": "김민지", "phone": "010-1234-5678", "postal_code": "04524", "address1": "서울특별시 중구 을지로 100"})
    assert status == 200
    status, tl = as_(OWNER, site_id, "GET", f"/admin/orders/{oid}/timeline")
    change = next(e for e in tl["events"] if e["kind"] == "recipient_changed")
    assert change["data"]["text_ko"] == "배송지 변경: (045**) 서울특별시 중구 *** → (045**) 서울특별시 중구 ***"
    assert "을지로" not in json.dumps(tl, ensure_ascii=False) and "세종대로" not in json.dumps(tl, ensure_ascii=False)
