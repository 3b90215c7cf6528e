"""The detail's claims in a browser: 클레임 접수 of a partial return, its steps to 완료, the refund
calculation with its figures and rules, 정산 환불 through the PG sandbox; refusals (a stale step, a PG
that refuses the refund) shown in Korean with 환불 재시도; an exchange settled as 결제요청, cancelled and
asked again; the dialogs on a phone."""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.browser_support import SCREENSHOTS, Console, expect_code, no_page_scroll, sign_in, small_targets

#: 2 × 오버핏 티셔츠 at 10,000원 (+ 3,000원 shipping): 23,000원 paid by card
TWO_SHIRTS = [{"product_code": "TEE-01", "product_name": "오버핏 티셔츠", "quantity": 2, "unit_price": 10000}]
SETTINGS = {"payments": {"pg_provider": "toss"}, "claims": {"return_shipping_fee": 3000}}


def delivered_card_order(console: Console, site_id: str) -> str:
    console.call(site_id, "PATCH", "/admin/settings", SETTINGS)
    order_id = console.card_order(site_id, TWO_SHIRTS)
    for to in ("ready_to_ship", "shipping", "delivered"):
        console.move(site_id, order_id, ("L001", to))
    return order_id


def api_claim(console: Console, site_id: str, order_id: str, type_: str, reason: str, *steps: str) -> str:
    """A claim of 1 unit of L001 opened (and walked through `steps`) through the API; its id."""
    detail = console.call(site_id, "POST", f"/admin/orders/{order_id}/claims", {
        "type": type_, "items": [{"line_id": "L001", "quantity": 1}], "reason": reason,
        "collection": {"method": "courier"}}, expect=201)
    cid = str(detail["claims"][-1]["claim_id"])
    for to in steps:
        console.call(site_id, "POST", f"/admin/orders/{order_id}/claims/{cid}/steps", {"to": to})
    return cid


def open_detail(page: Page, console: Console, site_id: str, order_id: str) -> None:
    sign_in(page, console, site_id)
    page.get_by_role("link", name=order_id).click()  # from the list, as an operator does
    page.locator("#claims").wait_for()


def step(page: Page, claim_id: str, label: str, badge: str) -> None:
    card = page.locator(f"[data-claim-id='{claim_id}']")
    card.get_by_role("button", name=label, exact=True).click()
    expect(page.locator(f"[data-claim-id='{claim_id}'] .claim-head .badge").first).to_have_text(badge)


def pg_payment(console: Console, site_id: str, order_id: str) -> tuple[dict[str, Any], Any]:
    pay = console.order(site_id, order_id)["payments"][0]
    return pay, console.stack.pg.find("toss", pay["pg_payment_key"])


def test_partial_return_calculated_and_refunded_through_the_pg(page: Page, console: Console, site_id: str) -> None:
    order_id = delivered_card_order(console, site_id)
    open_detail(page, console, site_id, order_id)

    # 클레임 접수: 반품 of 1 of the 2 shirts, 단순변심 (the buyer's fault)
    page.locator("#claims").get_by_role("button", name="클레임 접수").click()
    dlg = page.get_by_role("dialog", name="클레임 접수")
    dlg.get_by_label("유형").select_option("return")
    dlg.get_by_label(re.compile("^L001 오버핏 티셔츠")).check()
    dlg.get_by_label("L001 수량").fill("1")
    dlg.get_by_label("사유", exact=True).select_option("intent_changed")
    expect(dlg).to_contain_text("귀책: 구매자 귀책")
    dlg.get_by_label("수거 송장번호").fill("123456789012")
    dlg.get_by_role("button", name="접수").click()
    expect(dlg).to_be_hidden()

    card = page.locator("[data-claim-id='C001']")
    expect(card).to_contain_text("반품")
    expect(card).to_contain_text("단순변심 · 구매자 귀책")
    expect(card).to_contain_text("오버핏 티셔츠 1개 · 반품접수")
    # at 접수 a return may go to 수거중, be rejected or withdrawn — not completed yet
    assert sorted(card.locator("[data-step]").evaluate_all("els => els.map(e => e.dataset.step)")) == [
        "collecting", "reject", "withdraw"]
    step(page, "C001", "수거중", "수거중")
    step(page, "C001", "수거완료", "수거완료")
    step(page, "C001", "완료", "완료")

    card.get_by_role("button", name="환불금액 계산").click()
    calc = page.get_by_role("dialog", name=re.compile("C001 환불금액 계산"))
    calc.get_by_role("button", name="계산").click()
    # by hand (refunds.calculate, basis 실결제가): the returned shirt's paid amount 10,000원, the return
    # fee of a buyer-fault return once one way 3,000원, shipping already sent not refunded →
    # 10,000 − 3,000 = 7,000원 to refund; every signed figure is the money's direction from the shop
    # (format.js): the refund goes out (−10,000원), the kept return fee stays in (+3,000원)
    table = calc.locator("table.calc")
    expect(table.locator("[data-figure='product']")).to_contain_text("−10,000원")
    expect_code(table.locator("[data-figure='product']"), "basis.paid", "rule")
    expect(table.locator("[data-figure='return_fee']")).to_contain_text("+3,000원")
    expect_code(table.locator("[data-figure='return_fee']"), "return_fee.buyer_fault", "rule")
    expect_code(table.locator("[data-figure='shipping_refunded']"), "shipping.shipped", "rule")
    expect(calc.get_by_test_id("calc-total")).to_have_text("−7,000원")
    expect(calc.locator(".calc-after")).to_have_text("정산 후 미결금액 −7,000원: 구매자에게 7,000원 환불")
    assert calc.get_by_role("button", name="결제요청").count() == 0  # the balance goes the other way
    expect(calc).not_to_contain_text("null")
    page.screenshot(path=str(SCREENSHOTS / "claims-calculation-desktop.png"))

    calc.get_by_role("button", name="환불처리").click()
    results = calc.locator(".refund-results")
    expect(results.locator("[data-result='refunded']")).to_contain_text("7,000원")
    expect(results).to_contain_text("환불완료")
    expect(calc.get_by_test_id("settled-outstanding")).to_have_text("0원")
    calc.get_by_role("button", name="닫기").last.click()
    expect(card).to_contain_text("정산완료")
    expect(page.get_by_test_id("outstanding")).to_have_text("0원")

    after = console.order(site_id, order_id)
    assert after["amounts"]["outstanding"] == 0 and after["amounts"]["refunded"] == 7000
    assert after["claims"][0]["settlement_id"] and after["claims"][0]["settled_total"] == 7000
    assert [(c["kind"], c["amount"]) for c in after["charges"]] == [("return_fee", 3000)]
    pay, sandbox = pg_payment(console, site_id, order_id)
    assert pay["refunded_amount"] == 7000 and pay["status"] == "partial_cancelled"
    assert [c["amount"] for c in sandbox.cancels] == [7000]  # the PG got one cancel, of 7,000원


def test_a_stale_step_and_a_refused_refund_show_their_korean_reasons(page: Page, console: Console,
                                                                     site_id: str) -> None:
    order_id = delivered_card_order(console, site_id)
    cid = api_claim(console, site_id, order_id, "return", "intent_changed")
    open_detail(page, console, site_id, order_id)
    # another admin moves the claim on meanwhile: this screen's 수거중 is refused by the claim's rules
    console.call(site_id, "POST", f"/admin/orders/{order_id}/claims/{cid}/steps", {"to": "collecting"})
    page.locator(f"[data-claim-id='{cid}']").get_by_role("button", name="수거중").click()
    problem = page.locator(f"[data-claim-id='{cid}'] .problem")
    expect(problem).to_contain_text("반품 클레임은 현재 수거중 단계라 수거중으로 변경할 수 없습니다.")
    expect_code(problem, "CLAIM_STEP_NOT_ALLOWED")

    for to in ("collected", "complete"):
        console.call(site_id, "POST", f"/admin/orders/{order_id}/claims/{cid}/steps", {"to": to})
    page.reload()
    page.locator(f"[data-claim-id='{cid}']").get_by_role("button", name="환불금액 계산").click()
    calc = page.get_by_role("dialog", name=re.compile("환불금액 계산"))
    calc.get_by_role("button", name="계산").click()
    expect(calc.get_by_test_id("calc-total")).to_have_text("−7,000원")
    r = httpx.post(f"{console.stack.pg.url}/_sandbox/refuse-next-cancel",
                   json={"code": "NOT_CANCELABLE_PAYMENT", "message": "취소할 수 없는 결제입니다."}, timeout=10)
    assert r.status_code == 200, r.text
    calc.get_by_role("button", name="환불처리").click()
    failed = calc.locator(".refund-results [data-result='refused']")
    expect(failed).to_contain_text("환불실패")
    expect(failed).to_contain_text("사유:")
    expect(failed).to_contain_text("취소할 수 없는 결제입니다")
    expect(calc.get_by_test_id("settled-outstanding")).to_have_text("−7,000원")
    calc.get_by_role("button", name="닫기").last.click()

    # settled, 7,000원 still owed to the buyer: the payments' 환불 재시도 pays it out
    section = page.locator("#claims")
    expect(section.get_by_test_id("claims-outstanding")).to_have_text("−7,000원")
    page.locator("#payments").get_by_role("button", name="환불 재시도").click()
    done = page.get_by_role("dialog", name="환불 재시도")
    done.get_by_role("button", name="환불").click()
    expect(done.get_by_role("status")).to_contain_text("환불 완료")
    expect(done.get_by_role("status")).to_contain_text("남음 0원")
    done.get_by_role("button", name="닫기").click()
    expect(page.get_by_test_id("outstanding")).to_have_text("0원")
    pay, sandbox = pg_payment(console, site_id, order_id)
    assert pay["refunded_amount"] == 7000 and [c["amount"] for c in sandbox.cancels] == [7000]


def test_an_exchange_settled_as_a_payment_request_cancelled_and_asked_again(page: Page, console: Console,
                                                                            site_id: str) -> None:
    order_id = delivered_card_order(console, site_id)
    cid = api_claim(console, site_id, order_id, "exchange", "color_and_size", "collecting", "collected", "complete")
    open_detail(page, console, site_id, order_id)
    page.locator(f"[data-claim-id='{cid}']").get_by_role("button", name="환불금액 계산").click()
    calc = page.get_by_role("dialog", name=re.compile("환불금액 계산"))
    calc.get_by_role("button", name="계산").click()
    # an exchange refunds nothing and a buyer-fault exchange pays the fee both ways: 2 × 3,000원
    expect(calc.locator("[data-figure='return_fee']")).to_contain_text("+6,000원")
    expect(calc.locator(".calc-after")).to_have_text("정산 후 미결금액 +6,000원: 구매자에게 6,000원 결제요청")
    calc.get_by_role("button", name="결제요청").click()
    expect(calc).to_contain_text("결제요청 6,000원 (결제대기)")
    calc.get_by_role("button", name="닫기").last.click()

    section = page.locator("#claims")
    req = section.locator(".payreq[data-status='open']")
    expect(req).to_contain_text("결제요청 6,000원")
    req.get_by_role("button", name="취소").click()
    page.get_by_role("dialog", name="결제요청 취소").get_by_role("button", name="요청 취소").click()
    expect(section.locator(".payreq[data-status='cancelled']")).to_contain_text("요청취소")
    section.get_by_role("button", name="결제요청 6,000원").click()
    expect(section.locator(".payreq[data-status='open']")).to_contain_text("결제요청 6,000원")
    reqs = console.order(site_id, order_id)["payment_requests"]
    assert sorted((r["status"], r["amount"]) for r in reqs) == [("cancelled", 6000), ("open", 6000)]


def test_an_exchange_to_another_size_through_the_form(page: Page, console: Console, site_id: str) -> None:
    console.call(site_id, "PATCH", "/admin/settings", SETTINGS)
    tee = {"product_code": "TEE-01", "product_name": "티셔츠", "quantity": 2, "unit_price": 39000,
           "options": [{"name": "사이즈", "value": "M"}]}
    order_id = console.card_order(site_id, [tee])
    for to in ("ready_to_ship", "shipping", "delivered"):
        console.move(site_id, order_id, ("L001", to))
    open_detail(page, console, site_id, order_id)

    page.locator("#claims").get_by_role("button", name="클레임 접수").click()
    dlg = page.get_by_role("dialog", name="클레임 접수")
    dlg.get_by_label("유형").select_option("exchange")
    dlg.get_by_label(re.compile("^L001 티셔츠")).check()
    dlg.get_by_label("사유", exact=True).select_option("intent_changed")
    expect(dlg.get_by_label("옵션명 1")).to_have_value("사이즈")
    dlg.get_by_label("교환할 옵션값 1").fill("L")
    dlg.get_by_label("옵션 추가금액 (원)").fill("3000")
    dlg.get_by_role("button", name="접수").click()
    expect(dlg).to_be_hidden()
    card = page.locator("[data-claim-id='C001']")
    expect(card).to_contain_text("사이즈: L · 옵션 추가금액 3,000원 · 재고 차감됨")

    for to in ("collecting", "collected", "complete"):
        console.call(site_id, "POST", f"/admin/orders/{order_id}/claims/C001/steps", {"to": to})
    page.reload()
    page.locator("[data-claim-id='C001']").get_by_role("button", name="환불금액 계산").click()
    calc = page.get_by_role("dialog", name=re.compile("환불금액 계산"))
    calc.get_by_role("button", name="계산").click()
    # (3,000 − 0) × 2 = 6,000원 difference + 3,000 × 2 ways exchange fee = 12,000원 to request
    expect(calc.locator("[data-figure='option_difference']")).to_contain_text("+6,000원")
    expect_code(calc.locator("[data-figure='option_difference']"), "exchange.option_difference", "rule")
    expect(calc.locator(".calc-after")).to_have_text("정산 후 미결금액 +12,000원: 구매자에게 12,000원 결제요청")


def test_claims_dialog_and_calculator_on_a_phone(phone: Page, console: Console, site_id: str) -> None:
    order_id = delivered_card_order(console, site_id)
    cid = api_claim(console, site_id, order_id, "return", "intent_changed", "collecting", "collected", "complete")
    open_detail(phone, console, site_id, order_id)
    phone.locator("#claims").scroll_into_view_if_needed()
    no_page_scroll(phone)
    assert small_targets(phone) == []

    phone.locator("#claims").get_by_role("button", name="클레임 접수").click()
    dlg = phone.get_by_role("dialog", name="클레임 접수")
    expect(dlg.get_by_label(re.compile("^L001 오버핏 티셔츠"))).to_be_visible()
    no_page_scroll(phone)
    assert small_targets(phone) == []
    dlg.get_by_role("button", name="닫기").click()

    phone.locator(f"[data-claim-id='{cid}']").get_by_role("button", name="환불금액 계산").click()
    calc = phone.get_by_role("dialog", name=re.compile("환불금액 계산"))
    calc.get_by_role("button", name="계산").click()
    expect(calc.get_by_test_id("calc-total")).to_have_text("−7,000원")
    phone.screenshot(path=str(SCREENSHOTS / "claims-calculation-phone.png"))
    no_page_scroll(phone)
    assert small_targets(phone) == []


def test_a_partial_cancel_before_shipping_completed_at_once(page: Page, console: Console, site_id: str) -> None:
    console.call(site_id, "PATCH", "/admin/settings", SETTINGS)
    order_id = console.card_order(site_id, TWO_SHIRTS)  # paid: 상품준비
    open_detail(page, console, site_id, order_id)
    page.locator("#claims").get_by_role("button", name="클레임 접수").click()
    dlg = page.get_by_role("dialog", name="클레임 접수")
    expect(dlg.get_by_label("유형")).to_be_visible()
    # before shipping only a cancel is offered (the line's next has cancel_requested only)
    assert dlg.get_by_label("유형").locator("option").evaluate_all("os => os.map(o => o.value)") == ["cancel"]
    dlg.get_by_label(re.compile("^L001 오버핏 티셔츠")).check()
    dlg.get_by_label("L001 수량").fill("1")
    dlg.get_by_label("사유", exact=True).select_option("sold_out")
    expect(dlg).to_contain_text("귀책: 판매자 귀책")
    expect(dlg.get_by_label("수거 방법")).to_be_hidden()
    dlg.get_by_label("취소완료까지 바로 처리").check()
    dlg.get_by_role("button", name="접수").click()
    card = page.locator("[data-claim-id='C001']")
    expect(card.locator(".badge").first).to_have_text("완료")
    expect(card).to_contain_text("품절 · 판매자 귀책")

    card.get_by_role("button", name="환불금액 계산").click()
    calc = page.get_by_role("dialog", name=re.compile("C001 환불금액 계산"))
    calc.get_by_label("조정 금액 (±원)").fill("-500")
    calc.get_by_label("조정 사유").fill("사은품 미반환")
    calc.get_by_role("button", name="계산").click()
    # by hand: the cancelled shirt 10,000원, one shirt still ships so the shipping fee stays, no fee for the
    # shop's fault, the admin's −500원 → 9,500원 to refund
    expect_code(calc.locator("[data-figure='shipping_refunded']"), "shipping.kept", "rule")
    expect(calc.locator("[data-figure='return_fee']")).to_contain_text("0원")
    expect(calc.locator("[data-figure='adjustment']")).to_contain_text("+500원")
    expect(calc.get_by_test_id("calc-total")).to_have_text("−9,500원")
    calc.get_by_label("조정 금액 (±원)").fill("0")  # a changed input voids the shown calculation
    expect(calc.get_by_role("button", name="환불처리")).to_have_count(0)
    calc.get_by_role("button", name="계산").click()
    expect(calc.get_by_test_id("calc-total")).to_have_text("−10,000원")
    calc.get_by_role("button", name="환불처리").click()
    expect(calc.get_by_test_id("settled-outstanding")).to_have_text("0원")
    after = console.order(site_id, order_id)
    assert after["amounts"]["refunded"] == 10000 and after["claims"][0]["settled_total"] == 10000
    assert sorted((li["status"], li["quantity"]) for li in after["lines"]) == [("cancelled", 1), ("preparing", 1)]


def test_hold_with_a_fee_and_release(page: Page, console: Console, site_id: str) -> None:
    order_id = delivered_card_order(console, site_id)
    cid = api_claim(console, site_id, order_id, "return", "intent_changed", "collecting", "collected")
    open_detail(page, console, site_id, order_id)
    card = page.locator(f"[data-claim-id='{cid}']")
    card.get_by_role("button", name="보류").click()
    dlg = page.get_by_role("dialog", name=re.compile("보류"))
    dlg.get_by_label("청구 금액 (원)").fill("3000")
    dlg.get_by_label("보류 사유").fill("반품비 미동봉")
    dlg.get_by_role("button", name="보류").click()
    expect(card.locator(".badge").first).to_have_text("보류")
    expect(card).to_contain_text("청구 3,000원 — 반품비 미동봉")
    # on hold: only 보류해제 or 거부 (완료 waits for the release)
    assert sorted(card.locator("[data-step]").evaluate_all("els => els.map(e => e.dataset.step)")) == [
        "reject", "release"]
    step(page, cid, "보류해제", "수거완료")
    claim = console.order(site_id, order_id)["claims"][0]
    assert claim["step"] == "collected" and claim["hold"] is None
    assert [h["step"] for h in claim["history"]][-2:] == ["on_hold", "collected"]

    card.get_by_role("button", name="거부").click()
    dlg = page.get_by_role("dialog", name=re.compile("거부"))
    dlg.get_by_label("거부 사유").fill("사용 흔적 확인")
    dlg.get_by_role("button", name="거부").click()
    expect(card.locator(".badge").first).to_have_text("거부")
    expect(card).to_contain_text("사용 흔적 확인")
    expect(card.locator("[data-step]")).to_have_count(0)  # a closed claim has no steps
    after = console.order(site_id, order_id)
    assert after["claims"][0]["step"] == "rejected"
    assert sorted((li["status"], li["quantity"]) for li in after["lines"]) == [("delivered", 1), ("delivered", 1)]


def test_a_virtual_account_order_cancelled_whole_is_refunded_to_the_account_typed_in(
        page: Page, console: Console, site_id: str) -> None:
    console.call(site_id, "PATCH", "/admin/settings", SETTINGS)
    pg = console.stack.pg
    auth = {"authorization": "Basic " + base64.b64encode(f"{pg.toss_secret_key}:".encode()).decode()}
    pg_order_id = f"va-{uuid.uuid4().hex[:10]}"
    va = httpx.post(f"{pg.url}/toss/v1/virtual-accounts", headers=auth, timeout=10, json={
        "amount": 23000, "orderId": pg_order_id, "orderName": "오버핏 티셔츠", "customerName": "홍길동"}).json()
    order_id = console.intake(site_id, TWO_SHIRTS, payment={
        "method": "virtual_account", "amount": 23000, "provider": "toss", "pg_payment_key": va["paymentKey"],
        "pg_order_id": pg_order_id, "deposit_secret": va["secret"],
        "virtual_account": {"bank": "신한은행", "account_no": va["virtualAccount"]["accountNumber"], "holder": "데모샵",
                            "due_at": va["virtualAccount"]["dueDate"]}})
    sent = httpx.post(f"{pg.url}/_sandbox/deposit", json={"provider": "toss", "order_id": pg_order_id}, timeout=10)
    assert sent.json()["sent"][0]["status"] == 200
    open_detail(page, console, site_id, order_id)

    page.locator("#claims").get_by_role("button", name="클레임 접수").click()
    dlg = page.get_by_role("dialog", name="클레임 접수")
    dlg.get_by_label(re.compile("^L001 오버핏 티셔츠")).check()  # both units (the quantity offered is the line's)
    dlg.get_by_label("사유", exact=True).select_option("sold_out")
    dlg.get_by_label("취소완료까지 바로 처리").check()
    dlg.get_by_role("button", name="접수").click()
    page.locator("[data-claim-id='C001']").get_by_role("button", name="환불금액 계산").click()
    calc = page.get_by_role("dialog", name=re.compile("C001 환불금액 계산"))
    calc.get_by_role("button", name="계산").click()
    # by hand: both shirts 20,000원 + the shipping fee 3,000원 (nothing is left to ship) = 23,000원, the whole payment
    expect(calc.locator("[data-figure='shipping_refunded']")).to_contain_text("−3,000원")
    expect(calc.get_by_test_id("calc-total")).to_have_text("−23,000원")
    calc.get_by_label("은행").fill("국민은행")
    calc.get_by_label("계좌번호").fill("123-456-789012")
    calc.get_by_label("예금주").fill("홍길동")
    calc.get_by_role("button", name="환불처리").click()
    expect(calc.locator(".refund-results [data-result='refunded']")).to_contain_text("23,000원")
    expect(calc.get_by_test_id("settled-outstanding")).to_have_text("0원")
    pay, sandbox = pg_payment(console, site_id, order_id)
    assert pay["method"] == "virtual_account" and pay["refunded_amount"] == 23000
    assert [c["amount"] for c in sandbox.cancels] == [23000]


def test_a_claim_walked_by_keyboard_alone(page: Page, console: Console, site_id: str) -> None:
    order_id = delivered_card_order(console, site_id)
    cid = api_claim(console, site_id, order_id, "return", "intent_changed")
    open_detail(page, console, site_id, order_id)
    page.locator(f"[data-claim-id='{cid}']").get_by_role("button", name="수거중").focus()
    focused = page.locator(":focus")
    # each step redraws the detail; the focus lands on the claim's next step
    for label in ("수거완료", "완료", "환불금액 계산"):
        page.keyboard.press("Enter")
        expect(focused).to_have_text(label)
    page.keyboard.press("Enter")
    calc = page.get_by_role("dialog", name=re.compile("환불금액 계산"))
    expect(calc.locator(":focus")).to_have_attribute("value", "paid")  # 실결제가, the first control
    page.keyboard.press("Escape")
    expect(calc).to_be_hidden()
    expect(focused).to_have_text("환불금액 계산")
    assert console.order(site_id, order_id)["claims"][0]["step"] == "completed"
