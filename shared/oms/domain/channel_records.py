"""What a sales channel's orders are made of, as the sync reads and pushes them (docs/domain.md,
"External channels"): the change feed's rows, a product order in full, a dispatch, the channel's
answer per product order, and the channel's dispatch-delay reasons. The channel port
(``oms.integrations.channels``) speaks these; the domain reads them. Times are UTC ISO strings,
money int KRW.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


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
    total_payment: int  # what the buyer paid for this product order's goods (the delivery fee apart)
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
