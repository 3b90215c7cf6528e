"""What the 알림톡 notification tests share: the 알림톡 and SMS sandboxes (module-scoped, over HTTP),
the relay on DynamoDB Local's stream with the NHN-style or the Solapi-style adapter, and the admin
calls that set a site up (verified sender, KakaoTalk channel and switches, a template Kakao approves
on the sandbox) and read back what happened (messages, notification timeline entries, records)."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from oms.store import keys
from oms.store import outbox as out_store
from oms.store.table import client, load, table_name
from oms_local import REPO_ROOT, invoker
from oms_local.alimtalk_sandbox import AlimtalkSandbox
from oms_local.sms_sandbox import SmsSandbox
from oms_local.template import load_template
from tests.outbox_support import Relay, relay_stack
from tests.shipping_support import admin, api_order

PAID_TEXT = "[데모샵] #{주문자명}님, 주문 #{주문번호} 결제가 완료되었습니다. 상품: #{상품명}"


@pytest.fixture(name="sandboxes", scope="module")
def sandboxes_fixture() -> Iterator[tuple[AlimtalkSandbox, SmsSandbox]]:
    kakao, sms = AlimtalkSandbox(port=0).start(), SmsSandbox(port=0).start()
    try:
        yield kakao, sms
    finally:
        kakao.stop()
        sms.stop()


@pytest.fixture(name="kakao")
def kakao_fixture(sandboxes: tuple[AlimtalkSandbox, SmsSandbox]) -> AlimtalkSandbox:
    return sandboxes[0]


@pytest.fixture(name="sms")
def sms_fixture(sandboxes: tuple[AlimtalkSandbox, SmsSandbox]) -> SmsSandbox:
    return sandboxes[1]


@pytest.fixture(name="relay")
def relay_fixture(sandboxes: tuple[AlimtalkSandbox, SmsSandbox], s3_endpoint: str, table_name: str,
          monkeypatch: pytest.MonkeyPatch) -> Relay:
    kakao, sms = sandboxes
    for k, v in {**sms.env("nhn"), **kakao.env("nhn")}.items():
        monkeypatch.setenv(k, v)
    params = {"SmsProvider": "nhn", "AlimtalkProvider": "nhn"}
    invoker.install(load_template(), os.environ["TABLE_NAME"], REPO_ROOT, params)
    return relay_stack(s3_endpoint, table_name, params)


@pytest.fixture(name="solapi_relay")
def solapi_relay_fixture(sandboxes: tuple[AlimtalkSandbox, SmsSandbox], s3_endpoint: str, table_name: str,
                 monkeypatch: pytest.MonkeyPatch) -> Relay:
    """The same, with the Solapi-style 알림톡 adapter (SMS stays NHN-style)."""
    kakao, sms = sandboxes
    for k, v in {**sms.env("nhn"), **kakao.env("solapi")}.items():
        monkeypatch.setenv(k, v)
    params = {"SmsProvider": "nhn", "AlimtalkProvider": "solapi"}
    invoker.install(load_template(), os.environ["TABLE_NAME"], REPO_ROOT, params)
    return relay_stack(s3_endpoint, table_name, params)


def control(sb: AlimtalkSandbox | SmsSandbox, path: str, body: dict[str, Any]) -> Any:
    r = httpx.post(f"{sb.url}/_sandbox/{path}", json=body, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def kakao_messages(kakao: AlimtalkSandbox, site_id: str) -> list[dict[str, Any]]:
    return list(httpx.get(f"{kakao.url}/_sandbox/messages", params={"site": site_id}, timeout=10).json())


def sms_messages(sms: SmsSandbox, site_id: str) -> list[dict[str, Any]]:
    return list(httpx.get(f"{sms.url}/_sandbox/messages", params={"site": site_id}, timeout=10).json())


def verified_sender(site_id: str, sms: SmsSandbox) -> str:
    number = f"02{random.randint(10_000_000, 99_999_999)}"
    assert admin("POST", "/admin/messages/senders", site_id, {"number": number})[0] == 201
    control(sms, "senders/verify", {"number": number})
    assert admin("PUT", "/admin/messages/senders/default", site_id, {"number": number})[0] == 200
    return number


def switch_on(site_id: str, **more: Any) -> str:
    sender_key = f"SK{site_id[-30:]}".replace("-", "_")
    sent = {"sender_key": sender_key, "order_link": "https://shop.example.com/orders/{order_id}", "paid": True,
            **more}
    status, body = admin("PUT", "/admin/alimtalk/settings", site_id, sent)
    assert status == 200 and {k: body[k] for k in sent} == sent, body
    return sender_key


def template(site_id: str, code: str, text: str = PAID_TEXT, trigger: str = "paid") -> dict[str, Any]:
    status, body = admin("POST", "/admin/alimtalk/templates", site_id,
                         {"code": code, "name": "결제완료 안내", "trigger": trigger, "text": text})
    assert status == 201, body
    return dict(body)


def approve(kakao: AlimtalkSandbox, sender_key: str, code: str) -> None:
    control(kakao, "templates/state", {"code": code, "sender_key": sender_key, "state": "TSC03"})


def buyer_phone() -> str:
    return f"010{random.randint(10_000_000, 99_999_999)}"


def paid_order(site_id: str, phone: str) -> str:
    return api_order(site_id, ready=False, buyer={"name": "김민지", "phone": phone, "member_id": "m-100"})


def messages(site_id: str, oid: str) -> list[dict[str, Any]]:
    status, body = admin("GET", f"/admin/orders/{oid}/messages", site_id)
    assert status == 200, body
    return list(body["messages"])


def notifications(site_id: str, oid: str) -> list[dict[str, Any]]:
    status, body = admin("GET", f"/admin/orders/{oid}/timeline", site_id)
    assert status == 200
    return [e for e in body["events"] if e["kind"] == "notification"]


def records(site_id: str, oid: str) -> list[out_store.Record]:
    resp = client().query(TableName=table_name(), KeyConditionExpression="PK = :pk AND begins_with(SK, :tl)",
                          ExpressionAttributeValues={":pk": {"S": keys.order_pk(site_id, oid)},
                                                     ":tl": {"S": keys.TIMELINE_PREFIX}}, ConsistentRead=True)
    return [r for r in (out_store.from_item(load(i)) for i in resp["Items"]) if r is not None]
