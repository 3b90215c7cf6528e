"""End to end on the local stack over HTTP, as `make run` composes it: the gateway in front of the
real handlers, the outbox relay fed by DynamoDB Local's stream, S3 event delivery and the tracking
sandbox calling back over HTTP — a number entered on the detail and numbers uploaded by Excel walk to
배송완료 from the sandbox's scans alone; a failed delivery lands in the 배송 이상 tab."""

from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from oms_local import tokens
from oms_local.s3 import S3Local, create_buckets
from oms_local.stack import Stack
from oms_local.template import TEMPLATE_PATH
from tests import invoice_corpus as corpus


@pytest.fixture(scope="module")
def stack(ddb_endpoint: str, table_name: str) -> Iterator[dict[str, Any]]:
    s3 = S3Local(own_process=True).start()  # the stack's own queues and buckets
    sqs_before = os.environ.get("AWS_ENDPOINT_URL_SQS")
    st = Stack(template=TEMPLATE_PATH, table=table_name, s3_endpoint=s3.endpoint, port=0, pg_port=0, sms_port=0,
               tracking_port=0, bank_port=0, schedules=False,
               gateway_env={"POWERTOOLS_TRACE_DISABLED": "true", "LOG_LEVEL": "WARNING"})
    create_buckets(s3.client(), st.gateway.bucket_names())
    st.start()
    try:
        yield {"api": st.gateway.url, "tracking": st.tracking.url}
    finally:
        st.stop()
        s3.stop()
        if sqs_before is None:
            os.environ.pop("AWS_ENDPOINT_URL_SQS", None)
        else:
            os.environ["AWS_ENDPOINT_URL_SQS"] = sqs_before


def until(check: Callable[[], Any], what: str, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def number() -> str:
    return f"6{random.randint(10**10, 10**11 - 1)}"


class Shop:
    def __init__(self, http: httpx.Client, api: str, site_id: str) -> None:
        self.http, self.api = http, api
        self.admin = {"authorization": f"Bearer {tokens.mint_admin_token(site_id)}"}
        self.site_id = site_id

    def order(self) -> str:
        r = self.http.post(f"{self.api}/intake/orders", headers={"authorization": f"Bearer {tokens.service_token()}"},
                           json={"site_id": self.site_id, "checkout_id": uuid.uuid4().hex,
                                 "buyer": {"name": "홍길동", "phone": "010-9999-0000"},
                                 "recipient": {"name": "홍길동", "phone": "010-9999-0000", "postal_code": "06236",
                                               "address1": "서울 강남구 테헤란로 1"},
                                 "lines": [{"product_code": "TEE-01", "product_name": "오버핏 티셔츠", "quantity": 1,
                                            "unit_price": 19900}],
                                 "payment": {"method": "card", "amount": 19900, "provider": "toss"}})
        assert r.status_code == 201, r.text
        oid = str(r.json()["order_id"])
        r = self.http.post(f"{self.api}/admin/orders/bulk/status", headers=self.admin,
                           json={"order_ids": [oid], "to": "ready_to_ship"})
        assert r.status_code == 200 and r.json()["done"] == 1, r.text
        return oid

    def detail(self, oid: str) -> dict[str, Any]:
        r = self.http.get(f"{self.api}/admin/orders/{oid}", headers=self.admin)
        assert r.status_code == 200, r.text
        return dict(r.json())

    def statuses(self, oid: str) -> set[str]:
        return {li["status"] for li in self.detail(oid)["lines"]}

    def registered(self, oid: str) -> bool:
        return all((s.get("tracking") or {}).get("state") == "registered" for s in self.detail(oid)["shipments"])


def test_numbers_entered_or_uploaded_walk_to_delivered_and_a_failed_delivery_is_listed(
        stack: dict[str, Any], site_id: str, local_keys: Any) -> None:
    api, sandbox = stack["api"], stack["tracking"]
    with httpx.Client(timeout=30) as http:
        shop = Shop(http, api, site_id)
        r = http.patch(f"{api}/admin/settings", headers=shop.admin, json={"tracking": {"provider": "trackerdelivery"}})
        assert r.status_code == 200, r.text

        # entered on the detail
        typed, no = shop.order(), number()
        r = http.post(f"{api}/admin/orders/{typed}/tracking", headers=shop.admin,
                      json={"line_ids": ["L001"], "courier": "CJ", "tracking_no": no})
        assert r.status_code == 200, r.text
        until(lambda: shop.registered(typed), "the relay's registration")
        assert shop.statuses(typed) == {"ready_to_ship"}
        played = http.post(f"{sandbox}/_sandbox/play", json={"number": no, "script": "normal"}).json()
        assert [p["status"] for p in played] == [202] * 4, played
        assert shop.statuses(typed) == {"delivered"}
        tracking = shop.detail(typed)["shipments"][0]["tracking"]
        assert tracking["delivered_at"] and shop.detail(typed)["lines"][0]["status_changed_at"] == \
            tracking["delivered_at"]

        # uploaded by Excel
        uploaded, no2 = shop.order(), number()
        r = http.get(f"{api}/admin/invoices/template", headers=shop.admin, params={"order_ids": uploaded})
        assert r.status_code == 200, r.text
        filled = corpus.fill(r.content, {(uploaded, "L001"): ("CJ대한통운", no2)})
        r = http.post(f"{api}/admin/invoices/imports", headers=shop.admin, json={"filename": "송장.xlsx"})
        assert r.status_code == 201, r.text
        started = r.json()
        put = http.put(started["upload"]["url"], content=filled, headers=started["upload"]["headers"])
        assert put.status_code == 200, put.text
        until(lambda: http.get(f"{api}/admin/invoices/imports/{started['import_id']}",
                               headers=shop.admin).json()["status"] == "done", "the import")
        assert shop.statuses(uploaded) == {"shipping"}  # the Excel path ships; the courier completes
        until(lambda: shop.registered(uploaded), "the relay's registration of the uploaded number")
        http.post(f"{sandbox}/_sandbox/play", json={"number": no2, "script": "normal"})
        assert shop.statuses(uploaded) == {"delivered"}

        # a failed delivery
        failed, no3 = shop.order(), number()
        http.post(f"{api}/admin/orders/{failed}/tracking", headers=shop.admin,
                  json={"line_ids": ["L001"], "courier": "CJ", "tracking_no": no3})
        until(lambda: shop.registered(failed), "the relay's registration")
        http.post(f"{sandbox}/_sandbox/play", json={"number": no3, "script": "failed"})
        listed = http.get(f"{api}/admin/orders", headers=shop.admin, params={"tab": "delivery_issue"}).json()
        assert [o["order_id"] for o in listed["orders"]] == [failed]
        assert listed["counts"]["delivery_issue"] == 1
        assert listed["orders"][0]["tracking_issues"][0]["reason_ko"] == "배달 실패"
        page = http.get(f"{sandbox}/")
        assert page.status_code == 200 and no3 in page.text and "미배달" in page.text
