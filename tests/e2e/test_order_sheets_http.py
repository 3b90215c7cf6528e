"""Order sheets over HTTP on the local gateway: ExportsFunction answers its routes (from
template.yaml), the PDF comes through as binary (base64 in the 2.0 response), the HTML as text."""

from __future__ import annotations

import httpx
import pytest

from tests.support import order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

def test_sheet_routes_over_the_gateway(http: httpx.Client, site_id: str, admin_token: str,
                                       service_token: str) -> None:
    created = http.post("/intake/orders", json=order_payload(site_id),
                        headers={"Authorization": f"Bearer {service_token}"})
    assert created.status_code == 201, created.text
    oid = created.json()["order_id"]
    auth = {"Authorization": f"Bearer {admin_token}"}
    pdf = http.get(f"/admin/orders/{oid}/sheet", params={"format": "pdf"}, headers=auth)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and b"NanumGothic" in pdf.content
    html = http.post("/admin/orders/sheets", json={"order_ids": [oid]}, headers=auth)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert f"주문서 {oid}" in html.text and "<div>사이즈: L</div>" in html.text
    # the admin API still answers the order itself
    assert http.get(f"/admin/orders/{oid}", headers=auth).json()["order_id"] == oid
    assert http.get(f"/admin/orders/{oid}/sheet", headers={"Authorization": "Bearer nope"}).status_code == 401
