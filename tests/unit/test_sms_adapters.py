"""The SMS adapters against recorded response shapes (httpx MockTransport, no network): request
shapes, and every provider code mapped to our reason."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from oms.integrations.pg import http as pooled
from oms.integrations.sms import OutboundSms, nhn, solapi
from oms.integrations.sms.nhn import NhnCloudSms
from oms.integrations.sms.solapi import Solapi

SMS = OutboundSms(message_id="M20260301120000abcd1234", site_id="shop-a", type="SMS", sender="0212345678",
                  to="01012345678", text="[데모샵] 주문 감사합니다")
LMS = OutboundSms(message_id="M20260301120000abcd5678", site_id="shop-a", type="LMS", sender="0212345678",
                  to="01012345678", text="가" * 60, title="배송 안내")

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def transport(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Handler], list[httpx.Request]]]:
    """Route the pooled client through a handler; answers the list of requests it saw."""
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


def _nhn() -> NhnCloudSms:
    return NhnCloudSms(base_url="https://sms.test", app_key="APPKEY", secret_key="SECRET")


def _solapi() -> Solapi:
    return Solapi(base_url="https://solapi.test", api_key="KEY", api_secret="SECRET")


# ---- recorded NHN Cloud SMS v3.0 shapes -------------------------------------------------------------

def nhn_accepted(request_id: str = "20260301120000abcdefghij") -> dict[str, Any]:
    return {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
            "body": {"data": {"requestId": request_id, "statusCode": "2", "senderGroupingKey": SMS.message_id,
                              "sendResultList": [{"recipientNo": "01012345678", "resultCode": 0,
                                                  "resultMessage": "SUCCESS", "recipientSeq": 1,
                                                  "recipientGroupingKey": SMS.message_id}]}}}


def nhn_refused(code: int, message: str) -> dict[str, Any]:
    return {"header": {"isSuccessful": False, "resultCode": code, "resultMessage": message}, "body": None}


def nhn_recipient_refused(code: int, message: str) -> dict[str, Any]:
    body = nhn_accepted()
    body["body"]["data"]["sendResultList"][0].update(resultCode=code, resultMessage=message)
    return body


def test_nhn_sms_request_shape_and_accepted_answer(transport: Any) -> None:
    seen = transport(lambda r: httpx.Response(200, json=nhn_accepted()))
    got = _nhn().send(SMS)
    assert got.accepted and got.reason is None
    assert got.provider_message_id == "20260301120000abcdefghij:1"
    req = seen[0]
    assert (req.method, req.url.path) == ("POST", "/sms/v3.0/appKeys/APPKEY/sender/sms")
    assert req.headers["X-Secret-Key"] == "SECRET"
    assert json.loads(req.content) == {
        "body": SMS.text, "sendNo": "0212345678", "userId": "shop-a", "senderGroupingKey": SMS.message_id,
        "recipientList": [{"recipientNo": "01012345678", "recipientGroupingKey": SMS.message_id}]}


def test_nhn_lms_goes_to_the_mms_endpoint_with_a_title(transport: Any) -> None:
    seen = transport(lambda r: httpx.Response(200, json=nhn_accepted()))
    assert _nhn().send(LMS).accepted
    assert seen[0].url.path == "/sms/v3.0/appKeys/APPKEY/sender/mms"
    assert json.loads(seen[0].content)["title"] == "배송 안내"


@pytest.mark.parametrize(("code", "reason"), sorted(nhn.CODES.items()))
def test_nhn_every_mapped_code(transport: Any, code: str, reason: str) -> None:
    # negative codes come in the request header, positive (carrier) codes per recipient
    shape = nhn_refused(int(code), "recorded") if code.startswith("-") else nhn_recipient_refused(int(code), "recorded")
    transport(lambda r: httpx.Response(200, json=shape))
    got = _nhn().send(SMS)
    assert (got.accepted, got.reason, got.provider_code) == (False, reason, code)


@pytest.mark.parametrize(("shape", "reason", "code"), [
    (nhn_refused(-2312, "Not regist sendno."), "sender_not_registered", "-2312"),
    (nhn_recipient_refused(-2019, "RecipientNo is invalid."), "invalid_recipient", "-2019"),
    (nhn_refused(-1000, "Invalid appKey."), "provider_rejected", "-1000"),  # our configuration, not retryable
])
def test_nhn_recorded_refusals(transport: Any, shape: dict[str, Any], reason: str, code: str) -> None:
    transport(lambda r: httpx.Response(200, json=shape))
    got = _nhn().send(SMS)
    assert (got.reason, got.provider_code, got.retryable) == (reason, code, reason == "provider_unavailable")


def test_nhn_provider_down(transport: Any) -> None:
    transport(lambda r: httpx.Response(502, text="<html>Bad Gateway</html>"))
    got = _nhn().send(SMS)
    assert (got.reason, got.provider_code, got.retryable) == ("provider_unavailable", "HTTP_502", True)

    def refuse(r: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=r)

    transport(refuse)
    got = _nhn().send(SMS)
    assert (got.reason, got.provider_code) == ("provider_unavailable", "HTTP_0")


def test_nhn_sender_states(transport: Any) -> None:
    rows: list[dict[str, Any]] = []
    seen = transport(lambda r: httpx.Response(200, json={
        "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
        "body": {"pageNum": 1, "pageSize": 15, "totalCount": len(rows), "data": rows}}))
    assert _nhn().request_sender("0212345678", site_id="shop-a").state == "pending"
    assert (seen[0].method, seen[0].url.path) == ("POST", "/sms/v2.0/appKeys/APPKEY/reqeusts/sendNos")
    assert json.loads(seen[0].content)["sendNos"] == ["0212345678"]
    assert seen[1].url.params["sendNo"] == "0212345678"
    rows.append({"sendNo": "0212345678", "useYn": "Y", "blockYn": "N", "blockReason": None})
    assert _nhn().sender_status("0212345678").state == "verified"
    rows[0].update(useYn="N", blockYn="Y", blockReason="통신서비스 이용증명원 불일치")
    got = _nhn().sender_status("0212345678")
    assert (got.state, got.reason) == ("rejected", "통신서비스 이용증명원 불일치")


# ---- recorded Solapi v4 shapes ----------------------------------------------------------------------

def solapi_accepted() -> dict[str, Any]:
    return {"groupInfo": {"groupId": "G4V20260301120000ABCDEF", "status": "SENDING",
                          "count": {"total": 1, "sentTotal": 0, "sentFailed": 0, "sentSuccess": 0,
                                    "sentPending": 1, "registeredFailed": 0, "registeredSuccess": 1}},
            "failedMessageList": [],
            "messageList": [{"messageId": "M4V20260301120000ABCDEF", "statusCode": "2000",
                             "statusMessage": "정상 접수(이통사로 접수 예정) ",
                             "customFields": {"messageId": SMS.message_id, "siteId": "shop-a"}}]}


def solapi_failed(code: str, message: str) -> dict[str, Any]:
    return {"groupInfo": {"groupId": "G4V20260301120000ABCDEF", "status": "FAILED"}, "messageList": [],
            "failedMessageList": [{"to": "01012345678", "from": "0212345678", "type": "SMS",
                                   "statusMessage": message, "country": "82", "messageId": "M4V1",
                                   "statusCode": code, "accountId": "AC1", "customFields": {}}]}


def test_solapi_request_shape_signature_and_accepted_answer(transport: Any) -> None:
    seen = transport(lambda r: httpx.Response(200, json=solapi_accepted()))
    got = _solapi().send(LMS)
    assert got.accepted and got.provider_message_id == "M4V20260301120000ABCDEF" and got.provider_code == "2000"
    req = seen[0]
    assert (req.method, req.url.path) == ("POST", "/messages/v4/send-many/detail")
    assert json.loads(req.content) == {"messages": [{
        "to": "01012345678", "from": "0212345678", "text": LMS.text, "type": "LMS", "subject": "배송 안내",
        "customFields": {"messageId": LMS.message_id, "siteId": "shop-a"}}]}
    scheme, _, params = req.headers["authorization"].partition(" ")
    fields = dict(p.strip().split("=", 1) for p in params.split(","))
    assert scheme == "HMAC-SHA256" and fields["apiKey"] == "KEY"
    assert fields["signature"] == hmac.new(b"SECRET", (fields["date"] + fields["salt"]).encode(),
                                           hashlib.sha256).hexdigest()


@pytest.mark.parametrize(("code", "reason"), sorted(solapi.CODES.items()))
def test_solapi_every_mapped_code(transport: Any, code: str, reason: str) -> None:
    transport(lambda r: httpx.Response(200, json=solapi_failed(code, "recorded")))
    got = _solapi().send(SMS)
    assert (got.accepted, got.reason, got.provider_code) == (False, reason, code)


def test_solapi_request_level_errors(transport: Any) -> None:
    transport(lambda r: httpx.Response(401, json={"errorCode": "InvalidAPIKey", "errorMessage": "invalid key"}))
    got = _solapi().send(SMS)
    assert (got.reason, got.provider_code, got.retryable) == ("provider_rejected", "InvalidAPIKey", False)
    transport(lambda r: httpx.Response(503, json={"errorCode": "InternalError", "errorMessage": "down"}))
    got = _solapi().send(SMS)
    assert (got.reason, got.retryable) == ("provider_unavailable", True)
    transport(lambda r: httpx.Response(200, json=solapi_failed("1030", "잔액 부족")))
    assert _solapi().send(SMS).reason == "provider_rejected"  # unmapped: kept as the provider's code


def test_solapi_sender_states(transport: Any) -> None:
    items: list[dict[str, Any]] = []
    seen = transport(lambda r: httpx.Response(200, json={"items": items, "count": len(items)}))
    assert _solapi().request_sender("0212345678", site_id="shop-a").state == "pending"
    assert json.loads(seen[0].content) == {"phoneNumber": "0212345678"}
    items.append({"phoneNumber": "0212345678", "status": "ACTIVE"})
    assert _solapi().sender_status("0212345678").state == "verified"
    items[0].update(status="REJECTED", rejectReason="서류 반려")
    assert _solapi().sender_status("0212345678").reason == "서류 반려"
