"""A tour over HTTP: checkout hands an order in, the admin finds it, ships part of it, reads the timeline."""

from __future__ import annotations

import re

import httpx
import pytest

from oms_local import tokens
from tests.support import order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

PROBLEM = "application/problem+json"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_order_tour(http: httpx.Client, site_id: str, admin_token: str, service_token: str) -> None:
    admin = bearer(admin_token)
    body = order_payload(site_id)

    # checkout hands the order in (service identity), and a retry is answered with the same order
    created = http.post("/intake/orders", json=body, headers=bearer(service_token))
    assert created.status_code == 201, created.text
    order_id = created.json()["order_id"]
    assert re.fullmatch(r"\d{8}-\d{6}", order_id)
    retried = http.post("/intake/orders", json=body, headers=bearer(service_token))
    assert retried.status_code == 200 and retried.json()["order_id"] == order_id

    # the admin sees it in the list, in the preparing tab, with its lines previewed
    listed = http.get("/admin/orders", params={"tab": "preparing"}, headers=admin)
    assert listed.status_code == 200
    [row] = listed.json()["orders"]
    assert row["order_id"] == order_id and row["total_quantity"] == 4
    assert [(p["line_id"], p["quantity"]) for p in row["preview"]] == [("L001", 3), ("L002", 1)]
    assert listed.json()["counts"] == {"all": 1, "preparing": 1}

    # one of the three shirts goes to ready_to_ship
    moved = http.post(f"/admin/orders/{order_id}/status", headers=admin,
                      json={"moves": [{"line_id": "L001", "to": "ready_to_ship", "quantity": 1}],
                            "expected_version": row["version"]})
    assert moved.status_code == 200, moved.text
    lines = {li["line_id"]: (li["status"], li["quantity"]) for li in moved.json()["lines"]}
    assert lines == {"L001": ("preparing", 2), "L002": ("preparing", 1), "L003": ("ready_to_ship", 1)}

    # the timeline shows who moved what
    tl = http.get(f"/admin/orders/{order_id}/timeline", params={"limit": 5}, headers=admin)
    assert tl.status_code == 200
    newest = tl.json()["events"][0]
    assert newest["kind"] == "status_changed"
    assert (newest["data"]["from"], newest["data"]["to"], newest["data"]["quantity"]) == (
        "preparing", "ready_to_ship", 1)
    assert newest["data"]["split_to"] == "L003"
    assert newest["actor"] == {"kind": "admin", "id": "admin-1", "name": "관리자", "role": "대표 운영자"}

    counts = http.get("/admin/orders", headers=admin).json()["counts"]
    assert counts == {"all": 1, "preparing": 1, "ready_to_ship": 1}


def test_refusals_over_http(http: httpx.Client, site_id: str, admin_token: str, service_token: str) -> None:
    created = http.post("/intake/orders", json=order_payload(site_id), headers=bearer(service_token))
    assert created.status_code == 201
    order_id = created.json()["order_id"]
    admin = bearer(admin_token)

    # another shop's admin: not found, whatever the route
    other = bearer(tokens.mint_admin_token(f"{site_id}-other"))
    for resp in (
        http.get(f"/admin/orders/{order_id}", headers=other),
        http.get(f"/admin/orders/{order_id}/timeline", headers=other),
        http.post(f"/admin/orders/{order_id}/status", headers=other,
                  json={"moves": [{"line_id": "L001", "to": "ready_to_ship"}]}),
    ):
        assert resp.status_code == 404
        assert resp.headers["content-type"] == PROBLEM
        assert resp.json()["code"] == "ORDER_NOT_FOUND"

    # bad input: a problem naming the field
    bad = http.post(f"/admin/orders/{order_id}/status", headers=admin,
                    json={"moves": [{"line_id": "L001", "to": "ready_to_ship", "quantity": 0}]})
    assert bad.status_code == 400
    assert bad.headers["content-type"] == PROBLEM
    problem = bad.json()
    assert problem["code"] == "VALIDATION_FAILED" and problem["message_ko"]
    assert "moves.0.quantity" in {e["field"] for e in problem["errors"]}

    # a rule says no: 422 with the rule's code, and the order is unchanged
    refused = http.post(f"/admin/orders/{order_id}/status", headers=admin,
                        json={"moves": [{"line_id": "L001", "to": "delivered"}]})
    assert refused.status_code == 422
    assert refused.json()["code"] == "STEP_SKIP_NOT_ALLOWED"
    assert http.get(f"/admin/orders/{order_id}", headers=admin).json()["version"] == 1

    # no token, a bad token, a token for the wrong audience: the gateway stops them
    assert http.get("/admin/orders").status_code == 401
    assert http.get(f"/admin/orders/{order_id}").status_code == 401
    assert http.get("/admin/orders", headers=bearer(admin_token[:-4] + "AAAA")).status_code == 401
    buyer = tokens.mint_buyer_token(site_id, member_id="m-100")
    assert http.get("/admin/orders", headers=bearer(buyer)).status_code == 401
    # the intake route wants the service identity, not an admin
    assert http.post("/intake/orders", json=order_payload(site_id), headers=admin).status_code == 403
    assert http.post("/intake/orders", json=order_payload(site_id)).status_code == 403
    assert http.get("/admin/orders", headers=admin).json()["counts"] == {"all": 1, "preparing": 1}


def test_stock_of_a_korean_option_set_over_http_is_drawn_by_orders(
    http: httpx.Client, site_id: str, admin_token: str, service_token: str
) -> None:
    """조합형 SKUs hold Korean option names; the client percent-encodes them in the path."""
    admin = bearer(admin_token)
    sku = "TEE-01|색상=블랙|사이즈=L"
    put = http.put(f"/admin/stock/{sku}", json={"quantity": 3}, headers=admin)
    assert put.status_code == 200
    assert put.json()["sku"] == sku
    assert [(i["sku"], i["quantity"]) for i in http.get("/admin/stock", headers=admin).json()["items"]] == [(sku, 3)]

    assert http.post("/intake/orders", json=order_payload(site_id), headers=bearer(service_token)).status_code == 201
    assert [(i["sku"], i["quantity"]) for i in http.get("/admin/stock", headers=admin).json()["items"]] == [(sku, 0)]
    short = http.post("/intake/orders", json=order_payload(site_id), headers=bearer(service_token))
    assert short.status_code == 409 and short.json()["code"] == "OUT_OF_STOCK"
