"""Every admin route checks the one permission it declares (oms.http.permissions), generated from
the route table: an operator whose role lacks it is refused with 403 PERMISSION_DENIED naming it, one
whose role holds only it (and 주문 조회, every role's baseline) gets past the check; 주문 조회 itself is
refused to an operator the site does not list, 직원·권한 관리 to anyone but the owner. The table
covers exactly the template's admin routes, and the OpenAPI document declares the same."""

from __future__ import annotations

import json
from typing import Any

import pytest

from oms.domain.staff import ALL, custom_role
from oms.http.permissions import ROUTES
from oms.store import staff as staff_store
from oms_local import REPO_ROOT
from tests import api_routes
from tests.integration.test_cross_site_routes import bodies

ADMIN = [r for r in api_routes.routes() if r.caller == "admin" and r.path.startswith("/admin")]
PLACEHOLDERS = {"order_id": "20261207-000001", "second_order_id": "20261207-000002", "payment_id": "P1",
                "import_id": "20261126T101010-abcd1234", "endpoint_id": "we_1", "tx_id": "BK-1",
                "account": "1002123456789", "shipment_id": "SH001"}


def test_the_table_is_exactly_the_admin_routes_and_the_document_says_the_same() -> None:
    keys = {r.key for r in ADMIN}
    assert keys == set(ROUTES), (sorted(keys - set(ROUTES)), sorted(set(ROUTES) - keys))
    doc = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    declared = {f"{m.upper()} {p}": op["x-permission"] for p, ops in doc["paths"].items() for m, op in ops.items()
                if isinstance(op, dict) and "x-permission" in op}
    assert declared == ROUTES


def _claims(site_id: str, operator: str) -> dict[str, Any]:
    return {"sub": operator, "site_id": site_id, "role": "admin", "name": f"직원 {operator}"}


def _call(route: api_routes.ApiRoute, site_id: str, claims: dict[str, Any]) -> tuple[int, Any]:
    values = {p: PLACEHOLDERS.get(p, "x1") for p in route.path_params}
    if "channel" in values:
        values["channel"] = "naver"
    example = bodies({**PLACEHOLDERS, "site_id": site_id}, site_id + "-x").get(route.key)
    query = {"date_from": "2026-12-01", "date_to": "2026-12-31"} if route.path.startswith("/admin/access-log") else (
        {"order_ids": PLACEHOLDERS["order_id"]} if route.path == "/admin/invoices/template" else None)
    ev = api_routes.event(route, api_routes.fill(route.path, values), claims=claims, body=example, query=query,
                          path_values=values or None)
    status, _, answer = api_routes.invoke(route, ev)
    return status, answer


@pytest.fixture
def staffed(site_id: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """For every permission: an operator holding all but it, and one holding only it."""
    monkeypatch.setenv("INVOICE_BUCKET", "oms-invoices-local")
    for p in sorted(ALL - {"staff", "orders.view"}):
        rid = p.replace(".", "-")
        staff_store.put_role(site_id, custom_role(f"no-{rid}", f"{p} 없음", sorted(ALL - {p, "staff"})),
                             {"kind": "admin", "id": "owner"}, "2026-12-07T00:00:00.000000Z")
        staff_store.put_role(site_id, custom_role(f"only-{rid}", f"{p} 만", [p]),
                             {"kind": "admin", "id": "owner"}, "2026-12-07T00:00:00.000000Z")
        staff_store.put_member(site_id, f"without-{rid}", {"name": "직원", "role_id": f"no-{rid}", "enabled": True})
        staff_store.put_member(site_id, f"with-{rid}", {"name": "직원", "role_id": f"only-{rid}", "enabled": True})
    staff_store.put_member(site_id, "manager-1", {"name": "관리자", "role_id": "manager", "enabled": True})
    staff_store.put_member(site_id, "reader-1", {"name": "조회", "role_id": "readonly", "enabled": True})
    return site_id


@pytest.mark.parametrize("route", ADMIN, ids=lambda r: r.key)
def test_each_route_refuses_without_its_permission_and_passes_with_it(route: api_routes.ApiRoute,
                                                                      staffed: str) -> None:
    needed = ROUTES[route.key]
    if needed == "orders.view":
        denied, refusal = _claims(staffed, "stranger"), "STAFF_NOT_REGISTERED"
        allowed = _claims(staffed, "reader-1")
    elif needed == "staff":
        denied, refusal = _claims(staffed, "manager-1"), "PERMISSION_DENIED"
        allowed = {**_claims(staffed, "owner-1"), "site_role": "owner"}
    else:
        rid = needed.replace(".", "-")
        denied, refusal = _claims(staffed, f"without-{rid}"), "PERMISSION_DENIED"
        allowed = _claims(staffed, f"with-{rid}")
    status, answer = _call(route, staffed, denied)
    assert status == 403 and answer["code"] == refusal, (route.key, status, answer)
    if refusal == "PERMISSION_DENIED":
        assert answer["permission"] == needed
    status, answer = _call(route, staffed, allowed)
    assert status not in (403, 500), (route.key, status, answer)  # past the check (a provider may be away)
