"""알림톡 in a browser: the settings screen registers a template (검수 요청), shows its review state as
the provider moves it (승인, 반려 with the reason), saves the KakaoTalk channel and the 결제완료 switch;
the order detail's message history then shows the 알림톡 of a paid order, and for a buyer who is not a
KakaoTalk user the failed 알림톡 with its reason and the SMS that replaced it."""

from __future__ import annotations

import random
import time
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.browser_support import Console, sign_in


def kakao(console: Console, path: str, body: dict[str, Any]) -> None:
    r = httpx.post(f"{console.stack.alimtalk.url}/_sandbox/{path}", json=body, timeout=10)
    assert r.status_code == 200, r.text


def verified_sender(console: Console, site_id: str) -> str:
    digits = f"02{random.randint(1000, 9999)}{random.randint(1000, 9999)}"
    console.call(site_id, "POST", "/admin/messages/senders", {"number": digits}, expect=201)
    r = httpx.post(f"{console.stack.sms.url}/_sandbox/senders/verify", json={"number": digits}, timeout=10)
    assert r.status_code == 200, r.text
    console.call(site_id, "PUT", "/admin/messages/senders/default", {"number": digits})
    return digits


def open_settings(page: Page, console: Console, site_id: str) -> None:
    sign_in(page, console, site_id)
    page.goto(f"{console.url}/#/settings")
    # the first screen of the module starts the function's containers: slower than the default 5 s
    expect(page.locator("#settings-alimtalk-templates")).to_contain_text("등록된 알림톡 템플릿이 없습니다.",
                                                                         timeout=20_000)


def wait_for_messages(console: Console, site_id: str, order_id: str, n: int) -> list[dict[str, Any]]:
    """The relay delivers after the commit (the stack's stream poller): wait until it recorded them."""
    deadline = time.monotonic() + 30
    while True:
        got = console.call(site_id, "GET", f"/admin/orders/{order_id}/messages")["messages"]
        if (len(got) >= n and all(m["status"] != "sending" for m in got)) or time.monotonic() > deadline:
            return list(got)
        time.sleep(0.3)


def test_templates_and_switches_on_the_settings_screen(page: Page, console: Console, site_id: str) -> None:
    open_settings(page, console, site_id)
    switches = page.locator("#settings-alimtalk")
    sender_key = f"SK{random.randint(10**8, 10**9)}"
    switches.get_by_label("카카오톡 채널 발신 키").fill(sender_key)
    switches.get_by_label("결제완료").check()
    switches.get_by_role("button", name="저장").click()
    expect(switches).to_contain_text("저장했습니다.")
    saved = console.call(site_id, "GET", "/admin/alimtalk/settings")
    assert (saved["sender_key"], saved["paid"], saved["shipped"]) == (sender_key, True, False)

    card = page.locator("#settings-alimtalk-templates")
    form = card.get_by_role("form", name="알림톡 템플릿 등록")
    form.get_by_label("템플릿 코드").fill("PAID01")
    form.get_by_label("템플릿 이름").fill("결제완료 안내")
    form.get_by_label("알림 이벤트").select_option("paid")
    form.get_by_label("본문").fill("")
    form.get_by_role("button", name="#{주문번호} 넣기").click()
    form.get_by_label("본문").press("End")
    form.get_by_label("본문").type(" 결제가 완료되었습니다.")
    form.get_by_role("button", name="검수 요청").click()
    row = card.locator("[data-alimtalk-template='PAID01']")
    expect(row).to_contain_text("요청")
    expect(row).to_have_attribute("data-state", "TSC01")

    kakao(console, "templates/state", {"code": "PAID01", "sender_key": sender_key, "state": "TSC04",
                                       "reason": "변수만으로 된 문장"})
    row.get_by_role("button", name="PAID01 검수 상태 확인").click()
    expect(row).to_contain_text("반려 사유: 변수만으로 된 문장")
    expect(row).to_have_attribute("data-state", "TSC04")

    # a refusal names its code: the code is taken
    form.get_by_label("템플릿 코드").fill("PAID01")
    form.get_by_label("템플릿 이름").fill("다시")
    form.get_by_label("본문").fill("#{주문번호} 결제 완료")
    form.get_by_role("button", name="검수 요청").click()
    expect(card.locator(".problem[data-code='ALIMTALK_TEMPLATE_EXISTS']")).to_be_visible()


def test_the_message_history_shows_the_alimtalk_and_its_sms_fallback(page: Page, console: Console,
                                                                     site_id: str) -> None:
    verified_sender(console, site_id)
    sender_key = f"SK{random.randint(10**8, 10**9)}"
    console.call(site_id, "PUT", "/admin/alimtalk/settings", {"sender_key": sender_key, "paid": True})
    console.call(site_id, "POST", "/admin/alimtalk/templates",
                 {"code": "PAID02", "name": "결제완료", "trigger": "paid",
                  "text": "#{주문번호} 결제가 완료되었습니다."}, expect=201)
    kakao(console, "templates/state", {"code": "PAID02", "sender_key": sender_key, "state": "TSC03"})
    kakao(console, "not-kakao-users", {"number": "01099990000"})  # the console's intake buyer
    order_id = console.intake(site_id)
    got = wait_for_messages(console, site_id, order_id, 2)
    assert sorted((m["channel"], m["status"]) for m in got) == [("alimtalk", "failed"), ("sms", "sent")]

    sign_in(page, console, site_id)
    page.get_by_role("link", name=order_id).click()
    section = page.locator("#messages")
    failed = section.locator(".message[data-channel='alimtalk']")
    expect(failed).to_contain_text("알림톡")
    expect(failed).to_contain_text("결제완료 알림")
    expect(failed).to_contain_text("실패 사유: 카카오톡 사용자가 아니거나 알림톡을 받을 수 없는 번호입니다.")
    expect(failed.get_by_role("button", name="재발송")).to_have_count(0)
    fallback = section.locator(".message[data-channel='sms'][data-status='sent']")
    expect(fallback).to_contain_text("알림톡 대체 문자")
    expect(fallback).to_contain_text(f"{order_id} 결제가 완료되었습니다.")
    timeline = console.call(site_id, "GET", f"/admin/orders/{order_id}/timeline")["events"]
    assert {e["data"]["channel"] for e in timeline if e["kind"] == "notification"} == {"alimtalk", "sms"}
