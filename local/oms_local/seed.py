"""Demo data for the local stack: one shop with orders in every status, kind and channel.

Idempotent: every demo order has a fixed checkout id, so a second run finds the orders already
taken in and changes nothing.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Any

from oms.domain.clock import utcnow
from oms.domain.errors import DomainError
from oms.domain.order import Actor
from oms.domain.statuses import Status
from oms.schemas.orders import IntakeOrderIn, MoveIn
from oms.services import intake
from oms.services import orders as svc
from oms.store import orders as store
from oms.store import points, stock
from oms.store import search as search_store

ADMIN = Actor("admin", "seed", "데모 관리자")

PRODUCTS: list[dict[str, Any]] = [
    {"product_code": "TEE-01", "product_name": "오버핏 티셔츠", "unit_price": 19900,
     "options": [{"name": "색상", "value": "블랙"}, {"name": "사이즈", "value": "L", "price": 1000}],
     "combination": True},
    {"product_code": "CAP-02", "product_name": "볼캡", "unit_price": 15000},
    {"product_code": "MUG-03", "product_name": "머그컵 세트", "unit_price": 12000,
     "options": [{"name": "각인", "value": "있음", "price": 3000}]},
    {"product_code": "EBOOK-01", "product_name": "스타일링 가이드 전자책", "unit_price": 9900, "kind": "digital"},
    {"product_code": "VIP-30", "product_name": "VIP 회원 30일 이용권", "unit_price": 30000,
     "kind": "membership_pass", "membership_days": 30},
]

#: Where each demo order ends up: the main flow step by step, then claims.
PATHS: dict[str, list[Status]] = {
    "payment_pending": [],
    "preparing": [],
    "ready_to_ship": [Status.READY_TO_SHIP],
    "shipping": [Status.READY_TO_SHIP, Status.SHIPPING],
    "delivered": [Status.READY_TO_SHIP, Status.SHIPPING, Status.DELIVERED],
    "confirmed": [Status.READY_TO_SHIP, Status.SHIPPING, Status.DELIVERED, Status.CONFIRMED],
    "cancel_requested": [Status.CANCEL_REQUESTED],
    "cancelled": [Status.CANCEL_REQUESTED, Status.CANCELLED],
    "return_requested": [Status.READY_TO_SHIP, Status.SHIPPING, Status.DELIVERED, Status.RETURN_REQUESTED],
    "returned": [Status.READY_TO_SHIP, Status.SHIPPING, Status.DELIVERED, Status.RETURN_REQUESTED,
                 Status.RETURN_COLLECTING, Status.RETURNED],
    "exchange_requested": [Status.READY_TO_SHIP, Status.SHIPPING, Status.DELIVERED, Status.EXCHANGE_REQUESTED],
}

BUYERS = [
    ("김민지", "010-1234-5678", "m-100"),
    ("이서준", "010-2345-6789", "m-101"),
    ("박지우", "010-3456-7890", None),
    ("최예린", "010-4567-8901", "m-102"),
    ("정하늘", "010-5678-9012", None),
]


def _payload(site_id: str, n: int) -> tuple[dict[str, Any], str]:
    target = list(PATHS)[n % len(PATHS)]
    channel = ["store", "store", "naverpay_order", "kakao_checkout"][n % 4]
    name, phone, member = BUYERS[n % len(BUYERS)]
    if n % 8 == 5:
        products = [PRODUCTS[3]]  # digital only
    elif n % 8 == 7:
        products = [PRODUCTS[4]]  # membership pass only
    else:
        products = [PRODUCTS[n % 3], PRODUCTS[(n + 1) % 3]]
    lines = [{**p, "quantity": 1 + (n + i) % 3} for i, p in enumerate(products)]
    gross = sum((li["unit_price"] + sum(o.get("price", 0) for o in li.get("options", []))) * li["quantity"]
                for li in lines)
    coupon = 1000 if n % 3 == 0 else 0
    points = 500 if n % 4 == 1 and member else 0
    physical = any(li.get("kind", "physical") == "physical" for li in lines)
    fee = 3000 if physical and gross < 50000 else 0
    pending = target == "payment_pending"
    method = ["card", "easy_pay", "card", "mobile"][n % 4] if not pending else "virtual_account"
    payment: dict[str, Any] = {"method": method, "amount": gross - coupon - points + fee, "provider": "toss"}
    if pending:
        payment["virtual_account"] = {"bank": "신한은행", "account_no": f"5620{n:08d}", "holder": "데모샵",
                                      "due_at": (utcnow() + timedelta(days=3)).isoformat()}
    body = {
        "site_id": site_id,
        "checkout_id": f"demo-{n:03d}",
        "channel": channel,
        "scope": "overseas" if n % 10 == 9 else "domestic",
        "buyer": {"name": name, "phone": phone, "member_id": member},
        "recipient": {"name": name, "phone": phone, "postal_code": f"0{4500 + n}",
                      "address1": "서울특별시 중구 세종대로 110", "address2": f"{n}층"},
        "lines": lines,
        "coupon_discount": coupon,
        "points_used": points,
        "shipping_fee": fee,
        "payment": payment,
    }
    return body, target


def _walk(site_id: str, order_id: str, target: str, n: int) -> None:
    order = store.load(site_id, order_id)
    shippable = [line for line in order.lines if line.kind.shipped]
    if not shippable:
        if target in ("cancel_requested", "cancelled"):
            svc.reopen_order(site_id, order_id, ADMIN)
            for step in PATHS[target]:
                svc.change_status(site_id, order_id, [MoveIn(line_id=line.line_id, to=step) for line in order.lines],
                                  ADMIN)
        return
    first = shippable[0]
    moves_lines = [first.line_id]
    # store orders split a line on the way (partial shipping) where the quantity allows
    if order.channel.value == "store" and first.quantity > 1 and PATHS[target][:1] == [Status.READY_TO_SHIP]:
        svc.change_status(site_id, order_id, [MoveIn(line_id=first.line_id, to=Status.READY_TO_SHIP, quantity=1)],
                          ADMIN)
        order = store.load(site_id, order_id)
        moves_lines = [order.lines[-1].line_id]
        steps = PATHS[target][1:]
    else:
        steps = PATHS[target]
    for step in steps:
        svc.change_status(site_id, order_id, [MoveIn(line_id=lid, to=step) for lid in moves_lines], ADMIN)
    if n % 6 == 0:
        svc.memo(site_id, order_id, "고객 요청: 부재 시 경비실에 맡겨 주세요.", ADMIN)


def _fund(site_id: str, member_id: str, amount: int = 50_000) -> None:
    """The demo members hold points (once: the entry's key is fixed, a second run finds it)."""
    at = "2024-01-01T00:00:00.000000Z"
    entry = points.entry_item(site_id, member_id, at=at, ref="seed", kind="manual", amount=amount,
                              reason="데모 적립금", by="seed")
    try:
        points.commit_entries(site_id, member_id, [entry], at)
    except DomainError as exc:
        if exc.code != "POINTS_ENTRY_EXISTS":
            raise


def seed_demo(site_id: str = "demo-shop", count: int = 33) -> int:
    """Create the demo orders that do not exist yet; returns how many were created."""
    for sku, qty in (("TEE-01|색상=블랙|사이즈=L", 500), ("TEE-01|색상=화이트|사이즈=M", 300), ("CAP-02", 300),
                     ("MUG-03|각인=있음", 200)):
        if sku not in stock.tracked(site_id, [sku]):
            stock.set_quantity(site_id, sku, qty, "seed")
    for _, _, member in BUYERS:
        if member:
            _fund(site_id, member)
    created = 0
    for n in range(count):
        body, target = _payload(site_id, n)
        order_id, new = intake.create_order(IntakeOrderIn.model_validate(body))
        if new:
            created += 1
            _walk(site_id, order_id, target, n)
    if not created:  # demo orders kept from before the 통합검색 tokens existed get theirs
        search_store.reindex_site(site_id)
    return created


if __name__ == "__main__":
    site = sys.argv[1] if len(sys.argv) > 1 else "demo-shop"
    print(f"seeded {seed_demo(site)} new orders for {site}")
