"""주문 목록 in the browser: tabs with counts, lookups, the line preview, selection up to 50 with the bulk
bar (per-order results, a refused order's Korean reason), quick tracking entry from a row, and the phone."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser_support import SHIRTS, Console, expect_code, no_page_scroll, sign_in, small_targets

KIM = {"name": "김철수", "phone": "010-1234-5678"}


def row(page: Page, order_id: str) -> Locator:
    return page.locator(f".order-row[data-order-id='{order_id}']")


def counts(console: Console, site_id: str) -> dict[str, int]:
    return dict(console.call(site_id, "GET", "/admin/orders")["counts"])


def test_tabs_show_counts_and_switching_a_tab_lists_its_orders_and_survives_a_reload(
        page: Page, console: Console, site_id: str) -> None:
    first, second, third = (console.intake(site_id) for _ in range(3))
    console.move(site_id, third, ("L001", "ready_to_ship"))
    sign_in(page, console, site_id)

    expect(page.locator("[data-tab='all'] .count")).to_have_text("3")
    expect(page.locator("[data-tab='preparing'] .count")).to_have_text("2")
    expect(page.locator("[data-tab='ready_to_ship'] .count")).to_have_text("1")
    expect(page.locator(".order-row")).to_have_count(3)

    page.get_by_role("link", name=re.compile("^배송대기")).click()
    page.wait_for_url(re.compile(r"tab=ready_to_ship"))
    expect(page.locator(".order-row")).to_have_count(1)
    expect(row(page, third)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^배송대기"))).to_have_attribute("aria-current", "page")

    page.reload()
    page.locator("html[data-ready='1']").wait_for()
    expect(page.locator(".order-row")).to_have_count(1)
    page.get_by_role("link", name=re.compile("^상품준비")).click()
    expect(page.locator(".order-row")).to_have_count(2)
    expect(row(page, first)).to_be_visible()
    expect(row(page, second)).to_be_visible()
    page.go_back()
    page.wait_for_url(re.compile(r"tab=ready_to_ship"))
    expect(page.locator(".order-row")).to_have_count(1)


def test_a_lookup_by_buyer_and_by_order_number_finds_the_order(page: Page, console: Console, site_id: str) -> None:
    kim = console.intake(site_id, buyer=KIM)
    other = console.intake(site_id)
    sign_in(page, console, site_id)
    expect(page.locator(".order-row")).to_have_count(2)

    page.get_by_label("검색 항목").select_option("buyer_name")
    page.get_by_label("검색어").fill("김철수")
    page.get_by_role("button", name="검색", exact=True).click()
    page.wait_for_url(re.compile(r"buyer_name="))
    expect(page.locator(".order-row")).to_have_count(1)
    expect(row(page, kim)).to_contain_text("김*수")  # found by the full name, shown masked

    page.get_by_label("검색 항목").select_option("order_id")
    page.get_by_label("검색어").fill(other)
    page.get_by_role("button", name="검색", exact=True).click()
    page.wait_for_url(re.compile(f"order_id={other}"))
    expect(page.locator(".order-row")).to_have_count(1)
    expect(row(page, other)).to_be_visible()

    page.go_back()  # the buyer lookup again, from the hash
    page.wait_for_url(re.compile(r"buyer_name="))
    expect(page.locator(".order-row")).to_have_count(1)
    expect(row(page, kim)).to_be_visible()
    expect(page.get_by_label("검색어")).to_have_value("김철수")


def test_total_quantity_toggles_the_line_preview(page: Page, console: Console, site_id: str) -> None:
    socks = {"product_code": "SOCK-01", "product_name": "양말", "quantity": 2, "unit_price": 3000}
    order_id = console.intake(site_id, [SHIRTS, socks])
    sign_in(page, console, site_id)

    r = row(page, order_id)
    toggle = r.get_by_role("button", name=re.compile("총 구매수량 5개"))
    preview = r.locator(".preview")
    expect(preview).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(preview).to_be_visible()
    expect(preview.locator("[data-line-id='L001']")).to_contain_text("오버핏 티셔츠")
    expect(preview.locator("[data-line-id='L001']")).to_contain_text("3개")
    expect(preview.locator("[data-line-id='L001']")).to_contain_text("상품준비")
    expect(preview.locator("[data-line-id='L001']")).to_contain_text("30,000원")
    expect(preview.locator("[data-line-id='L002']")).to_contain_text("양말")
    expect(preview.locator("[data-line-id='L002']")).to_contain_text("2개")
    toggle.click()
    expect(preview).to_be_hidden()


def test_bulk_status_change_of_two_orders_shows_results_and_moves_the_counts(
        page: Page, console: Console, site_id: str) -> None:
    a, b, c = (console.intake(site_id) for _ in range(3))
    sign_in(page, console, site_id)
    bar = page.get_by_role("region", name="선택한 주문 일괄 처리")
    expect(bar).to_contain_text("선택한 주문 없음")
    expect(bar.get_by_role("button", name="상태 변경")).to_be_disabled()
    expect(bar).not_to_have_class(re.compile("active"))  # sticky only while something is selected

    page.get_by_label(f"주문 {a} 선택").check()
    page.get_by_label(f"주문 {b} 선택").check()
    expect(bar).to_contain_text("2건 선택")
    expect(bar).to_have_class(re.compile("active"))
    bar.get_by_label("변경할 상태").select_option("ready_to_ship")
    bar.get_by_role("button", name="상태 변경").click()

    results = page.get_by_role("region", name="처리 결과")
    expect(results).to_contain_text("2건 중 완료 2건 · 거절 0건")
    expect(results.locator(f"li.done[data-order-id='{a}']")).to_contain_text("완료")
    expect(results.locator(f"li.done[data-order-id='{b}']")).to_contain_text("완료")
    expect(page.locator("[data-tab='ready_to_ship'] .count")).to_have_text("2")
    expect(page.locator("[data-tab='preparing'] .count")).to_have_text("1")
    expect(bar).to_contain_text("선택한 주문 없음")  # the done orders left the selection
    expect(bar.get_by_role("button", name="상태 변경")).to_be_disabled()

    assert counts(console, site_id)["ready_to_ship"] == 2
    assert counts(console, site_id)["preparing"] == 1
    assert {li["status"] for li in console.order(site_id, a)["lines"]} == {"ready_to_ship"}
    assert {li["status"] for li in console.order(site_id, b)["lines"]} == {"ready_to_ship"}
    assert {li["status"] for li in console.order(site_id, c)["lines"]} == {"preparing"}


def test_a_refused_order_in_a_bulk_change_shows_its_korean_reason(page: Page, console: Console, site_id: str) -> None:
    ok, moved = console.intake(site_id), console.intake(site_id)
    console.move(site_id, moved, ("L001", "ready_to_ship"))
    sign_in(page, console, site_id)
    expect(page.locator(".order-row")).to_have_count(2)

    page.get_by_label("이 페이지 전체 선택").check()
    bar = page.get_by_role("region", name="선택한 주문 일괄 처리")
    expect(bar).to_contain_text("2건 선택")
    bar.get_by_label("변경할 상태").select_option("ready_to_ship")
    bar.get_by_role("button", name="상태 변경").click()

    results = page.get_by_role("region", name="처리 결과")
    expect(results).to_contain_text("2건 중 완료 1건 · 거절 1건")
    expect(results.locator(f"li.done[data-order-id='{ok}']")).to_be_visible()
    refused = results.locator(f"li.refused[data-order-id='{moved}']")
    expect(refused).to_contain_text("이미 배송대기 상태입니다.")  # the single-order move's own reason
    expect_code(refused, "SAME_STATUS")
    expect(bar).to_contain_text("1건 선택")  # the refused order stays selected
    assert counts(console, site_id)["ready_to_ship"] == 2


def test_bulk_no_shipping_to_delivered_walks_the_orders_without_shipping_and_refuses_the_parcel_one(
        page: Page, console: Console, site_id: str) -> None:
    digital = console.intake(site_id, shipping_method="none", shipping_fee=0)
    parcel = console.intake(site_id)
    console.move(site_id, digital, ("L001", "ready_to_ship"))
    console.move(site_id, parcel, ("L001", "ready_to_ship"))
    sign_in(page, console, site_id)

    page.get_by_label(f"주문 {digital} 선택").check()
    page.get_by_label(f"주문 {parcel} 선택").check()
    page.get_by_role("region", name="선택한 주문 일괄 처리").get_by_role("button", name="배송없음 → 배송완료").click()

    results = page.get_by_role("region", name="처리 결과")
    expect(results).to_contain_text("2건 중 완료 1건 · 거절 1건")
    expect(results.locator(f"li.done[data-order-id='{digital}']")).to_be_visible()
    expect(results.locator(f"li.refused[data-order-id='{parcel}'] .reason")).not_to_be_empty()
    expect(page.locator("[data-tab='delivered'] .count")).to_have_text("1")
    assert {li["status"] for li in console.order(site_id, digital)["lines"]} == {"delivered"}
    assert {li["status"] for li in console.order(site_id, parcel)["lines"]} == {"ready_to_ship"}


def test_quick_tracking_entry_from_a_row_puts_the_number_on_the_order(
        page: Page, console: Console, site_id: str) -> None:
    order_id = console.intake(site_id, [SHIRTS, {**SHIRTS, "product_code": "TEE-02", "product_name": "반팔 티셔츠"}])
    console.move(site_id, order_id, ("L001", "ready_to_ship"), ("L002", "ready_to_ship"))
    waiting = console.intake(site_id)
    sign_in(page, console, site_id)

    expect(row(page, waiting).get_by_role("button", name=re.compile("송장 입력"))).to_have_count(0)
    r = row(page, order_id)
    r.get_by_role("button", name=re.compile("송장 입력")).click()
    form = r.get_by_role("form", name=re.compile("송장 입력"))
    form.get_by_label("택배사").select_option(label="CJ대한통운")
    form.get_by_label("송장번호").fill("123456789012")
    form.get_by_role("button", name="송장 등록").click()
    expect(form.get_by_role("status")).to_contain_text("123456789012 등록됨")

    lines = console.order(site_id, order_id)["lines"]
    assert [(li["line_id"], li["status"], li["tracking_no"]) for li in lines] == [
        ("L001", "ready_to_ship", "123456789012"), ("L002", "ready_to_ship", "123456789012")]


def test_quick_tracking_of_a_long_order_reads_the_lines_the_preview_leaves_out(
        page: Page, console: Console, site_id: str) -> None:
    lines = [{"product_code": f"P{i:02d}", "product_name": f"상품 {i}", "quantity": 1, "unit_price": 1000}
             for i in range(1, 23)]
    order_id = console.intake(site_id, lines)
    console.move(site_id, order_id, ("L021", "ready_to_ship"), ("L022", "ready_to_ship"))  # past the preview's 20
    sign_in(page, console, site_id)

    r = row(page, order_id)
    r.get_by_role("button", name=re.compile("총 구매수량")).click()
    expect(r.locator(".preview")).to_contain_text("일부 품목만 보입니다")
    r.get_by_role("button", name=re.compile("송장 입력")).click()
    form = r.get_by_role("form", name=re.compile("송장 입력"))
    form.get_by_label("택배사").select_option(label="CJ대한통운")
    form.get_by_label("송장번호").fill("555566667777")
    form.get_by_role("button", name="송장 등록").click()
    expect(form.get_by_role("status")).to_contain_text("배송대기 품목 2건")

    tracked = {li["line_id"]: li["tracking_no"] for li in console.order(site_id, order_id)["lines"]}
    assert tracked.pop("L021") == tracked.pop("L022") == "555566667777"
    assert set(tracked.values()) == {None}

def test_a_refused_quick_tracking_entry_shows_the_reason_in_place(page: Page, console: Console,
                                                                  site_id: str) -> None:
    order_id = console.intake(site_id)
    console.move(site_id, order_id, ("L001", "ready_to_ship"))
    sign_in(page, console, site_id)
    r = row(page, order_id)
    r.get_by_role("button", name=re.compile("송장 입력")).click()
    console.move(site_id, order_id, ("L001", "shipping"))  # meanwhile, elsewhere: the row is stale now
    form = r.get_by_role("form", name=re.compile("송장 입력"))
    form.get_by_label("택배사").select_option(label="CJ대한통운")
    form.get_by_label("송장번호").fill("999999999999")
    with page.expect_response(re.compile(r"/tracking$")) as answer:
        form.get_by_role("button", name="송장 등록").click()
    problem = answer.value.json()
    assert answer.value.status >= 400 and problem["message_ko"]
    expect(form.get_by_role("alert")).to_contain_text(problem["message_ko"])
    expect_code(form.get_by_role("alert"), problem["code"])
    assert console.order(site_id, order_id)["lines"][0]["tracking_no"] is None


def test_selecting_more_than_fifty_orders_is_refused_with_a_message(page: Page, console: Console, site_id: str) -> None:
    ids = [console.intake(site_id) for _ in range(51)]
    sign_in(page, console, site_id)
    expect(page.locator(".order-row")).to_have_count(50)

    page.get_by_label("이 페이지 전체 선택").check()
    bar = page.get_by_role("region", name="선택한 주문 일괄 처리")
    expect(bar).to_contain_text("50건 선택")
    page.get_by_role("button", name="더 보기").click()
    expect(page.locator(".order-row")).to_have_count(51)
    last = page.get_by_label(f"주문 {ids[0]} 선택")  # the oldest order: on the second page
    last.click()
    expect(last).not_to_be_checked()
    expect(bar.get_by_role("alert")).to_contain_text("한 번에 최대 50건까지 선택할 수 있습니다")
    expect(bar).to_contain_text("50건 선택")
    expect(page.get_by_label("이 페이지 전체 선택")).not_to_be_checked()
    page.get_by_label("이 페이지 전체 선택").click()  # selecting the whole (now 51) is refused as well
    expect(page.get_by_label("이 페이지 전체 선택")).not_to_be_checked()
    expect(bar).to_contain_text("50건 선택")
    expect(page.get_by_role("region", name="이 검색 결과 전체 선택")).to_be_visible()


def test_phone_the_list_has_no_page_scroll_and_big_targets_also_with_the_bulk_bar(
        phone: Page, console: Console, site_id: str) -> None:
    order_id = console.intake(site_id, buyer=KIM)
    console.move(site_id, order_id, ("L001", "ready_to_ship"))
    console.call(site_id, "POST", f"/admin/orders/{order_id}/memos", {"text": "부재 시 경비실에 맡겨 주세요"}, 201)
    console.intake(site_id)
    sign_in(phone, console, site_id)

    expect(phone.locator(".order-row")).to_have_count(2)
    expect(row(phone, order_id)).to_contain_text("부재 시 경비실에 맡겨 주세요")
    no_page_scroll(phone)
    assert small_targets(phone) == []

    phone.get_by_label(f"주문 {order_id} 선택").check()
    row(phone, order_id).get_by_role("button", name=re.compile("총 구매수량")).click()
    row(phone, order_id).get_by_role("button", name=re.compile("송장 입력")).click()
    phone.get_by_text("기간·상세 조건").click()
    expect(phone.get_by_role("region", name="선택한 주문 일괄 처리")).to_be_visible()
    no_page_scroll(phone)
    assert small_targets(phone) == []
