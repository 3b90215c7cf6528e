"""주문 상세 in the browser: 송장추가 (a refused number, then one on the line and in the shipments) and
its removal; a stale page's refused move (409 message_ko, 새로고침, the order unchanged); a memo; 배송지
변경 with its remote-area fee; 상품 추가; 거래 재개; the timeline's 더 보기; a multi-line move and the
keyboard's focus; printing; the phone (no sideways scroll, 40 px targets). Payments: test_order_payments."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser_support import SHIRTS, Console, expect_code, no_page_scroll, small_targets
from tests.order_detail_support import open_order, patient_expect  # noqa: F401 (autouse fixture)


def test_tracking_number_added_on_a_ready_line_then_removed(page: Page, console: Console, site_id: str) -> None:
    order_id = console.intake(site_id)
    console.move(site_id, order_id, ("L001", "ready_to_ship"))
    open_order(page, console, site_id, order_id)

    shipments = page.locator("#shipments")
    expect(shipments).to_contain_text("등록된 송장이 없습니다.")
    shipments.get_by_role("button", name="송장추가").click()
    dlg = page.get_by_role("dialog", name="송장추가")
    expect(dlg.get_by_role("checkbox", name=re.compile("오버핏 티셔츠"))).to_be_checked()
    dlg.get_by_label("택배사").select_option(label="CJ대한통운")
    dlg.get_by_label("송장번호").fill("12-34")
    dlg.get_by_role("button", name="송장 등록").click()
    expect(dlg.get_by_role("alert")).to_contain_text("CJ대한통운 송장번호 형식이 아닙니다")  # the API's rule, in Korean
    expect_code(dlg.get_by_role("alert"), "TRACKING_NO_INVALID")
    dlg.get_by_label("송장번호").fill("123456789012")
    dlg.get_by_role("button", name="송장 등록").click()
    expect(dlg).to_be_hidden()

    expect(page.locator("[data-line-id='L001']")).to_contain_text("송장 123456789012")
    link = shipments.get_by_role("link", name="123456789012")
    expect(link).to_have_attribute("href", re.compile("cjlogistics.*123456789012"))
    expect(shipments).to_contain_text("CJ대한통운")
    expect(page.locator(".timeline .event").first).to_contain_text("123456789012")
    # a tracking number means shipping has begun for the address rules: 배송지 변경 is no longer offered
    expect(page.locator("#changes").get_by_role("button", name="배송지 변경")).to_be_disabled()

    after = console.order(site_id, order_id)
    assert [(li["line_id"], li["status"], li["tracking_no"]) for li in after["lines"]] == [
        ("L001", "ready_to_ship", "123456789012")]
    shipped = console.call(site_id, "GET", f"/admin/orders/{order_id}/shipments")["shipments"]
    assert [(s["courier"], s["tracking_no"], s["line_ids"]) for s in shipped] == [("CJGLS", "123456789012", ["L001"])]

    shipments.get_by_role("button", name="송장 123456789012 삭제").click()
    expect(shipments).to_contain_text("등록된 송장이 없습니다.")
    expect(page.locator("[data-line-id='L001']")).not_to_contain_text("송장")
    assert console.order(site_id, order_id)["lines"][0]["tracking_no"] is None


def test_a_refused_move_shows_its_korean_reason_and_changes_nothing(page: Page, console: Console,
                                                                     site_id: str) -> None:
    order_id = console.intake(site_id)  # 3 × 오버핏 티셔츠 in 상품준비
    open_order(page, console, site_id, order_id)
    line = page.locator("[data-group='preparing'] [data-line-id='L001']")
    expect(line).to_be_visible()
    read = console.order(site_id, order_id)["version"]  # the version the page holds

    console.move(site_id, order_id, ("L001", "ready_to_ship"))  # another tab moved the whole line meanwhile
    before = console.order(site_id, order_id)

    line.get_by_label(re.compile("변경할 상태")).select_option("ready_to_ship")
    line.get_by_label(re.compile("수량")).fill("1")
    line.get_by_role("button", name="변경").click()

    problem = line.get_by_role("alert")
    expect_code(problem, "VERSION_CONFLICT")
    expect(problem).to_contain_text("다른 사용자가 먼저 이 주문을 변경했습니다")
    message = console.http.post(f"/admin/orders/{order_id}/status", headers=console.admin(site_id), json={
        "moves": [{"line_id": "L001", "to": "ready_to_ship", "quantity": 1}], "expected_version": read}).json()
    expect(problem).to_contain_text(message["message_ko"])
    after = console.order(site_id, order_id)
    assert after["version"] == before["version"]
    assert [(li["line_id"], li["status"], li["quantity"]) for li in after["lines"]] == [("L001", "ready_to_ship", 3)]

    line.get_by_role("button", name="새로고침").click()
    expect(page.locator("[data-group='ready_to_ship'] [data-line-id='L001']")).to_contain_text("3개")
    expect(page.locator("[data-group='preparing']")).to_have_count(0)


def test_a_memo_appears_on_the_timeline(page: Page, console: Console, site_id: str) -> None:
    order_id = console.intake(site_id)
    open_order(page, console, site_id, order_id)
    page.get_by_label("메모").fill("부재 시 경비실에 맡겨 주세요")
    page.get_by_role("button", name="메모 저장").click()
    memo = page.locator(".timeline .event.memo").first
    expect(memo).to_contain_text("부재 시 경비실에 맡겨 주세요")
    expect(memo).to_contain_text("로컬 관리자")
    expect(page.get_by_label("메모")).to_have_value("")
    expect(page.get_by_role("button", name="더 보기")).to_be_hidden()  # the detail held the whole timeline
    assert console.order(site_id, order_id)["last_memo"]["text"] == "부재 시 경비실에 맡겨 주세요"


def test_address_change_before_shipping_shows_the_remote_area_fee(page: Page, console: Console,
                                                                  site_id: str) -> None:
    order_id = console.intake(site_id)
    open_order(page, console, site_id, order_id)
    page.locator("#changes").get_by_role("button", name="배송지 변경").click()
    dlg = page.get_by_role("dialog", name="배송지 변경")
    expect(dlg.get_by_label("받는 분")).to_have_value("홍길동")
    dlg.get_by_label("우편번호").fill("63100")
    dlg.get_by_label("주소", exact=True).fill("제주특별자치도 제주시 첨단로 242")
    dlg.get_by_label("상세주소").fill("2층")
    dlg.get_by_role("button", name="변경").click()
    expect(dlg).to_be_hidden()

    expect(page.get_by_test_id("change-note")).to_contain_text("도서산간 배송비 3,000원")
    expect(page.locator(".party", has_text="수령인")).to_contain_text("(63100) 제주특별자치도 제주시 첨단로 242 2층")
    expect(page.get_by_test_id("outstanding")).to_have_text("+3,000원")

    after = console.order(site_id, order_id)
    assert (after["recipient"]["postal_code"], after["recipient"]["address2"]) == ("631**", "***")  # masked
    shown = console.call(site_id, "POST", f"/admin/orders/{order_id}/personal", {})["recipient"]
    assert (shown["postal_code"], shown["address2"]) == ("63100", "2층")
    assert [(c["kind"], c["amount"]) for c in after["charges"]] == [("remote_area", 3000)]
    assert after["amounts"]["outstanding"] == 3000


def test_order_sheet_pdf_downloads(page: Page, console: Console, site_id: str) -> None:
    order_id = console.intake(site_id)
    open_order(page, console, site_id, order_id)
    with page.expect_download() as dl:
        page.get_by_role("button", name="PDF 저장").click()
    assert dl.value.suggested_filename == f"order-sheet-{order_id}.pdf"
    path = dl.value.path()
    assert path is not None and open(path, "rb").read(5) == b"%PDF-"


def test_phone_detail_fits_and_every_target_is_large_enough(phone: Page, console: Console, site_id: str) -> None:
    cap = {**SHIRTS, "product_code": "CAP-02", "product_name": "볼캡", "quantity": 1, "unit_price": 15000,
           "options": [{"name": "색상", "value": "네이비"}]}
    order_id = console.card_order(site_id, [SHIRTS, cap])
    console.move(site_id, order_id, ("L002", "ready_to_ship"))
    open_order(phone, console, site_id, order_id)
    expect(phone.locator("[data-line-id='L002']")).to_contain_text("색상: 네이비")
    phone.get_by_label("신용카드 결제 작업").click()
    expect(phone.get_by_role("button", name="환불")).to_be_visible()
    no_page_scroll(phone)
    assert small_targets(phone) == []
    phone.locator("[data-line-id='L001']").get_by_role("checkbox").check()
    expect(phone.get_by_role("button", name="선택 품목 변경")).to_be_visible()
    no_page_scroll(phone)
    assert small_targets(phone) == []

    phone.get_by_role("button", name="송장추가").click()
    dlg = phone.get_by_role("dialog", name="송장추가")
    expect(dlg.get_by_role("checkbox", name=re.compile("볼캡"))).to_be_checked()
    no_page_scroll(phone)
    assert small_targets(phone) == []
    dlg.get_by_label("택배사").select_option(label="한진택배")
    dlg.get_by_label("송장번호").fill("4201-1234-5678")
    dlg.get_by_role("button", name="송장 등록").click()
    expect(phone.locator("#shipments").get_by_role("link", name="420112345678")).to_be_visible()
    no_page_scroll(phone)
    assert small_targets(phone) == []


def test_a_closed_order_is_reopened_from_its_header(page: Page, console: Console, site_id: str) -> None:
    # an e-book is confirmed at payment: every unit final, the balance 0 — the order is closed
    order_id = console.intake(site_id, [{"product_code": "EBOOK-1", "product_name": "전자책", "kind": "digital",
                                         "quantity": 1, "unit_price": 12000}], shipping_fee=0)
    open_order(page, console, site_id, order_id)
    expect(page.locator(".order-head")).to_contain_text("거래종료")
    expect(page.locator("#changes")).to_contain_text("거래가 종료된 주문입니다")
    page.get_by_role("button", name="거래 재개").click()
    expect(page.locator(".timeline .event").first).to_contain_text("거래가 재개되었습니다.")
    expect(page.get_by_role("button", name="거래 재개")).to_have_count(0)
    expect(page.locator(".order-head")).not_to_contain_text("거래종료")
    assert console.order(site_id, order_id)["closed"] is False


def test_a_line_is_added_and_its_shipping_fee_becomes_outstanding(page: Page, console: Console,
                                                                  site_id: str) -> None:
    order_id = console.intake(site_id)
    open_order(page, console, site_id, order_id)
    page.locator("#changes").get_by_role("button", name="상품 추가").click()
    dlg = page.get_by_role("dialog", name="상품 추가")
    dlg.get_by_label("상품코드").fill("CAP-02")
    dlg.get_by_label("상품명").fill("볼캡")
    dlg.get_by_label("수량").fill("2")
    dlg.get_by_label("판매가").fill("15000")
    dlg.get_by_label("배송비").fill("3000")
    dlg.get_by_label("옵션명").fill("색상")
    dlg.get_by_label("옵션값").fill("네이비")
    dlg.get_by_role("button", name="추가").click()
    expect(dlg).to_be_hidden()

    added = page.locator("[data-group='preparing'] [data-line-id='L002']")
    expect(added).to_contain_text("볼캡")
    expect(added).to_contain_text("색상: 네이비")
    expect(page.get_by_test_id("change-note")).to_contain_text("미결금액 33,000원")
    expect(page.get_by_test_id("outstanding")).to_have_text("+33,000원")
    after = console.order(site_id, order_id)
    assert [(li["line_id"], li["product_code"], li["quantity"], li["paid_amount"]) for li in after["lines"]] == [
        ("L001", "TEE-01", 3, 30000), ("L002", "CAP-02", 2, 30000)]
    assert after["amounts"]["outstanding"] == 33000


def test_the_order_sheet_is_printed_from_a_frame(page: Page, console: Console, site_id: str) -> None:
    order_id = console.intake(site_id)
    open_order(page, console, site_id, order_id)
    page.get_by_role("button", name="주문서 인쇄").click()
    frame = page.frame_locator("iframe.print-frame")
    expect(frame.get_by_role("heading", name=re.compile(f"주문서.*{order_id}|{order_id}"))).to_be_visible()
    expect(page.locator("iframe.print-frame[data-loaded='1']")).to_have_count(1)


def test_more_of_the_timeline_is_paged_in(page: Page, console: Console, site_id: str) -> None:
    order_id = console.intake(site_id)
    for n in range(1, 36):
        console.call(site_id, "POST", f"/admin/orders/{order_id}/memos", {"text": f"메모 {n:02d}"}, expect=201)
    open_order(page, console, site_id, order_id)
    events = page.locator(".timeline .event")
    expect(events.first).to_contain_text("메모 35")
    expect(events).to_have_count(30)  # the detail's recent entries
    page.get_by_role("button", name="더 보기").click()
    expect(events).to_have_count(38)  # 35 memos, payment, 상품준비, 접수
    expect(events.last).to_contain_text("주문이 접수되었습니다")
    expect(page.get_by_role("button", name="더 보기")).to_be_hidden()


def test_chosen_lines_move_together_and_focus_stays_on_the_control(page: Page, console: Console,
                                                                   site_id: str) -> None:
    cap = {**SHIRTS, "product_code": "CAP-02", "product_name": "볼캡", "quantity": 2, "unit_price": 15000}
    order_id = console.intake(site_id, [SHIRTS, cap])
    open_order(page, console, site_id, order_id)
    page.get_by_role("checkbox", name=re.compile("오버핏 티셔츠")).check()
    page.get_by_role("checkbox", name=re.compile("볼캡")).check()
    expect(page.locator(".bulk-lines")).to_contain_text("2개 품목 선택")
    page.get_by_label("선택한 품목 변경할 상태").select_option("ready_to_ship")
    page.get_by_role("button", name="선택 품목 변경").click()
    ready = page.locator("[data-group='ready_to_ship']")
    expect(ready.locator(".line")).to_have_count(2)
    assert sorted((li["line_id"], li["status"]) for li in console.order(site_id, order_id)["lines"]) == [
        ("L001", "ready_to_ship"), ("L002", "ready_to_ship")]

    # keyboard: a move redraws the detail, and focus comes back to the line's own button; a move
    # backwards is never the default (the next step is) and is asked before it is made
    line = page.locator("[data-line-id='L001']")
    expect(line.get_by_label(re.compile("변경할 상태"))).not_to_have_value("preparing")
    line.get_by_label(re.compile("변경할 상태")).select_option("preparing")
    line.get_by_role("button", name="변경").focus()
    page.keyboard.press("Enter")
    ask = page.get_by_role("dialog", name="이전 단계로 되돌리기")
    expect(ask).to_contain_text("배송대기에서 상품준비로 되돌립니다")
    ask.get_by_role("button", name="되돌리기").focus()
    page.keyboard.press("Enter")
    moved = page.locator("[data-group='preparing'] [data-line-id='L001']")
    expect(moved).to_be_visible()
    expect(moved.get_by_role("button", name="변경")).to_be_focused()
