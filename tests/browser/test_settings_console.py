"""설정 in the browser: section forms saving their own section (and persisting), the version conflict's
Korean reason with 다시 불러오기, export templates, sender numbers through the SMS sandbox's
verification, SMS templates, the VA callback URL, and the screen on a phone."""

from __future__ import annotations

import random
import re

import httpx
from playwright.sync_api import Page, expect

from tests.browser_support import Console, no_page_scroll, sign_in, small_targets


def open_settings(page: Page) -> None:
    expect(page.locator("[data-tab='all'] .count")).to_be_visible()  # the list has finished drawing
    page.get_by_role("link", name="설정").click()
    page.wait_for_url(re.compile(r"#/settings$"))
    expect(page.get_by_role("heading", name="문자 템플릿", exact=True)).to_be_visible()
    expect(page.locator("#settings-exports [data-template='basic']")).to_be_visible()


def reload_settings(page: Page) -> None:
    page.reload()
    page.locator("html[data-ready='1']").wait_for()
    expect(page.get_by_role("heading", name="문자 템플릿", exact=True)).to_be_visible()


def test_points_rate_and_a_remote_zone_fee_are_saved_by_their_cards_and_persist(page: Page, console: Console,
                                                                                site_id: str) -> None:
    sign_in(page, console, site_id)
    open_settings(page)

    points = page.locator("#settings-points")
    points.get_by_label("적립률 (%)").fill("2.5")
    points.get_by_role("button", name="저장").click()
    expect(points.get_by_text("저장했습니다.")).to_be_visible()

    shipping = page.locator("#settings-shipping")
    expect(shipping.get_by_text(re.compile(r"기본 목록 \d+개 구역"))).to_be_visible()
    shipping.get_by_label("직접 설정 (기본 목록에서 시작)").check()
    expect(shipping.get_by_label("1번 구역 이름", exact=True)).to_have_value("제주")
    shipping.get_by_label("1번 구역 추가 배송비", exact=True).fill("4000")
    shipping.get_by_label("기본 배송비 (원)").fill("3500")
    shipping.get_by_role("button", name="저장").click()
    expect(shipping.get_by_text("저장했습니다.")).to_be_visible()

    saved = console.call(site_id, "GET", "/admin/settings")
    default = console.call(site_id, "GET", "/admin/settings/claims/remote-zones/default")
    assert saved["points"]["rate_bp"] == 250 and saved["points"]["enabled"] is True
    assert saved["claims"]["remote_zones"][0] == {"start": "63000", "end": "63644", "fee": 4000, "name_ko": "제주"}
    assert saved["claims"]["remote_zones"][1:] == default["zones"][1:]
    assert saved["claims"]["base_shipping_fee"] == 3500
    assert saved["claims"]["return_shipping_fee"] == 3000  # the 클레임 card's field, untouched
    assert saved["version"] == 2

    reload_settings(page)
    expect(page.locator("#settings-points").get_by_label("적립률 (%)")).to_have_value("2.5")
    shipping = page.locator("#settings-shipping")
    expect(shipping.get_by_label("직접 설정 (기본 목록에서 시작)")).to_be_checked()
    expect(shipping.get_by_label("1번 구역 추가 배송비", exact=True)).to_have_value("4000")
    expect(shipping.get_by_label("기본 배송비 (원)")).to_have_value("3500")


def test_a_refused_value_names_its_field_in_place(page: Page, console: Console, site_id: str) -> None:
    sign_in(page, console, site_id)
    open_settings(page)
    card = page.locator("#settings-confirmation")
    card.get_by_label(re.compile("자동 구매확정")).fill("120")
    card.get_by_role("button", name="저장").click()
    alert = card.get_by_role("alert")
    expect(alert).to_have_attribute("data-field", "confirmation.auto_confirm_days")
    expect(alert).not_to_contain_text("confirmation.auto_confirm_days")  # the field is named in Korean
    expect(alert).to_have_attribute("data-code", "VALIDATION_FAILED")
    expect(card.get_by_label(re.compile("자동 구매확정"))).to_have_attribute("aria-invalid", "true")
    assert console.call(site_id, "GET", "/admin/settings")["confirmation"]["auto_confirm_days"] == 7


def test_a_save_after_another_admin_saved_shows_the_korean_reason_and_reloads(page: Page, console: Console,
                                                                             site_id: str) -> None:
    sign_in(page, console, site_id)
    open_settings(page)
    console.call(site_id, "PATCH", "/admin/settings", {"printing": {"shop_name": "다른 관리자 상점"}})

    card = page.locator("#settings-printing")
    card.get_by_label("쇼핑몰 이름").fill("내 상점")
    card.get_by_role("button", name="저장").click()
    alert = card.get_by_role("alert")
    expect(alert).to_contain_text("다른 관리자가 먼저 설정을 저장했습니다")
    expect(alert).to_have_attribute("data-code", "SETTINGS_VERSION_CONFLICT")
    assert console.call(site_id, "GET", "/admin/settings")["printing"]["shop_name"] == "다른 관리자 상점"

    card.get_by_role("button", name="다시 불러오기").click()
    card = page.locator("#settings-printing")
    expect(card.get_by_label("쇼핑몰 이름")).to_have_value("다른 관리자 상점")
    card.get_by_label("쇼핑몰 이름").fill("내 상점")
    card.get_by_role("button", name="저장").click()
    expect(card.get_by_text("저장했습니다.")).to_be_visible()
    assert console.call(site_id, "GET", "/admin/settings")["printing"]["shop_name"] == "내 상점"


def test_an_export_template_of_three_columns_made_in_the_page(page: Page, console: Console,
                                                              site_id: str) -> None:
    sign_in(page, console, site_id)
    open_settings(page)
    page.locator("#settings-exports").get_by_role("button", name="새 양식").click()
    dlg = page.get_by_role("dialog", name="새 엑셀 양식")
    dlg.get_by_label("양식 이름").fill("택배 접수용")
    dlg.get_by_label("행 단위").select_option("order")
    dlg.get_by_label("주소", exact=True).select_option("split")
    for _ in range(3):
        dlg.get_by_role("button", name="열 추가").click()
    dlg.get_by_label("1번 열 항목", exact=True).select_option("order_id")
    dlg.get_by_label("2번 열 항목", exact=True).select_option("recipient_name")
    dlg.get_by_label("2번 열 제목", exact=True).fill("받는분")
    dlg.get_by_label("3번 열 항목", exact=True).select_option("order_id")  # twice: refused, naming the column
    dlg.get_by_role("button", name="저장").click()
    alert = dlg.get_by_role("alert")
    expect(alert).to_contain_text("3번째 열")
    expect(alert).to_have_attribute("data-field", "columns[2].field")  # for support; the sentence is Korean
    expect(dlg.get_by_label("3번 열 항목", exact=True)).to_have_attribute("aria-invalid", "true")

    dlg.get_by_label("3번 열 항목", exact=True).select_option("tracking_no")
    dlg.get_by_role("button", name="저장").click()
    expect(dlg).to_be_hidden()
    row = page.locator("#settings-exports .item-row", has_text="택배 접수용")
    expect(row).to_contain_text("3개 열 · 주문마다 한 줄")

    mine = [t for t in console.call(site_id, "GET", "/admin/exports/templates")["templates"] if not t["builtin"]]
    assert [(t["name"], t["row_grain"], t["address"]) for t in mine] == [("택배 접수용", "order", "split")]
    assert mine[0]["columns"] == [{"field": "order_id", "header": "주문번호"},
                                  {"field": "recipient_name", "header": "받는분"},
                                  {"field": "tracking_no", "header": "송장번호"}]


def test_a_sender_registered_in_the_page_is_pending_then_verified_and_made_default(page: Page, console: Console,
                                                                                  site_id: str) -> None:
    digits = f"02{random.randint(1000, 9999)}{random.randint(1000, 9999)}"
    pretty = f"{digits[:2]}-{digits[2:6]}-{digits[6:]}"
    sign_in(page, console, site_id)
    open_settings(page)
    card = page.locator("#settings-senders")
    card.get_by_label("발신번호", exact=True).fill(pretty)
    card.get_by_label("메모 (선택)").fill("고객센터")
    card.get_by_role("button", name="등록 요청").click()
    row = card.locator(f"[data-sender='{digits}']")
    expect(row).to_contain_text("인증 대기")
    expect(row.get_by_role("button", name=re.compile("기본 발신번호로 지정"))).to_have_count(0)
    assert [s["state"] for s in console.call(site_id, "GET", "/admin/messages/senders")["senders"]] == ["pending"]

    r = httpx.post(f"{console.stack.sms.url}/_sandbox/senders/verify", json={"number": digits}, timeout=30)
    assert r.status_code == 200, r.text
    reload_settings(page)
    row = page.locator(f"#settings-senders [data-sender='{digits}']")
    expect(row).to_contain_text("인증됨")
    row.get_by_role("button", name=f"{pretty} 기본 발신번호로 지정").click()
    expect(page.locator("#settings-senders .default-sender")).to_have_text(f"기본 발신번호: {pretty}")
    senders = console.call(site_id, "GET", "/admin/messages/senders")
    assert senders["default_sender"] == digits and senders["senders"][0]["state"] == "verified"


def test_an_sms_template_with_a_variable_inserted_from_the_list(page: Page, console: Console, site_id: str) -> None:
    sign_in(page, console, site_id)
    open_settings(page)
    card = page.locator("#settings-sms")
    card.get_by_label("템플릿 이름").fill("발송 안내")
    card.get_by_label("본문").fill("주문 ")
    card.get_by_role("button", name="#{주문번호} 넣기").click()
    card.get_by_label("본문").press("End")
    card.get_by_label("본문").press_sequentially(" 발송되었습니다.")
    card.get_by_role("button", name="템플릿 등록").click()
    expect(card.locator(".item-row", has_text="발송 안내")).to_contain_text("주문 #{주문번호} 발송되었습니다.")
    templates = console.call(site_id, "GET", "/admin/messages/templates")["templates"]
    assert [(t["name"], t["text"]) for t in templates] == [("발송 안내", "주문 #{주문번호} 발송되었습니다.")]


def test_the_va_callback_registration_shows_the_url_and_the_registered_state(page: Page, console: Console,
                                                                            site_id: str) -> None:
    sign_in(page, console, site_id)
    open_settings(page)
    card = page.locator("#settings-payments")
    card.get_by_label("PG사").select_option("toss")
    card.get_by_role("button", name="저장").click()
    expect(card.get_by_text("미등록")).to_be_visible()
    card.get_by_role("button", name="등록 완료 표시").click()
    expect(card.get_by_text("등록됨", exact=True)).to_be_visible()
    url = card.get_by_label("입금통보 URL")
    expect(url).to_have_text(re.compile(r"^https?://[^/]+/webhooks/toss$"))  # as the API answered it
    expect(card.get_by_role("button", name="URL 복사")).to_be_visible()
    payments = console.call(site_id, "GET", "/admin/settings")["payments"]
    assert payments["pg_provider"] == "toss" and payments["callback_registered_at"]

    card.get_by_label("현금영수증 자동 발행").check()  # the registration's new version is the one sent now
    card.get_by_role("button", name="저장").click()
    expect(card.get_by_text("저장했습니다.")).to_be_visible()
    payments = console.call(site_id, "GET", "/admin/settings")["payments"]
    assert payments["cash_receipt_auto_issue"] is True and payments["callback_registered_at"]


def test_settings_on_a_phone(phone: Page, console: Console, site_id: str) -> None:
    sign_in(phone, console, site_id)
    open_settings(phone)
    shipping = phone.locator("#settings-shipping")
    shipping.get_by_label("직접 설정 (기본 목록에서 시작)").check()
    expect(shipping.get_by_label("1번 구역 이름", exact=True)).to_have_value("제주")
    no_page_scroll(phone)
    assert small_targets(phone) == []
    phone.locator("#settings-exports").get_by_role("button", name="새 양식").click()
    dlg = phone.get_by_role("dialog", name="새 엑셀 양식")
    dlg.get_by_role("button", name="열 추가").click()
    expect(dlg.get_by_label("1번 열 항목", exact=True)).to_be_visible()
    no_page_scroll(phone)
    assert small_targets(phone) == []
