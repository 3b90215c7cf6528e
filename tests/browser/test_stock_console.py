"""재고: a SKU's stock registered and changed in the page; an order of it takes its units at intake."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser_support import Console, no_page_scroll, sign_in, small_targets

SKU = "MUG-09|각인=있음"


def stock_of(console: Console, site_id: str) -> dict[str, int]:
    return {i["sku"]: i["quantity"] for i in console.call(site_id, "GET", "/admin/stock")["items"]}


def test_a_sku_registered_then_changed_and_an_order_takes_its_units(page: Page, console: Console,
                                                                    site_id: str) -> None:
    sign_in(page, console, site_id)
    page.goto(f"{console.url}/#/stock")
    add = page.get_by_role("form", name="재고 등록")
    add.get_by_label("SKU").fill(SKU)
    add.get_by_label("수량").fill("5")
    add.get_by_role("button", name="재고 등록").click()
    row = page.get_by_role("form", name=f"{SKU} 재고")
    expect(row.get_by_label(f"{SKU} 재고 수량")).to_have_value("5")
    assert stock_of(console, site_id) == {SKU: 5}

    row.get_by_label(f"{SKU} 재고 수량").fill("12")
    row.get_by_role("button", name="저장").click()
    expect(page.get_by_role("status")).to_contain_text("재고 12개")
    assert stock_of(console, site_id) == {SKU: 12}

    console.intake(site_id, [{"product_code": "MUG-09", "product_name": "머그", "quantity": 2, "unit_price": 12000,
                              "options": [{"name": "각인", "value": "있음"}], "combination": True}])
    page.reload()
    expect(page.get_by_role("form", name=f"{SKU} 재고").get_by_label(f"{SKU} 재고 수량")).to_have_value("10")  # 12 − 2


def test_the_stock_screen_fits_a_phone(phone: Page, console: Console, site_id: str) -> None:
    console.call(site_id, "PUT", "/admin/stock/TEE-01", {"quantity": 30})
    sign_in(phone, console, site_id)
    phone.goto(f"{console.url}/#/stock")
    expect(phone.get_by_label("TEE-01 재고 수량")).to_have_value("30")
    no_page_scroll(phone)
    assert small_targets(phone) == []
