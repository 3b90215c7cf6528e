"""Buyer notifications by 알림톡, the other events and the limits: 배송시작 with the courier and the
tracking link, 가상계좌 발급 with the account, 결제요청 with the pay link; the template and variable
limits refused with their codes and the first-use limit sending the SMS; the Solapi-style adapter; a
site without a KakaoTalk channel; a failed fallback SMS resent."""

from __future__ import annotations

import pytest

from oms.domain.clock import KST
from oms_local.alimtalk_sandbox import AlimtalkSandbox
from oms_local.pg_sandbox import PgSandbox
from oms_local.sms_sandbox import SmsSandbox
from tests.alimtalk_support import (  # noqa: F401 - the fixtures
    approve,
    buyer_phone,
    control,
    kakao_fixture,
    kakao_messages,
    messages,
    paid_order,
    relay_fixture,
    sandboxes_fixture,
    sms_fixture,
    sms_messages,
    solapi_relay_fixture,
    switch_on,
    template,
    verified_sender,
)
from tests.integration.payments_support import sandbox_fixture, va_order  # noqa: F401
from tests.outbox_support import Relay
from tests.shipping_support import admin, api_order

pytestmark = pytest.mark.usefixtures("standard_buyer_points")


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
