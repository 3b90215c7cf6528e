"""Set-up of the claim tests: card orders paid through the PG sandbox, admin and buyer calls."""

from __future__ import annotations

import uuid
from typing import Any

from oms.schemas.orders import IntakeOrderIn
from oms.schemas.settings import ClaimSettings, PaymentSettings, SiteSettingsPatch
from oms.services import intake
from oms.store import settings
from oms_local.pg_sandbox import PgSandbox, SandboxPayment
from tests.support import call, http_event

SHIRT = {"product_code": "SHIRT", "product_name": "셔츠", "quantity": 2, "unit_price": 10000}
PANTS = {"product_code": "PANTS", "product_name": "바지", "quantity": 1, "unit_price": 30000}
COAT = {"product_code": "COAT", "product_name": "코트", "quantity": 1, "unit_price": 35000}
MEMBER = {"name": "김민지", "phone": "010-1234-5678", "member_id": "m-100"}
GUEST = {"name": "박지우", "phone": "010-3456-7890", "member_id": None}


def use_pg(site_id: str, **claims: Any) -> None:
    settings.update(site_id, SiteSettingsPatch(payments=PaymentSettings(pg_provider="toss"),
                                               claims=ClaimSettings(**claims)), "test")


def card_order(sandbox: PgSandbox, site_id: str, *, buyer: dict[str, Any] | None = None,
               lines: list[dict[str, Any]] | None = None, shipping_fee: int = 3000, points_used: int = 0,
               postal_code: str = "04524") -> tuple[str, SandboxPayment]:
    """셔츠 2 × 10,000 + 바지 30,000 + shipping 3,000 = 53,000원 paid by card at the sandbox."""
    lines = lines or [SHIRT, PANTS]
    amount = sum(li["unit_price"] * li["quantity"] for li in lines) + shipping_fee - points_used
    pg_order_id = f"{site_id}-{uuid.uuid4().hex[:12]}"
    pg = sandbox.create_paid("toss", pg_order_id, amount)
    body = {
        "site_id": site_id, "checkout_id": uuid.uuid4().hex, "buyer": buyer or MEMBER,
        "recipient": {"name": "김민지", "phone": "010-1234-5678", "postal_code": postal_code,
                      "address1": "서울특별시 중구 세종대로 110"},
        "lines": lines, "shipping_fee": shipping_fee, "points_used": points_used,
        "payment": {"method": "card", "amount": amount, "provider": "toss", "pg_payment_key": pg.key,
                    "pg_order_id": pg_order_id},
    }
    order_id, _ = intake.create_order(IntakeOrderIn.model_validate(body))
    return order_id, pg


def admin(method: str, path: str, site_id: str, body: Any = None) -> tuple[int, Any]:
    from admin_api.app import lambda_handler

    status, answer, _ = call(lambda_handler, http_event(method, path, body, site_id=site_id))
    return status, answer


def ok(method: str, path: str, site_id: str, body: Any = None, expect: int = 200) -> Any:
    status, answer = admin(method, path, site_id, body)
    assert status == expect, answer
    return answer


def buyer_call(method: str, path: str, claims: dict[str, Any], body: Any = None) -> tuple[int, Any]:
    from buyer_api.app import lambda_handler

    status, answer, _ = call(lambda_handler, http_event(method, path, body, claims=claims))
    return status, answer


def member_claims(site_id: str, member_id: str = "m-100") -> dict[str, Any]:
    return {"sub": member_id, "site_id": site_id, "role": "buyer", "member_id": member_id}


def guest_claims(site_id: str, order_id: str) -> dict[str, Any]:
    return {"sub": f"guest:{order_id}", "site_id": site_id, "role": "buyer", "order_id": order_id}


def walk(site_id: str, order_id: str, line_ids: list[str], *statuses: str) -> Any:
    detail = None
    for to in statuses:
        detail = ok("POST", f"/admin/orders/{order_id}/status", site_id,
                    {"moves": [{"line_id": lid, "to": to} for lid in line_ids]})
    return detail


def deliver(site_id: str, order_id: str, line_ids: list[str] | None = None) -> Any:
    return walk(site_id, order_id, line_ids or ["L001", "L002"], "ready_to_ship", "shipping", "delivered")


def lines(detail: dict[str, Any]) -> dict[str, tuple[str, int]]:
    return {li["line_id"]: (li["status"], li["quantity"]) for li in detail["lines"]}


def return_claim(site_id: str, order_id: str, items: list[tuple[str, int]], reason: str = "intent_changed",
                 *, type: str = "return", complete: bool = True) -> tuple[str, Any]:
    """An admin opens a claim and takes it to completed (collecting → collected → complete)."""
    detail = ok("POST", f"/admin/orders/{order_id}/claims", site_id,
                {"type": type, "items": [{"line_id": lid, "quantity": q} for lid, q in items], "reason": reason,
                 "collection": {"method": "courier", "courier": "CJGLS", "tracking_no": "555000111"}
                 if type != "cancel" else None,
                 "fee_payment": "deduct" if type != "cancel" else None}, expect=201)
    cid = detail["claims"][-1]["claim_id"]
    if complete:
        steps = ["complete"] if type == "cancel" else ["collecting", "collected", "complete"]
        for to in steps:
            detail = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/steps", site_id, {"to": to})
    return cid, detail
