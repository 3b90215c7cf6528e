"""Naver orders in the browser, on the local stack: the 외부 채널 card connects the seller (checked
with the Naver sandbox; the secret is not shown again) and 지금 가져오기 pulls an order placed on the
sandbox through the worker (SQS); the list shows it with its Naver badge; on the detail the 네이버 주문
section shows the product order's state, a cancel the buyer asked on Naver is approved in one click
and comes back cancelled and refunded; 발송지연 goes to Naver with its reason and date."""

from __future__ import annotations

import time
from datetime import timedelta

from playwright.sync_api import Page, expect

from oms.domain.clock import KST, utcnow
from oms_local.naver_sandbox import DEV_CLIENT_ID, DEV_CLIENT_SECRET
from tests.browser_support import Console, sign_in


def our_order(console: Console, site_id: str, naver_order: str) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = console.call(site_id, "GET", "/admin/orders")["orders"]
        found = next((r["order_id"] for r in rows if r.get("external_order_id") == naver_order), None)
        if found:
            return str(found)
        time.sleep(0.3)
    raise AssertionError(f"Naver order {naver_order} not pulled")


def test_connect_pull_approve_a_cancel_and_delay(page: Page, console: Console, site_id: str) -> None:
    naver = console.stack.naver
    sign_in(page, console, site_id)
    page.goto(f"{console.url}/#/settings")
    card = page.locator("#settings-channels")
    card.get_by_label("애플리케이션 ID").fill(DEV_CLIENT_ID)
    card.get_by_label("애플리케이션 시크릿").fill(DEV_CLIENT_SECRET)
    card.get_by_role("button", name="연결", exact=True).click()
    status = card.get_by_label("네이버 동기화 상태")
    expect(status).to_contain_text("연결됨")
    expect(card.get_by_label("애플리케이션 시크릿")).to_have_value("")  # never shown again
    cancel_me, (cancel_pid,) = naver.place([{"name": "린넨 셔츠", "quantity": 1, "unit_price": 35000,
                                             "option_price": 0, "discount": 0, "option": "사이즈: M"}])
    delay_me, _ = naver.place()
    card.get_by_role("button", name="지금 가져오기").click()
    oid = our_order(console, site_id, cancel_me)
    delayed = our_order(console, site_id, delay_me)

    page.goto(f"{console.url}/#/orders")
    row = page.locator(f".order-row[data-order-id='{oid}']")
    expect(row).to_contain_text(f"네이버 {cancel_me}")

    naver.cancel_request(cancel_pid, detail="다른 색을 샀어요")
    card_sync = console.call(site_id, "POST", "/admin/channels/naver/sync", expect=202)
    assert card_sync["queued"] is True
    deadline = time.monotonic() + 30
    while console.order(site_id, oid)["lines"][0]["status"] != "cancel_requested" and time.monotonic() < deadline:
        time.sleep(0.3)
    page.goto(f"{console.url}/#/orders/{oid}")
    section = page.locator("#channel")
    expect(section).to_contain_text("네이버 결제완료 · 취소요청")
    decision = section.locator(".channel-decision")
    decision.get_by_label("린넨 셔츠 클레임 처리").select_option("approve")
    decision.get_by_role("button", name="네이버에 전달").click()
    expect(section).to_contain_text("네이버 취소 · 취소완료", timeout=20000)
    expect(page.locator("[data-testid='refunded']")).to_have_text("38,000원")  # 35,000 + the 3,000 fee
    assert naver.product_order(cancel_pid)["status"] == "CANCELED"

    page.goto(f"{console.url}/#/orders/{delayed}")
    form = page.get_by_role("form", name="발송지연")
    form.get_by_label("사유", exact=True).select_option("CUSTOM_BUILD")
    due = (utcnow().astimezone(KST) + timedelta(days=7)).date().isoformat()
    form.get_by_label("발송 예정일").fill(due)
    form.get_by_role("button", name="발송지연 전달").click()
    expect(page.locator("#channel")).to_contain_text(f"발송지연 {due}까지 (주문 제작)", timeout=20000)
    expect(page.locator("#channel")).not_to_contain_text("전달 중", timeout=20000)
    assert naver.delays and naver.delays[-1]["delayedDispatchReason"] == "CUSTOM_BUILD"
