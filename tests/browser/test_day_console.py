"""A day's work in the console, as an operator finds it: the bulk bar stays in view, no default moves an
order backwards, one sign-in serves every tab (and a hand-off never replaces it unasked), rows say what
was bought, one label catalogue (no codes or English), one money format, the buyer's cash-receipt
request and the manual refund in view, toasts that never cover an action, and the product picker."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from oms_local import tokens
from tests.browser_support import SHIRTS, Console, no_page_scroll, sign_in

CAP = {"product_code": "CAP-02", "product_name": "볼캡", "quantity": 2, "unit_price": 15000,
       "options": [{"name": "색상", "value": "블랙", "price": 0}]}


RECT = ("(el) => { const r = el.getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }")


def _rect(page: Page, selector: str) -> dict[str, float]:
    return dict(page.eval_on_selector(selector, RECT))


def _viewport_height(page: Page) -> float:
    return float(page.evaluate("() => window.innerHeight"))


def _in_view(page: Page, selector: str) -> bool:
    r = _rect(page, selector)
    return r["top"] >= 0 and r["bottom"] <= _viewport_height(page) + 0.5


def test_the_bulk_bar_stays_in_view_on_a_long_list_desktop_and_phone(page: Page, phone: Page, console: Console,
                                                                      site_id: str) -> None:
    ids = [console.intake(site_id) for _ in range(14)]
    for p in (page, phone):
        sign_in(p, console, site_id)
        expect(p.locator(".order-row")).to_have_count(14)
        assert p.evaluate("() => document.documentElement.scrollHeight") > _viewport_height(p)  # a long page
        p.evaluate("() => window.scrollTo(0, 0)")
        if p is page:  # on a desktop even before anything is selected (on a phone it would hide the first order)
            assert _in_view(p, ".bulk-bar"), _rect(p, ".bulk-bar")
        else:
            assert _rect(p, ".bulk-bar")["top"] > _viewport_height(p)
        p.get_by_label(f"주문 {ids[0]} 선택").check()
        p.evaluate("() => window.scrollTo(0, 0)")
        assert _in_view(p, ".bulk-bar.active"), _rect(p, ".bulk-bar")
        p.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight / 2)")
        assert _in_view(p, ".bulk-bar.active"), _rect(p, ".bulk-bar")
        no_page_scroll(p)


def test_a_tab_offers_its_next_step_and_a_backward_bulk_move_is_asked_first(page: Page, console: Console,
                                                                             site_id: str) -> None:
    waiting = console.intake(site_id)
    console.move(site_id, waiting, ("L001", "ready_to_ship"))
    sign_in(page, console, site_id)
    bar = page.get_by_role("region", name="선택한 주문 일괄 처리")
    expect(bar.get_by_label("변경할 상태")).to_have_value("ready_to_ship")  # 전체: the usual next step

    page.goto(f"{console.url}/#/orders?tab=preparing")
    expect(bar.get_by_label("변경할 상태")).to_have_value("ready_to_ship")
    page.goto(f"{console.url}/#/orders?tab=ready_to_ship")
    expect(page.locator(f".order-row[data-order-id='{waiting}']")).to_be_visible()
    expect(bar.get_by_label("변경할 상태")).to_have_value("shipping")  # 배송대기 → 배송중, never 배송대기 again
    expect(bar.get_by_label("대상 품목의 현재 상태")).to_have_value("ready_to_ship")

    page.get_by_label(f"주문 {waiting} 선택").check()
    bar.get_by_label("변경할 상태").select_option("preparing")
    bar.get_by_role("button", name="상태 변경").click()
    ask = page.get_by_role("dialog", name="이전 단계로 되돌리기")
    expect(ask).to_contain_text("배송대기에서 상품준비로 되돌립니다")
    ask.get_by_role("button", name="취소").click()
    expect(ask).to_be_hidden()
    assert console.order(site_id, waiting)["lines"][0]["status"] == "ready_to_ship"  # nothing moved

    bar.get_by_role("button", name="상태 변경").click()
    page.get_by_role("dialog", name="이전 단계로 되돌리기").get_by_role("button", name="되돌리기").click()
    expect(page.get_by_role("region", name="처리 결과")).to_contain_text("완료 1건")
    assert console.order(site_id, waiting)["lines"][0]["status"] == "preparing"


def test_one_sign_in_serves_a_new_tab_and_signing_out_signs_out_every_tab(page: Page, console: Console,
                                                                          site_id: str) -> None:
    order_id = console.intake(site_id)
    sign_in(page, console, site_id)
    other = page.context.new_page()  # a Ctrl+click on an order, or a typed address
    other.goto(f"{console.url}/#/orders/{order_id}")
    expect(other.get_by_role("heading", name=re.compile(order_id))).to_be_visible()
    assert "#/signin" not in other.url

    page.get_by_role("button", name="로그아웃").click()
    expect(page).to_have_url(re.compile("#/signin"))
    expect(other).to_have_url(re.compile("#/signin"))  # the other tab follows
    other.close()


def test_a_sign_in_hand_off_in_the_address_asks_before_replacing_the_session(page: Page, console: Console,
                                                                              site_id: str) -> None:
    sign_in(page, console, site_id)
    token = tokens.mint_admin_token(f"{site_id}-b", user_id="op-b", name="박영희")
    page.goto(f"{console.url}/#/signin?access_token={token}")
    ask = page.get_by_role("dialog", name="다른 계정으로 로그인")
    expect(ask).to_contain_text(site_id)
    ask.get_by_role("button", name="취소").click()
    expect(page).to_have_url(re.compile("#/home"))
    expect(page.locator("#site-badge")).to_contain_text(site_id)
    expect(page.locator("#site-badge")).not_to_contain_text(f"{site_id}-b")
    assert "access_token" not in page.url  # the token never stays in the address or the history

    page.goto(f"{console.url}/#/signin?access_token={token}")
    page.get_by_role("dialog", name="다른 계정으로 로그인").get_by_role("button", name="바꾸기").click()
    expect(page.locator("#site-badge")).to_contain_text(f"{site_id}-b · 박영희")


def test_rows_show_the_product_option_and_status_colours_and_the_phone_shows_the_first_order(
        page: Page, phone: Page, console: Console, site_id: str) -> None:
    two = console.intake(site_id, [CAP, SHIRTS])
    one = console.intake(site_id, [SHIRTS])
    console.move(site_id, one, ("L001", "ready_to_ship"))
    sign_in(page, console, site_id)
    row = page.locator(f".order-row[data-order-id='{two}']")
    expect(row.locator("[data-col='product']")).to_contain_text("볼캡")
    expect(row.locator("[data-col='product']")).to_contain_text("색상: 블랙")
    expect(row.locator("[data-col='product']")).to_contain_text("외 1건")
    expect(row.locator("[data-col='quantity']")).to_contain_text("5개")
    expect(row.locator("[data-col='amount']")).to_contain_text("63,000원")  # 2 × 15,000 + 3 × 10,000 + 3,000
    expect(row.locator("[data-col='channel']")).to_contain_text("자사몰")
    expect(row.locator("[data-col='payment']")).to_contain_text("신용카드")
    prep = page.locator(f".order-row[data-order-id='{two}'] [data-status='preparing']")
    ready = page.locator(f".order-row[data-order-id='{one}'] [data-status='ready_to_ship']")
    prep_bg = prep.evaluate("(el) => getComputedStyle(el).backgroundColor")
    assert prep_bg != "rgba(0, 0, 0, 0)"
    ship = console.intake(site_id)
    console.move(site_id, ship, ("L001", "ready_to_ship"))
    console.move(site_id, ship, ("L001", "shipping"))
    page.reload()
    shipping = page.locator(f".order-row[data-order-id='{ship}'] [data-status='shipping']")
    colours = {b.evaluate("(el) => getComputedStyle(el).backgroundColor") for b in (prep, ready, shipping)}
    assert ready.evaluate("(el) => getComputedStyle(el).backgroundColor") == prep_bg  # one family: 준비
    assert len(colours) == 2  # 배송중 is another family, another colour

    # 촘촘하게 보기: kept in this browser, the rows get shorter
    tall = _rect(page, f".order-row[data-order-id='{two}']")
    page.get_by_label("촘촘하게 보기").check()
    short = _rect(page, f".order-row[data-order-id='{two}']")
    assert short["bottom"] - short["top"] < tall["bottom"] - tall["top"]
    page.reload()
    expect(page.get_by_label("촘촘하게 보기")).to_be_checked()

    sign_in(phone, console, site_id)
    first = phone.locator(".order-row").first
    expect(first).to_be_visible()
    box = _rect(phone, ".order-row")
    assert box["bottom"] <= 844, box  # the whole first order, without scrolling
    no_page_scroll(phone)


def _bank_order(console: Console, site_id: str, **receipt: Any) -> str:
    return console.intake(site_id, [SHIRTS], payment={
        "method": "bank_transfer", "amount": 33000, "cash_receipt": receipt} if receipt else {
        "method": "bank_transfer", "amount": 33000})


def test_the_payment_shows_the_buyers_receipt_request_and_the_manual_refund_in_view(
        page: Page, console: Console, site_id: str) -> None:
    order_id = _bank_order(console, site_id, type="소득공제", identity_number="010-1234-5678")
    sign_in(page, console, site_id)
    page.goto(f"{console.url}/#/orders/{order_id}")
    payments = page.locator("#payments")
    expect(payments.locator(".receipt-request")).to_contain_text("구매자 현금영수증 신청: 소득공제")
    expect(payments.locator(".receipt-request")).not_to_contain_text("1234-5678")  # masked

    paid = _bank_order(console, site_id)
    pay = console.order(site_id, paid)["payments"][0]["payment_id"]
    console.call(site_id, "POST", f"/admin/orders/{paid}/payments/{pay}/deposit", {})
    console.move(site_id, paid, ("L001", "cancel_requested"))
    console.move(site_id, paid, ("L001", "cancelled"))
    page.goto(f"{console.url}/#/orders/{paid}")
    expect(page.get_by_test_id("outstanding")).to_have_text("−33,000원")  # U+2212, out to the buyer
    expect(page.get_by_test_id("outstanding")).to_have_class(re.compile("money-out"))
    # a bank transfer no PG can refund: recording the refund made by hand is the visible next step
    expect(payments.get_by_role("button", name="환불 강제완료")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("PG toss")


def test_one_toast_at_a_time_and_never_over_the_bulk_bar(page: Page, console: Console, site_id: str) -> None:
    order_id = console.intake(site_id)
    sign_in(page, console, site_id)
    page.get_by_label(f"주문 {order_id} 선택").check()
    page.evaluate("""() => import('./js/ui.js').then((m) => { m.toast('첫 번째 알림입니다.');
      m.toast('두 번째 알림: 송장 3건을 등록했습니다. 결과는 처리 결과에서 볼 수 있습니다.'); })""")
    expect(page.locator(".toast")).to_have_count(1)
    expect(page.locator(".toast")).to_contain_text("두 번째 알림")
    toast = _rect(page, ".toast")
    for i in range(page.locator(".bulk-bar button:visible, .bulk-bar select:visible").count()):
        r = page.locator(".bulk-bar button:visible, .bulk-bar select:visible").nth(i).evaluate(RECT)
        overlap = not (r["bottom"] <= toast["top"] or r["top"] >= toast["bottom"] or r["right"] <= toast["left"]
                       or r["left"] >= toast["right"])
        assert not overlap, (r, toast)


def test_the_product_picker_fills_an_added_line_and_an_exchange_option(page: Page, console: Console,
                                                                       site_id: str) -> None:
    for sku, qty in (("CAP-02|색상=블랙", 5), ("CAP-02|색상=화이트", 5), ("TEE-01", 9)):
        console.call(site_id, "PUT", f"/admin/stock/{sku}", {"quantity": qty})
    order_id = console.intake(site_id, [CAP])
    sign_in(page, console, site_id)
    page.goto(f"{console.url}/#/orders/{order_id}")
    page.get_by_role("button", name="상품 추가").click()
    dlg = page.get_by_role("dialog", name="상품 추가")
    dlg.get_by_label("상품 찾기", exact=True).fill("cap")
    dlg.locator("[data-sku='CAP-02|색상=화이트']").click()
    expect(dlg.get_by_label("상품코드")).to_have_value("CAP-02")
    expect(dlg.get_by_label("옵션명")).to_have_value("색상")
    expect(dlg.get_by_label("옵션값")).to_have_value("화이트")
    expect(dlg.get_by_label("상품명")).to_have_value("볼캡")  # from the order's own line of that product
    expect(dlg.get_by_label("판매가")).to_have_value("15000")
    dlg.get_by_role("button", name="추가").click()
    expect(dlg).to_be_hidden()
    added = console.order(site_id, order_id)["lines"][-1]
    assert (added["product_code"], added["product_name"], added["unit_price"]) == ("CAP-02", "볼캡", 15000)
    assert [(o["name"], o["value"]) for o in added["options"]] == [("색상", "화이트")]

    # 교환: the same product's other options are offered; a pick fills the option rows by their name
    for to in ("ready_to_ship", "shipping", "delivered"):
        console.move(site_id, order_id, ("L001", to))
    page.reload()
    page.locator("#claims").get_by_role("button", name="클레임 접수").click()
    claim = page.get_by_role("dialog", name="클레임 접수")
    claim.get_by_label("유형").select_option("exchange")
    claim.get_by_label(re.compile("^L001 볼캡")).check()
    claim.get_by_label("교환할 옵션 찾기", exact=True).focus()
    expect(claim.locator(".picker-results [data-sku]")).to_have_count(2)  # 블랙 and 화이트, no TEE-01
    claim.locator("[data-sku='CAP-02|색상=화이트']").click()
    expect(claim.get_by_label("옵션명 1")).to_have_value("색상")
    expect(claim.get_by_label("교환할 옵션값 1")).to_have_value("화이트")
    claim.get_by_role("button", name="접수").click()
    expect(claim).to_be_hidden()
    expect(page.locator("[data-claim-id='C001']")).to_contain_text("색상: 화이트")


#: Latin words an operator may read: acronyms they know, and the scene's own data (codes, ids, SKUs)
KNOWN_LATIN = {"PG", "SMS", "LMS", "ID", "PDF", "URL", "SKU", "KST", "JWT", "CJ", "KG", "NHN", "KCP", "VIP",
               "TEE", "CAP", "L", "M", "C", "Excel"}  # C001: a claim number


def _latin_words(page: Page) -> set[str]:
    text = str(page.evaluate("() => document.querySelector('main').innerText"))
    return {w for w in re.findall(r"[A-Za-z][A-Za-z_.]*[A-Za-z]|[A-Za-z]", text)} - KNOWN_LATIN


def test_the_list_and_the_detail_speak_korean_only(page: Page, console: Console, site_id: str) -> None:
    order_id = console.card_order(site_id, [SHIRTS])
    for to in ("ready_to_ship", "shipping", "delivered"):
        console.move(site_id, order_id, ("L001", to))
    console.call(site_id, "POST", f"/admin/orders/{order_id}/claims",
                 {"type": "return", "reason": "intent_changed", "items": [{"line_id": "L001", "quantity": 1}]}, 201)
    console.call(site_id, "POST", f"/admin/orders/{order_id}/memos", {"text": "고객 요청으로 반품 접수"}, 201)
    sign_in(page, console, site_id)
    expect(page.locator(f".order-row[data-order-id='{order_id}']")).to_be_visible(timeout=20_000)
    assert _latin_words(page) == set()
    page.goto(f"{console.url}/#/orders/{order_id}")
    expect(page.locator("#claims")).to_contain_text("반품")
    expect(page.locator("#payments")).to_contain_text("토스페이먼츠")  # the PG by its name, not "toss"
    words = _latin_words(page)
    assert words == set(), words
    expect(page.locator("main")).to_contain_text("배송완료에서 접수")  # where the claim came from, in Korean
