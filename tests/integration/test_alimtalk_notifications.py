"""Buyer notifications by 알림톡 end to end: the admin API in process, the relay on DynamoDB Local's
stream (RelayFunction under its template contract) and the 알림톡 and SMS sandboxes over HTTP — an
approved template sends, an unapproved one never does (SMS instead), a buyer who is not a KakaoTalk
user and a text the provider finds different from the approved one get the SMS from the verified
sender, a repeated delivery sends nothing more, the provider's 503 is retried (and on the last attempt
the SMS goes), switched-off events send nothing. More events and limits: test_alimtalk_events.py."""

from __future__ import annotations

import pytest

from oms.services import relay as relay_service
from oms_local.alimtalk_sandbox import AlimtalkSandbox
from oms_local.sms_sandbox import SmsSandbox
from tests.alimtalk_support import (  # noqa: F401 - the fixtures
    approve,
    buyer_phone,
    control,
    kakao_fixture,
    kakao_messages,
    messages,
    notifications,
    paid_order,
    records,
    relay_fixture,
    sandboxes_fixture,
    sms_fixture,
    sms_messages,
    switch_on,
    template,
    verified_sender,
)
from tests.outbox_support import Relay
from tests.shipping_support import admin

pytestmark = pytest.mark.usefixtures("standard_buyer_points")


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
    assert [m["channel"] for m in messages(site_id, oid)] == ["sms", "alimtalk"]  # newest first


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
