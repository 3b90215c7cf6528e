"""설정 → 웹훅 in the browser: register the local receiver sandbox as an endpoint with chosen event
types, the secret shown once, an order's events arriving signed (verified by the sandbox with that
secret), the delivery log, pausing the endpoint, and the card on a phone."""

from __future__ import annotations

import re
import time
import uuid

from playwright.sync_api import Page, expect

from tests.browser_support import Console, no_page_scroll, sign_in


def open_webhooks(page: Page) -> None:
    expect(page.locator("[data-tab='all'] .count")).to_be_visible()
    page.get_by_role("link", name="설정").click()
    page.wait_for_url(re.compile(r"#/settings$"))
    card = page.locator("#settings-webhooks")
    expect(card.get_by_role("heading", name="웹훅", exact=True)).to_be_visible()
    expect(card.get_by_text("등록된 웹훅 엔드포인트가 없습니다.")).to_be_visible()


def test_register_receive_signed_events_read_the_log_and_pause(page: Page, console: Console, site_id: str) -> None:
    receiver = console.stack.webhooks
    path = f"/hooks/{uuid.uuid4().hex[:10]}"
    sign_in(page, console, site_id)
    open_webhooks(page)
    card = page.locator("#settings-webhooks")
    card.get_by_label("수신 URL").fill(receiver.url + path)
    card.get_by_label("메모 (선택)").fill("물류 시스템")
    for label in ("배송 시작", "배송 완료", "구매 확정", "주문 취소", "클레임 접수", "클레임 완료", "환불"):
        card.get_by_role("checkbox", name=re.compile(label)).uncheck()
    card.get_by_role("button", name="등록", exact=True).click()

    secret = card.locator(".webhook-secret")
    expect(secret).to_have_text(re.compile(r"^whsec_"))
    shown = secret.inner_text()
    row = card.locator("li[data-endpoint]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(receiver.url + path)
    expect(row).to_contain_text("주문 접수, 결제 완료")
    listed = console.call(site_id, "GET", "/admin/webhooks/endpoints")
    assert shown not in str(listed) and listed["endpoints"][0]["secret_hint"].endswith(shown[-4:])
    page.reload()  # the secret is not shown again
    page.locator("html[data-ready='1']").wait_for()
    expect(page.locator("#settings-webhooks li[data-endpoint]")).to_have_count(1)
    expect(page.locator(".webhook-secret")).to_have_count(0)

    receiver.set_secret(path, shown)
    order_id = console.intake(site_id)
    deadline = time.monotonic() + 60
    while not receiver.list_received(path) and time.monotonic() < deadline:
        time.sleep(0.3)
    [got] = receiver.list_received(path)
    assert got.verified is True and got.types == ["order.placed", "order.paid"]
    assert {e["order_id"] for e in got.body["events"]} == {order_id}

    card = page.locator("#settings-webhooks")
    card.get_by_role("button", name="전송 기록").click()
    log = card.get_by_role("table", name="웹훅 전송 기록")
    expect(log.locator("tbody tr")).to_have_count(1)
    expect(log.locator("tbody tr").first).to_contain_text("전송됨")
    expect(log.locator("tbody tr").first).to_contain_text(order_id)

    card.get_by_role("button", name="사용 중지").click()
    expect(card.locator("li[data-endpoint][data-enabled='false']")).to_contain_text("중지됨")
    assert console.call(site_id, "GET", "/admin/webhooks/endpoints")["endpoints"][0]["enabled"] is False


def test_a_refused_url_names_its_field_and_the_card_fits_a_phone(phone: Page, console: Console, site_id: str) -> None:
    sign_in(phone, console, site_id)
    open_webhooks(phone)
    card = phone.locator("#settings-webhooks")
    card.get_by_label("수신 URL").fill("http://erp.example.com/hooks")
    card.get_by_role("button", name="등록", exact=True).click()
    alert = card.get_by_role("alert")
    expect(alert).to_have_attribute("data-code", "WEBHOOK_URL_NOT_HTTPS")
    expect(alert).to_contain_text("https://")
    expect(card.locator(".webhook-secret")).to_have_count(0)
    no_page_scroll(phone)
