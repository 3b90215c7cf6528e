"""The payments of 주문 상세 in the browser: 수동 입금 확인 of a virtual account, a PG refund refused then
made, 환불 재시도 of what the order owes, a bank transfer refunded by hand and 강제완료, a cash receipt
failed at the PG completed by hand."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser_support import SHIRTS, Console, expect_code
from tests.order_detail_support import VA_PAYMENT, open_order, patient_expect  # noqa: F401 (autouse fixture)


def test_manual_deposit_of_a_virtual_account_prepares_the_units_and_says_who(page: Page, console: Console,
                                                                              site_id: str) -> None:
    order_id = console.intake(site_id, payment=VA_PAYMENT)
    open_order(page, console, site_id, order_id)
    payment = page.locator("#payments .payment")
    expect(payment).to_contain_text("신한은행 56201234567 (예금주 데모샵)")
    expect(payment).to_contain_text("입금대기")
    expect(page.locator("[data-group='payment_pending'] [data-line-id='L001']")).to_be_visible()

    payment.get_by_label("가상계좌 결제 작업").click()
    payment.get_by_role("button", name="수동 입금 확인").click()
    dlg = page.get_by_role("dialog", name="수동 입금 확인")
    dlg.get_by_label("메모").fill("입금자 홍길동")
    dlg.get_by_role("button", name="입금 확인").click()
    expect(dlg).to_be_hidden()

    expect(page.locator("[data-group='preparing'] [data-line-id='L001']")).to_contain_text("3개")
    expect(payment).to_contain_text("결제완료")
    timeline = page.locator(".timeline")
    deposit = timeline.locator(".event", has_text="수동 입금 확인")
    expect(deposit).to_contain_text("로컬 관리자")
    expect(deposit).to_contain_text("입금자 홍길동")
    expect(page.get_by_test_id("outstanding")).to_have_text("0원")
    # paid now: no second confirmation is offered
    expect(payment.get_by_role("button", name="수동 입금 확인")).to_have_count(0)

    after = console.order(site_id, order_id)
    assert [(li["status"], li["quantity"]) for li in after["lines"]] == [("preparing", 3)]
    (pay,) = after["payments"]
    assert (pay["status"], pay["deposit_source"], pay["confirmed_by"]["kind"]) == ("paid", "manual", "admin")
    assert after["amounts"]["paid"] == 33000


def test_a_pg_refund_shows_the_pgs_reason_then_refunds_on_the_next_try(page: Page, console: Console,
                                                                       site_id: str) -> None:
    order_id = console.card_order(site_id, [SHIRTS])
    open_order(page, console, site_id, order_id)
    payment = page.locator("#payments .payment")
    payment.get_by_label("신용카드 결제 작업").click()
    payment.get_by_role("button", name="환불").click()
    dlg = page.get_by_role("dialog", name="환불 (PG 결제취소)")
    dlg.get_by_label("환불 금액").fill("5000")
    dlg.get_by_label("사유").fill("부분 환불")
    r = console.http.post(f"{console.stack.pg.url}/_sandbox/refuse-next-cancel",
                          json={"code": "NOT_CANCELABLE_PAYMENT", "message": "취소할 수 없는 결제입니다."})
    assert r.status_code == 200, r.text
    dlg.get_by_role("button", name="환불").click()
    problem = dlg.get_by_role("alert")
    expect_code(problem, "PG_REFUND_FAILED")
    expect(problem).to_contain_text("취소할 수 없는 결제입니다.")
    assert console.order(site_id, order_id)["amounts"]["refunded"] == 0
    expect(page.locator(".timeline .event.refused").first).to_contain_text("취소할 수 없는 결제입니다.")

    dlg.get_by_role("button", name="환불").click()  # a new request: the refused one is not sent again
    expect(dlg).to_be_hidden()
    expect(payment).to_contain_text("부분취소")
    expect(payment).to_contain_text("환불 5,000원")
    expect(page.get_by_test_id("refunded")).to_have_text("5,000원")
    (pay,) = console.order(site_id, order_id)["payments"]
    assert (pay["status"], pay["refunded_amount"]) == ("partial_cancelled", 5000)


def test_what_the_order_owes_is_refunded_by_the_retry_and_each_payment_answers(page: Page, console: Console,
                                                                               site_id: str) -> None:
    order_id = console.card_order(site_id, [SHIRTS])
    console.call(site_id, "POST", f"/admin/orders/{order_id}/status",
                 {"moves": [{"line_id": "L001", "to": "cancel_requested", "quantity": 1}]})
    console.move(site_id, order_id, ("L002", "cancelled"))
    open_order(page, console, site_id, order_id)
    expect(page.get_by_test_id("outstanding")).to_have_text("−10,000원")  # U+2212, the one minus sign
    expect(page.locator("#payments")).to_contain_text("구매자에게 환불할 금액 10,000원")

    page.get_by_role("button", name="환불 재시도").click()
    dlg = page.get_by_role("dialog", name="환불 재시도")
    dlg.get_by_role("button", name="환불").click()
    expect(dlg.get_by_role("status")).to_contain_text("환불 완료")
    expect(dlg.get_by_role("status")).to_contain_text("남음 0원")
    dlg.get_by_role("button", name="닫기").click()
    expect(page.get_by_test_id("outstanding")).to_have_text("0원")
    expect(page.get_by_role("button", name="환불 재시도")).to_have_count(0)
    after = console.order(site_id, order_id)
    assert (after["amounts"]["refunded"], after["amounts"]["outstanding"]) == (10000, 0)


def test_cash_receipt_failed_at_the_pg_is_completed_by_hand(page: Page, console: Console, site_id: str) -> None:
    order_id = console.intake(site_id, payment=VA_PAYMENT)
    pid = console.order(site_id, order_id)["payments"][0]["payment_id"]
    console.call(site_id, "POST", f"/admin/orders/{order_id}/payments/{pid}/deposit", {})
    console.call(site_id, "PATCH", "/admin/settings", {"payments": {"pg_provider": "toss"}})
    open_order(page, console, site_id, order_id)
    payment = page.locator("#payments .payment")
    menu = payment.get_by_label("가상계좌 결제 작업")
    menu.click()
    expect(payment.get_by_role("button", name="수동 완료 처리")).to_have_count(0)  # a PG site issues through the PG
    payment.get_by_role("button", name="현금영수증 발행").click()
    dlg = page.get_by_role("dialog", name="현금영수증 발행")
    dlg.get_by_label("식별번호").fill("0001234567")  # the sandbox PG refuses these
    dlg.get_by_role("button", name="발행").click()
    expect(dlg).to_be_hidden()
    expect(payment).to_contain_text("현금영수증 발급 실패")

    payment.get_by_label("가상계좌 결제 작업").click()
    payment.get_by_role("button", name="수동 완료 처리").click()
    dlg = page.get_by_role("dialog", name="현금영수증 수동 완료 처리")
    dlg.get_by_label("식별번호").fill("010-9999-0000")
    dlg.get_by_label("승인번호").fill("HT-778899")
    dlg.get_by_role("button", name="완료 처리").click()
    expect(dlg).to_be_hidden()
    expect(payment).to_contain_text("현금영수증 발급 완료")
    expect(payment).to_contain_text("승인번호 HT-778899")
    receipt = console.order(site_id, order_id)["payments"][0]["cash_receipt"]
    assert (receipt["status"], receipt["source"], receipt["issue_number"]) == ("issued", "manual", "HT-778899")


def test_a_bank_transfer_refund_is_made_by_hand_and_force_completed(page: Page, console: Console,
                                                                    site_id: str) -> None:
    order_id = console.intake(site_id, payment={"method": "bank_transfer", "amount": 33000})
    pid = console.order(site_id, order_id)["payments"][0]["payment_id"]
    console.call(site_id, "POST", f"/admin/orders/{order_id}/payments/{pid}/deposit", {"note": "입금자 홍길동"})
    console.call(site_id, "POST", f"/admin/orders/{order_id}/status",
                 {"moves": [{"line_id": "L001", "to": "cancel_requested", "quantity": 1}]})
    console.move(site_id, order_id, ("L002", "cancelled"))
    open_order(page, console, site_id, order_id)
    payment = page.locator("#payments .payment")
    payment.get_by_label("무통장입금 결제 작업").click()
    expect(payment.get_by_role("button", name="환불", exact=True)).to_have_count(0)  # no PG payment to cancel

    page.get_by_role("button", name="환불 재시도").click()
    dlg = page.get_by_role("dialog", name="환불 재시도")
    dlg.get_by_role("button", name="환불").click()
    expect(dlg.get_by_role("status")).to_contain_text("직접 환불 필요")
    expect(dlg.get_by_role("status")).to_contain_text("PG 결제가 아니므로 직접 환불한 뒤 강제완료하세요.")
    dlg.get_by_role("button", name="닫기").click()

    payment.get_by_label("무통장입금 결제 작업").click()
    payment.get_by_role("button", name="환불 강제완료").click()
    dlg = page.get_by_role("dialog", name="환불 강제완료")
    expect(dlg.get_by_label("환불한 금액")).to_have_value("10000")
    dlg.get_by_label("환불 내역 메모").fill("신한 110-***-1234 홍길동 계좌이체")
    dlg.get_by_role("button", name="강제완료").click()
    expect(dlg).to_be_hidden()
    expect(page.get_by_test_id("outstanding")).to_have_text("0원")
    forced = page.locator(".timeline .event", has_text="환불 강제완료")
    expect(forced).to_contain_text("신한 110-***-1234 홍길동 계좌이체")
    expect(forced).to_contain_text("로컬 관리자")
    after = console.order(site_id, order_id)
    assert (after["amounts"]["refunded"], after["amounts"]["outstanding"]) == (10000, 0)
    assert after["payments"][0]["status"] == "partial_cancelled"
