"""The sales-channel port: what order sync needs from an external channel (Naver SmartStore /
Naver Pay 주문형) whose orders an operator works in our list.

A channel keeps its own product orders (one per ordered product and option: the unit a channel
ships, claims and confirms as a whole) grouped under its order id. The sync reads what changed
from a cursor (:meth:`ChannelApi.changes`, oldest first, paged), reads the product orders in full
(:meth:`ChannelApi.details`) and pushes our decisions back: dispatch with a tracking number
(:meth:`ChannelApi.dispatch`, per-id results), a dispatch delay with the channel's reason code
(:meth:`ChannelApi.delay`), and claim decisions (:meth:`ChannelApi.claim`).

Times crossing the port are UTC ISO strings (``oms.domain.clock.iso``); an adapter converts to
and from the channel's own zone. Money is int KRW.

Failures:

- :class:`RateLimited`: the channel's rate limit (Naver: 429 ``GW.RATE_LIMIT``); retry after
  ``retry_after`` seconds;
- :class:`ChannelDown`: transport failure, 5xx, an unreadable answer; retried with back-off;
- :class:`ChannelRefused`: the channel refused the whole request with its own code and words
  (credentials, a request it finds invalid): not retried as is. A refusal of one id inside a
  batch is not an exception: it is that id's :class:`ItemResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol


class ChannelDown(Exception):
    """The channel could not be reached or failed: try again later."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimited(Exception):
    """Called too fast: the channel allows the next call after ``retry_after`` seconds."""

    def __init__(self, retry_after: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {retry_after}s")
        self.retry_after, self.reason = retry_after, reason


class ChannelRefused(Exception):
    """The channel's own refusal of the request (its code and its words)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


@dataclass(frozen=True)
class Credentials:
    """A seller's API application: ``client_id`` and ``client_secret`` (Naver: a bcrypt salt);
    ``account_id`` set = a solution acting for that seller (token type SELLER), else SELF."""

    client_id: str
    client_secret: str
    account_id: str | None = None


@dataclass(frozen=True)
class Changed:
    """One row of the change feed: a product order changed."""

    product_order_id: str
    order_id: str
    changed_type: str  # PAYED, DISPATCHED, CLAIM_REQUESTED, CLAIM_COMPLETED, PURCHASE_DECIDED, …
    changed_at: str  # UTC ISO
    status: str  # PAYED, DELIVERING, DELIVERED, PURCHASE_DECIDED, CANCELED, RETURNED, EXCHANGED, …
    claim_type: str | None = None  # CANCEL, RETURN, EXCHANGE, ADMIN_CANCEL, …
    claim_status: str | None = None  # CANCEL_REQUEST, CANCEL_DONE, RETURN_REQUEST, COLLECT_DONE, …


@dataclass
class ChangePage:
    changes: list[Changed] = field(default_factory=list)
    #: set when the window holds more rows: read again from ``more_from`` with ``more_sequence``
    more_from: str | None = None
    more_sequence: str | None = None


@dataclass(frozen=True)
class ChannelClaim:
    type: str  # CANCEL, RETURN, EXCHANGE, ADMIN_CANCEL
    status: str  # CANCEL_REQUEST, CANCEL_DONE, RETURN_REQUEST, COLLECTING, COLLECT_DONE, RETURN_DONE, …
    reason: str = ""  # the channel's reason code (e.g. INTENT_CHANGED)
    detail: str = ""  # the buyer's words
    requested_at: str | None = None  # UTC ISO
    holdback: bool = False  # the seller holds it (보류), e.g. pending a return fee


@dataclass(frozen=True)
class ProductOrder:
    """One product order in full (``details``)."""

    product_order_id: str
    order_id: str
    status: str
    ordered_at: str  # UTC ISO
    paid_at: str | None
    product_id: str
    product_name: str
    option_text: str
    option_code: str
    quantity: int
    unit_price: int
    option_price: int
    product_discount: int  # the seller's discount on this product order (KRW)
    total_payment: int  # what the buyer paid for this product order
    delivery_fee: int  # the order's delivery fee charged on this product order (0 for the others)
    buyer_name: str
    buyer_phone: str
    receiver_name: str
    receiver_phone: str
    zip_code: str
    address1: str
    address2: str
    delivery_memo: str = ""
    payment_means: str = ""  # 신용카드, 계좌이체, 네이버페이 포인트, …
    courier_code: str | None = None  # dispatched: the channel's courier code (CJGLS, HANJIN, …)
    tracking_no: str | None = None
    dispatched_at: str | None = None
    delivered_at: str | None = None
    decided_at: str | None = None  # purchase decided
    dispatch_due_at: str | None = None  # the channel's dispatch deadline (UTC ISO)
    claim: ChannelClaim | None = None


@dataclass(frozen=True)
class DispatchItem:
    product_order_id: str
    courier_code: str  # our courier code (oms.domain.couriers: the same codes as Naver's)
    tracking_no: str
    dispatched_at: str  # UTC ISO


@dataclass(frozen=True)
class ItemResult:
    """The channel's answer for one product order: accepted, or refused with its code and words."""

    product_order_id: str
    ok: bool
    code: str = ""
    message: str = ""


ClaimKind = Literal["cancel", "return", "exchange"]
ClaimAction = Literal["approve", "reject", "holdback", "release"]

#: Naver's dispatch-delay reasons (발송지연 사유)
DELAY_REASONS: dict[str, str] = {
    "PRODUCT_PREPARE": "상품 준비 중",
    "CUSTOMER_REQUEST": "고객 요청",
    "CUSTOM_BUILD": "주문 제작",
    "RESERVED_DISPATCH": "예약 발송",
    "OVERSEA_DELIVERY": "해외 배송",
    "ETC": "기타",
}


class ChannelApi(Protocol):
    name: str
    #: most ids a details call takes / a dispatch call takes
    max_details: int
    max_dispatch: int

    def check(self, creds: Credentials) -> str:
        """Obtain a token (the connection test); answers a short description of the seller."""
        ...

    def changes(self, creds: Credentials, since: str, more_sequence: str | None = None,
                until: str | None = None) -> ChangePage:
        """Rows changed in ``[since, until]`` (until ≤ since + 24 h; None = since + 24 h), oldest first,
        at most one page."""
        ...

    def details(self, creds: Credentials, product_order_ids: list[str]) -> list[ProductOrder]: ...

    def dispatch(self, creds: Credentials, items: list[DispatchItem]) -> list[ItemResult]: ...

    def delay(self, creds: Credentials, product_order_id: str, due_at: str, reason: str,
              detail: str) -> ItemResult: ...

    def claim(self, creds: Credentials, product_order_id: str, kind: ClaimKind, action: ClaimAction, *,
              reason: str = "", detail: str = "", fee: int = 0) -> ItemResult: ...
