"""저장한 보기 in the browser, on the local stack: the owner saves the current search (a buyer lookup) as a
view shared with the staff and leaving out a column; after a reload the chip is there, one click on it
applies the search (only the matching order is listed, the chip is the current one, the column is
hidden), and 보기 관리 renames it, then deletes it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser_support import Console, sign_in

KIM = {"name": "김철수", "phone": "010-1234-5678"}


def test_save_the_search_as_a_view_apply_it_with_one_click_and_delete_it(page: Page, console: Console,
                                                                        site_id: str) -> None:
    kim = console.intake(site_id, buyer=KIM)
    other = console.intake(site_id)
    sign_in(page, console, site_id)
    # the first calls start the function (the list and the views are asked for at once)
    expect(page.locator(".order-row")).to_have_count(2, timeout=30_000)
    bar = page.get_by_role("navigation", name="저장한 보기")
    expect(bar).to_contain_text("저장한 보기가 없습니다.", timeout=30_000)

    page.get_by_label("검색 항목").select_option("buyer_name")
    page.get_by_label("검색어").fill("김철수")
    page.get_by_role("button", name="검색", exact=True).click()
    page.wait_for_url(re.compile(r"buyer_name="))
    expect(page.locator(".order-row")).to_have_count(1)

    page.get_by_role("button", name="현재 검색 저장").click()
    dialog = page.get_by_role("dialog", name="현재 검색 저장")
    dialog.get_by_label("보기 이름").fill("김철수 주문")
    dialog.get_by_label("직원 전체와 공유").check()
    dialog.get_by_label("최근 메모").uncheck()
    dialog.get_by_role("button", name="저장").click()
    page.wait_for_url(re.compile(r"view=v[0-9a-f]+"))
    chip = bar.get_by_role("link", name=re.compile("김철수 주문"))
    expect(chip).to_have_attribute("aria-current", "true")
    (view,) = console.call(site_id, "GET", "/admin/views")["views"]
    assert view["name"] == "김철수 주문" and view["shared"] is True
    assert view["search"] == {"tab": "all", "buyer_name": "김철수"}
    assert "memo" not in view["columns"] and "buyer" in view["columns"]

    page.goto(f"{console.url}/#/orders")
    page.reload()
    page.locator("html[data-ready='1']").wait_for()
    expect(page.locator(".order-row")).to_have_count(2)
    expect(chip).to_be_visible()
    expect(chip).not_to_have_attribute("aria-current", "true")
    expect(page.locator(".rows-wrap:not([data-hidden-cols=''])")).to_have_count(0)
    expect(page.locator(f".order-row[data-order-id='{kim}'] [data-col='memo']")).to_be_visible()

    chip.click()
    page.wait_for_url(re.compile(rf"buyer_name=.*view={view['view_id']}"))
    expect(page.locator(".order-row")).to_have_count(1)
    expect(page.locator(f".order-row[data-order-id='{kim}']")).to_be_visible()
    expect(page.locator(f".order-row[data-order-id='{other}']")).to_have_count(0)
    expect(chip).to_have_attribute("aria-current", "true")
    expect(page.get_by_label("검색어")).to_have_value("김철수")
    expect(page.locator(".rows-wrap[data-hidden-cols='memo']")).to_have_count(1)
    # the hidden column's head and cells are not shown, a chosen column's are; the grid has one track less
    row = page.locator(f".order-row[data-order-id='{kim}']")
    expect(row.locator("[data-col='memo']")).to_be_hidden()
    expect(page.locator(".rows-head [data-col='memo']")).to_be_hidden()
    expect(row.locator("[data-col='buyer']")).to_be_visible()
    tracks = row.evaluate("(el) => getComputedStyle(el).gridTemplateColumns.split(' ').length")
    head = page.locator(".rows-head").evaluate("(el) => getComputedStyle(el).gridTemplateColumns.split(' ').length")
    assert tracks == head == 11  # 선택, 주문번호, 8 of the 9 columns, 작업

    page.get_by_role("button", name="보기 관리").click()
    page.get_by_role("dialog", name="보기 관리").get_by_role("button", name="김철수 주문 이름 바꾸기").click()
    rename = page.get_by_role("dialog", name="보기 이름 바꾸기")
    rename.get_by_label("새 이름").fill("김철수 고객 주문")
    rename.get_by_role("button", name="바꾸기").click()
    renamed = bar.get_by_role("link", name=re.compile("김철수 고객 주문"))
    expect(renamed).to_have_attribute("aria-current", "true")
    assert console.call(site_id, "GET", "/admin/views")["views"][0]["version"] == 2

    page.get_by_role("button", name="보기 관리").click()
    page.get_by_role("dialog", name="보기 관리").get_by_role("button", name="김철수 고객 주문 삭제").click()
    page.get_by_role("dialog", name="보기 삭제").get_by_role("button", name="삭제", exact=True).click()
    expect(bar).to_contain_text("저장한 보기가 없습니다.")
    expect(page).not_to_have_url(re.compile(r"view="))
    expect(page.locator(".rows-wrap:not([data-hidden-cols=''])")).to_have_count(0)
    expect(page.locator(".order-row")).to_have_count(1)  # the search stays, without the view
    assert console.call(site_id, "GET", "/admin/views")["views"] == []
