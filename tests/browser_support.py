"""What the console's browser tests share: the stack under the browser with the API calls a test makes
to set the scene, the dev sign-in, and the phone checks (no sideways page scroll, 40 px targets)."""

from __future__ import annotations

import os
import re
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, expect

from oms_local import LOCAL_DIR, tokens
from oms_local.stack import Stack

PHONE = {"width": 390, "height": 844}
#: where every test's last screen is saved, for a person to look at (git-ignored)
SCREENSHOTS = LOCAL_DIR / "screenshots"
#: 3 × 오버핏 티셔츠 at 10,000원: the line most flows start from
SHIRTS = {"product_code": "TEE-01", "product_name": "오버핏 티셔츠", "quantity": 3, "unit_price": 10000}


class Console:
    """The stack under the browser, and the API calls a test makes to set the scene."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.url = stack.gateway.url
        self.s3_endpoint = stack.s3_endpoint  # the stack's own S3 and SQS emulator
        self.table = stack.table  # and its own table (its stream feeds the stack's relay only)
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def admin(self, site_id: str) -> dict[str, str]:
        return {"authorization": f"Bearer {tokens.mint_admin_token(site_id)}"}

    def call(self, site_id: str, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        r = self.http.request(method, path, json=body, headers=self.admin(site_id))
        assert r.status_code == expect, r.text
        return r.json()

    def intake(self, site_id: str, lines: list[dict[str, Any]] | None = None, *, shipping_fee: int = 3000,
               payment: dict[str, Any] | None = None, **over: Any) -> str:
        """Take an order in as the checkout service does; answers its order number."""
        lines = lines or [SHIRTS]
        amount = sum(li["quantity"] * li["unit_price"] for li in lines) + shipping_fee
        body = {"site_id": site_id, "checkout_id": f"co-{os.urandom(6).hex()}",
                "buyer": {"name": "홍길동", "phone": "010-9999-0000"},
                "recipient": {"name": "홍길동", "phone": "010-9999-0000", "postal_code": "06236",
                              "address1": "서울 강남구 테헤란로 1"},
                "lines": lines, "shipping_fee": shipping_fee,
                "payment": payment or {"method": "card", "amount": amount, "provider": "toss"}, **over}
        r = self.http.post("/intake/orders", json=body, headers={"authorization": f"Bearer {tokens.service_token()}"})
        assert r.status_code == 201, r.text
        return str(r.json()["order_id"])

    def card_order(self, site_id: str, lines: list[dict[str, Any]], *, shipping_fee: int = 3000) -> str:
        """An order the buyer paid by card at the PG sandbox (so refunds go back through the PG)."""
        amount = sum(li["quantity"] * li["unit_price"] for li in lines) + shipping_fee
        pg_order = f"pg-{os.urandom(6).hex()}"
        r = httpx.post(f"{self.stack.pg.url}/_sandbox/payments",
                       json={"provider": "toss", "order_id": pg_order, "amount": amount}, timeout=30)
        assert r.status_code in (200, 201), r.text
        payment = {"method": "card", "amount": amount, "provider": "toss",
                   "pg_payment_key": r.json()["paymentKey"], "pg_order_id": pg_order}
        return self.intake(site_id, lines, shipping_fee=shipping_fee, payment=payment)

    def move(self, site_id: str, order_id: str, *moves: tuple[str, str]) -> dict[str, Any]:
        body = {"moves": [{"line_id": line, "to": to} for line, to in moves]}
        return dict(self.call(site_id, "POST", f"/admin/orders/{order_id}/status", body))

    def order(self, site_id: str, order_id: str) -> dict[str, Any]:
        return dict(self.call(site_id, "GET", f"/admin/orders/{order_id}"))


def sign_in(page: Page, console: Console, site_id: str, *, then: str | None = "#/orders") -> None:
    """The dev sign-in: pick the site, mint a local token, land on the home screen, then (unless
    ``then`` is None) open ``then`` — by default the order list most tests start from."""
    page.goto(console.url + "/")
    page.get_by_label("사이트 ID").fill(site_id)
    page.get_by_role("button", name="개발용 로그인").click()
    page.wait_for_url(re.compile(r"#/home$"))
    page.locator("html[data-ready='1']").wait_for()
    if then:
        page.goto(f"{console.url}/{then}")
        page.wait_for_url(re.compile(re.escape(then)))


def no_page_scroll(page: Page) -> None:
    """The page itself never scrolls sideways (tables scroll in their own box)."""
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"scrollWidth {width[0]} > innerWidth {width[1]} at {page.url}"


def small_targets(page: Page) -> list[str]:
    """Visible buttons, links and form controls smaller than 40 × 40 px (their text), on this screen."""
    return list(page.evaluate("""() => Array.from(document.querySelectorAll(
        'button, a[href], input:not([type=checkbox]):not([type=radio]):not([type=hidden]), select, summary'))
      .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.right > 0
        && getComputedStyle(el).visibility !== 'hidden' && !el.closest('.inline-link'); })
      .filter((el) => { const r = el.getBoundingClientRect(); return r.height < 40 || r.width < 40; })
      .map((el) => `${el.tagName} ${(el.textContent || el.getAttribute('aria-label') || el.name || '')
        .trim().slice(0, 30)}`)
    """))


def unlabelled_controls(page: Page) -> list[str]:
    """Visible form controls without an accessible name (no <label>, aria-label or aria-labelledby)."""
    return list(page.evaluate("""() => Array.from(document.querySelectorAll(
        'input:not([type=hidden]), select, textarea'))
      .filter((el) => el.getBoundingClientRect().width > 0 || el.closest('label'))
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
        && !el.getAttribute('aria-labelledby') && !el.closest('label'))
      .map((el) => `${el.tagName} ${el.name || el.id || el.type}`)"""))


def expect_code(loc: Locator, code: str, attr: str = "code") -> None:
    """A refusal's stable code (or a refund rule: ``attr="rule"``) is on the element or inside it, as a
    data attribute for support, and never in the text an operator reads."""
    expect(loc.locator(f"xpath=descendant-or-self::*[@data-{attr}='{code}']").first).to_be_attached()
    expect(loc).not_to_contain_text(code)
