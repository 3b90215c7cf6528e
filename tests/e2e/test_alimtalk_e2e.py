"""End to end on the local stack over HTTP, as `make run` composes it (the README's 알림톡 tour): the
gateway in front of the real handlers, the 알림톡 and SMS sandboxes as the providers, the relay fed by
DynamoDB Local's stream — set the KakaoTalk channel and the 결제완료 switch, register a template,
Kakao approves it on the sandbox, a paid order is notified by 알림톡; a buyer who is not a KakaoTalk
user gets the SMS from the verified sender; the sandbox's page shows both."""

from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from oms_local import tokens
from oms_local.s3 import S3Local, create_buckets
from oms_local.stack import Stack
from oms_local.template import TEMPLATE_PATH


@pytest.fixture(scope="module")
def stack(ddb_endpoint: str, table_name: str) -> Iterator[Stack]:
    s3 = S3Local(own_process=True).start()
    sqs_before = os.environ.get("AWS_ENDPOINT_URL_SQS")
    st = Stack(template=TEMPLATE_PATH, table=table_name, s3_endpoint=s3.endpoint, port=0, pg_port=0, sms_port=0,
               alimtalk_port=0, webhook_port=0, schedules=False,
               gateway_env={"POWERTOOLS_TRACE_DISABLED": "true", "LOG_LEVEL": "WARNING"})
    create_buckets(s3.client(), st.gateway.bucket_names())
    st.start()
    try:
        yield st
    finally:
        st.stop()
        s3.stop()
        if sqs_before is None:
            os.environ.pop("AWS_ENDPOINT_URL_SQS", None)
        else:
            os.environ["AWS_ENDPOINT_URL_SQS"] = sqs_before


def order_body(site_id: str, phone: str) -> dict[str, Any]:
    return {"site_id": site_id, "checkout_id": uuid.uuid4().hex,
            "buyer": {"name": "홍길동", "phone": phone},
            "recipient": {"name": "홍길동", "phone": phone, "postal_code": "06236",
                          "address1": "서울 강남구 테헤란로 1"},
            "lines": [{"product_code": "TEE-01", "product_name": "오버핏 티셔츠", "quantity": 1, "unit_price": 19900}],
            "payment": {"method": "card", "amount": 19900, "provider": "toss"}}


def settled(http: httpx.Client, api: str, admin: dict[str, str], oid: str, n: int) -> list[dict[str, Any]]:
    """The order's messages once the relay recorded ``n`` of them."""
    deadline = time.monotonic() + 30
    while True:
        got = http.get(f"{api}/admin/orders/{oid}/messages", headers=admin).json()["messages"]
        if len(got) >= n or time.monotonic() > deadline:
            return list(got)
        time.sleep(0.3)


def test_alimtalk_tour(stack: Stack, site_id: str, local_keys: Any) -> None:
    api, kakao, sms = stack.gateway.url, stack.alimtalk.url, stack.sms.url
    admin = {"authorization": f"Bearer {tokens.mint_admin_token(site_id)}"}
    service = {"authorization": f"Bearer {tokens.service_token()}"}
    sender_key = f"SK{random.randint(10**8, 10**9)}"
    number = f"1588{random.randint(1000, 9999)}"
    with httpx.Client(timeout=30) as http:
        assert http.post(f"{api}/admin/messages/senders", headers=admin, json={"number": number}).status_code == 201
        assert http.post(f"{sms}/_sandbox/senders/verify", json={"number": number}).status_code == 200
        assert http.put(f"{api}/admin/messages/senders/default", headers=admin, json={"number": number}).is_success

        r = http.put(f"{api}/admin/alimtalk/settings", headers=admin,
                     json={"sender_key": sender_key, "paid": True, "shipped": True})
        assert r.status_code == 200 and r.json()["paid"] is True, r.text
        r = http.post(f"{api}/admin/alimtalk/templates", headers=admin, json={
            "code": "PAID01", "name": "결제완료", "trigger": "paid",
            "text": "[데모샵] #{주문자명}님, 주문 #{주문번호} 결제가 완료되었습니다."})
        assert r.status_code == 201 and r.json()["state"] == "TSC01", r.text
        r = http.post(f"{kakao}/_sandbox/templates/state",
                      json={"code": "PAID01", "sender_key": sender_key, "state": "TSC03"})
        assert r.status_code == 200, r.text
        r = http.post(f"{api}/admin/alimtalk/templates/PAID01/sync", headers=admin)
        assert r.status_code == 200 and (r.json()["state"], r.json()["sendable"]) == ("TSC03", True), r.text

        r = http.post(f"{api}/intake/orders", headers=service, json=order_body(site_id, "010-9999-1111"))
        assert r.status_code == 201, r.text
        oid = r.json()["order_id"]
        [sent] = settled(http, api, admin, oid, 1)
        assert (sent["channel"], sent["status"], sent["to_masked"]) == ("alimtalk", "sent", "010-****-1111")
        got = http.get(f"{kakao}/_sandbox/messages", params={"site": site_id}).json()
        assert [(m["to"], m["text"]) for m in got] == \
            [("01099991111", f"[데모샵] 홍길동님, 주문 {oid} 결제가 완료되었습니다.")]

        assert http.post(f"{kakao}/_sandbox/not-kakao-users", json={"number": "01099992222"}).status_code == 200
        r = http.post(f"{api}/intake/orders", headers=service, json=order_body(site_id, "010-9999-2222"))
        oid2 = r.json()["order_id"]
        listed = settled(http, api, admin, oid2, 2)
        assert sorted((m["channel"], m["status"]) for m in listed) == [("alimtalk", "failed"), ("sms", "sent")]
        kept = http.get(f"{sms}/_sandbox/messages", params={"site": site_id}).json()
        assert [(m["sender"], m["to"], m["text"]) for m in kept] == \
            [(number, "01099992222", f"[데모샵] 홍길동님, 주문 {oid2} 결제가 완료되었습니다.")]
        events = http.get(f"{api}/admin/orders/{oid2}/timeline", headers=admin).json()["events"]
        notes = [e["data"] for e in events if e["kind"] == "notification"]
        assert sorted((n["channel"], n["result"]) for n in notes) == [("alimtalk", "failed"), ("sms", "sent")]
        assert all("01099992222" not in str(n) and "결제가 완료" not in str(n) for n in notes)

        page = http.get(f"{kakao}/")
        assert page.status_code == 200 and "PAID01" in page.text and "승인" in page.text
