"""The 알림톡 adapters against the providers' documented response shapes (httpx MockTransport, no
network): request shapes (idempotency key, variables, no provider-side SMS fallback), per-recipient
codes mapped to our reasons, template review states; and the pure template rules."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from oms.domain import alimtalk as rules
from oms.domain.errors import DomainError
from oms.integrations.alimtalk import AlimtalkProviderError, Button, OutboundAlimtalk, nhn, solapi
from oms.integrations.alimtalk.nhn import NhnAlimtalk
from oms.integrations.alimtalk.solapi import SolapiAlimtalk
from oms.integrations.pg import http as pooled

MSG = OutboundAlimtalk(idempotency_key="shop-a-oms-20260301-000001.v3-notify-paid", site_id="shop-a",
                       sender_key="SENDERKEY40", template_code="PAID01", to="01012345678",
                       variables={"주문번호": "20260301-000001"}, text="20260301-000001 결제 완료")

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def transport(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Handler], list[httpx.Request]]]:
    clients: list[httpx.Client] = []

    def use(handler: Handler) -> list[httpx.Request]:
        seen: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return handler(request)

        client = httpx.Client(transport=httpx.MockTransport(record))
        clients.append(client)
        monkeypatch.setattr(pooled, "client", lambda: client)
        return seen

    yield use
    for c in clients:
        c.close()


def _nhn() -> NhnAlimtalk:
    return NhnAlimtalk(base_url="https://kakao.test", app_key="APPKEY", secret_key="SECRET")


def _solapi() -> SolapiAlimtalk:
    return SolapiAlimtalk(base_url="https://solapi.test", api_key="KEY", api_secret="SECRET")


def nhn_result(code: int, message: str = "success") -> dict[str, Any]:
    return {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "success"},
            "message": {"requestId": "20260301-req", "senderGroupingKey": MSG.idempotency_key,
                        "sendResults": [{"recipientSeq": 1, "recipientNo": "01012345678", "resultCode": code,
                                         "resultMessage": message, "recipientGroupingKey": "shop-a"}]}}


def nhn_header(code: int, message: str) -> dict[str, Any]:
    return {"header": {"isSuccessful": False, "resultCode": code, "resultMessage": message}}


# ---- NHN Cloud Bizmessage v2.3 ---------------------------------------------------------------------


def test_nhn_send_request_shape(transport: Any) -> None:
    seen = transport(lambda r: httpx.Response(200, json=nhn_result(0)))
    got = _nhn().send(MSG)
    assert (got.accepted, got.provider_message_id, got.reason) == (True, "20260301-req:1", None)
    req = seen[0]
    assert req.url == "https://kakao.test/alimtalk/v2.3/appkeys/APPKEY/messages"
    assert req.headers["x-secret-key"] == "SECRET"
    assert req.headers["x-nc-api-idempotency-key"] == MSG.idempotency_key
    body = json.loads(req.content)
    assert body["senderKey"] == "SENDERKEY40" and body["templateCode"] == "PAID01"
    [recipient] = body["recipientList"]
    assert recipient["recipientNo"] == "01012345678"
    assert recipient["templateParameter"] == {"주문번호": "20260301-000001"}
    assert recipient["resendParameter"] == {"isResend": False}


@pytest.mark.parametrize(("payload", "reason", "code"), [
    (nhn_result(3019, "카카오톡 유저가 아님"), "not_kakao_user", "3019"),
    (nhn_result(3018, "메시지를 전송할 수 없음"), "not_kakao_user", "3018"),
    (nhn_header(-3010, "The contents are not matched to template."), "template_mismatch", "-3010"),
    (nhn_header(-3005, "Please check template status."), "template_not_approved", "-3005"),
    (nhn_header(-1028, "Blacklist can't use more than 14 characters in template value."), "variable_too_long",
     "-1028"),
    (nhn_result(3008, "전화번호 오류"), "invalid_recipient", "3008"),
    (nhn_header(-1027, "The sender is blocked status."), "provider_rejected", "-1027"),
])
def test_nhn_codes_map_to_our_reasons(transport: Any, payload: dict[str, Any], reason: str, code: str) -> None:
    transport(lambda r: httpx.Response(200, json=payload))
    got = _nhn().send(MSG)
    assert (got.accepted, got.reason, got.provider_code) == (False, reason, code)
    assert got.retryable is False


def test_nhn_a_repeated_idempotency_key_is_the_first_request(transport: Any) -> None:
    transport(lambda r: httpx.Response(200, json=nhn_header(-1005, "The same 'X-NC-API-IDEMPOTENCY-KEY' was used")))
    got = _nhn().send(MSG)
    assert (got.accepted, got.provider_code) == (True, "-1005")


@pytest.mark.parametrize("status", [500, 503])
def test_nhn_unavailable_is_retryable(transport: Any, status: int) -> None:
    transport(lambda r: httpx.Response(status, json={"header": None}))
    got = _nhn().send(MSG)
    assert (got.accepted, got.reason, got.retryable) == (False, "provider_unavailable", True)


def test_nhn_transport_failure_is_retryable(transport: Any) -> None:
    def boom(r: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("down")

    transport(boom)
    assert _nhn().send(MSG).reason == "provider_unavailable"


def test_nhn_template_registration_and_review_state(transport: Any) -> None:
    def answer(r: httpx.Request) -> httpx.Response:
        if r.method == "POST":
            return httpx.Response(200, json={"header": {"isSuccessful": True, "resultCode": 0}})
        return httpx.Response(200, json={"header": {"isSuccessful": True, "resultCode": 0}, "templates": {
            "templateCode": "PAID01", "status": "TSC04", "statusName": "반려",
            "comments": [{"id": 1, "content": "변수 과다", "status": "REJ"}]}})

    seen = transport(answer)
    got = _nhn().register_template("SENDERKEY40", "PAID01", "결제완료", "#{주문번호} 결제 완료",
                                   [Button("주문 보기", "https://shop.test/o")])
    assert (got.state, got.reason, got.provider_template_id) == ("TSC04", "변수 과다", "PAID01")
    post = json.loads(seen[0].content)
    assert seen[0].url.path == "/alimtalk/v2.3/appkeys/APPKEY/senders/SENDERKEY40/templates"
    assert (post["templateCode"], post["templateContent"], post["templateMessageType"]) == \
        ("PAID01", "#{주문번호} 결제 완료", "BA")
    assert post["buttons"] == [{"ordering": 1, "type": "WL", "name": "주문 보기", "linkMo": "https://shop.test/o"}]
    assert seen[1].url.path == "/alimtalk/v2.3/appkeys/APPKEY/senders/SENDERKEY40/templates/PAID01"


def test_nhn_template_errors_raise(transport: Any) -> None:
    transport(lambda r: httpx.Response(503, json={}))
    with pytest.raises(AlimtalkProviderError) as info:
        _nhn().template_status("SENDERKEY40", "PAID01", "PAID01")
    assert info.value.retryable is True


# ---- Solapi ---------------------------------------------------------------------------------------------


def test_solapi_send_request_shape(transport: Any) -> None:
    seen = transport(lambda r: httpx.Response(200, json={
        "groupInfo": {"groupId": "G4V1"}, "failedMessageList": [],
        "messageList": [{"messageId": "M4V1", "statusCode": "2000", "statusMessage": "정상 접수"}]}))
    got = _solapi().send(MSG)
    assert (got.accepted, got.provider_message_id) == (True, "M4V1")
    req = seen[0]
    assert req.url == "https://solapi.test/messages/v4/send-many/detail"
    assert req.headers["authorization"].startswith("HMAC-SHA256 apiKey=KEY, date=")
    [item] = json.loads(req.content)["messages"]
    assert (item["type"], item["to"], item["text"]) == ("ATA", "01012345678", MSG.text)
    assert item["kakaoOptions"] == {"pfId": "SENDERKEY40", "templateId": "PAID01",
                                    "variables": {"#{주문번호}": "20260301-000001"}, "disableSms": True}
    assert item["customFields"]["idempotencyKey"] == MSG.idempotency_key


@pytest.mark.parametrize(("code", "reason"), [("3103", "template_mismatch"), ("3104", "not_kakao_user"),
                                              ("3105", "template_not_approved"), ("3107", "not_kakao_user"),
                                              ("3010", "invalid_recipient"), ("3999", "provider_rejected")])
def test_solapi_codes_map_to_our_reasons(transport: Any, code: str, reason: str) -> None:
    transport(lambda r: httpx.Response(200, json={"groupInfo": {}, "messageList": [], "failedMessageList": [
        {"to": "01012345678", "statusCode": code, "statusMessage": "refused"}]}))
    got = _solapi().send(MSG)
    assert (got.accepted, got.reason, got.provider_code) == (False, reason, code)


def test_solapi_unavailable_is_retryable(transport: Any) -> None:
    transport(lambda r: httpx.Response(503, json={"errorCode": "InternalError", "errorMessage": "down"}))
    assert _solapi().send(MSG).retryable is True


@pytest.mark.parametrize(("state", "ours"), [("PENDING", "TSC01"), ("INSPECTING", "TSC02"), ("APPROVED", "TSC03"),
                                             ("REJECTED", "TSC04")])
def test_solapi_template_states(transport: Any, state: str, ours: str) -> None:
    def answer(r: httpx.Request) -> httpx.Response:
        if r.method == "POST":
            return httpx.Response(200, json={"templateId": "KA01TP1", "status": "PENDING"})
        return httpx.Response(200, json={"templateId": "KA01TP1", "status": state,
                                         "comments": [{"content": "반려 사유"}] if state == "REJECTED" else []})

    seen = transport(answer)
    got = _solapi().register_template("KA01PF1", "PAID01", "결제완료", "#{주문번호} 결제 완료", [])
    assert (got.state, got.provider_template_id) == (ours, "KA01TP1")
    assert got.reason == ("반려 사유" if state == "REJECTED" else None)
    assert [(r.method, r.url.path) for r in seen] == [
        ("POST", "/kakao/v2/templates"), ("PUT", "/kakao/v2/templates/KA01TP1/inspection"),
        ("GET", "/kakao/v2/templates/KA01TP1")]
    assert json.loads(seen[0].content)["channelId"] == "KA01PF1"


def test_the_code_tables_name_only_our_reasons() -> None:
    from oms.integrations.alimtalk.base import REASONS_KO

    assert set(nhn.CODES.values()) <= set(REASONS_KO) and set(solapi.CODES.values()) <= set(REASONS_KO)


# ---- the template rules -----------------------------------------------------------------------------------


def test_fill_checks_the_message_as_sent() -> None:
    filled = rules.fill("#{주문번호} 결제 #{결제금액}", {"주문번호": "20260301-000001", "결제금액": "19,900원"})
    assert (filled.text, filled.variables) == ("20260301-000001 결제 19,900원",
                                               {"주문번호": "20260301-000001", "결제금액": "19,900원"})
    with pytest.raises(DomainError) as info:
        rules.fill("#{송장번호}", {"송장번호": None})
    assert info.value.code == "TEMPLATE_VALUE_MISSING"
    with pytest.raises(DomainError) as info:
        rules.fill("#{상품명}" + "가" * 990, {"상품명": "나" * 20})
    assert (info.value.code, info.value.extra["chars"]) == ("ALIMTALK_TOO_LONG", 1010)


def test_the_first_use_limit_is_fourteen_characters_per_value() -> None:
    values = {"결제링크": "https://shop.example.com/o/1", "주문번호": "20260301-00001"}
    assert rules.fill("#{주문번호}", values, first_use_limit=True).text == "20260301-00001"  # 14: allowed
    with pytest.raises(DomainError) as info:
        rules.fill("#{주문번호} #{결제링크}", values, first_use_limit=True)
    assert (info.value.code, info.value.extra["variables"]) == ("ALIMTALK_VARIABLE_TOO_LONG", ["결제링크"])
    assert rules.fill("#{결제링크}", values).text == values["결제링크"]  # a channel without the limit


def test_template_limits() -> None:
    rules.check_template(" ".join(["#{주문번호}"] * 40))
    for text, code in ((" ".join(["#{주문번호}"] * 41), "ALIMTALK_TOO_MANY_VARIABLES"),
                       ("가" * 1001, "ALIMTALK_TOO_LONG"), ("#{쿠폰}", "TEMPLATE_VARIABLE_UNKNOWN")):
        with pytest.raises(DomainError) as info:
            rules.check_template(text)
        assert (info.value.code, info.value.field) == (code, "text")


@pytest.mark.parametrize(("events", "triggers"), [
    ([{"kind": "status_changed", "data": {"from": "payment_pending", "to": "preparing"}},
      {"kind": "status_changed", "data": {"from": "payment_pending", "to": "preparing"}}], ["paid"]),
    ([{"kind": "order_created", "data": {"payment_method": "virtual_account"}}], ["va_issued"]),
    ([{"kind": "order_created", "data": {"payment_method": "card"}}], []),
    ([{"kind": "payment_request_account_issued", "data": {}}], ["va_issued"]),
    ([{"kind": "status_changed", "data": {"from": "ready_to_ship", "to": "shipping"}}], ["shipped"]),
    ([{"kind": "status_changed", "data": {"from": "shipping", "to": "delivered"}}], ["delivered"]),
    ([{"kind": "status_changed", "data": {"from": "cancel_requested", "to": "cancelled"}},
      {"kind": "refund", "data": {}}], ["cancelled"]),
    ([{"kind": "status_changed", "data": {"from": "payment_pending", "to": "cancelled"}}], ["cancelled"]),
    ([{"kind": "payment_requested", "data": {}}], ["payment_requested"]),
    ([{"kind": "notification", "data": {}}, {"kind": "memo", "data": {}}], []),
])
def test_triggers_of_a_change(events: list[dict[str, Any]], triggers: list[str]) -> None:
    assert rules.triggers_of(events) == triggers  # type: ignore[arg-type]
