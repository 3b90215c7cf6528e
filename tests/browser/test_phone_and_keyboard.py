"""Every screen on a phone (390 × 844): no sideways page scroll, targets of at least 40 px, a label on
every control; and the main path by keyboard alone, with the focus visible at each step."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser_support import Console, no_page_scroll, sign_in, small_targets, unlabelled_controls


def check_screen(page: Page, name: str) -> None:
    page.locator("html[data-ready='1']").wait_for()
    no_page_scroll(page)
    assert small_targets(page) == [], name
    assert unlabelled_controls(page) == [], name


def test_every_screen_fits_a_phone(phone: Page, console: Console, site_id: str) -> None:
    order_id = console.intake(site_id)
    console.move(site_id, order_id, ("L001", "ready_to_ship"))
    phone.goto(console.url + "/")
    expect(phone.get_by_role("button", name="개발용 로그인")).to_be_visible()
    check_screen(phone, "sign-in")
    sign_in(phone, console, site_id)
    expect(phone.get_by_role("link", name=order_id)).to_be_visible()
    check_screen(phone, "list")
    phone.goto(f"{console.url}/#/orders?tab=ready_to_ship")
    expect(phone.get_by_role("link", name=order_id)).to_be_visible()
    check_screen(phone, "list tab")
    phone.goto(f"{console.url}/#/orders/{order_id}")
    expect(phone.locator("[data-line-id='L001']")).to_be_visible()
    check_screen(phone, "detail")
    console.call(site_id, "POST", "/admin/members/m-100/points", {"amount": 1000, "reason": "가입 축하"}, expect=201)
    phone.goto(f"{console.url}/#/members/m-100")
    expect(phone.get_by_test_id("points-balance")).to_have_text("1,000원")
    check_screen(phone, "members")
    phone.goto(f"{console.url}/#/stock")
    expect(phone.get_by_role("heading", name="재고", exact=True)).to_be_visible()
    check_screen(phone, "stock")
    phone.goto(f"{console.url}/#/settings")
    expect(phone.get_by_role("heading", name="설정", exact=True)).to_be_visible()
    check_screen(phone, "settings")


def has_focus(locator: Locator) -> bool:
    return bool(locator.evaluate("(el) => el === document.activeElement"))


def focused_outline(page: Page) -> str:
    return str(page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle"))


def test_sign_in_open_an_order_and_move_it_by_keyboard_alone(page: Page, console: Console, site_id: str) -> None:
    order_id = console.intake(site_id)
    page.goto(console.url + "/")
    page.bring_to_front()  # the window has the focus, as a person's would
    page.locator("html[data-ready='1']").wait_for()
    site = page.get_by_label("사이트 ID")
    for _ in range(10):  # Tab from the top of the page to the site field
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "site_id":
            break
    assert has_focus(site)
    assert focused_outline(page) != "none"
    page.keyboard.press("Control+A")
    page.keyboard.type(site_id)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#/home$"))  # signed in: the home screen, then the list
    page.goto(f"{console.url}/#/orders")

    link = page.get_by_role("link", name=order_id)
    expect(link).to_be_visible()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == order_id:
            break
    assert has_focus(link)
    assert focused_outline(page) != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(f"#/orders/{order_id}$"))

    target = page.locator("[data-line-id='L001']").get_by_label(re.compile("변경할 상태"))
    target.focus()
    target.select_option("ready_to_ship")  # a <select> answers the keyboard natively
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "변경":
            break
    assert focused_outline(page) != "none"
    page.keyboard.press("Enter")
    expect(page.locator("[data-group='ready_to_ship'] [data-line-id='L001']")).to_be_visible()
    assert console.order(site_id, order_id)["lines"][0]["status"] == "ready_to_ship"
