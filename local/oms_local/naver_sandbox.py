"""A local Naver Commerce API sandbox: the ``pay-order/seller`` operations the channel adapter
(:mod:`oms.integrations.channels.naver`) calls, one seller's orders, buyers' and Naver's moves
from Python, the page or ``/_sandbox`` controls, and a gateway that limits and fails like the real one.

Provider API under ``/external/v1`` (shapes as the provider's documentation; date-times KST
``+09:00``; success bodies ``{timestamp, traceId, data}``; errors ``{code, message, timestamp,
traceId}``, see :mod:`oms_local.naver_sandbox_api` for the codes):

- ``POST /oauth2/token`` (form): checks ``client_secret_sign`` = base64 (standard or URL-safe) of
  ``bcrypt.hashpw(f"{client_id}_{timestamp}", client_secret)`` and the 5-minute ``timestamp``
  window; a missing field or stale timestamp → 400 ``BadRequest``, an unknown client or a wrong
  signature → 403 ``Forbidden``. A token lives ``token_ttl`` seconds (10,800); the same token is
  answered while 30 minutes (or half its life) remain. A missing, unknown or expired bearer token
  on another call → 401 ``GW.AUTHN``.
- ``GET /pay-order/seller/product-orders/last-changed-statuses``: rows ascending by change time then
  product order id, ``[lastChangedFrom, lastChangedTo]`` (default and maximum 24 hours: more →
  400 ``104139``), ``limitCount`` ≤ 300, ``more: {moreFrom, moreSequence}`` naming the first row
  left out (``moreSequence`` is its product order id, ``id.k`` for an id's k-th row at one instant).
- ``POST …/product-orders/query`` (≤ 300 ids), ``POST …/product-orders/dispatch`` (≤ 30),
  ``POST …/{productOrderId}/delay``, ``POST …/{productOrderId}/claim/{cancel/approve | return/approve |
  return/reject | return/holdback | return/holdback/release | exchange/collect/approve |
  exchange/reject | exchange/holdback | exchange/holdback/release}``.
- Gateway: a token bucket per (client, API): ``rate_per_second`` a second, burst twice that (0 = no
  limit); over it → 429 ``GW.RATE_LIMIT``; every limited answer carries
  ``GNCP-GW-RateLimit-Replenish-Rate``, ``-Burst-Capacity``, ``-Remaining``. Scripted outages → 503.

Change rows follow the documented ``lastChangedType`` values: PAY_WAITING, PAYED, DISPATCHED,
CLAIM_REQUESTED, COLLECT_DONE, CLAIM_COMPLETED, CLAIM_REJECTED, PURCHASE_DECIDED,
DELIVERY_ADDRESS_CHANGED. The documentation has no type for delivery completion or a dispatch
delay: those add no row unless ``undocumented_rows=True`` (then ``DELIVERED`` / ``DISPATCH_DELAYED``).

Page and controls (JSON, or a form from the page → 303 to ``/``):

- ``GET /``; ``GET /_sandbox/product-orders``, ``/_sandbox/changes``, ``/_sandbox/calls``,
  ``/_sandbox/dispatched``, ``/_sandbox/delays``;
- ``POST /_sandbox/orders`` ``{items?: [{product_id, name, option, option_code, quantity, unit_price,
  option_price, discount}], buyer?: {name, phone}, receiver?: {name, phone, zip_code, address1,
  address2}, delivery_fee?, status?: PAYED|PAYMENT_WAITING, payment_means?, memo?, at?}`` →
  ``{orderId, productOrderIds}``; ``POST /_sandbox/pay`` ``{orderId, at?}``;
- ``POST /_sandbox/{cancel-request | cancel-done | return-request | collect-done | return-done |
  exchange-request | withdraw | delivered | decide}`` ``{productOrderId, reason?, detail?, at?}``;
  ``POST /_sandbox/address`` ``{productOrderId, name?, phone?, zip_code?, address1?, address2?, memo?, at?}``;
- ``POST /_sandbox/outage`` ``{count}`` (-1: until ``{count: 0}``), ``/_sandbox/expire-tokens``,
  ``/_sandbox/refuse-tracking`` ``{trackingNumber}``, ``/_sandbox/rate`` ``{rate_per_second}``,
  ``/_sandbox/reset``.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from oms_local.background import BackgroundServer
from oms_local.naver_sandbox_api import ProviderApi, claim_of
from oms_local.naver_sandbox_model import (
    DEV_CLIENT_ID,
    DEV_CLIENT_SECRET,
    DISPATCH_DAYS,
    KST,
    Order,
    ProductOrder,
    parse_at,
)
from oms_local.sandbox_http import serve_until_interrupted

__all__ = ["DEV_CLIENT_ID", "DEV_CLIENT_SECRET", "NaverSandbox", "main"]

DEMO_ITEM: dict[str, Any] = {"product_id": "8123456789", "name": "오가닉 코튼 반팔 티셔츠",
                             "option": "색상: 화이트 / 사이즈: L", "option_code": "OPT-WH-L", "quantity": 1,
                             "unit_price": 19000, "option_price": 1000, "discount": 2000}
DEMO_BUYER = {"name": "김민지", "phone": "010-1234-5678"}
DEMO_RECEIVER = {"name": "김민지", "phone": "010-1234-5678", "zip_code": "04036",
                 "address1": "서울특별시 마포구 양화로 45", "address2": "101동 1001호"}


class NaverSandbox(ProviderApi, BackgroundServer):
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, token_ttl: float = 10800,
                 rate_per_second: float = 2.0, clients: dict[str, str] | None = None,
                 undocumented_rows: bool = False) -> None:
        self.host, self.port = host, port
        self.token_ttl, self.default_rate = float(token_ttl), float(rate_per_second)
        self.default_clients = dict(clients or {DEV_CLIENT_ID: DEV_CLIENT_SECRET})
        self.undocumented_rows = undocumented_rows
        self._lock = threading.RLock()
        self.reset()
        BackgroundServer.__init__(self)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        """What the functions use to reach this sandbox (sellers' credentials are not settings)."""
        return {"NAVER_COMMERCE_API_BASE": f"{self.url}/external"}

    def start(self) -> NaverSandbox:
        from oms_local.naver_sandbox_http import Handler

        handler = type("_BoundNaverHandler", (Handler,), {"sandbox": self})
        self.serve(handler, "naver-sandbox")
        return self

    def reset(self) -> None:
        with self._lock:
            self.clients = dict(self.default_clients)
            self.rate_per_second = self.default_rate
            self.orders = {}
            self.pos = {}
            self.rows = []
            self.tokens, self.current, self.buckets = {}, {}, {}
            self.refused = set()
            self.dispatched, self.delays = [], []
            self.calls: list[tuple[str, str]] = []
            self.outages = 0
            self._seq = 0

    # ------------------------------------------------------------------------------------ gateway controls
    def outage(self, count: int = 1) -> None:
        """The next ``count`` provider calls answer 503 (-1: every call until ``outage(0)``)."""
        with self._lock:
            self.outages = int(count)

    def take_outage(self) -> bool:
        with self._lock:
            if self.outages == 0:
                return False
            if self.outages > 0:
                self.outages -= 1
            return True

    def expire_tokens(self) -> None:
        """Every token issued so far expires now (calls with one answer 401 ``GW.AUTHN``)."""
        with self._lock:
            self.tokens = {t: (c, k, a, 0.0) for t, (c, k, a, _) in self.tokens.items()}
            self.current = {}

    def refuse_tracking(self, number: str) -> None:
        """Dispatch with this tracking number fails ``104122`` (비유효 송장)."""
        with self._lock:
            self.refused.add(str(number))

    def set_rate(self, rate_per_second: float) -> None:
        with self._lock:
            self.rate_per_second, self.buckets = float(rate_per_second), {}

    def add_client(self, client_id: str, client_secret: str) -> None:
        with self._lock:
            self.clients[client_id] = client_secret

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self.calls.append((method, path))

    # ------------------------------------------------------------------------------------ reading
    def product_order(self, product_order_id: str) -> dict[str, Any]:
        with self._lock:
            return self.pos[product_order_id].snapshot()

    def product_orders(self) -> list[dict[str, Any]]:
        with self._lock:
            return [po.snapshot() for po in self.pos.values()]

    def change_rows(self) -> list[dict[str, Any]]:
        """The change feed as the provider writes it, in the order the changes happened."""
        with self._lock:
            return [r.json() for r in self.rows]

    # ------------------------------------------------------------------------------------ orders
    def _id(self, kind: str, at: datetime) -> str:
        self._seq += 1
        return f"{at.astimezone(KST):%Y%m%d}{kind}{self._seq:07d}"

    def place(self, items: list[dict[str, Any]] | None = None, *, buyer: dict[str, str] | None = None,
              receiver: dict[str, str] | None = None, delivery_fee: int = 3000, status: str = "PAYED",
              payment_means: str = "", memo: str = "", at: str | None = None) -> tuple[str, list[str]]:
        """A buyer's order: one Naver order id and one product order per item (the delivery fee on the first)."""
        if status not in ("PAYED", "PAYMENT_WAITING"):
            raise ValueError("status must be PAYED or PAYMENT_WAITING")
        lines = [{**DEMO_ITEM, **i} for i in (items or [DEMO_ITEM])]
        for line in lines:
            if int(line["quantity"]) < 1 or int(line["unit_price"]) < 0 or int(line["discount"]) < 0:
                raise ValueError("quantity must be ≥ 1 and prices and discounts ≥ 0")
        b, r = {**DEMO_BUYER, **(buyer or {})}, {**DEMO_RECEIVER, **(receiver or {})}
        t = parse_at(at)
        paid = t if status == "PAYED" else None
        with self._lock:
            order = Order(self._id("1", t), str(b["name"]), str(b["phone"]), t, paid,
                          payment_means or ("신용카드" if paid else "무통장입금"))
            self.orders[order.order_id] = order
            ids = []
            for n, line in enumerate(lines):
                po = ProductOrder(
                    self._id("5", t), order.order_id, status, str(line["product_id"]), str(line["name"]),
                    str(line["option"]), str(line["option_code"]), int(line["quantity"]), int(line["unit_price"]),
                    int(line["option_price"]), int(line["discount"]), int(delivery_fee) if n == 0 else 0,
                    str(r["name"]), str(r["phone"]), str(r["zip_code"]), str(r["address1"]), str(r["address2"]),
                    memo, t + timedelta(days=DISPATCH_DAYS) if paid else None)
                self.pos[po.product_order_id] = po
                ids.append(po.product_order_id)
                self._row(po, "PAYED" if paid else "PAY_WAITING", t)
            return order.order_id, ids

    def pay(self, order_id: str, at: str | None = None) -> None:
        """The buyer pays an order waiting for its payment (무통장입금)."""
        t = parse_at(at)
        with self._lock:
            order = self.orders[order_id]
            waiting = [po for po in self.pos.values() if po.order_id == order_id and po.status == "PAYMENT_WAITING"]
            if not waiting:
                raise ValueError("nothing of this order waits for its payment")
            order.paid_at = t
            for po in waiting:
                po.status, po.due_at = "PAYED", t + timedelta(days=DISPATCH_DAYS)
                self._row(po, "PAYED", t)

    # ------------------------------------------------------------------------------------ buyer / Naver moves
    def _po(self, pid: str) -> ProductOrder:
        po = self.pos.get(str(pid))
        if po is None:
            raise ValueError(f"unknown product order {pid}")
        return po

    def _request(self, pid: str, kind: str, allowed: tuple[str, ...], reason: str, detail: str,
                 at: str | None) -> None:
        t = parse_at(at)
        with self._lock:
            po = self._po(pid)
            if po.status not in allowed or po.open_claim() is not None:
                raise ValueError(f"{kind} cannot be requested for {po.status} (open claim: {bool(po.open_claim())})")
            po.claim = claim_of(kind, po.product_order_id, reason, detail, t, po.status)
            self._row(po, "CLAIM_REQUESTED", t)

    def cancel_request(self, pid: str, reason: str = "INTENT_CHANGED", detail: str = "",
                       at: str | None = None) -> None:
        self._request(pid, "CANCEL", ("PAYED", "PAYMENT_WAITING"), reason, detail, at)

    def return_request(self, pid: str, reason: str = "INTENT_CHANGED", detail: str = "",
                       at: str | None = None) -> None:
        self._request(pid, "RETURN", ("DELIVERING", "DELIVERED"), reason, detail, at)

    def exchange_request(self, pid: str, reason: str = "COLOR_AND_SIZE", detail: str = "",
                         at: str | None = None) -> None:
        self._request(pid, "EXCHANGE", ("DELIVERING", "DELIVERED"), reason, detail, at)

    def cancel_done(self, pid: str, at: str | None = None) -> None:
        """The cancel completes (Naver, or the buyer before dispatch): requested or not, it is CANCELED."""
        t = parse_at(at)
        with self._lock:
            po = self._po(pid)
            c = po.open_claim()
            if c is None and po.status in ("PAYED", "PAYMENT_WAITING"):
                c = po.claim = claim_of("CANCEL", po.product_order_id, "INTENT_CHANGED", "", t, po.status)
            if c is None or c.type != "CANCEL":
                raise ValueError(f"no cancel to complete for {po.status}")
            po.status, c.status, c.completed_at = "CANCELED", "CANCEL_DONE", t
            self._row(po, "CLAIM_COMPLETED", t)

    def collect_done(self, pid: str, at: str | None = None) -> None:
        """The courier collected the returned / exchanged item."""
        t = parse_at(at)
        with self._lock:
            po = self._po(pid)
            c = po.open_claim()
            if c is None or c.type not in ("RETURN", "EXCHANGE") or c.status == "COLLECT_DONE":
                raise ValueError("no return or exchange waiting for its collection")
            c.status, c.collected_at = "COLLECT_DONE", t
            self._row(po, "COLLECT_DONE", t)

    def return_done(self, pid: str, at: str | None = None) -> None:
        t = parse_at(at)
        with self._lock:
            po = self._po(pid)
            c = po.open_claim()
            if c is None or c.type != "RETURN":
                raise ValueError("no open return")
            po.status, c.status, c.completed_at = "RETURNED", "RETURN_DONE", t
            self._row(po, "CLAIM_COMPLETED", t)

    def withdraw(self, pid: str, at: str | None = None) -> None:
        """The buyer withdraws an open claim (철회): the product order goes back to where it was."""
        t = parse_at(at)
        with self._lock:
            po = self._po(pid)
            c = po.open_claim()
            if c is None:
                raise ValueError("no open claim to withdraw")
            c.status, po.status = f"{c.type}_REJECT", c.prior_status
            self._row(po, "CLAIM_REJECTED", t)

    def delivered(self, pid: str, at: str | None = None) -> None:
        t = parse_at(at)
        with self._lock:
            po = self._po(pid)
            if po.status != "DELIVERING":
                raise ValueError(f"only a DELIVERING product order can be delivered ({po.status})")
            po.status, po.delivered_at = "DELIVERED", t
            if self.undocumented_rows:
                self._row(po, "DELIVERED", t)

    def decide(self, pid: str, at: str | None = None) -> None:
        """구매확정."""
        t = parse_at(at)
        with self._lock:
            po = self._po(pid)
            if po.status not in ("DELIVERING", "DELIVERED") or po.open_claim() is not None:
                raise ValueError(f"purchase cannot be decided for {po.status}")
            po.status, po.decided_at = "PURCHASE_DECIDED", t
            self._row(po, "PURCHASE_DECIDED", t)

    def change_address(self, pid: str, *, name: str | None = None, phone: str | None = None,
                       zip_code: str | None = None, address1: str | None = None, address2: str | None = None,
                       memo: str | None = None, at: str | None = None) -> list[str]:
        """The buyer changes the delivery address of an order not yet dispatched: every such product order of it."""
        t = parse_at(at)
        with self._lock:
            order_id = self._po(pid).order_id
            moved = [po for po in self.pos.values() if po.order_id == order_id
                     and po.status in ("PAYED", "PAYMENT_WAITING") and po.open_claim() is None]
            if not moved:
                raise ValueError("the address can change only before dispatch")
            for po in moved:
                po.receiver_name = name if name is not None else po.receiver_name
                po.receiver_phone = phone if phone is not None else po.receiver_phone
                po.zip_code = zip_code if zip_code is not None else po.zip_code
                po.address1 = address1 if address1 is not None else po.address1
                po.address2 = address2 if address2 is not None else po.address2
                po.memo = memo if memo is not None else po.memo
                self._row(po, "DELIVERY_ADDRESS_CHANGED", t, address_changed=True)
            return [po.product_order_id for po in moved]

    def page(self) -> str:
        from oms_local.naver_sandbox_page import render

        with self._lock:
            return render(list(self.orders.values()), list(self.pos.values()), len(self.rows))


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - manual use
    import argparse

    parser = argparse.ArgumentParser(prog="python -m oms_local.naver_sandbox")
    parser.add_argument("--port", type=int, default=3700)
    parser.add_argument("--rate", type=float, default=2.0, help="requests a second per client and API (0: no limit)")
    args = parser.parse_args(argv)
    sb = NaverSandbox(port=args.port, rate_per_second=args.rate).start()
    print(f"Naver Commerce sandbox on {sb.url} (API base {sb.env()['NAVER_COMMERCE_API_BASE']}, "
          f"client {DEV_CLIENT_ID} / {DEV_CLIENT_SECRET})")
    return serve_until_interrupted(sb.stop)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
