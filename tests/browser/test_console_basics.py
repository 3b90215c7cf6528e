"""Sign in, the list with its counts, an order opened, 1 of 3 units moved, the move on the timeline."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser_support import Console, sign_in


def test_sign_in_list_open_move_one_of_three_and_see_it_on_the_timeline(page: Page, console: Console,
                                                                          site_id: str) -> None:
    order_id = console.intake(site_id)  # 3 × 오버핏 티셔츠, paid: 상품준비
    console.intake(site_id)
    sign_in(page, console, site_id)

    expect(page.locator("[data-tab='all'] .count")).to_have_text("2")
    expect(page.locator("[data-tab='preparing'] .count")).to_have_text("2")
    page.get_by_role("link", name=order_id).click()
    page.wait_for_url(re.compile(f"#/orders/{order_id}$"))

    line = page.locator("[data-line-id='L001']")
    line.get_by_label(re.compile("변경할 상태")).select_option("ready_to_ship")
    line.get_by_label(re.compile("수량")).fill("1")
    line.get_by_role("button", name="변경").click()

    expect(page.locator("[data-group='ready_to_ship'] [data-line-id='L002']")).to_contain_text("1개")
    expect(page.locator("[data-group='preparing'] [data-line-id='L001']")).to_contain_text("2개")
    newest = page.locator(".timeline .event").first
    expect(newest).to_contain_text("오버핏 티셔츠 1개: 상품준비 → 배송대기")
    expect(newest).to_contain_text("로컬 관리자")

    after = console.order(site_id, order_id)
    assert sorted((li["line_id"], li["status"], li["quantity"]) for li in after["lines"]) == [
        ("L001", "preparing", 2), ("L002", "ready_to_ship", 1)]
