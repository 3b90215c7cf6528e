"""무통장입금 자동 입금확인 in the browser, on the local stack: the settings card turns the feed on
for an account; deposits added in the bank sandbox are read by the scheduled fan-out and its worker
(SQS) — the matching one confirms its order with no operator action, the other waits in 미확인 입금
with its reason and a suggested order, and is matched there in one click; the order's payment shows
the deposit."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import Page, expect

from oms_local.bank_sandbox import DEMO_ACCOUNT
from tests.browser_support import Console, sign_in


def transfer(amount: int) -> dict[str, object]:
    return {"method": "bank_transfer", "amount": amount, "virtual_account": {
        "bank": "우리은행", "account_no": "1002-123-456789", "holder": "데모샵",
        "due_at": (datetime.now(UTC) + timedelta(days=3)).isoformat()}}


def paid(console: Console, site_id: str, order_id: str) -> bool:
    return all(p["status"] == "paid" for p in console.order(site_id, order_id)["payments"])


def test_deposits_matched_automatically_and_by_one_click(page: Page, console: Console, site_id: str) -> None:
    sign_in(page, console, site_id)
    page.goto(f"{console.url}/#/settings")
    card = page.get_by_role("form", name="무통장입금 자동 입금확인 설정")
    card.get_by_label("입금 조회 서비스").select_option("bankda")
    card.get_by_label("입금 계좌").fill(f"{DEMO_ACCOUNT} 020 우리은행")
    card.get_by_role("button", name="저장").click()
    expect(card).to_contain_text("저장했습니다.")

    auto = console.intake(site_id, payment=transfer(33000))  # 3 x 10,000 + 3,000
    by_hand = console.intake(site_id, [{"product_code": "CAP-02", "product_name": "볼캡", "quantity": 2,
                                        "unit_price": 10000}], payment=transfer(23000))
    bank = console.stack.bank.url
    for name, amount in (("홍 길동", 33000), ("김엄마", 23000)):
        r = httpx.post(f"{bank}/_sandbox/deposit", json={"name": name, "amount": amount}, timeout=10)
        assert r.status_code == 200, r.text
    console.stack.gateway.invoke_function("DepositPollFunction", {
        "version": "0", "id": "bench", "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "000000000000", "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "ap-northeast-2", "resources": [], "detail": {}})
    deadline = time.monotonic() + 60
    while not paid(console, site_id, auto) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert paid(console, site_id, auto)  # no operator action
    assert not paid(console, site_id, by_hand)

    page.goto(f"{console.url}/#/orders")
    page.get_by_role("link", name="미확인 입금 1건").click()  # the list's count leads to the screen
    expect(page.locator("main")).to_contain_text("미확인 입금 1건")
    expect(page.locator(f"[data-account='{DEMO_ACCOUNT}']")).to_contain_text("bankda · 정상")
    row = page.locator(".deposit-row")
    expect(row).to_contain_text("김엄마")
    expect(row).to_contain_text("입금자명 불일치")
    row.get_by_role("button", name=f"{by_hand}에 연결").click()
    expect(page.locator("main")).to_contain_text("미확인 입금이 없습니다.")
    assert paid(console, site_id, by_hand)

    page.goto(f"{console.url}/#/orders/{by_hand}")
    expect(page.locator("[data-payment-id] .deposit")).to_contain_text("입금 김엄마 23,000원")
