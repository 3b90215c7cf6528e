"""Buyer messages through the admin handler (in process) on DynamoDB Local, with the SMS sandbox as
the provider: sender verification, the only-verified-sender rule, preview, send, outbox, timeline,
failures and resend, idempotency, templates — with the NHN-style and the Solapi-style adapter."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from oms.store import messages as store
from oms_local.sms_sandbox import SmsSandbox
from tests.outbox_support import Relay, relay_stack
from tests.shipping_support import admin, api_order

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

@pytest.fixture(scope="module")
def sandbox() -> Iterator[SmsSandbox]:
    sb = SmsSandbox(port=0).start()
    try:
        yield sb
    finally:
        sb.stop()


_relay: dict[str, Relay] = {}


@pytest.fixture(params=["nhn", "solapi"])
def provider(request: pytest.FixtureRequest, sandbox: SmsSandbox, monkeypatch: pytest.MonkeyPatch,
             s3_endpoint: str, table_name: str) -> Iterator[str]:
    import os

    from oms_local import REPO_ROOT, invoker
    from oms_local.template import load_template

    for k, v in sandbox.env(request.param).items():
        monkeypatch.setenv(k, v)
    # the provider is the stack's SmsProvider parameter: the functions' contracts take it
    invoker.install(load_template(), os.environ["TABLE_NAME"], REPO_ROOT, {"SmsProvider": str(request.param)})
    _relay["stack"] = relay_stack(s3_endpoint, table_name, {"SmsProvider": str(request.param)})
    yield str(request.param)
    _relay.clear()
    invoker.install(load_template(), os.environ["TABLE_NAME"], REPO_ROOT)


def deliver() -> None:
    """The relay delivers what the committed sends asked for (the provider is called after the commit)."""
    _relay["stack"].drain()


def post_message(site_id: str, oid: str, body: dict[str, Any]) -> tuple[int, Any]:
    """POST a message (answered ``sending``), let the relay send it, answer the message as it is then."""
    status, msg = admin("POST", f"/admin/orders/{oid}/messages", site_id, body)
    if status not in (200, 201):
        return status, msg
    assert msg["status"] in ("sending", "sent", "failed"), msg
    deliver()
    got, now = admin("GET", f"/admin/orders/{oid}/messages/{msg['message_id']}", site_id)
    assert got == 200, now
    return status, now


def new_number() -> str:
    """A landline sender number no other test uses (the sandbox's registry is one account)."""
    return f"02{random.randint(10_000_000, 99_999_999)}"


def verified_sender(site_id: str, sandbox: SmsSandbox) -> str:
    number = new_number()
    status, body = admin("POST", "/admin/messages/senders", site_id, {"number": number, "label": "고객센터"})
    assert status == 201, body
    sandbox.verify(number)
    status, body = admin("PUT", "/admin/messages/senders/default", site_id, {"number": number})
    assert status == 200, body
    return number


def sent_to(sandbox: SmsSandbox, site_id: str) -> list[Any]:
    return sandbox.list_messages(site_id)


def timeline(site_id: str, order_id: str) -> list[dict[str, Any]]:
    status, body = admin("GET", f"/admin/orders/{order_id}/timeline", site_id)
    assert status == 200
    return list(body["events"])


def test_sender_number_is_pending_until_the_provider_verifies_it(site_id: str, sandbox: SmsSandbox,
                                                                 provider: str) -> None:
    number = new_number()
    dashed = f"{number[:2]}-{number[2:6]}-{number[6:]}"
    status, body = admin("POST", "/admin/messages/senders", site_id, {"number": dashed})
    assert status == 201 and body["number"] == number and body["state"] == "pending", body
    # not verified yet: it cannot become the default, nothing can be sent
    status, body = admin("PUT", "/admin/messages/senders/default", site_id, {"number": number})
    assert (status, body["code"]) == (409, "SENDER_NOT_VERIFIED")
    sandbox.verify(number)
    status, body = admin("GET", "/admin/messages/senders", site_id)
    assert [(s["number"], s["state"]) for s in body["senders"]] == [(number, "verified")]
    status, body = admin("PUT", "/admin/messages/senders/default", site_id, {"number": number})
    assert status == 200 and body["default_sender"] == number and body["senders"][0]["default"] is True
    # a second request for the same number is refused; another site cannot claim it
    status, body = admin("POST", "/admin/messages/senders", site_id, {"number": number})
    assert (status, body["code"]) == (409, "SENDER_ALREADY_REGISTERED")
    status, body = admin("POST", "/admin/messages/senders", site_id + "-other", {"number": number})
    assert (status, body["code"]) == (409, "SENDER_HELD_BY_OTHER_SITE")


def test_rejected_sender_shows_the_providers_reason(site_id: str, sandbox: SmsSandbox, provider: str) -> None:
    number = new_number()
    assert admin("POST", "/admin/messages/senders", site_id, {"number": number})[0] == 201
    sandbox.reject(number, "통신서비스 이용증명원 불일치")
    _, body = admin("GET", "/admin/messages/senders", site_id)
    assert [(s["state"], s["reason"]) for s in body["senders"]] == [("rejected", "통신서비스 이용증명원 불일치")]
    assert admin("POST", "/admin/messages/senders", site_id, {"number": "12"})[1]["code"] == "VALIDATION_FAILED"
    assert admin("POST", "/admin/messages/senders", site_id, {"number": "0000"})[1]["code"] == "INVALID_SENDER_NUMBER"


def test_send_from_the_verified_sender_outbox_and_timeline(site_id: str, sandbox: SmsSandbox, provider: str) -> None:
    sender = verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)
    text = "[데모샵] #{주문번호} 주문이 접수되었습니다. 감사합니다."
    status, preview = admin("POST", f"/admin/orders/{oid}/messages/preview", site_id, {"text": text})
    assert status == 200, preview
    assert preview["type"] == "SMS" and preview["text"] == f"[데모샵] {oid} 주문이 접수되었습니다. 감사합니다."
    assert preview["to"] == "010-****-5678" and preview["bytes"] <= 90
    assert sent_to(sandbox, site_id) == []  # a preview sends nothing

    status, queued = admin("POST", f"/admin/orders/{oid}/messages", site_id, {"text": text})
    assert status == 201 and queued["status"] == "sending", queued  # committed; the relay sends it
    assert sent_to(sandbox, site_id) == []
    deliver()
    _, msg = admin("GET", f"/admin/orders/{oid}/messages/{queued['message_id']}", site_id)
    assert (msg["status"], msg["type"], msg["sender"], msg["to"], msg["attempt"]) == \
        ("sent", "SMS", sender, "01012345678", 1)
    assert msg["provider"] == provider and msg["attempts"][0]["status"] == "sent"
    got = sent_to(sandbox, site_id)
    assert [(m.provider, m.sender, m.to, m.text, m.result) for m in got] == \
        [(provider, sender, "01012345678", preview["text"], "accepted")]
    # the outbox item holds the full text; the timeline only the first characters and the masked phone
    item = store.get_message(site_id, oid, msg["message_id"])
    assert item is not None and item["text"] == preview["text"] and item["status"] == "sent"
    events = timeline(site_id, oid)
    kinds = [e["kind"] for e in events[:2]]
    assert kinds == ["message_result", "message"]
    result, request = events[0], events[1]
    assert request["actor"]["kind"] == "admin" and request["actor"]["id"] == "admin-1"
    assert (result["actor"]["kind"], result["actor"]["id"]) == ("system", "relay")
    assert (result["data"]["result"], result["data"]["type"], result["data"]["to"]) == ("sent", "SMS", "010-****-5678")
    assert result["data"]["excerpt"] == preview["text"][:20] + "…"
    assert preview["text"] not in json.dumps(events, ensure_ascii=False)
    assert "01012345678" not in json.dumps(events)
    # the order's messages, newest first
    _, listed = admin("GET", f"/admin/orders/{oid}/messages", site_id)
    assert [m["message_id"] for m in listed["messages"]] == [msg["message_id"]]


def test_lms_with_title_and_recipient_role(site_id: str, sandbox: SmsSandbox, provider: str) -> None:
    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False, recipient={
        "name": "박수령", "phone": "010-2222-3333", "postal_code": "04524", "address1": "서울 중구 세종대로 110"})
    body = {"role": "recipient", "text": "안내 " + "가" * 50, "title": "배송 안내"}
    status, msg = post_message(site_id, oid, body)
    assert status == 201
    assert (msg["type"], msg["title"], msg["to"], msg["bytes"]) == ("LMS", "배송 안내", "01022223333", 105)
    assert sent_to(sandbox, site_id)[0].type == "LMS" and sent_to(sandbox, site_id)[0].title == "배송 안내"


def test_only_the_sites_verified_sender_ever_sends(site_id: str, sandbox: SmsSandbox, provider: str) -> None:
    oid = api_order(site_id, ready=False)
    status, body = admin("POST", f"/admin/orders/{oid}/messages", site_id, {"text": "안녕하세요"})
    assert (status, body["code"]) == (409, "NO_VERIFIED_SENDER")
    status, body = admin("POST", f"/admin/orders/{oid}/messages/preview", site_id, {"text": "안녕하세요"})
    assert status == 200 and (body["sendable"], body["sender_problem"], body["type"]) == \
        (False, "NO_VERIFIED_SENDER", "SMS")
    sender = verified_sender(site_id, sandbox)
    other = new_number()
    sandbox.verify(other)  # verified at the provider, but not the site's default
    status, body = admin("POST", f"/admin/orders/{oid}/messages", site_id, {"text": "안녕하세요", "sender": other})
    assert (status, body["code"], body["field"]) == (403, "SENDER_NOT_ALLOWED", "sender")
    # never a free number: the body has no "to"
    status, body = admin("POST", f"/admin/orders/{oid}/messages", site_id, {"text": "안녕하세요", "to": "01099998888"})
    assert (status, body["code"]) == (400, "VALIDATION_FAILED")
    # the default sender loses its verification: refused inside the send's transaction
    store.set_sender_state(site_id, sender, "rejected", "차단", "2026-03-01T00:00:00.000000Z")
    status, body = admin("POST", f"/admin/orders/{oid}/messages", site_id, {"text": "안녕하세요"})
    assert (status, body["code"]) == (409, "SENDER_NOT_VERIFIED")
    assert sent_to(sandbox, site_id) == [] and store.list_messages(site_id, oid) == []
    refused = [e for e in timeline(site_id, oid) if e["kind"] == "refused"]
    assert [e["data"]["code"] for e in refused][:3] == \
        ["SENDER_NOT_VERIFIED", "SENDER_NOT_ALLOWED", "NO_VERIFIED_SENDER"]


def test_failed_message_shows_its_reason_and_is_resent_once(site_id: str, sandbox: SmsSandbox, provider: str) -> None:
    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)
    sandbox.fail_next("-2312" if provider == "nhn" else "1062")
    status, msg = post_message(site_id, oid, {"text": "입금 확인되었습니다"})
    assert status == 201
    assert (msg["status"], msg["reason"], msg["resendable"]) == ("failed", "sender_not_registered", True)
    assert msg["provider_code"] == ("-2312" if provider == "nhn" else "1062") and msg["reason_ko"]
    assert timeline(site_id, oid)[0]["data"]["reason"] == "sender_not_registered"

    # two resends at once: exactly one claims the message, one more message reaches the provider
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: admin("POST", f"/admin/orders/{oid}/messages/{msg['message_id']}/resend",
                                                site_id), range(2)))
    assert sorted(s for s, _ in results) == [200, 409], results
    assert next(b for s, b in results if s == 409)["code"] == "MESSAGE_NOT_RESENDABLE"
    assert next(b for s, b in results if s == 200)["status"] == "sending"
    deliver()
    _, done = admin("GET", f"/admin/orders/{oid}/messages/{msg['message_id']}", site_id)
    assert (done["status"], done["attempt"], [a["status"] for a in done["attempts"]]) == ("sent", 2, ["failed", "sent"])
    assert [m.result for m in sent_to(sandbox, site_id)] == ["accepted", "refused"]
    status, body = admin("POST", f"/admin/orders/{oid}/messages/{msg['message_id']}/resend", site_id)
    assert (status, body["code"]) == (409, "MESSAGE_NOT_RESENDABLE")


def test_provider_down_is_retried_then_recorded_as_failed(site_id: str, sandbox: SmsSandbox, provider: str) -> None:
    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)
    sandbox.fail_next("HTTP_503")  # one outage: the relay tries again and it goes
    _, msg = post_message(site_id, oid, {"text": "안녕하세요"})
    assert (msg["status"], len(msg["attempts"])) == ("sent", 1)
    sandbox.fail_next("TIMEOUT", count=4)  # down for every attempt of the test stack (delays 0,0,0)
    _, msg2 = post_message(site_id, oid, {"text": "안녕하세요"})
    assert (msg2["status"], msg2["reason"], msg2["resendable"]) == ("failed", "provider_unavailable", True)
    assert [m.result for m in sent_to(sandbox, site_id)] == ["accepted"]
    status, _ = admin("POST", f"/admin/orders/{oid}/messages/{msg2['message_id']}/resend", site_id)
    assert status == 200
    deliver()
    _, again = admin("GET", f"/admin/orders/{oid}/messages/{msg2['message_id']}", site_id)
    assert again["status"] == "sent"


def test_same_message_id_never_sends_twice(site_id: str, sandbox: SmsSandbox, provider: str) -> None:
    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)
    body = {"text": "주문 감사합니다", "message_id": f"client-{site_id}"}
    first = admin("POST", f"/admin/orders/{oid}/messages", site_id, body)
    deliver()
    second = admin("POST", f"/admin/orders/{oid}/messages", site_id, body)
    deliver()
    assert (first[0], second[0]) == (201, 200) and second[1]["status"] == "sent"
    assert first[1]["message_id"] == second[1]["message_id"] == f"client-{site_id}"
    assert len(sent_to(sandbox, site_id)) == 1
    assert len([e for e in timeline(site_id, oid) if e["kind"] == "message"]) == 1
    # the same new id from two requests at once: one sends, the other answers the stored message
    race = {"text": "출고되었습니다", "message_id": f"race-{site_id}"}
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: admin("POST", f"/admin/orders/{oid}/messages", site_id, race), range(2)))
    assert sorted(s for s, _ in answers) == [200, 201], answers
    assert {b["message_id"] for _, b in answers} == {f"race-{site_id}"}
    deliver()
    assert [m.text for m in sent_to(sandbox, site_id)].count("출고되었습니다") == 1


def test_unencodable_text_is_refused_naming_the_characters(site_id: str, sandbox: SmsSandbox, provider: str) -> None:
    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)
    status, body = admin("POST", f"/admin/orders/{oid}/messages", site_id, {"text": "감사합니다 🙏"})
    assert (status, body["code"], body["characters"]) == (422, "UNENCODABLE_CHARACTERS",
                                                          [{"char": "🙏", "code_point": "U+1F64F"}])
    status, body = admin("POST", f"/admin/orders/{oid}/messages/preview", site_id, {"text": "₩1,000 – 입금"})
    assert status == 200 and body["text"] == "￦1,000 - 입금" and len(body["replacements"]) == 2
    status, body = admin("POST", f"/admin/orders/{oid}/messages", site_id, {"text": "가" * 1001})
    assert (status, body["code"], body["bytes"]) == (422, "MESSAGE_TOO_LONG", 2002)
    assert sent_to(sandbox, site_id) == []


def test_templates_with_order_variables(site_id: str, sandbox: SmsSandbox, provider: str) -> None:
    verified_sender(site_id, sandbox)
    oid = api_order(site_id)  # in 배송대기
    text = "[데모샵] #{상품명} 발송 안내: #{택배사} #{송장번호} #{배송조회} (미결금액 #{미결금액})"
    status, tpl = admin("PUT", "/admin/messages/templates/shipped", site_id, {"name": "발송 안내", "text": text})
    assert status == 200, tpl
    status, body = admin("POST", "/admin/messages/templates", site_id, {"name": "x", "text": "#{쿠폰}"})
    assert (status, body["code"]) == (422, "TEMPLATE_VARIABLE_UNKNOWN")
    status, body = admin("POST", f"/admin/orders/{oid}/messages/preview", site_id, {"template_id": "shipped"})
    assert (status, body["code"]) == (422, "TEMPLATE_VALUE_MISSING")
    assert body["missing"] == ["택배사", "송장번호", "배송조회"]
    status, _ = admin("POST", f"/admin/orders/{oid}/tracking", site_id,
                      {"line_ids": ["L001", "L002"], "courier": "CJ", "tracking_no": "123456789012"})
    assert status == 200
    status, body = admin("POST", f"/admin/orders/{oid}/messages/preview", site_id, {"template_id": "shipped"})
    assert status == 200, body
    assert body["type"] == "LMS" and body["title"] == "주문 안내"
    assert body["text"] == ("[데모샵] 오버핏 티셔츠 외 1건 발송 안내: CJ대한통운 123456789012 "
                            "https://trace.cjlogistics.com/next/tracking.html?wblNo=123456789012 (미결금액 0원)")
    status, msg = post_message(site_id, oid, {"template_id": "shipped"})
    assert status == 201 and msg["template_id"] == "shipped" and msg["status"] == "sent"
    _, listed = admin("GET", "/admin/messages/templates", site_id)
    assert [t["template_id"] for t in listed["templates"]] == ["shipped"] and "송장번호" in listed["variables"]


def test_a_misconfigured_provider_is_recorded_as_a_failure_not_left_sending(
        site_id: str, sandbox: SmsSandbox, provider: str, monkeypatch: pytest.MonkeyPatch) -> None:
    verified_sender(site_id, sandbox)
    oid = api_order(site_id, ready=False)
    relay_env = _relay["stack"].gateway.functions["RelayFunction"].env  # the relay is who sends
    for name in ("NHN_SMS_SECRET_KEY", "SOLAPI_API_SECRET"):  # a deployment that does not name the secret
        monkeypatch.delitem(relay_env, f"{name}_PARAM")
    status, msg = post_message(site_id, oid, {"text": "안녕하세요"})
    assert status == 201
    assert (msg["status"], msg["reason"], msg["provider_code"], msg["resendable"]) == \
        ("failed", "provider_unavailable", "RuntimeError", True)
    assert sent_to(sandbox, site_id) == []
