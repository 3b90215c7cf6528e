"""The answers of every operation of the OpenAPI document: what each route really answers.

Powertools documents every validated route with a 200 of an untyped ``Return`` object and a 422
``HTTPValidationError`` the API never sends (validation errors are 400 problems, see
:func:`oms.http.register_error_handlers`). :func:`apply` replaces both, per operation, with:

- the success statuses and the model of :data:`SUCCESS` (the routes' ``(body, 201)`` / ``202`` and
  typed bodies from :mod:`oms.schemas.answers`); an operation missing from the table fails the build;
- the refusals each operation can answer, all ``application/problem+json`` with the one
  :class:`~oms.schemas.answers.Problem` schema: derived from the operation (401/403 from its
  authorizer, 400 from its parameters and body, 404 from its path parameters, 409/422 from the
  ``Idempotency-Key`` it takes, 415 from a JSON body) plus :data:`MORE` for the rules of its service;
- a tag per resource (:data:`TAGS`).

tests/integration/test_openapi_conformance.py (schemathesis) checks the real answers against it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from oms.schemas import alimtalk as at
from oms.schemas import answers as a
from oms.schemas import answers_more as m
from oms.schemas import channels as chn
from oms.schemas import deposits as dp
from oms.schemas import home as hm
from oms.schemas import staff as stf
from oms.schemas import views as vw
from oms.schemas import webhooks as w

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: non-JSON successes: media type -> schema
FILE: dict[str, Any] = {"type": "string", "format": "binary"}
SHEET = {"text/html": {"schema": {"type": "string"}}, "application/pdf": {"schema": FILE}}
SWAGGER = {"text/html": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}}
WORKBOOK = {XLSX: {"schema": FILE}}

DETAIL = a.OrderDetail
#: "METHOD path" -> (the success statuses, the body model or media map; None for no body)
SUCCESS: dict[str, tuple[tuple[int, ...], Any]] = {
    "GET /admin/orders": ((200,), a.OrderPage),
    "GET /admin/orders/{order_id}": ((200,), DETAIL),
    "POST /admin/orders/{order_id}/status": ((200,), DETAIL),
    "POST /admin/orders/bulk/status": ((200,), a.BulkAnswer),
    "POST /admin/orders/{order_id}/reopen": ((200,), DETAIL),
    "POST /admin/orders/{order_id}/memos": ((201,), a.MemoAnswer),
    "GET /admin/orders/{order_id}/timeline": ((200,), a.Timeline),
    "POST /admin/orders/{order_id}/payments/{payment_id}/deposit": ((200,), DETAIL),
    "POST /admin/orders/{order_id}/payments/outside": ((201,), DETAIL),
    "POST /admin/orders/{order_id}/payments/{payment_id}/refund": ((200,), DETAIL),
    "POST /admin/orders/{order_id}/payments/{payment_id}/cash-receipt": ((200,), DETAIL),
    "POST /admin/orders/{order_id}/payments/{payment_id}/cash-receipt/manual-complete": ((200,), DETAIL),
    "POST /admin/orders/{order_id}/payments/{payment_id}/cash-receipt/complete": ((200,), DETAIL),
    "POST /admin/orders/{order_id}/payment-requests": ((201,), DETAIL),
    "POST /admin/orders/{order_id}/payment-requests/{request_id}/cancel": ((200,), DETAIL),
    "POST /admin/orders/{order_id}/refunds": ((200,), a.RefundAnswer),
    "POST /admin/orders/{order_id}/payments/{payment_id}/refunds/force-complete": ((200,), DETAIL),
    "GET /admin/orders/{order_id}/claims": ((200,), a.ClaimsView),
    "POST /admin/orders/{order_id}/claims": ((201,), DETAIL),
    "POST /admin/orders/{order_id}/claims/{claim_id}/steps": ((200,), DETAIL),
    "POST /admin/orders/{order_id}/claims/{claim_id}/calculate": ((200,), a.Calculation),
    "POST /admin/orders/{order_id}/claims/{claim_id}/settle": ((200,), a.Settlement),
    "POST /admin/orders/{order_id}/lines": ((201,), DETAIL),
    "PATCH /admin/orders/{order_id}/recipient": ((200,), DETAIL),
    "GET /admin/stock": ((200,), a.StockList),
    "PUT /admin/stock/{sku}": ((200,), a.StockRow),
    "GET /admin/members/{member_id}/points": ((200,), m.PointsLedger),
    "POST /admin/members/{member_id}/points": ((201,), m.PointsLedger),
    "GET /admin/members/{member_id}/membership": ((200,), m.Membership),
    "POST /admin/members/{member_id}/membership/remove-group": ((200,), m.Membership),
    "POST /admin/orders/{order_id}/tracking": ((200,), DETAIL),
    "GET /admin/orders/{order_id}/shipments": ((200,), a.Shipments),
    "POST /admin/orders/{order_id}/shipments/{shipment_id}/issue/resolve": ((200,), DETAIL),
    "POST /admin/orders/{order_id}/shipments/{shipment_id}/correct": ((200,), DETAIL),
    "POST /admin/orders/bulk/deliver-no-shipping": ((200,), a.BulkAnswer),
    "POST /admin/shipments/combined": ((201,), a.Combined),
    "GET /admin/couriers": ((200,), a.Couriers),
    "GET /admin/invoices/imports": ((200,), a.InvoiceImports),
    "POST /admin/invoices/imports": ((201,), m.ImportStarted),
    "GET /admin/invoices/imports/{import_id}": ((200,), a.InvoiceImport),
    "POST /admin/invoices/imports/{import_id}/resume": ((200, 202), a.InvoiceImport),
    "GET /admin/invoices/template": ((200,), WORKBOOK),
    "POST /admin/orders/{order_id}/messages/preview": ((200,), m.MessagePreview),
    "GET /admin/orders/{order_id}/messages": ((200,), m.Messages),
    "POST /admin/orders/{order_id}/messages": ((200, 201), m.Message),
    "GET /admin/orders/{order_id}/messages/{message_id}": ((200,), m.Message),
    "POST /admin/orders/{order_id}/messages/{message_id}/resend": ((200,), m.Message),
    "GET /admin/messages/senders": ((200,), m.Senders),
    "POST /admin/messages/senders": ((201,), m.Sender),
    "PUT /admin/messages/senders/default": ((200,), m.Senders),
    "GET /admin/messages/templates": ((200,), m.SmsTemplates),
    "POST /admin/messages/templates": ((201,), m.SmsTemplate),
    "PUT /admin/messages/templates/{template_id}": ((200,), m.SmsTemplate),
    "DELETE /admin/messages/templates/{template_id}": ((200,), m.Deleted),
    "GET /admin/alimtalk/templates": ((200,), at.AlimtalkTemplates),
    "POST /admin/alimtalk/templates": ((201,), at.AlimtalkTemplate),
    "POST /admin/alimtalk/templates/{code}/sync": ((200,), at.AlimtalkTemplate),
    "GET /admin/alimtalk/settings": ((200,), at.NotificationSettingsAnswer),
    "PUT /admin/alimtalk/settings": ((200,), at.NotificationSettingsAnswer),
    "GET /admin/settings": ((200,), m.SettingsAnswer),
    "GET /admin/deposits/unmatched": ((200,), dp.UnmatchedDeposits),
    "GET /admin/deposits/accounts": ((200,), dp.DepositAccounts),
    "POST /admin/deposits/{account}/{tx_id}/match": ((200,), dp.DepositAnswer),
    "POST /admin/deposits/{account}/{tx_id}/dismiss": ((200,), dp.DepositAnswer),
    "GET /admin/home": ((200,), hm.HomeAnswer),
    "GET /admin/me": ((200,), stf.Me),
    "POST /admin/session": ((200,), stf.Me),
    "GET /admin/staff": ((200,), stf.StaffListing),
    "PUT /admin/staff/{operator_id}": ((200,), stf.StaffListing),
    "DELETE /admin/staff/{operator_id}": ((200,), stf.StaffListing),
    "PUT /admin/roles/{role_id}": ((200,), stf.StaffListing),
    "DELETE /admin/roles/{role_id}": ((200,), stf.StaffListing),
    "GET /admin/access-log": ((200,), stf.AccessRecords),
    "GET /admin/access-log/export": ((200,), {"text/csv": {"schema": {"type": "string"}}}),
    "POST /admin/orders/{order_id}/personal": ((200,), stf.Revealed),
    "GET /admin/channels": ((200,), chn.Channels),
    "PUT /admin/channels/{channel}": ((200,), chn.ChannelStatus),
    "DELETE /admin/channels/{channel}": ((200,), chn.ChannelStatus),
    "POST /admin/channels/{channel}/sync": ((202,), chn.SyncQueued),
    "POST /admin/channels/{channel}/check": ((200,), chn.ConnectionChecked),
    "POST /admin/orders/{order_id}/channel/delay": ((200,), a.OrderDetail),
    "POST /admin/orders/{order_id}/channel/claims": ((200,), a.OrderDetail),
    "PATCH /admin/settings": ((200,), m.SettingsAnswer),
    "GET /admin/settings/claims/remote-zones/default": ((200,), m.RemoteZones),
    "POST /admin/settings/payments/callback-registration": ((200,), m.CallbackRegistration),
    "POST /intake/orders": ((200, 201), DETAIL),
    "GET /admin/exports/fields": ((200,), m.ExportFields),
    "GET /admin/exports/templates": ((200,), m.ExportTemplates),
    "POST /admin/exports/templates": ((201,), m.ExportTemplate),
    "GET /admin/exports/templates/{template_id}": ((200,), m.ExportTemplate),
    "PUT /admin/exports/templates/{template_id}": ((200,), m.ExportTemplate),
    "DELETE /admin/exports/templates/{template_id}": ((204,), None),
    "POST /admin/exports": ((201,), m.ExportFile),
    "GET /admin/exports/{export_id}": ((200,), m.ExportFile),
    "GET /admin/orders/{order_id}/sheet": ((200,), SHEET),
    "POST /admin/orders/sheets": ((200,), SHEET),
    "POST /admin/jobs": ((202,), m.Job),
    "GET /admin/jobs": ((200,), m.Jobs),
    "GET /admin/jobs/{job_id}": ((200,), m.Job),
    "POST /admin/jobs/{job_id}/cancel": ((200,), m.Job),
    "GET /buyer/orders": ((200,), m.BuyerOrders),
    "GET /buyer/orders/{order_id}": ((200,), m.BuyerOrder),
    "POST /buyer/orders/{order_id}/confirm": ((200,), m.BuyerOrder),
    "POST /buyer/orders/{order_id}/payment-requests/{request_id}/pay": ((200,), m.BuyerOrder),
    "POST /buyer/orders/{order_id}/claims": ((201,), m.BuyerOrder),
    "POST /buyer/orders/{order_id}/claims/{claim_id}/withdraw": ((200,), m.BuyerOrder),
    "GET /buyer/points": ((200,), m.PointsLedger),
    "POST /buyer/guest/session": ((200,), m.GuestSession),
    "GET /buyer/guest/orders/{order_id}": ((200,), m.BuyerOrder),
    "POST /buyer/guest/orders/{order_id}/confirm": ((200,), m.BuyerOrder),
    "POST /buyer/guest/orders/{order_id}/payment-requests/{request_id}/pay": ((200,), m.BuyerOrder),
    "POST /buyer/guest/orders/{order_id}/claims": ((201,), m.BuyerOrder),
    "POST /buyer/guest/orders/{order_id}/claims/{claim_id}/withdraw": ((200,), m.BuyerOrder),
    "GET /buyer/guest/.well-known/jwks.json": ((200,), m.Jwks),
    "GET /buyer/guest/.well-known/openid-configuration": ((200,), m.OpenIdConfiguration),
    "POST /webhooks/{provider}": ((200,), m.WebhookResult),
    "POST /webhooks/tracking/{provider}": ((200, 202), m.WebhookResult),
    "GET /swagger": ((200,), SWAGGER),
    "GET /admin/webhooks/endpoints": ((200,), w.WebhookEndpoints),
    "POST /admin/webhooks/endpoints": ((201,), w.WebhookEndpointWithSecret),
    "GET /admin/webhooks/endpoints/{endpoint_id}": ((200,), w.WebhookEndpoint),
    "PATCH /admin/webhooks/endpoints/{endpoint_id}": ((200,), w.WebhookEndpoint),
    "POST /admin/webhooks/endpoints/{endpoint_id}/rotate-secret": ((200,), w.WebhookEndpointWithSecret),
    "DELETE /admin/webhooks/endpoints/{endpoint_id}": ((200,), w.WebhookEndpointDeleted),
    "GET /admin/webhooks/endpoints/{endpoint_id}/attempts": ((200,), w.WebhookAttempts),
    "GET /admin/views": ((200,), vw.SavedViews),
    "POST /admin/views": ((201,), vw.SavedView),
    "PUT /admin/views/{view_id}": ((200,), vw.SavedView),
    "DELETE /admin/views/{view_id}": ((200,), vw.ViewDeleted),
}

_PG = (502, 503)
#: refusals an operation's service can answer beyond those derived from the operation itself
MORE: dict[str, tuple[int, ...]] = {
    "POST /admin/orders/{order_id}/payments/{payment_id}/refund": _PG,
    "POST /admin/orders/{order_id}/payments/{payment_id}/cash-receipt": _PG,
    "POST /admin/orders/{order_id}/payment-requests/{request_id}/cancel": _PG,
    "POST /admin/orders/{order_id}/refunds": _PG,
    "POST /admin/orders/{order_id}/claims/{claim_id}/settle": _PG,
    "POST /admin/messages/senders": _PG,
    "POST /admin/alimtalk/templates": _PG,
    "POST /admin/alimtalk/templates/{code}/sync": (503,),
    "POST /buyer/orders/{order_id}/payment-requests/{request_id}/pay": _PG,
    "POST /buyer/guest/orders/{order_id}/payment-requests/{request_id}/pay": _PG,
    "POST /buyer/guest/session": (404, 429),
    "PUT /admin/messages/senders/default": (404,),
    "GET /admin/invoices/template": (404, 422),
    "POST /admin/exports": (404,),
    "POST /admin/orders/sheets": (404, 422),
    "GET /admin/orders/{order_id}/sheet": (422,),
    "POST /admin/orders/bulk/status": (404,),
    "POST /admin/shipments/combined": (404,),
    "POST /webhooks/{provider}": (400, 409, 422),
    "POST /admin/webhooks/endpoints": (409, 422),
    "POST /admin/deposits/{account}/{tx_id}/match": (409, 422),
    "POST /admin/deposits/{account}/{tx_id}/dismiss": (409,),
    "PUT /admin/channels/{channel}": (422, 503),
    "PUT /admin/staff/{operator_id}": (404, 409, 422),
    "DELETE /admin/staff/{operator_id}": (404,),
    "PUT /admin/roles/{role_id}": (409, 422),
    "DELETE /admin/roles/{role_id}": (404, 409),
    "GET /admin/access-log": (422,),
    "GET /admin/access-log/export": (422,),
    "DELETE /admin/channels/{channel}": (409,),
    "POST /admin/channels/{channel}/sync": (409,),
    "POST /admin/channels/{channel}/check": (409, 422, 503),
    "POST /admin/orders/{order_id}/channel/delay": (409, 422),
    "POST /admin/orders/{order_id}/channel/claims": (409, 422),
    "POST /webhooks/tracking/{provider}": (400, 401, 422, 503),
    "POST /admin/views": (403, 409, 422),
    "PUT /admin/views/{view_id}": (403, 404, 409, 422),
    "DELETE /admin/views/{view_id}": (403, 404, 409),
}

#: parameters of the route whose resolver runs without validation (it reads its query itself)
PARAMETERS: dict[str, list[dict[str, Any]]] = {
    "GET /admin/invoices/template": [{
        "name": "order_ids", "in": "query", "required": False,
        "description": "쉼표로 구분한 주문번호 (없으면 배송대기 탭의 주문); 형식이 틀리면 400 `INVALID_ORDER_ID`",
        "schema": {"type": "string", "maxLength": 20000}}],
}

#: path prefix -> tag (first match wins)
TAGS: tuple[tuple[str, str], ...] = (
    ("/admin/orders/{order_id}/channel", "외부 채널"), ("/admin/orders/{order_id}/personal", "직원·개인정보"),
    ("/admin/me", "직원·개인정보"), ("/admin/session", "직원·개인정보"), ("/admin/staff", "직원·개인정보"),
    ("/admin/roles", "직원·개인정보"), ("/admin/access-log", "직원·개인정보"),
    ("/admin/views", "주문"),
    ("/admin/orders/{order_id}/payments", "결제"), ("/admin/orders/{order_id}/payment-requests", "결제"),
    ("/admin/orders/{order_id}/refunds", "결제"), ("/admin/orders/{order_id}/claims", "클레임"),
    ("/admin/orders/{order_id}/lines", "클레임"), ("/admin/orders/{order_id}/recipient", "클레임"),
    ("/admin/orders/{order_id}/messages", "문자"), ("/admin/messages", "문자"), ("/admin/alimtalk", "알림톡"),
    ("/admin/orders/{order_id}/tracking", "배송"), ("/admin/orders/{order_id}/shipments", "배송"),
    ("/admin/orders/bulk/deliver-no-shipping", "배송"), ("/admin/shipments", "배송"), ("/admin/couriers", "배송"),
    ("/admin/invoices", "송장"), ("/admin/orders/{order_id}/sheet", "내보내기"), ("/admin/orders/sheets", "내보내기"),
    ("/admin/exports", "내보내기"), ("/admin/jobs", "작업"), ("/admin/orders", "주문"), ("/admin/home", "주문"),
    ("/admin/stock", "재고"),
    ("/admin/members", "회원·적립금"), ("/admin/settings", "설정"), ("/admin/webhooks", "웹훅"),
    ("/admin/deposits", "결제"), ("/admin/channels", "외부 채널"),
    ("/intake", "주문 접수"),
    ("/buyer/guest", "구매자 (비회원)"), ("/buyer", "구매자 (회원)"), ("/webhooks/tracking", "배송"),
    ("/webhooks", "PG 콜백"), ("/swagger", "문서"),
)

_STATUS_TEXT = {
    200: "성공", 201: "만들어짐", 202: "접수됨 (처리는 이어서)", 204: "지워짐 (본문 없음)",
    400: "요청 형식 오류 (`VALIDATION_FAILED` + `errors[]`, `MALFORMED_JSON`, `IDEMPOTENCY_KEY_INVALID` …)",
    401: "인증 실패: 토큰이 없거나 유효하지 않음",
    403: "권한 없음 (`FORBIDDEN`)",
    404: "대상이 없음 (`ORDER_NOT_FOUND` …; 다른 사이트의 것도 404)",
    409: "현재 상태와 충돌 (`VERSION_CONFLICT`, 상태 규칙, `IDEMPOTENCY_IN_PROGRESS` …)",
    415: "요청 본문은 application/json (`UNSUPPORTED_CONTENT_TYPE`)",
    422: "업무 규칙으로 거절 (`IDEMPOTENCY_KEY_REUSED`, 금액·수량 규칙 …)",
    429: "시도가 너무 많음 (`TOO_MANY_ATTEMPTS`)",
    500: "예기치 않은 오류 (`INTERNAL_ERROR`, `correlation_id`)",
    502: "PG가 거절하거나 실패함 (`PG_REFUND_FAILED` …)",
    503: "PG·발송사 응답 없음: 같은 요청을 다시 보내면 이어서 처리",
}
_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
_GATEWAY = {"application/json": {"schema": {"$ref": "#/components/schemas/GatewayError"}}}
_WRITES = ("post", "put", "patch")
#: Powertools' own descriptions: replaced by ours
_GENERATED = ("Successful Response", "Validation Error")


def _models() -> list[type[BaseModel]]:
    found = {body for _, body in SUCCESS.values() if isinstance(body, type) and issubclass(body, BaseModel)}
    return [a.Problem, a.GatewayError, *sorted(found, key=lambda t: t.__name__)]


def _component_schemas() -> dict[str, Any]:
    _, top = models_json_schema([(model, "validation") for model in _models()],
                                ref_template="#/components/schemas/{model}")
    return dict(top.get("$defs", {}))


def _plain(node: Any) -> Any:
    """A schema as Powertools writes it (no ``default: null``, numbers as floats), to compare two."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items() if not (k == "default" and v is None)}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return float(node) if isinstance(node, int) and not isinstance(node, bool) else node


def _success(body: Any, status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": _STATUS_TEXT[status]}
    if isinstance(body, type):
        answer["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{body.__name__}"}}}
    elif body is not None:
        answer["content"] = body
    return answer


def refusals(method: str, path: str, op: dict[str, Any]) -> set[int]:
    """The 4xx/5xx an operation can answer: from its authorizer, inputs and idempotency, plus :data:`MORE`."""
    params = op.get("parameters", [])
    names = {next(iter(s)) for s in op.get("security", []) if s}
    out = {500, *MORE.get(f"{method.upper()} {path}", ())}
    if names:
        out |= {401, 403}
    if params or "requestBody" in op:
        out.add(400)
    if any(p.get("in") == "path" for p in params):
        out.add(404)
    if any(p.get("$ref", "").endswith("/IdempotencyKey") for p in params):
        out |= {409, 422}
    if method in _WRITES and not path.startswith("/webhooks/"):
        out.add(415)
    return out


def _refusal(status: int, names: set[str]) -> dict[str, Any]:
    if status == 401 and names <= {"OmsJwt", "BuyerJwt", "GuestJwt", "AWS_IAM"} and names:
        return {"description": _STATUS_TEXT[401] + " (API Gateway: `{\"message\": \"Unauthorized\"}`)",
                "content": _GATEWAY}
    if status == 403 and "AWS_IAM" in names:
        return {"description": _STATUS_TEXT[403] + " (서명 오류는 API Gateway의 `{\"message\": \"Forbidden\"}`)",
                "content": {**_GATEWAY, **_PROBLEM}}
    return {"description": _STATUS_TEXT[status], "content": _PROBLEM}


def _tag(path: str) -> str:
    return next(tag for prefix, tag in TAGS if path == prefix or path.startswith(prefix))


def apply(document: dict[str, Any], operations: list[tuple[str, str]]) -> None:
    """Replace each operation's generated responses with its real answers, tag it, and keep only the
    component schemas something refers to."""
    missing = [f"{m} {p}" for m, p in operations if f"{m} {p}" not in SUCCESS]
    if missing:
        raise LookupError(f"operations without their answers in oms_local.openapi_answers.SUCCESS: {missing}")
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in _component_schemas().items():
        if name in schemas and _plain(schemas[name]) != _plain(schema):
            raise ValueError(f"two different schemas are named {name}")
        schemas.setdefault(name, schema)
    for method, path in operations:
        op = document["paths"][path][method.lower()]
        statuses, body = SUCCESS[f"{method} {path}"]
        if f"{method} {path}" in PARAMETERS:
            op["parameters"] = [*op.get("parameters", []), *PARAMETERS[f"{method} {path}"]]
        names = {next(iter(s)) for s in op.get("security", []) if s}
        declared = {int(s): r.get("description") for s, r in op.get("responses", {}).items()
                    if r.get("description") not in _GENERATED}
        responses = {str(s): _success(body, s) for s in statuses}
        for status in sorted(refusals(method.lower(), path, op) | {s for s in declared if s >= 400}):
            responses[str(status)] = _refusal(status, names)
        for status, text in declared.items():
            responses[str(status)]["description"] = text
        op["responses"] = responses
        op["tags"] = [_tag(path)]
    _drop_unused(document)
    document["tags"] = [{"name": tag} for tag in dict.fromkeys(tag for _, tag in TAGS)]


def _drop_unused(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    used: set[str] = set()
    todo = [document["paths"], document["components"].get("parameters", {})]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in used:
                    used.add(name)
                    todo.append(schemas[name])
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    for name in set(schemas) - used:
        del schemas[name]
