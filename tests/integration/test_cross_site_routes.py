"""Every route of every function, called with another site's credentials on the first site's order,
payment, import, member and SKU: the order-scoped routes answer 404, nothing of the first site is
written (its partitions are read back with Query on DynamoDB Local) and nothing of it is answered."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from oms.domain.order import Actor
from oms.schemas.webhooks import WebhookEndpointIn
from oms.services import points as points_service
from oms.services import webhook_endpoints
from oms.store import imports, keys, stock
from oms.store.keys_channels import channels_pk
from oms.store.keys_deposits import deposits_pk
from oms.store.keys_staff import staff_pk
from oms.store.table import client, load, table_name
from oms_local import tokens
from oms_local.alimtalk_sandbox import AlimtalkSandbox
from oms_local.gateway import Gateway
from oms_local.sms_sandbox import SmsSandbox
from oms_local.template import TEMPLATE_PATH
from tests import api_routes
from tests.conftest import STANDARD_BUYER_POINTS
from tests.integration.confirm_helpers import one_line, take_in
from tests.support import INVOICE_BUCKET, order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

ADMIN = Actor("admin", "admin-1", "관리자")
GUEST = {"name": "박지우", "phone": "010-3456-7890", "member_id": None}


def partition(pk: str) -> list[dict[str, Any]]:
    resp = client().query(TableName=table_name(), KeyConditionExpression="PK = :pk",
                          ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True)
    return sorted((load(i) for i in resp.get("Items", [])), key=lambda i: i["SK"])


def bodies(first: dict[str, str], other_site: str) -> dict[str, Any]:
    """A valid body per route, naming the first site's resources."""
    order, second = first["order_id"], first["second_order_id"]
    return {
        "POST /admin/orders/{order_id}/status": {"moves": [{"line_id": "L001", "to": "ready_to_ship"}]},
        "POST /admin/orders/{order_id}/memos": {"text": "다른 사이트의 메모"},
        "POST /admin/orders/{order_id}/payments/{payment_id}/deposit": {},
        "POST /admin/orders/{order_id}/payments/outside": {"amount": 1000},
        "POST /admin/orders/{order_id}/payments/{payment_id}/refund": {"reason": "고객 요청"},
        "POST /admin/orders/{order_id}/payments/{payment_id}/cash-receipt": {"type": "소득공제",
                                                                              "identity_number": "010-1234-5678"},
        "POST /admin/orders/{order_id}/payments/{payment_id}/cash-receipt/manual-complete": {"type": "소득공제"},
        "POST /admin/orders/{order_id}/tracking": {"line_ids": ["L001"], "courier": "CJ",
                                                   "tracking_no": "612345678901"},
        "PUT /admin/stock/{sku}": {"quantity": 3},
        "POST /admin/members/{member_id}/points": {"amount": 100, "reason": "보상"},
        "POST /admin/members/{member_id}/membership/remove-group": {"reason": "정리"},
        "POST /admin/orders/bulk/status": {"order_ids": [order, second], "to": "ready_to_ship"},
        "POST /admin/orders/bulk/deliver-no-shipping": {"order_ids": [order, second]},
        "POST /admin/orders/{order_id}/shipments/{shipment_id}/issue/resolve": {"note": "다른 사이트"},
        "POST /admin/orders/{order_id}/shipments/{shipment_id}/correct": {"tracking_no": "612345678902"},
        "POST /admin/shipments/combined": {"orders": [{"order_id": order, "line_ids": ["L001"]},
                                                      {"order_id": second, "line_ids": ["L001"]}],
                                           "tracking_no": "612345678901"},
        "PATCH /admin/settings": {"points": {"enabled": False}},
        "POST /admin/invoices/imports": {"filename": "송장.xlsx"},
        "POST /intake/orders": order_payload(other_site),
        "POST /buyer/orders/{order_id}/confirm": {},
        "POST /buyer/guest/orders/{order_id}/confirm": {},
        "POST /buyer/guest/session": {"site_id": other_site, "order_id": order, "phone": "010-3456-7890"},
        "POST /webhooks/{provider}": {"eventType": "DEPOSIT_CALLBACK", "orderId": order, "status": "DONE"},
        "POST /webhooks/tracking/{provider}": {"fid": f"{first['site_id']}.{order}.SH001.1", "invoice_no": "1",
                                               "level": 6, "time_trans": "2026-12-01 10:00:00"},
        "POST /admin/orders/{order_id}/payments/{payment_id}/cash-receipt/complete": {"issue_number": "123456789"},
        "POST /admin/orders/{order_id}/messages/preview": {"role": "buyer", "text": "안내드립니다"},
        "POST /admin/orders/{order_id}/messages": {"role": "buyer", "text": "안내드립니다"},
        "POST /admin/messages/senders": {"number": "02-1234-5678"},
        "PUT /admin/messages/senders/default": {"number": "02-1234-5678"},
        "POST /admin/messages/templates": {"name": "배송 안내", "text": "#{주문번호} 발송되었습니다"},
        "PUT /admin/messages/templates/{template_id}": {"name": "배송 안내", "text": "#{주문번호} 발송되었습니다"},
        "POST /admin/alimtalk/templates": {"code": "PAID01", "name": "결제완료", "trigger": "paid",
                                           "text": "#{주문번호} 결제 완료"},
        "PUT /admin/alimtalk/settings": {"sender_key": "SK-OTHER", "paid": True},
        "POST /admin/exports": {"template_id": "basic", "order_ids": [order]},
        "POST /admin/orders/sheets": {"order_ids": [order], "format": "html"},
        "POST /admin/exports/templates": {"name": "내 양식", "columns": [{"field": "order_id"}]},
        "PUT /admin/exports/templates/{template_id}": {"name": "내 양식", "columns": [{"field": "order_id"}]},
        "POST /admin/jobs": {"action": "deliver_no_shipping"},
        "POST /admin/orders/{order_id}/claims": {"type": "cancel", "items": [{"line_id": "L001", "quantity": 1}],
                                                 "reason": "intent_changed"},
        "POST /buyer/orders/{order_id}/claims": {"type": "cancel", "items": [{"line_id": "L001", "quantity": 1}],
                                                 "reason": "intent_changed"},
        "POST /buyer/guest/orders/{order_id}/claims": {"type": "cancel",
                                                       "items": [{"line_id": "L001", "quantity": 1}],
                                                       "reason": "intent_changed"},
        "POST /admin/orders/{order_id}/claims/{claim_id}/steps": {"to": "complete"},
        "POST /admin/orders/{order_id}/claims/{claim_id}/calculate": {},
        "POST /admin/orders/{order_id}/claims/{claim_id}/settle": {"direction": "refund"},
        "POST /admin/orders/{order_id}/claims/{claim_id}/withdraw": {},
        "POST /buyer/orders/{order_id}/claims/{claim_id}/withdraw": {},
        "POST /buyer/guest/orders/{order_id}/claims/{claim_id}/withdraw": {},
        "POST /admin/orders/{order_id}/lines": {"product_code": "CAP-02", "product_name": "볼캡", "quantity": 1,
                                                "unit_price": 15000},
        "POST /admin/orders/{order_id}/payment-requests": {},
        "POST /admin/orders/{order_id}/payment-requests/{request_id}/cancel": {},
        "POST /buyer/orders/{order_id}/payment-requests/{request_id}/pay": {"method": "card", "payment_key": "pk-1234"},
        "POST /buyer/guest/orders/{order_id}/payment-requests/{request_id}/pay": {"method": "card",
                                                                                  "payment_key": "pk-1234"},
        "POST /admin/orders/{order_id}/payments/{payment_id}/refunds/force-complete": {"amount": 1000,
                                                                                      "bank_note": "수기 환불"},
        "PATCH /admin/orders/{order_id}/recipient": {"name": "김민지", "phone": "010-1234-5678",
                                                     "postal_code": "63000", "address1": "제주특별자치도 제주시 1"},
        "POST /admin/orders/{order_id}/refunds": {},
        "POST /admin/webhooks/endpoints": {"url": "https://erp.example.com/hooks/oms", "event_types": ["order.placed"]},
        "PATCH /admin/webhooks/endpoints/{endpoint_id}": {"enabled": False},
        "POST /admin/deposits/{account}/{tx_id}/match": {"order_id": order},
        "POST /admin/deposits/{account}/{tx_id}/dismiss": {"note": "다른 사이트"},
        "PUT /admin/channels/{channel}": {"client_id": "oms-local-naver-app",
                                          "client_secret": "$2a$04$OU6um9lzlcNUfvKa4S2y5."},
        "POST /admin/orders/{order_id}/channel/delay": {"line_ids": ["L001"], "reason": "PRODUCT_PREPARE",
                                                        "due_date": "2026-12-20"},
        "POST /admin/orders/{order_id}/channel/claims": {"line_ids": ["L001"], "action": "approve"},
        "PUT /admin/staff/{operator_id}": {"name": "다른 사이트 직원", "role_id": "cs"},
        "PUT /admin/roles/{role_id}": {"name_ko": "다른 사이트 역할", "permissions": ["orders.view"]},
        "POST /admin/orders/{order_id}/personal": {"reason": "다른 사이트"},
        "POST /admin/views": {"name": "다른 사이트 보기", "search": {"tab": "preparing"}},
        "PUT /admin/views/{view_id}": {"expected_version": 1, "name": "다른 사이트가 바꾼 이름"},
    }

#: Path parameters naming a resource of the first site: another site gets 404.
OWNED_BY_THE_FIRST_SITE = {"order_id", "payment_id", "import_id", "endpoint_id", "tx_id", "view_id"}

#: Routes whose body names the first site's orders: another site gets 404 naming the first unknown id.
NAMES_ORDERS_IN_BODY = {"POST /admin/exports", "POST /admin/orders/sheets"}


#: Routes whose resource is not owned by an order: a member's ledger, a SKU's stock and the site's
#: settings are the *caller's* site's (another site's member m-100 is another person), lists are the
#: caller's lists. They must answer without the first site's data and write nothing of it.
SITE_SCOPED = {"/admin/members/{member_id}/points", "/admin/members/{member_id}/membership",
               "/admin/members/{member_id}/membership/remove-group", "/admin/stock/{sku}",
               "/admin/messages/templates/{template_id}", "/admin/exports/templates/{template_id}",
               "/admin/exports/{export_id}", "/admin/jobs/{job_id}", "/admin/jobs/{job_id}/cancel", "/admin/jobs"}


@pytest.fixture
def sms_provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The SMS and 알림톡 sandboxes answer the provider calls of the sender-number and template routes."""
    sandbox, kakao = SmsSandbox(port=0).start(), AlimtalkSandbox(port=0).start()
    try:
        for k, v in {**sandbox.env("nhn"), **kakao.env("nhn")}.items():
            monkeypatch.setenv(k, v)
        yield
    finally:
        sandbox.stop()
        kakao.stop()


@pytest.fixture
def naver(monkeypatch: pytest.MonkeyPatch, parameter_store: str) -> Iterator[list[dict[str, Any]]]:
    """The Naver sandbox answers a connection's check; 지금 가져오기's messages are kept (answered)."""
    from oms.store import channels as channel_store
    from tests.channel_support import start_sandbox

    queued: list[dict[str, Any]] = []
    monkeypatch.setattr(channel_store, "enqueue_pulls", lambda bodies: queued.extend(bodies) or len(bodies))
    sandbox = start_sandbox(monkeypatch)
    try:
        yield queued
    finally:
        sandbox.stop()


@pytest.fixture
def first_site(site_id: str, monkeypatch: pytest.MonkeyPatch, sms_provider: None,
               naver: list[dict[str, Any]]) -> dict[str, str]:
    monkeypatch.setenv("INVOICE_BUCKET", INVOICE_BUCKET)
    for k, v in tokens.guest_signing_env().items():
        monkeypatch.setenv(k, v)
    order_id = take_in(site_id, **one_line())
    second = take_in(site_id, **one_line())
    guest_order = take_in(site_id, **one_line(buyer=GUEST))
    from oms.services.orders import get_detail

    payment_id = get_detail(site_id, order_id)["payments"][0]["payment_id"]
    endpoint = webhook_endpoints.register(site_id, WebhookEndpointIn(url="https://erp.example.com/hooks/oms",
                                                                     event_types=["order.placed"]), ADMIN)
    stock.set_quantity(site_id, "TEE-01", 5, "admin-1")
    points_service.adjust(site_id, "m-100", 1000, "보상", ADMIN)
    from oms.schemas.alimtalk import AlimtalkTemplateIn, NotificationSettingsIn
    from oms.services import alimtalk_templates

    alimtalk_templates.put_settings(site_id, NotificationSettingsIn(sender_key="SK-FIRST", paid=True), ADMIN)
    alimtalk_templates.register(site_id, AlimtalkTemplateIn(code="PAID01", name="결제완료", trigger="paid",
                                                            text="#{주문번호} 결제 완료"), ADMIN)
    from oms.store import deposits as deposit_store
    from oms.store.table import transact

    transact([deposit_store.put_deposit_action(site_id, {
        "account": "1002123456789", "tx_id": "BK-FIRST", "amount": 1000, "depositor": "첫사이트",
        "at": "2026-12-01T01:00:00.000000Z", "status": "unmatched", "reason": "no_candidate"})])
    from tests.channel_support import connect

    connect(site_id)  # the first site's seller: the other site neither sees nor changes it
    from oms.domain.staff import custom_role
    from oms.store import staff as staff_store

    staff_store.put_member(site_id, "staff-first", {"name": "첫 사이트 직원", "role_id": "cs", "enabled": True})
    staff_store.put_role(site_id, custom_role("packers", "포장", ["shipping"]), {"kind": "admin", "id": "a"},
                         "2026-12-01T00:00:00.000000Z")
    from oms.schemas.views import ViewIn
    from oms.services import views as view_service

    view = view_service.create(site_id, ADMIN, frozenset({"orders.view", "settings"}),
                               ViewIn(name="첫 사이트 공유 보기", shared=True, search={"tab": "preparing"}))
    import_id = "20261126T101010-abcd1234"
    imports.create({"PK": keys.site_pk(site_id), "SK": keys.import_sk(import_id), "type": "import",
                    "import_id": import_id, "site_id": site_id, "status": "done", "filename": "a.xlsx",
                    "upload_key": keys.upload_key(site_id, import_id), "created_at": "2026-11-26T01:10:10.000000Z",
                    "created_by": "admin-1", "created_by_name": "관리자"})
    return {"site_id": site_id, "order_id": order_id, "second_order_id": second, "guest_order_id": guest_order,
            "payment_id": payment_id, "import_id": import_id, "member_id": "m-100", "sku": "TEE-01",
            "provider": "toss", "message_id": "M20261201000000abcd1234", "template_id": "T-shipping", "code": "PAID01",
            "export_id": "20261201000000-abcd1234", "job_id": "20261201000000-abcd1234",
            "claim_id": "C001", "request_id": "R20261201abcd", "endpoint_id": endpoint["endpoint_id"],
            "shipment_id": "SH001", "account": "1002123456789", "tx_id": "BK-FIRST", "channel": "naver",
            "operator_id": "staff-first", "role_id": "packers", "view_id": view["view_id"]}


def first_site_items(first: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    site = first["site_id"]
    pks = [keys.order_pk(site, first[k]) for k in ("order_id", "second_order_id", "guest_order_id")]
    pks += [keys.site_pk(site), keys.member_pk(site, first["member_id"]), keys.stock_pk(site),
            deposits_pk(site), channels_pk(site), staff_pk(site)]
    return {pk: partition(pk) for pk in pks}


def test_the_catalogue_covers_every_route_of_the_template() -> None:
    gw = Gateway(TEMPLATE_PATH, table_name="t", port=0)
    catalogue = api_routes.routes()
    assert len(catalogue) >= 40
    for route in catalogue:
        concrete = api_routes.fill(route.path, {p: "x1" for p in route.path_params})
        matched = gw.match_route(route.method, concrete)
        assert matched is not None, route.key
        assert matched[0].function.logical_id == route.function, route.key
    for gw_route in gw.routes:
        described = ("OrdersFunction", "BuyerFunction", "WebhooksFunction", "TrackingWebhooksFunction",
                     "InvoicesFunction")
        if gw_route.function.logical_id in described and "swagger" not in gw_route.route_key:
            prefix = gw_route.route_key.split(" ", 1)[1].split("{proxy+}")[0].split("{provider}")[0]
            assert any(r.path.startswith(prefix) and r.function == gw_route.function.logical_id
                       for r in catalogue), gw_route.route_key


def test_every_route_with_another_sites_credentials(first_site: dict[str, str], naver: list[dict[str, Any]]) -> None:
    other_site = first_site["site_id"] + "-other"
    values = dict(first_site)
    example = bodies(first_site, other_site)
    before = first_site_items(first_site)
    first_ids = {first_site[k] for k in ("order_id", "second_order_id", "guest_order_id", "payment_id", "import_id",
                                         "endpoint_id", "tx_id", "view_id")}
    outcomes: dict[str, int] = {}
    # intake last: the other site's new order takes the first number of the day, like the first site's
    ordered = sorted(api_routes.routes(), key=lambda r: r.key == "POST /intake/orders")
    for route in ordered:
        path_values = {p: values[p] if p != "order_id" or route.caller != "guest" else values["guest_order_id"]
                       for p in route.path_params}
        path = api_routes.fill(route.path, path_values)
        claims = api_routes.claims_for(route.caller, other_site, order_id=path_values.get("order_id", ""))
        query = {"order_ids": first_site["order_id"]} if route.path == "/admin/invoices/template" else (
            {"date_from": "2026-12-01", "date_to": "2026-12-31"} if route.path.startswith("/admin/access-log")
            else None)
        ev = api_routes.event(route, path, claims=claims, body=example.get(route.key), query=query,
                              path_values=path_values or None)
        status, headers, answer = api_routes.invoke(route, ev)
        outcomes[route.key] = status
        assert status < 500, (route.key, answer)
        if status >= 400:
            assert headers.get("content-type") == "application/problem+json" and answer["code"], (route.key, answer)
        if OWNED_BY_THE_FIRST_SITE & set(route.path_params) or route.key in (
                "POST /admin/shipments/combined", "POST /buyer/guest/session", "GET /admin/invoices/template",
                *NAMES_ORDERS_IN_BODY):
            assert status == 404, (route.key, status, answer)
        elif route.key.startswith("POST /admin/orders/bulk/"):
            assert status == 200 and answer["done"] == 0
            assert {r["code"] for r in answer["results"]} == {"ORDER_NOT_FOUND"}
        elif route.key == "POST /webhooks/tracking/{provider}":  # no such tracking provider, or unsigned
            assert status in (401, 404), (route.key, status, answer)
        elif route.path.startswith(("/admin/staff", "/admin/roles")):  # the caller's own staff
            assert status in (200, 404), (route.key, status, answer)
        elif route.path.startswith("/admin/channels"):  # the caller's own connection, connected or not
            assert status in (200, 202, 409), (route.key, status, answer)
        elif route.path in SITE_SCOPED:
            assert status in (200, 201, 202, 404), (route.key, status, answer)
        else:  # the caller's own lists and settings; the webhook refuses an unsigned callback
            assert status in (200, 201, 409) or (route.caller == "public" and status in (400, 401, 403)), \
                (route.key, status, answer)
        # bulk refusals name the ids that were sent; intake answers the other site's own new order,
        # whose number of the day may equal the first site's
        if status < 300 and not route.key.startswith(("POST /admin/orders/bulk/", "POST /intake/")):
            text = json.dumps(answer, ensure_ascii=False) if not isinstance(answer, str) else answer
            assert not any(i in text for i in first_ids), (route.key, text[:300])
        if route.key == "GET /admin/members/{member_id}/points":
            # the other site's own member m-100 (funded by the fixture), none of the first site's entries
            assert answer["balance"] == STANDARD_BUYER_POINTS
            assert [e["reason"] for e in answer["entries"]] == ["테스트 지급"]
    assert first_site_items(first_site) == before
    assert len(outcomes) == len(api_routes.routes())
    assert {m["site_id"] for m in naver} <= {other_site}  # a pull asked for is the caller's own
