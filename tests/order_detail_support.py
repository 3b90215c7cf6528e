"""What the order detail's browser tests share: a virtual-account payment for the intake, opening an
order from the list, and waits as long as the pages' action timeout."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser_support import Console, sign_in

VA_PAYMENT = {"method": "virtual_account", "amount": 33000, "provider": "toss",
              "virtual_account": {"bank": "신한은행", "account_no": "56201234567", "holder": "데모샵",
                                  "due_at": "2030-01-01T00:00:00Z"}}


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """Waits (not timings) as long as the pages' action timeout: a shared CI machine may be slow."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


def open_order(page: Page, console: Console, site_id: str, order_id: str) -> None:
    """Sign in, then open the order from the list (a user's path; the list is loaded before we leave it)."""
    sign_in(page, console, site_id)
    page.get_by_role("link", name=order_id).click()
    expect(page.get_by_role("heading", name=f"주문 {order_id}")).to_be_visible()
