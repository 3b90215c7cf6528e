"""The one OpenAPI document: every route of template.yaml is in it, it is up to date with the code,
and OrdersFunction serves it at /swagger without loading it at import."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from oms_local import openapi
from oms_local.gateway import Gateway
from oms_local.template import TEMPLATE_PATH
from tests.support import call, http_event

REPO_ROOT = Path(__file__).resolve().parents[2]
HANGUL = re.compile(r"[가-힣]")


@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    return openapi.build()


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(openapi.DOCUMENT_PATH.read_text(encoding="utf-8"))
    return document


def test_committed_document_is_up_to_date_with_the_code(built: dict[str, Any]) -> None:
    assert openapi.DOCUMENT_PATH.read_text(encoding="utf-8") == openapi.render(built), (
        "docs/openapi.json is out of date: run `make openapi`")


def test_every_route_of_the_template_is_in_the_document(committed: dict[str, Any]) -> None:
    gateway = Gateway(TEMPLATE_PATH, table_name="t", port=0)
    documented = openapi.operations(committed)
    missing = []
    for route in gateway.routes:
        # a documented operation that API Gateway would send to exactly this route
        served = [(m, p) for m, p in documented
                  if (found := gateway.match_route(m, openapi.sample_path(p))) and found[0] is route]
        if not served:
            missing.append(route.route_key)
    assert missing == []
    assert len(documented) >= 40


def test_the_document_spans_every_function(committed: dict[str, Any]) -> None:
    ops = set(openapi.operations(committed))
    for op in [("POST", "/intake/orders"), ("GET", "/admin/orders/{order_id}"), ("GET", "/buyer/orders"),
               ("POST", "/buyer/guest/session"), ("POST", "/webhooks/{provider}"),
               ("GET", "/admin/invoices/template"), ("GET", "/swagger")]:
        assert op in ops


def test_operations_keep_their_korean_summaries_and_the_route_security(committed: dict[str, Any]) -> None:
    for method, path in openapi.operations(committed):
        op = committed["paths"][path][method.lower()]
        assert HANGUL.search(op.get("summary", "")), (method, path)
    paths = committed["paths"]
    assert paths["/admin/orders"]["get"]["security"] == [{"OmsJwt": []}]
    assert paths["/intake/orders"]["post"]["security"] == [{"AWS_IAM": []}]
    assert paths["/buyer/orders"]["get"]["security"] == [{"BuyerJwt": []}]
    assert paths["/buyer/guest/orders/{order_id}"]["get"]["security"] == [{"GuestJwt": []}]
    assert paths["/webhooks/{provider}"]["post"]["security"] == []
    assert set(committed["components"]["securitySchemes"]) == {"OmsJwt", "BuyerJwt", "GuestJwt", "AWS_IAM"}
    assert paths["/admin/orders/{order_id}"]["get"]["summary"] == "주문 상세"


def test_a_route_routed_to_another_function_than_its_describer_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(openapi.SOURCES, "BuyerFunction", "webhooks_api.api_doc")
    monkeypatch.setitem(openapi.SOURCES, "WebhooksFunction", "buyer_api.app")
    with pytest.raises(LookupError):
        openapi.build()


def test_orders_function_serves_the_merged_document_at_swagger(committed: dict[str, Any]) -> None:
    from admin_api.app import lambda_handler

    status, body, headers = call(lambda_handler, http_event("GET", "/swagger", query={"format": "json"}))
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert body == committed
    status, page, headers = call(lambda_handler, http_event("GET", "/swagger"))
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert "SwaggerUIBundle" in page and "/webhooks/{provider}" in page


def test_the_admin_cold_import_loads_neither_the_document_nor_the_xray_sdk() -> None:
    code = ("import sys, admin_api.app; print(sorted(m for m in sys.modules if m.startswith(("
            "'aws_xray_sdk', 'aws_lambda_powertools.event_handler.openapi.models', "
            "'aws_lambda_powertools.event_handler.openapi.swagger_ui', 'admin_api.swagger'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": ":".join(sys.path)})
    assert out.stdout.strip() == "[]"


def test_every_write_operation_declares_the_idempotency_key(committed: dict[str, Any]) -> None:
    params = committed["components"]["parameters"]
    header = params["IdempotencyKey"]
    assert (header["name"], header["in"], header["required"]) == ("Idempotency-Key", "header", False)
    assert (header["schema"]["type"], header["schema"]["minLength"], header["schema"]["maxLength"]) == (
        "string", 1, 255)
    writes, undeclared = 0, []
    for method, path in openapi.operations(committed):
        op = committed["paths"][path][method.lower()]
        if method in ("POST", "PUT", "PATCH") or (method == "DELETE" and "requestBody" in op):
            writes += 1
            refs = [p for p in op.get("parameters", []) if p == {"$ref": "#/components/parameters/IdempotencyKey"}]
            if len(refs) != 1:
                undeclared.append((method, path))
        else:
            assert "IdempotencyKey" not in json.dumps(op.get("parameters", [])), (method, path)
    # the PG and courier callbacks are made idempotent by their own event identity, not by a client's key
    assert sorted(undeclared) == [("POST", "/webhooks/tracking/{provider}"), ("POST", "/webhooks/{provider}")]
    assert writes >= 50
    for op in [("POST", "/admin/exports/templates"), ("PUT", "/admin/exports/templates/{template_id}"),
               ("POST", "/admin/jobs"), ("POST", "/admin/orders/sheets"), ("POST", "/buyer/guest/session"),
               ("POST", "/intake/orders"), ("PATCH", "/admin/settings")]:
        assert op in openapi.operations(committed) and op not in undeclared, op


def test_every_function_with_write_routes_runs_the_idempotency_middleware() -> None:
    import importlib

    from oms.http.idempotency import honours_key

    for function, module in openapi.SOURCES.items():
        if function in ("WebhooksFunction", "TrackingWebhooksFunction"):
            continue
        app = importlib.import_module(module).app
        doc = json.loads(app.get_openapi_json_schema())
        writes = [m for ops in doc["paths"].values() for m in ops if m in ("post", "put", "patch")]
        assert not writes or honours_key(app), function


def test_refusals_are_problems_and_successes_are_typed(committed: dict[str, Any]) -> None:
    schemas = committed["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and {"Problem", "SmsTemplateIn", "ExportTemplateIn"} <= set(schemas)
    assert {"type", "title", "status", "code"} <= set(schemas["Problem"]["required"])
    for method, path in openapi.operations(committed):
        op = committed["paths"][path][method.lower()]
        assert op["tags"], (method, path)
        for status, answer in op["responses"].items():
            media = answer.get("content", {})
            if int(status) >= 400 and status != "401":
                assert "application/problem+json" in media, (method, path, status)
            if int(status) < 300 and "application/json" in media and path != "/swagger":
                assert media["application/json"]["schema"]["$ref"].startswith("#/components/schemas/"), (method, path)
    paths = committed["paths"]
    assert set(paths["/admin/orders/{order_id}/claims"]["post"]["responses"]) >= {"201", "400", "404", "409", "422"}
    assert "200" not in paths["/admin/jobs"]["post"]["responses"] and "202" in paths["/admin/jobs"]["post"]["responses"]
    assert paths["/admin/messages/templates"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SmsTemplateIn"}


def test_the_problem_code_lists_the_refusal_catalogue(committed: dict[str, Any]) -> None:
    from oms.domain.refusals import REFUSALS

    code = committed["components"]["schemas"]["Problem"]["properties"]["code"]
    assert code["enum"] == sorted(REFUSALS) and len(code["enum"]) >= 250
    listed = {c["code"]: c for c in code["x-refusal-codes"]}
    assert set(listed) == set(REFUSALS)
    assert listed["ORDER_NOT_FOUND"] == {"code": "ORDER_NOT_FOUND", "status": 404,
                                         "message_ko": REFUSALS["ORDER_NOT_FOUND"].message_ko}
    assert listed["PG_ISSUE_FAILED"]["also"] == [409]
    assert all(HANGUL.search(c["message_ko"]) for c in listed.values())
