"""The local stack serves the one API document (every function's routes) at /swagger."""

from __future__ import annotations

import json

import httpx

from oms_local import openapi


def test_swagger_serves_the_merged_document(http: httpx.Client) -> None:
    committed = json.loads(openapi.DOCUMENT_PATH.read_text(encoding="utf-8"))

    doc = http.get("/swagger", params={"format": "json"})
    page = http.get("/swagger")

    assert doc.status_code == 200 and doc.json() == committed
    assert {"/buyer/orders", "/webhooks/{provider}", "/admin/invoices/template", "/intake/orders"} <= set(
        doc.json()["paths"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "SwaggerUIBundle" in page.text
