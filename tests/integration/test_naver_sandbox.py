"""The Naver sandbox itself, over HTTP: the token endpoint's timestamp window and either base64,
paging one product order's rows at one instant, the rows for delivery and delay the provider's
documentation has no type for (only when asked for), the page (escaped) and the controls."""

from __future__ import annotations

import base64
import time

import bcrypt
import httpx
import pytest

from oms.integrations.channels import naver_http
from oms_local.naver_sandbox import DEV_CLIENT_ID, DEV_CLIENT_SECRET, NaverSandbox
from tests.integration.naver_support import (  # noqa: F401 - the fixture
    API,
    CREDS,
    FEED,
    T0,
    TOKEN,
    dispatched,
    sandbox_fixture,
    start,
)


def test_the_token_endpoint_checks_the_timestamp_window_and_takes_either_base64(sandbox: NaverSandbox) -> None:
    def ask(ts: int, urlsafe: bool = False) -> httpx.Response:
        hashed = bcrypt.hashpw(f"{DEV_CLIENT_ID}_{ts}".encode(), DEV_CLIENT_SECRET.encode())
        sign = (base64.urlsafe_b64encode if urlsafe else base64.standard_b64encode)(hashed).decode()
        return httpx.post(f"{sandbox.url}{TOKEN}", data={"client_id": DEV_CLIENT_ID, "timestamp": str(ts),
                                                         "grant_type": "client_credentials",
                                                         "client_secret_sign": sign, "type": "SELF"})

    now_ms = int(time.time() * 1000)
    stale = ask(now_ms - 6 * 60 * 1000)
    assert stale.status_code == 400 and stale.json()["invalidInputs"][0]["name"] == "timestamp"
    fresh = ask(now_ms, urlsafe=True)
    assert fresh.status_code == 200 and fresh.json()["expires_in"] == 10800
    assert ask(now_ms).json()["access_token"] == fresh.json()["access_token"]  # ≥ 30 min left: the same token


def test_the_sandbox_pages_one_ids_rows_at_one_instant_without_repeats(sandbox: NaverSandbox) -> None:
    _, (a, b) = sandbox.place([{}, {}], at=T0)
    for pid in (a, b):
        sandbox.cancel_request(pid, at=T0)
        sandbox.withdraw(pid, at=T0)  # three rows of one id at one instant
    token = httpx.post(f"{sandbox.url}{TOKEN}", data={
        "client_id": DEV_CLIENT_ID, "timestamp": str(ts := int(time.time() * 1000)), "grant_type": "client_credentials",
        "type": "SELF", "client_secret_sign": naver_http.sign(DEV_CLIENT_ID, DEV_CLIENT_SECRET, ts)}).json()
    params = {"lastChangedFrom": "2026-12-07T10:30:15.250+09:00", "limitCount": "2"}
    seen = []
    for _ in range(4):
        data = httpx.get(f"{sandbox.url}{FEED}", params=params,
                         headers={"authorization": f"Bearer {token['access_token']}"}).json()["data"]
        seen += [(r["productOrderId"], r["lastChangedType"]) for r in data["lastChangeStatuses"]]
        if "more" not in data:
            break
        params |= {"lastChangedFrom": data["more"]["moreFrom"], "moreSequence": data["more"]["moreSequence"]}
    assert seen == [(pid, kind) for pid in (a, b) for kind in ("PAYED", "CLAIM_REQUESTED", "CLAIM_REJECTED")]


def test_delivery_and_delay_rows_only_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    sb = start(monkeypatch, rate_per_second=0, undocumented_rows=True)
    try:
        _, (pid, other) = sb.place([{}, {}], at=T0)
        dispatched(sb, pid, "310000000001")
        sb.delivered(pid)
        assert API.delay(CREDS, other, "2026-12-12T00:00:00Z", "PRODUCT_PREPARE", "").ok
        assert [r["lastChangedType"] for r in sb.change_rows()][-3:] == ["DISPATCHED", "DELIVERED", "DISPATCH_DELAYED"]
    finally:
        sb.stop()


def test_the_page_and_controls(sandbox: NaverSandbox) -> None:
    placed = httpx.post(f"{sandbox.url}/_sandbox/orders", json={
        "items": [{"name": "<b>굵은</b> 모자", "quantity": 1, "unit_price": 15000, "discount": 0, "option_price": 0}],
        "buyer": {"name": "<script>alert(1)</script>"}, "delivery_fee": 0, "at": T0}).json()
    pid = placed["productOrderIds"][0]
    assert placed["orderId"].isdigit() and len(pid) == 16
    form = httpx.post(f"{sandbox.url}/_sandbox/cancel-request", data={"productOrderId": pid})
    assert form.status_code == 303
    page = httpx.get(sandbox.url).text
    assert "&lt;script&gt;" in page and "<script>alert" not in page and "&lt;b&gt;굵은" in page
    assert "취소 요청" in page and "결제 완료" in page and "CANCEL_REQUEST" in page
    again = httpx.post(f"{sandbox.url}/_sandbox/cancel-request", json={"productOrderId": pid})
    assert again.status_code == 400  # already requested
    assert httpx.post(f"{sandbox.url}/_sandbox/cancel-done", json={"productOrderId": pid}).status_code == 200
    assert httpx.get(f"{sandbox.url}/_sandbox/product-orders").json()[0]["status"] == "CANCELED"
    assert [r["lastChangedType"] for r in httpx.get(f"{sandbox.url}/_sandbox/changes").json()] == [
        "PAYED", "CLAIM_REQUESTED", "CLAIM_COMPLETED"]
    waiting = httpx.post(f"{sandbox.url}/_sandbox/orders", json={"status": "PAYMENT_WAITING"}).json()
    assert httpx.post(f"{sandbox.url}/_sandbox/pay", json={"orderId": waiting["orderId"]}).status_code == 200
    assert sandbox.product_order(waiting["productOrderIds"][0])["status"] == "PAYED"
    assert httpx.post(f"{sandbox.url}/_sandbox/outage", json={"count": 2}).json() == {"outage": 2}
    assert httpx.post(f"{sandbox.url}/_sandbox/reset").json() == {"reset": True}
    assert httpx.get(f"{sandbox.url}/_sandbox/product-orders").json() == []
