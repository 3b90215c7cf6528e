"""Buyer notifications by 알림톡 end to end: the admin API in process, the relay on DynamoDB Local's
stream (RelayFunction under its template contract) and the 알림톡 and SMS sandboxes over HTTP — an
approved template sends, an unapproved one never does (SMS instead), a buyer who is not a KakaoTalk
user and a text the provider finds different from the approved one get the SMS from the verified
sender, a repeated delivery sends nothing more, the provider's 503 is retried, the template and
variable limits are refused with their codes."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from oms.domain.clock import KST
from oms.services import relay as relay_service
from oms.store import keys
from oms.store import outbox as out_store
from oms.store.table import client, load, table_name
from oms_local import REPO_ROOT, invoker
from oms_local.alimtalk_sandbox import AlimtalkSandbox
from oms_local.pg_sandbox import PgSandbox
from oms_local.sms_sandbox import SmsSandbox
from oms_local.template import load_template
from tests.integration.payments_support import sandbox_fixture, va_order  # noqa: F401
from tests.outbox_support import Relay, relay_stack
from tests.shipping_support import admin, api_order

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

PAID_TEXT = "[데모샵] #{주문자명}님, 주문 #{주문번호} 결제가 완료되었습니다. 상품: #{상품명}"


@pytest.fixture(scope="module")
def sandboxes() -> Iterator[tuple[AlimtalkSandbox, SmsSandbox]]:
    kakao, sms = AlimtalkSandbox(port=0).start(), SmsSandbox(port=0).start()
    try:
        yield kakao, sms
    finally:
        kakao.stop()
        sms.stop()


@pytest.fixture
def kakao(sandboxes: tuple[AlimtalkSandbox, SmsSandbox]) -> AlimtalkSandbox:
    return sandboxes[0]


@pytest.fixture
def sms(sandboxes: tuple[AlimtalkSandbox, SmsSandbox]) -> SmsSandbox:
    return sandboxes[1]


@pytest.fixture
def relay(sandboxes: tuple[AlimtalkSandbox, SmsSandbox], s3_endpoint: str, table_name: str,
          monkeypatch: pytest.MonkeyPatch) -> Relay:
    kakao, sms = sandboxes
    for k, v in {**sms.env("nhn"), **kakao.env("nhn")}.items():
        monkeypatch.setenv(k, v)
    params = {"SmsProvider": "nhn", "AlimtalkProvider": "nhn"}
    invoker.install(load_template(), os.environ["TABLE_NAME"], REPO_ROOT, params)
    return relay_stack(s3_endpoint, table_name, params)


@pytest.fixture
def solapi_relay(sandboxes: tuple[AlimtalkSandbox, SmsSandbox], s3_endpoint: str, table_name: str,
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


def test_an_approved_template_sends_once(site_id: str, kakao: AlimtalkSandbox, sms: SmsSandbox,
                                         relay: Relay) -> None:
    verified_sender(site_id, sms)
    sender_key = switch_on(site_id)
    registered = template(site_id, "PAID01")
    assert (registered["state"], registered["sendable"]) == ("TSC01", False)
    approve(kakao, sender_key, "PAID01")
    listed = admin("GET", "/admin/alimtalk/templates", site_id)[1]["templates"]
    assert [(t["code"], t["state"], t["state_ko"], t["sendable"]) for t in listed] == \
        [("PAID01", "TSC03", "승인", True)]

    phone = buyer_phone()
    oid = paid_order(site_id, phone)
    relay.drain()
    got = kakao_messages(kakao, site_id)
    assert [(m["to"], m["result"], m["template_code"]) for m in got] == [(phone, "accepted", "PAID01")]
    assert got[0]["text"] == f"[데모샵] 김민지님, 주문 {oid} 결제가 완료되었습니다. 상품: 오버핏 티셔츠 외 1건"
    assert sms_messages(sms, site_id) == []
    listed_msgs = messages(site_id, oid)
    assert [(m["channel"], m["type"], m["status"], m["resendable"]) for m in listed_msgs] == \
        [("alimtalk", "ALIMTALK", "sent", False)]
    [note] = notifications(site_id, oid)
    assert (note["data"]["result"], note["data"]["channel"], note["data"]["template_code"]) == \
        ("sent", "alimtalk", "PAID01")
    assert note["data"]["to"] == f"010-****-{phone[-4:]}"
    assert phone not in str(note) and "결제가 완료되었습니다" not in str(note)

    # the same records delivered again (a redelivered batch, a second drain): nothing more is sent
    for rec in records(site_id, oid):
        assert relay_service.deliver(rec) == 0
    relay.drain()
    assert len(kakao_messages(kakao, site_id)) == 1 and len(messages(site_id, oid)) == 1


def test_an_unapproved_template_never_sends_the_text_goes_by_sms(site_id: str, kakao: AlimtalkSandbox,
                                                                   sms: SmsSandbox, relay: Relay) -> None:
    number = verified_sender(site_id, sms)
    sender_key = switch_on(site_id)
    template(site_id, "PAID02")
    control(kakao, "templates/state", {"code": "PAID02", "sender_key": sender_key, "state": "TSC04",
                                       "reason": "변수 사용 기준 위반"})
    listed = admin("GET", "/admin/alimtalk/templates", site_id)[1]["templates"]
    assert [(t["state"], t["reason"], t["sendable"]) for t in listed] == [("TSC04", "변수 사용 기준 위반", False)]

    phone = buyer_phone()
    oid = paid_order(site_id, phone)
    relay.drain()
    assert kakao_messages(kakao, site_id) == []  # never reached the provider
    [fallback] = sms_messages(sms, site_id)
    assert (fallback["sender"], fallback["to"], fallback["type"], fallback["result"]) == \
        (number, phone, "SMS", "accepted")
    assert fallback["text"].startswith("[데모샵] 김민지님, 주문")
    by_channel = {m["channel"]: m for m in messages(site_id, oid)}
    assert (by_channel["alimtalk"]["status"], by_channel["alimtalk"]["reason"]) == \
        ("not_sent", "template_not_approved")
    assert (by_channel["sms"]["status"], by_channel["sms"]["fallback_of"]) == \
        ("sent", by_channel["alimtalk"]["message_id"])
    assert sorted((e["data"]["channel"], e["data"]["result"]) for e in notifications(site_id, oid)) == \
        [("alimtalk", "not_sent"), ("sms", "sent")]


def test_a_buyer_who_is_not_a_kakaotalk_user_gets_the_sms(site_id: str, kakao: AlimtalkSandbox, sms: SmsSandbox,
                                                          relay: Relay) -> None:
    number = verified_sender(site_id, sms)
    sender_key = switch_on(site_id)
    template(site_id, "PAID03", "#{주문번호} 결제 완료")
    approve(kakao, sender_key, "PAID03")
    phone = buyer_phone()
    control(kakao, "not-kakao-users", {"number": phone})
    oid = paid_order(site_id, phone)
    relay.drain()
    assert [(m["result"], m["code"]) for m in kakao_messages(kakao, site_id)] == [("refused", "3019")]
    assert [(m["sender"], m["to"], m["type"], m["text"]) for m in sms_messages(sms, site_id)] == \
        [(number, phone, "SMS", f"{oid} 결제 완료")]
    by_channel = {m["channel"]: m for m in messages(site_id, oid)}
    assert (by_channel["alimtalk"]["status"], by_channel["alimtalk"]["reason"],
            by_channel["alimtalk"]["provider_code"]) == ("failed", "not_kakao_user", "3019")
    assert by_channel["sms"]["status"] == "sent" and by_channel["sms"]["sender_display"].endswith(number[-4:])
    relay.drain()
    assert len(sms_messages(sms, site_id)) == 1


def test_a_text_that_differs_from_the_approved_template_is_refused_and_falls_back(
        site_id: str, kakao: AlimtalkSandbox, sms: SmsSandbox, relay: Relay) -> None:
    verified_sender(site_id, sms)
    sender_key = switch_on(site_id)
    template(site_id, "PAID04", "#{주문번호} 결제 완료")
    approve(kakao, sender_key, "PAID04")
    control(kakao, "templates/content", {"code": "PAID04", "sender_key": sender_key,
                                         "content": "#{주문번호} 결제 완료 #{쿠폰}"})
    oid = paid_order(site_id, buyer_phone())
    relay.drain()
    assert [(m["result"], m["code"]) for m in kakao_messages(kakao, site_id)] == [("refused", "-3010")]
    by_channel = {m["channel"]: m for m in messages(site_id, oid)}
    assert by_channel["alimtalk"]["reason"] == "template_mismatch" and by_channel["sms"]["status"] == "sent"


def test_the_providers_503_is_retried(site_id: str, kakao: AlimtalkSandbox, sms: SmsSandbox, relay: Relay) -> None:
    verified_sender(site_id, sms)
    sender_key = switch_on(site_id)
    template(site_id, "PAID05", "#{주문번호} 결제 완료")
    approve(kakao, sender_key, "PAID05")
    control(kakao, "fail-next", {"code": "HTTP_503", "count": 2})
    oid = paid_order(site_id, buyer_phone())
    relay.drain()
    assert [m["result"] for m in kakao_messages(kakao, site_id)] == ["accepted"]
    assert [(m["channel"], m["status"]) for m in messages(site_id, oid)] == [("alimtalk", "sent")]
    assert sms_messages(sms, site_id) == []

    # down for every attempt (1 + the 3 retries of the test's delays): the last one sends the SMS
    control(kakao, "fail-next", {"code": "HTTP_503", "count": 4})
    oid = paid_order(site_id, buyer_phone())
    relay.drain()
    by_channel = {m["channel"]: m for m in messages(site_id, oid)}
    assert (by_channel["alimtalk"]["status"], by_channel["alimtalk"]["reason"]) == ("failed", "provider_unavailable")
    assert by_channel["sms"]["status"] == "sent" and len(sms_messages(sms, site_id)) == 1
    assert len(kakao_messages(kakao, site_id)) == 1  # the 503s kept nothing


def test_switched_off_events_and_a_missing_template(site_id: str, kakao: AlimtalkSandbox, sms: SmsSandbox,
                                                    relay: Relay) -> None:
    verified_sender(site_id, sms)
    switch_on(site_id, paid=False, shipped=True)
    oid = paid_order(site_id, buyer_phone())  # paid is off: no intent at all
    relay.drain()
    assert notifications(site_id, oid) == [] and messages(site_id, oid) == []
    switch_on(site_id)
    oid = paid_order(site_id, buyer_phone())  # on, but the site has no template for it
    relay.drain()
    [note] = notifications(site_id, oid)
    assert (note["data"]["result"], note["data"]["reason"]) == ("not_sent", "NO_TEMPLATE")
    assert kakao_messages(kakao, site_id) == [] and sms_messages(sms, site_id) == []


def test_shipped_sends_the_courier_and_tracking_link(site_id: str, kakao: AlimtalkSandbox, sms: SmsSandbox,
                                                     relay: Relay) -> None:
    sender_key = switch_on(site_id, paid=False, shipped=True)
    template(site_id, "SHIP01", "#{택배사} #{송장번호} 배송조회: #{배송조회}", trigger="shipped")
    approve(kakao, sender_key, "SHIP01")
    oid = api_order(site_id, ready=True)
    status, body = admin("POST", f"/admin/orders/{oid}/tracking", site_id,
                         {"line_ids": ["L001", "L002"], "courier": "CJ", "tracking_no": "612345678901"})
    assert status == 200, body
    status, body = admin("POST", "/admin/orders/bulk/status", site_id, {"order_ids": [oid], "to": "shipping"})
    assert status == 200 and body["done"] == 1, body
    relay.drain()
    [sent] = kakao_messages(kakao, site_id)
    assert sent["result"] == "accepted" and "612345678901" in sent["text"] and "https://" in sent["text"]
    assert sent["text"].startswith("CJ대한통운 612345678901")


def test_template_and_variable_limits_are_refused_with_their_codes(site_id: str, kakao: AlimtalkSandbox,
                                                                  sms: SmsSandbox, relay: Relay) -> None:
    switch_on(site_id)
    too_many = " ".join(["#{주문번호}"] * 41)
    status, body = admin("POST", "/admin/alimtalk/templates", site_id,
                         {"code": "MANY", "name": "변수 많음", "trigger": "paid", "text": too_many})
    assert (status, body["code"], body["field"]) == (422, "ALIMTALK_TOO_MANY_VARIABLES", "text")
    status, body = admin("POST", "/admin/alimtalk/templates", site_id,
                         {"code": "UNKNOWN", "name": "모르는 변수", "trigger": "paid", "text": "#{쿠폰} 안내"})
    assert (status, body["code"]) == (422, "TEMPLATE_VARIABLE_UNKNOWN")
    status, body = admin("POST", "/admin/alimtalk/templates", site_id,
                         {"code": "LONG", "name": "긴 본문", "trigger": "paid", "text": "가" * 1001})
    assert (status, body["code"]) == (400, "VALIDATION_FAILED")
    status, body = admin("PUT", "/admin/alimtalk/settings", site_id, {"order_link": "https://shop.example.com/x"})
    assert (status, body["code"], body["field"]) == (400, "ORDER_LINK_INVALID", "order_link")

    # the first-use limit: a value over 14 characters never goes as 알림톡; the SMS carries the text
    verified_sender(site_id, sms)
    sender_key = switch_on(site_id, first_use_limit=True)
    template(site_id, "PAYLINK", "결제하기: #{결제링크}")
    approve(kakao, sender_key, "PAYLINK")
    oid = paid_order(site_id, buyer_phone())
    relay.drain()
    assert kakao_messages(kakao, site_id) == []
    by_channel = {m["channel"]: m for m in messages(site_id, oid)}
    assert (by_channel["alimtalk"]["status"], by_channel["alimtalk"]["reason"]) == ("not_sent", "variable_too_long")
    assert by_channel["sms"]["text"] == f"결제하기: https://shop.example.com/orders/{oid}"


def test_a_virtual_account_sends_its_bank_account_amount_and_due_time(
        site_id: str, kakao: AlimtalkSandbox, sms: SmsSandbox, relay: Relay, sandbox: PgSandbox) -> None:
    sender_key = switch_on(site_id, paid=False, va_issued=True)
    template(site_id, "VA01", "#{입금은행} #{입금계좌} #{입금금액} (#{입금기한}까지)", trigger="va_issued")
    approve(kakao, sender_key, "VA01")
    order_id, _, pg = va_order(sandbox, site_id, unit_price=12000)
    relay.drain()
    [sent] = kakao_messages(kakao, site_id)
    assert pg.due_at is not None
    due = pg.due_at.astimezone(KST).strftime("%m월 %d일 %H:%M")
    assert sent["text"] == f"신한은행 {pg.account_no} 12,000원 ({due}까지)"
    assert [(m["channel"], m["trigger"], m["status"]) for m in messages(site_id, order_id)] == \
        [("alimtalk", "va_issued", "sent")]


def test_the_solapi_adapter_sends_and_falls_back_alike(site_id: str, kakao: AlimtalkSandbox, sms: SmsSandbox,
                                                      solapi_relay: Relay) -> None:
    number = verified_sender(site_id, sms)
    sender_key = switch_on(site_id)
    registered = template(site_id, "PAIDS1", "#{주문번호} 결제 완료")
    # Solapi assigns its own template id; registering asks for the inspection (검수 중)
    assert registered["state"] == "TSC02" and registered["provider_template_id"].startswith("KA01TP")
    approve(kakao, sender_key, "PAIDS1")
    phone, other = buyer_phone(), buyer_phone()
    control(kakao, "not-kakao-users", {"number": other})
    first, second = paid_order(site_id, phone), paid_order(site_id, other)
    solapi_relay.drain()
    got = sorted((m["to"], m["result"], m["code"]) for m in kakao_messages(kakao, site_id))
    assert got == sorted([(phone, "accepted", "2000"), (other, "refused", "3104")])
    assert [(m["channel"], m["status"]) for m in messages(site_id, first)] == [("alimtalk", "sent")]
    assert [(m["sender"], m["to"], m["text"]) for m in sms_messages(sms, site_id)] == \
        [(number, other, f"{second} 결제 완료")]


def test_without_a_kakaotalk_channel_nothing_goes_as_alimtalk(site_id: str, kakao: AlimtalkSandbox, sms: SmsSandbox,
                                                              relay: Relay) -> None:
    status, body = admin("POST", "/admin/alimtalk/templates", site_id,
                         {"code": "NOCH", "name": "채널 없음", "trigger": "paid", "text": "#{주문번호} 결제 완료"})
    assert (status, body["code"]) == (409, "NO_KAKAO_CHANNEL")
    verified_sender(site_id, sms)
    sender_key = switch_on(site_id)
    template(site_id, "PAID06", "#{주문번호} 결제 완료")
    approve(kakao, sender_key, "PAID06")
    assert admin("PUT", "/admin/alimtalk/settings", site_id, {"sender_key": None, "paid": True})[0] == 200
    oid = paid_order(site_id, buyer_phone())
    relay.drain()
    assert kakao_messages(kakao, site_id) == []
    by_channel = {m["channel"]: m for m in messages(site_id, oid)}
    assert (by_channel["alimtalk"]["status"], by_channel["alimtalk"]["reason"]) == ("not_sent", "no_kakao_channel")
    assert by_channel["sms"]["status"] == "sent"


def test_a_failed_fallback_sms_is_resent_like_any_message(site_id: str, kakao: AlimtalkSandbox, sms: SmsSandbox,
                                                          relay: Relay) -> None:
    verified_sender(site_id, sms)
    sender_key = switch_on(site_id)
    template(site_id, "PAID07", "#{주문번호} 결제 완료")
    approve(kakao, sender_key, "PAID07")
    phone = buyer_phone()
    control(kakao, "not-kakao-users", {"number": phone})
    control(sms, "fail-next", {"code": "-2312"})
    oid = paid_order(site_id, phone)
    relay.drain()
    by_channel = {m["channel"]: m for m in messages(site_id, oid)}
    fallback = by_channel["sms"]
    assert (fallback["status"], fallback["reason"], fallback["resendable"]) == ("failed", "sender_not_registered", True)
    assert fallback["reason_ko"] == "발신번호가 등록(인증)되지 않았거나 차단되었습니다."
    alimtalk_id = by_channel["alimtalk"]["message_id"]
    status, body = admin("POST", f"/admin/orders/{oid}/messages/{alimtalk_id}/resend", site_id)
    assert (status, body["code"]) == (409, "MESSAGE_NOT_RESENDABLE")
    status, body = admin("POST", f"/admin/orders/{oid}/messages/{fallback['message_id']}/resend", site_id)
    assert status == 200, body
    relay.drain()
    again = {m["channel"]: m for m in messages(site_id, oid)}["sms"]
    assert (again["status"], again["attempt"], "reason_ko" in again) == ("sent", 2, False)
    assert [m["result"] for m in sms_messages(sms, site_id)] == ["accepted", "refused"]


def test_a_payment_request_sends_its_amount_and_pay_link(site_id: str, kakao: AlimtalkSandbox, sms: SmsSandbox,
                                                         relay: Relay) -> None:
    sender_key = switch_on(site_id, paid=False, payment_requested=True)
    template(site_id, "REQ01", "추가 결제 #{요청금액}: #{결제링크}", trigger="payment_requested")
    approve(kakao, sender_key, "REQ01")
    oid = api_order(site_id, ready=False)
    status, body = admin("POST", f"/admin/orders/{oid}/lines", site_id,
                         {"product_code": "CAP-02", "product_name": "볼캡", "quantity": 1, "unit_price": 15000})
    assert status == 201, body
    status, body = admin("POST", f"/admin/orders/{oid}/payment-requests", site_id, {})
    assert status == 201, body
    relay.drain()
    [sent] = kakao_messages(kakao, site_id)
    assert sent["text"] == f"추가 결제 15,000원: https://shop.example.com/orders/{oid}"
