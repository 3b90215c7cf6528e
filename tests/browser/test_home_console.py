"""홈 in the browser, on the local stack: the operator signs in and lands on the home screen, sees
the exact counts of what needs action (zero counts muted), and a tile leads to the filtered list or
its screen; on a phone the tiles sit two to a row, nothing scrolls sideways, every target is 40 px."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser_support import Console, no_page_scroll, sign_in, small_targets, unlabelled_controls


@pytest.fixture
def on_console_table(console: Console, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process writes to the stack's own table (a deposit the bank feed left unmatched)."""
    monkeypatch.setenv("TABLE_NAME", console.table)
    yield


def unmatched_deposit(site_id: str, tx_id: str, name: str, amount: int) -> None:
    from oms.store import deposits
    from oms.store.table import transact

    transact(deposits.new_deposit_actions(site_id, {
        "account": "1002123456789", "tx_id": tx_id, "amount": amount, "depositor": name,
        "at": "2026-12-01T01:00:00.000000Z", "status": "unmatched", "reason": "no_candidate",
        "reason_ko": "후보 주문 없음", "suggested": []}))


def scene(console: Console, site_id: str) -> tuple[str, str, str]:
    """상품준비 2 (b keeps two units), 배송대기 1, 취소접수 1, 미확인 입금 1."""
    a, b, c = (console.intake(site_id) for _ in range(3))
    console.move(site_id, a, ("L001", "ready_to_ship"))
    console.call(site_id, "POST", f"/admin/orders/{b}/status",
                 {"moves": [{"line_id": "L001", "to": "cancel_requested", "quantity": 1}]})
    unmatched_deposit(site_id, "H-1", "모르는분", 70000)
    return a, b, c


def tile(page: Page, key: str) -> Locator:
    return page.locator(f".home-tile[data-key='{key}']")


@pytest.mark.usefixtures("on_console_table")
def test_sign_in_lands_on_the_home_with_exact_counts_and_a_tile_opens_the_filtered_list(
        page: Page, console: Console, site_id: str) -> None:
    a, b, c = scene(console, site_id)
    sign_in(page, console, site_id, then=None)
    expect(page.get_by_role("heading", name="오늘 처리할 일")).to_be_visible()
    expect(page.get_by_role("link", name="홈", exact=True)).to_have_attribute("aria-current", "page")
    counts = {"preparing": "2건", "ready_to_ship": "1건", "delivery_issue": "0건", "deposits_unmatched": "1건",
              "payreqs_open": "0건", "cancel_requested": "1건", "return_requested": "0건",
              "return_collecting": "0건", "exchange_requested": "0건", "exchange_collecting": "0건",
              "messages_failed": "0건", "jobs_failed": "0건"}
    for key, text in counts.items():
        expect(tile(page, key).locator(".home-count")).to_have_text(text)
    expect(tile(page, "preparing")).to_contain_text("상품준비")
    expect(tile(page, "cancel_requested")).to_contain_text("취소접수")
    for key, text in counts.items():  # a zero is muted, a count is not
        expect(tile(page, key)).to_have_class(re.compile(r"\bzero\b") if text == "0건" else re.compile(r"^home-tile$"))

    tile(page, "preparing").click()
    page.wait_for_url(re.compile(r"#/orders\?tab=preparing$"))
    page.locator("[data-tab='preparing'][aria-current='page']").wait_for()
    expect(page.get_by_role("link", name=b)).to_be_visible()
    expect(page.get_by_role("link", name=c)).to_be_visible()
    expect(page.get_by_role("link", name=a)).to_have_count(0)  # 배송대기 only

    page.get_by_role("link", name="홈", exact=True).click()
    page.wait_for_url(re.compile(r"#/home$"))
    tile(page, "deposits_unmatched").click()
    page.wait_for_url(re.compile(r"#/deposits$"))
    expect(page.locator("main")).to_contain_text("미확인 입금 1건")

    page.locator(".brand").click()  # the brand goes home too
    page.wait_for_url(re.compile(r"#/home$"))
    tile(page, "cancel_requested").click()
    page.wait_for_url(re.compile(r"#/orders\?tab=cancel_requested$"))
    expect(page.get_by_role("link", name=b)).to_be_visible()


@pytest.mark.usefixtures("on_console_table")
def test_the_home_on_a_phone_two_tiles_a_row(phone: Page, console: Console, site_id: str) -> None:
    scene(console, site_id)
    sign_in(phone, console, site_id, then=None)
    expect(tile(phone, "preparing").locator(".home-count")).to_have_text("2건")
    no_page_scroll(phone)
    assert small_targets(phone) == []
    assert unlabelled_controls(phone) == []
    first, second, third = (tile(phone, k).bounding_box() for k in ("preparing", "ready_to_ship", "delivery_issue"))
    assert first and second and third
    assert abs(first["y"] - second["y"]) < 1 and second["x"] > first["x"]  # side by side
    assert third["y"] > first["y"] + first["height"] - 1 and abs(third["x"] - first["x"]) < 1  # the next row
    assert first["x"] + 2 * first["width"] <= 390
