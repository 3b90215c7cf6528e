"""주문 목록 통합검색 in the browser: the default lookup finds an order by a given name (지민 → 김지민)
and by a phone's last 4 digits, shows the result count, and the status tabs stay where they are (0
counts included) with the search's own counts; a narrowed list by an exact lookup says its counts
are the whole shop's; a term too short is refused in Korean."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser_support import Console, sign_in


def tab_names(page: Page) -> list[str]:
    return [str(t.get_attribute("data-tab")) for t in page.locator("a.tab").all()]


def search(page: Page, term: str, kind: str | None = None) -> None:
    if kind:
        page.get_by_label("검색 항목").select_option(kind)
    page.get_by_label("검색어").fill(term)
    page.get_by_role("button", name="검색", exact=True).click()


def test_a_search_by_given_name_and_by_phone_tail_finds_the_order_with_its_count_and_keeps_every_tab(
        page: Page, console: Console, site_id: str) -> None:
    jimin = console.intake(site_id, buyer={"name": "김지민", "phone": "010-2468-7788"})
    yuna = console.intake(site_id, buyer={"name": "최유나", "phone": "010-1111-3333"})
    console.move(site_id, yuna, ("L001", "ready_to_ship"))
    sign_in(page, console, site_id)
    expect(page.locator(".order-row")).to_have_count(2)
    every_tab = tab_names(page)
    assert "all" in every_tab and "delivery_issue" in every_tab and len(every_tab) > 5  # 0-count tabs too
    expect(page.get_by_label("검색 항목")).to_have_value("q")  # 통합검색 is the default lookup

    search(page, "지민")
    page.wait_for_url(re.compile(r"q=%EC%A7%80%EB%AF%BC"))
    expect(page.locator(".order-row")).to_have_count(1)
    expect(page.locator(f".order-row[data-order-id='{jimin}']")).to_contain_text("김*민")
    expect(page.get_by_role("status").filter(has_text="검색 결과")).to_have_text("검색 결과 1건")
    assert tab_names(page) == every_tab  # the tabs stay in their places
    expect(page.locator("[data-tab='all'] .count")).to_have_text("1")
    expect(page.locator("[data-tab='preparing'] .count")).to_have_text("1")
    expect(page.locator("[data-tab='ready_to_ship'] .count")).to_have_text("0")  # the search's own count
    expect(page.locator(".counts-scope")).to_have_text("상태별 건수는 검색 결과 기준입니다.")

    search(page, "7788")
    page.wait_for_url(re.compile(r"q=7788"))
    expect(page.locator(".order-row")).to_have_count(1)
    expect(page.locator(f".order-row[data-order-id='{jimin}']")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="검색 결과")).to_have_text("검색 결과 1건")
    assert tab_names(page) == every_tab

    page.reload()  # the search is in the hash: the same list, count and term again
    page.locator("html[data-ready='1']").wait_for()
    expect(page.locator(".order-row")).to_have_count(1)
    expect(page.get_by_label("검색어")).to_have_value("7788")
    expect(page.get_by_role("status").filter(has_text="검색 결과")).to_have_text("검색 결과 1건")

    search(page, "최유나", kind="buyer_name")  # an exact lookup: the counts stay the shop's
    page.wait_for_url(re.compile(r"buyer_name="))
    expect(page.locator(".order-row")).to_have_count(1)
    expect(page.locator(".counts-scope")).to_have_text("상태별 건수는 전체 주문 기준입니다.")
    expect(page.locator("[data-tab='all'] .count")).to_have_text("2")
    assert tab_names(page) == every_tab


def test_a_term_too_short_is_refused_in_korean(page: Page, console: Console, site_id: str) -> None:
    console.intake(site_id, buyer={"name": "김지민", "phone": "010-2468-7788"})
    sign_in(page, console, site_id)
    search(page, "7")
    page.wait_for_url(re.compile(r"q=7"))
    expect(page.get_by_text("검색어가 너무 짧습니다", exact=False)).to_be_visible()
