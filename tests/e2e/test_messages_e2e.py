"""End to end on the local stack over HTTP, as `make run` composes it: the gateway (routes from
template.yaml) in front of the real handlers, the SMS sandbox as the provider (NHN-Cloud style) and
the outbox relay fed by DynamoDB Local's stream — register and verify a sender, preview and send to
the buyer (answered ``sending``, sent by the relay), the sandbox's page, a forced failure and its
resend."""

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
def stack(ddb_endpoint: str, table_name: str) -> Iterator[dict[str, Any]]:
    s3 = S3Local(own_process=True).start()  # the stack's own queues: its pollers take only its messages
    sqs_before = os.environ.get("AWS_ENDPOINT_URL_SQS")
    st = Stack(template=TEMPLATE_PATH, table=table_name, s3_endpoint=s3.endpoint, port=0, pg_port=0, sms_port=0,
               alimtalk_port=0, webhook_port=0, tracking_port=0, bank_port=0,
               schedules=False, gateway_env={"POWERTOOLS_TRACE_DISABLED": "true", "LOG_LEVEL": "WARNING"})
    create_buckets(s3.client(), st.gateway.bucket_names())
    st.start()
    try:
        yield {"api": st.gateway.url, "sms": st.sms.url}
    finally:
        st.stop()
        s3.stop()
        if sqs_before is None:
            os.environ.pop("AWS_ENDPOINT_URL_SQS", None)
        else:
            os.environ["AWS_ENDPOINT_URL_SQS"] = sqs_before


def settled(http: httpx.Client, api: str, admin: dict[str, str], oid: str, message_id: str) -> dict[str, Any]:
    """The message once the relay has sent it (or failed to): it answers ``sending`` until then."""
    deadline = time.monotonic() + 20
    while True:
        msg = http.get(f"{api}/admin/orders/{oid}/messages/{message_id}", headers=admin).json()
        if msg["status"] != "sending" or time.monotonic() > deadline:
            return dict(msg)
        time.sleep(0.1)


def test_message_to_the_buyer_through_the_sandbox(stack: dict[str, Any], site_id: str, local_keys: Any) -> None:
    api, sms = stack["api"], stack["sms"]
    admin = {"authorization": f"Bearer {tokens.mint_admin_token(site_id)}"}
    number = f"1588{random.randint(1000, 9999)}"
    with httpx.Client(timeout=30) as http:
        r = http.post(f"{api}/admin/messages/senders", headers=admin, json={"number": number, "label": "고객센터"})
        assert r.status_code == 201 and r.json()["state"] == "pending", r.text
        assert http.post(f"{sms}/_sandbox/senders/verify", json={"number": number}).status_code == 200
        r = http.put(f"{api}/admin/messages/senders/default", headers=admin, json={"number": number})
        assert r.status_code == 200 and r.json()["default_sender"] == number, r.text

        r = http.post(f"{api}/intake/orders", headers={"authorization": f"Bearer {tokens.service_token()}"}, json={
            "site_id": site_id, "checkout_id": uuid.uuid4().hex,
            "buyer": {"name": "홍길동", "phone": "010-9999-0000"},
            "recipient": {"name": "홍길동", "phone": "010-9999-0000", "postal_code": "06236",
                          "address1": "서울 강남구 테헤란로 1"},
            "lines": [{"product_code": "TEE-01", "product_name": "오버핏 티셔츠", "quantity": 1, "unit_price": 19900}],
            "payment": {"method": "card", "amount": 19900, "provider": "toss"},
        })
        assert r.status_code == 201, r.text
        oid = r.json()["order_id"]

        body = {"text": "[데모샵] #{주문번호} #{상품명} 주문 감사합니다. 똠방각하 햏 뷁"}
        preview = http.post(f"{api}/admin/orders/{oid}/messages/preview", headers=admin, json=body).json()
        assert preview["type"] == "SMS" and preview["to"] == "010-****-0000", preview
        r = http.post(f"{api}/admin/orders/{oid}/messages", headers=admin, json=body)
        assert r.status_code == 201 and r.json()["status"] == "sending", r.text
        assert settled(http, api, admin, oid, r.json()["message_id"])["status"] == "sent"

        kept = http.get(f"{sms}/_sandbox/messages", params={"site": site_id}).json()
        assert [(m["sender"], m["to"], m["text"], m["result"]) for m in kept] == \
            [(number, "01099990000", preview["text"], "accepted")]
        page = http.get(f"{sms}/", params={"site": site_id})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert site_id in page.text and "똠방각하" in page.text

        # the provider refuses the next one: shown with its reason, then resent
        http.post(f"{sms}/_sandbox/fail-next", json={"code": "-2312"})
        queued = http.post(f"{api}/admin/orders/{oid}/messages", headers=admin,
                           json={"text": "입금 확인되었습니다"}).json()
        failed = settled(http, api, admin, oid, queued["message_id"])
        assert (failed["status"], failed["reason"], failed["provider_code"]) == \
            ("failed", "sender_not_registered", "-2312")
        r = http.post(f"{api}/admin/orders/{oid}/messages/{failed['message_id']}/resend", headers=admin)
        assert r.status_code == 200 and r.json()["status"] == "sending", r.text
        assert settled(http, api, admin, oid, failed["message_id"])["status"] == "sent"

        listed = http.get(f"{api}/admin/orders/{oid}/messages", headers=admin).json()["messages"]
        assert [m["status"] for m in listed] == ["sent", "sent"]
        events = http.get(f"{api}/admin/orders/{oid}/timeline", headers=admin).json()["events"]
        results = [e["data"]["result"] for e in events if e["kind"] == "message_result"]
        assert results == ["sent", "failed", "sent"]
        page = http.get(f"{sms}/").text
        assert page.index("입금 확인되었습니다") < page.index("똠방각하")  # newest first
