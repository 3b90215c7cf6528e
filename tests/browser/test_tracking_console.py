"""배송 추적 in the browser: a number entered on the detail shows its registration (and a rejected one
its reason, at entry); the courier's scans (sandbox, over HTTP) show on the shipment; a failed
delivery is in the list's 배송 이상 tab with its count, reason and last scan, and is resolved with a
note; a shipped parcel's number is corrected; the settings card saves the provider."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.browser_support import Console, sign_in
from tests.order_detail_support import open_order, patient_expect  # noqa: F401 (autouse fixture)


def enter_number(page: Page, number: str) -> None:
    shipments = page.locator("#shipments")
    shipments.get_by_role("button", name="송장추가").click()
    dlg = page.get_by_role("dialog", name="송장추가")
    dlg.get_by_label("택배사").select_option(label="CJ대한통운")
    dlg.get_by_label("송장번호").fill(number)
    dlg.get_by_role("button", name="송장 등록").click()
    expect(dlg).to_be_hidden()


def test_scans_issue_tab_resolution_and_correction(page: Page, console: Console, site_id: str) -> None:
    console.call(site_id, "PATCH", "/admin/settings", {"tracking": {"provider": "sweettracker"}})
    order_id = console.intake(site_id)
    console.move(site_id, order_id, ("L001", "ready_to_ship"))
    open_order(page, console, site_id, order_id)
    enter_number(page, "631234567001")
    shipments = page.locator("#shipments")
    expect(shipments).to_contain_text("배송추적 중")  # the relay registered it; the detail read it again

    sandbox = console.stack.tracking.url
    played = httpx.post(f"{sandbox}/_sandbox/play", json={"number": "631234567001", "script": "failed"}, timeout=30)
    assert played.status_code == 200 and [c["status"] for c in played.json()] == [200] * 4, played.text
    page.reload()
    scans = shipments.get_by_role("table")
    expect(scans).to_contain_text("미배달(수취인 부재)")
    expect(scans).to_contain_text("집화처리")
    expect(shipments).to_contain_text("배송 이상")
    expect(page.locator("[data-line-id='L001']")).to_have_attribute("data-status", "shipping")

    # the list's 배송 이상 tab, with its count, the reason and the last scan
    page.goto(f"{console.url}/#/orders?tab=delivery_issue")
    tab = page.locator("a.tab[data-tab='delivery_issue']")
    expect(tab).to_contain_text("배송 이상 1")
    row = page.locator(f"[data-order-id='{order_id}']")
    expect(row).to_contain_text("배송 이상: 배달 실패")
    expect(row).to_contain_text("미배달(수취인 부재)")

    row.get_by_role("link", name=order_id).click()
    page.locator("#shipments").get_by_role("button", name="배송 이상 처리").click()
    dlg = page.get_by_role("dialog", name="배송 이상 처리")
    dlg.get_by_label("처리 내용").fill("수령인과 통화: 내일 재배송")
    dlg.get_by_role("button", name="처리 완료").click()
    expect(dlg).to_be_hidden()
    expect(page.locator(".timeline .event").first).to_contain_text("배송 이상 처리")
    expect(page.locator("#shipments")).not_to_contain_text("배송 이상:")

    page.locator("#shipments").get_by_role("button", name="송장번호 수정").click()
    dlg = page.get_by_role("dialog", name="송장번호 수정 (발송 후)")
    dlg.get_by_label("새 송장번호").fill("631234567002")
    dlg.get_by_role("button", name="수정하고 다시 추적").click()
    expect(dlg).to_be_hidden()
    expect(page.locator(".timeline .event").first).to_contain_text("631234567001 → CJ대한통운 631234567002")
    expect(page.locator("#shipments")).to_contain_text("배송추적 중")
    after = console.call(site_id, "GET", f"/admin/orders/{order_id}/shipments")["shipments"]
    assert [(s["tracking_no"], s["tracking"]["state"]) for s in after] == [("631234567002", "registered")]


def test_a_rejected_number_shows_the_providers_reason_at_entry(page: Page, console: Console, site_id: str) -> None:
    console.call(site_id, "PATCH", "/admin/settings", {"tracking": {"provider": "trackerdelivery"}})
    order_id = console.intake(site_id)
    console.move(site_id, order_id, ("L001", "ready_to_ship"))
    open_order(page, console, site_id, order_id)
    enter_number(page, "999912345678")
    shipments = page.locator("#shipments")
    expect(shipments).to_contain_text("배송추적 등록 거절")
    expect(shipments).to_contain_text("택배사에서 조회되지 않는 송장번호입니다.")


def test_the_settings_card_saves_the_tracking_provider(page: Page, console: Console, site_id: str) -> None:
    sign_in(page, console, site_id)
    page.goto(f"{console.url}/#/settings")
    card = page.get_by_role("form", name="배송 추적 설정")
    card.get_by_label("배송추적 서비스").select_option("sweettracker")
    card.get_by_label(re.compile("스캔 없는 기간")).fill("3")
    card.get_by_role("button", name="저장").click()
    expect(card.locator(".saved-at")).not_to_be_empty()
    saved = console.call(site_id, "GET", "/admin/settings")["tracking"]
    assert saved == {"provider": "sweettracker", "quiet_days": 3, "auto_complete": True}
