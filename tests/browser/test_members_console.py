"""회원: a member's points ledger with a manual deduction (and a refused overdraft in Korean), and the
membership pass removed from the group — reached from the order the member bought."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser_support import Console, no_page_scroll, sign_in, small_targets

PASS = {"product_code": "VIP-30", "product_name": "VIP 회원 30일 이용권", "quantity": 1, "unit_price": 30000,
        "kind": "membership_pass", "membership_days": 30}
MEMBER = {"name": "김민지", "phone": "010-1234-5678", "member_id": "m-300"}


def test_points_deducted_by_hand_an_overdraft_refused_and_the_member_removed_from_the_group(
        page: Page, console: Console, site_id: str) -> None:
    # paid: a pass is confirmed at payment, so 30 days are granted and 1% of 30,000 = 300 points accrue
    order_id = console.intake(site_id, [PASS], shipping_fee=0, buyer=MEMBER)
    console.call(site_id, "POST", "/admin/members/m-300/points", {"amount": 5000, "reason": "이벤트 지급"},
                 expect=201)
    sign_in(page, console, site_id)
    page.goto(f"{console.url}/#/orders/{order_id}")
    page.get_by_role("link", name=re.compile("m-300")).click()
    page.wait_for_url(re.compile(r"#/members/m-300$"))

    points = page.locator("#member-points")
    expect(points.get_by_test_id("points-balance")).to_have_text("5,300원")  # 300 + 5,000
    form = page.get_by_role("form", name="적립금 수동 지급·차감")
    form.get_by_label(re.compile("금액")).fill("-1000")
    form.get_by_label("사유").fill("이용권 취소분 차감")
    form.get_by_role("button", name="적립금 반영").click()
    expect(points.get_by_test_id("points-balance")).to_have_text("4,300원")  # 5,300 − 1,000
    expect(points.locator("tbody tr").first).to_contain_text("이용권 취소분 차감")
    expect(points.locator("tbody tr").first).to_contain_text("−1,000원")  # U+2212

    form = page.get_by_role("form", name="적립금 수동 지급·차감")
    form.get_by_label(re.compile("금액")).fill("-99999999")
    form.get_by_label("사유").fill("잘못된 차감")
    form.get_by_role("button", name="적립금 반영").click()
    refusal = points.get_by_role("alert")
    expect(refusal).to_be_visible()
    ledger = console.call(site_id, "GET", "/admin/members/m-300/points")
    assert ledger["balance"] == 4300 and [e["amount"] for e in ledger["entries"][:2]] == [-1000, 5000]
    problem_text = refusal.inner_text()
    assert re.search(r"[가-힣]", problem_text) and not re.search(r"[A-Z]{3,}", problem_text)  # Korean, no code
    assert (refusal.get_attribute("data-code") or "").startswith("POINTS")

    membership = page.locator("#member-membership")
    expect(membership.get_by_test_id("membership-days")).to_have_text("30일")
    expect(membership).to_contain_text("그룹 회원")
    group = page.get_by_role("form", name="회원그룹에서 제외")
    group.get_by_label("제외 사유").fill("이용권 취소")
    group.get_by_role("button", name="회원그룹에서 제외").click()
    expect(membership).to_contain_text("그룹 아님")
    expect(membership).to_contain_text("그룹 제외")
    assert console.call(site_id, "GET", "/admin/members/m-300/membership")["in_group"] is False


def test_the_members_screen_fits_a_phone(phone: Page, console: Console, site_id: str) -> None:
    console.call(site_id, "POST", "/admin/members/m-301/points", {"amount": 1200, "reason": "가입 축하"},
                 expect=201)
    sign_in(phone, console, site_id)
    phone.goto(f"{console.url}/#/members")
    phone.get_by_label("회원 ID").fill("m-301")
    phone.get_by_role("button", name="조회").click()
    expect(phone.get_by_test_id("points-balance")).to_have_text("1,200원")
    no_page_scroll(phone)
    assert small_targets(phone) == []
