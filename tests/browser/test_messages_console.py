"""The detail's messages to the buyer in a browser: with the site's sender registered and verified,
미리보기 then 보내기 (a double click sends once), the sandbox received it and the section lists it as
sent; a failed send with its reason and 재발송; without a verified sender the preview says why in
Korean and links to 설정; the section on a phone."""

from __future__ import annotations

import random
import re
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.browser_support import Console, expect_code, no_page_scroll, sign_in, small_targets


def verified_sender(console: Console, site_id: str) -> str:
    """Register a new sender number for the site, have the sandbox verify it, make it the default."""
    digits = f"02{random.randint(1000, 9999)}{random.randint(1000, 9999)}"
    console.call(site_id, "POST", "/admin/messages/senders", {"number": digits, "label": "고객센터"}, expect=201)
    r = httpx.post(f"{console.stack.sms.url}/_sandbox/senders/verify", json={"number": digits}, timeout=10)
    assert r.status_code == 200, r.text
    console.call(site_id, "PUT", "/admin/messages/senders/default", {"number": digits})
    return digits


def sandbox_messages(console: Console, site_id: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{console.stack.sms.url}/_sandbox/messages", params={"site": site_id}, timeout=10)
    assert r.status_code == 200, r.text
    return list(r.json())


def open_messages(page: Page, console: Console, site_id: str, order_id: str) -> Any:
    sign_in(page, console, site_id)
    page.get_by_role("link", name=order_id).click()
    section = page.locator("#messages")
    expect(section.get_by_role("button", name="미리보기")).to_be_visible()
    return section


def test_preview_then_send_to_the_buyer_once(page: Page, console: Console, site_id: str) -> None:
    sender = verified_sender(console, site_id)
    order_id = console.intake(site_id)
    section = open_messages(page, console, site_id, order_id)
    expect(section).to_contain_text("보낸 문자가 없습니다.")

    section.get_by_label("받는 사람").select_option("buyer")
    section.get_by_label("내용").fill("안녕하세요 #{주문번호} 주문 확인 안내입니다.")
    send = section.get_by_role("button", name="보내기")
    expect(send).to_be_disabled()  # nothing goes out before its preview
    section.get_by_role("button", name="미리보기").click()
    preview = section.locator(".preview")
    final = f"안녕하세요 {order_id} 주문 확인 안내입니다."
    expect(preview.locator("pre")).to_have_text(final)
    expect(preview).to_contain_text("SMS")
    expect(preview).to_contain_text("/ 90")
    expect(preview).to_contain_text("010-****-0000")
    expect(preview).to_contain_text(f"{sender[:2]}-{sender[2:6]}-{sender[6:]}")
    send.dblclick()  # a double click sends one message

    sent = page.locator("#messages .message[data-status='sent']")
    expect(sent).to_have_count(1)
    expect(sent).to_contain_text("발송완료")
    expect(sent).to_contain_text("010-****-0000")
    expect(sent).to_contain_text(final)
    got = [m for m in sandbox_messages(console, site_id) if m["text"] == final]
    assert [(m["to"], m["sender"], m["type"], m["result"]) for m in got] == [("01099990000", sender, "SMS", "accepted")]
    listed = console.call(site_id, "GET", f"/admin/orders/{order_id}/messages")["messages"]
    assert [(m["status"], m["text"]) for m in listed] == [("sent", final)]


def test_a_failed_send_shows_its_reason_and_is_resent(page: Page, console: Console, site_id: str) -> None:
    verified_sender(console, site_id)
    order_id = console.intake(site_id)
    section = open_messages(page, console, site_id, order_id)
    section.get_by_label("내용").fill("입금이 확인되었습니다.")
    section.get_by_role("button", name="미리보기").click()
    r = httpx.post(f"{console.stack.sms.url}/_sandbox/fail-next", json={"code": "-2312"}, timeout=10)
    assert r.status_code == 200, r.text
    section.get_by_role("button", name="보내기").click()
    failed = page.locator("#messages .message[data-status='failed']")
    expect(failed).to_contain_text("발송실패")
    expect(failed).to_contain_text("실패 사유: 발신번호가 등록(인증)되지 않았거나 차단되었습니다.")
    failed.get_by_role("button", name="재발송").click()
    again = page.locator("#messages .message[data-status='sent']")
    expect(again).to_contain_text("2회 시도")
    listed = console.call(site_id, "GET", f"/admin/orders/{order_id}/messages")["messages"]
    assert [(m["status"], m["attempt"]) for m in listed] == [("sent", 2)]
    assert [m["result"] for m in sandbox_messages(console, site_id)] == ["accepted", "refused"]


def test_without_a_verified_sender_the_preview_says_why(page: Page, console: Console, site_id: str) -> None:
    order_id = console.intake(site_id)
    section = open_messages(page, console, site_id, order_id)
    section.get_by_label("받는 사람").select_option("recipient")
    section.get_by_label("내용").fill("배송 안내")
    section.get_by_role("button", name="미리보기").click()
    problem = section.locator(".preview .problem")
    expect(problem).to_contain_text("인증된 기본 발신번호가 없습니다.")
    expect_code(problem, "NO_VERIFIED_SENDER")
    expect(problem.get_by_role("link", name="설정에서 발신번호 관리")).to_have_attribute("href", "#/settings")
    expect(section.get_by_role("button", name="보내기")).to_be_disabled()
    assert sandbox_messages(console, site_id) == []


def test_messages_on_a_phone(phone: Page, console: Console, site_id: str) -> None:
    verified_sender(console, site_id)
    order_id = console.intake(site_id)
    section = open_messages(phone, console, site_id, order_id)
    long_text = "#{상품명} 배송 안내\n" + "출고 예정일은 내일입니다. 문의는 고객센터로 연락 주세요. " * 3
    section.get_by_label("내용").fill(long_text)  # past 90 bytes: an LMS
    section.get_by_label("LMS 제목 (선택)").fill("배송 안내")
    section.get_by_role("button", name="미리보기").click()
    expect(section.locator(".preview")).to_contain_text("LMS")
    no_page_scroll(phone)  # the preview with its long text
    assert small_targets(phone) == []
    section.get_by_role("button", name="보내기").click()
    sent = phone.locator("#messages .message[data-status='sent']")
    expect(sent).to_contain_text(re.compile("LMS"))
    expect(sent.locator(".excerpt strong")).to_have_text("배송 안내")
    phone.locator("#messages").scroll_into_view_if_needed()
    no_page_scroll(phone)
    assert small_targets(phone) == []


def test_a_site_template_previewed_with_its_variables(page: Page, console: Console, site_id: str) -> None:
    verified_sender(console, site_id)
    console.call(site_id, "PUT", "/admin/messages/templates/thanks",
                 {"name": "주문 감사", "text": "[데모샵] #{주문번호} #{상품명} 주문 감사합니다."})
    order_id = console.intake(site_id)
    section = open_messages(page, console, site_id, order_id)
    section.get_by_label("템플릿").select_option(label="주문 감사")
    expect(section.get_by_label("내용")).to_be_hidden()  # a template has its own text
    section.get_by_role("button", name="미리보기").click()
    final = f"[데모샵] {order_id} 오버핏 티셔츠 주문 감사합니다."
    expect(section.locator(".preview pre")).to_have_text(final)
    section.get_by_role("button", name="보내기").click()
    expect(page.locator("#messages .message[data-status='sent']")).to_contain_text(final)
    assert [m["text"] for m in sandbox_messages(console, site_id)] == [final]
