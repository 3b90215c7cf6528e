"""Staff in the browser, on the local stack: the owner registers a packer and a CS operator; the
packer's console has no 설정, 직원·권한 or 접속기록, and the order's payments are read only (no refund);
the CS operator sees the buyer masked, reveals the phone with 개인정보 보기, and the owner's 접속기록
screen shows that reveal with the operator, their role and the order."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from oms_local import tokens
from tests.browser_support import Console, sign_in


def sign_in_as(page: Page, console: Console, site_id: str, operator: str, name: str) -> None:
    token = tokens.mint_admin_token(site_id, user_id=operator, name=name, site_role=None)
    page.goto(f"{console.url}/#/signin?access_token={token}")
    page.wait_for_url(re.compile(r"#/home$"))  # signed in: the home screen first
    page.locator("html[data-ready='1']").wait_for()
    page.goto(f"{console.url}/#/orders")


def test_a_packer_sees_no_refunds_or_settings_and_a_cs_reveal_is_recorded(page: Page, console: Console,
                                                                         site_id: str) -> None:
    order_id = console.intake(site_id)
    console.call(site_id, "PUT", "/admin/staff/pack-1", {"name": "최포장", "role_id": "shipping"})
    console.call(site_id, "PUT", "/admin/staff/cs-1", {"name": "이상담", "role_id": "cs"})

    sign_in_as(page, console, site_id, "pack-1", "최포장")
    expect(page.locator("#site-badge")).to_contain_text("최포장 (배송·포장)")
    nav = page.get_by_role("navigation", name="주 메뉴")
    expect(nav.get_by_role("link", name="주문 목록")).to_be_visible()
    for hidden in ("설정", "직원·권한", "접속기록", "미확인 입금"):
        expect(nav.get_by_role("link", name=hidden)).to_be_hidden()
    page.goto(f"{console.url}/#/orders/{order_id}")
    payments = page.locator("#payments")
    expect(payments).to_contain_text("권한이 없어 이 화면에서 처리할 수 없습니다.")
    expect(payments.get_by_role("button")).to_have_count(0)
    expect(page.locator(".party", has_text="구매자")).to_contain_text("010-****-0000")

    page.evaluate("localStorage.clear()")
    sign_in_as(page, console, site_id, "cs-1", "이상담")
    page.goto(f"{console.url}/#/orders/{order_id}")
    buyer = page.locator(".party", has_text="구매자")
    expect(buyer).to_contain_text("010-****-0000")
    page.get_by_role("button", name="개인정보 보기").click()
    expect(buyer).to_contain_text("010-9999-0000")
    expect(page.locator(".order-head")).to_contain_text("개인정보 표시 중")

    page.evaluate("localStorage.clear()")
    sign_in(page, console, site_id)  # the owner
    page.goto(f"{console.url}/#/access-log")
    table = page.get_by_role("table", name="접속기록")
    reveal = table.locator("tr[data-action='reveal']")
    expect(reveal).to_have_count(1)
    expect(reveal).to_contain_text("이상담 (cs-1)")
    expect(reveal).to_contain_text("CS 상담")
    expect(reveal).to_contain_text(order_id)
    expect(table.locator("tr[data-action='sign_in']")).to_have_count(3)
