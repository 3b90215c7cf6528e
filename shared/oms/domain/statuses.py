"""Unit statuses (docs/domain.md, "Units and their statuses") and product kinds ("Product kinds")."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PAYMENT_PENDING = "payment_pending"
    PREPARING = "preparing"
    READY_TO_SHIP = "ready_to_ship"
    SHIPPING = "shipping"
    DELIVERED = "delivered"
    CONFIRMED = "confirmed"
    CANCEL_REQUESTED = "cancel_requested"
    CANCELLED = "cancelled"
    RETURN_REQUESTED = "return_requested"
    RETURN_COLLECTING = "return_collecting"
    RETURNED = "returned"
    EXCHANGE_REQUESTED = "exchange_requested"
    EXCHANGE_COLLECTING = "exchange_collecting"
    EXCHANGED = "exchanged"

    @property
    def ko(self) -> str:
        return STATUS_KO[self]


STATUS_KO: dict[Status, str] = {
    Status.PAYMENT_PENDING: "입금대기",
    Status.PREPARING: "상품준비",
    Status.READY_TO_SHIP: "배송대기",
    Status.SHIPPING: "배송중",
    Status.DELIVERED: "배송완료",
    Status.CONFIRMED: "구매확정",
    Status.CANCEL_REQUESTED: "취소접수",
    Status.CANCELLED: "취소완료",
    Status.RETURN_REQUESTED: "반품접수",
    Status.RETURN_COLLECTING: "수거중",
    Status.RETURNED: "반품완료",
    Status.EXCHANGE_REQUESTED: "교환접수",
    Status.EXCHANGE_COLLECTING: "교환수거중",
    Status.EXCHANGED: "교환완료",
}

#: The main flow, one step at a time (no skipping) [FAQ: 반드시 단계별로].
MAIN_FLOW: tuple[Status, ...] = (
    Status.PREPARING,
    Status.READY_TO_SHIP,
    Status.SHIPPING,
    Status.DELIVERED,
    Status.CONFIRMED,
)

#: Claim flows: each step forward, the request step may be withdrawn back to where the units came from.
CLAIM_FLOWS: dict[str, tuple[Status, ...]] = {
    "cancel": (Status.CANCEL_REQUESTED, Status.CANCELLED),
    "return": (Status.RETURN_REQUESTED, Status.RETURN_COLLECTING, Status.RETURNED),
    "exchange": (Status.EXCHANGE_REQUESTED, Status.EXCHANGE_COLLECTING, Status.EXCHANGED),
}
CLAIM_REQUESTS = frozenset({Status.CANCEL_REQUESTED, Status.RETURN_REQUESTED, Status.EXCHANGE_REQUESTED})

#: Units here no longer count toward the order amount.
VOIDED = frozenset({Status.CANCELLED, Status.RETURNED, Status.EXCHANGED})
#: Nothing more happens to units here (the order closes when every line is terminal).
TERMINAL = frozenset({Status.CONFIRMED, Status.CANCELLED, Status.RETURNED, Status.EXCHANGED})
#: Stock goes back to the shelf when units enter these.
RESTOCKING = frozenset({Status.CANCELLED, Status.RETURNED})

#: The list's status tabs ("all" plus one per status).
TABS: tuple[str, ...] = ("all", *(s.value for s in Status), "delivery_issue")


class ProductKind(StrEnum):
    PHYSICAL = "physical"
    DIGITAL = "digital"
    MEMBERSHIP_PASS = "membership_pass"

    @property
    def shipped(self) -> bool:
        return self is ProductKind.PHYSICAL


class Channel(StrEnum):
    STORE = "store"
    NAVERPAY_ORDER = "naverpay_order"
    KAKAO_CHECKOUT = "kakao_checkout"

    @property
    def external(self) -> bool:
        return self is not Channel.STORE


class PaymentMethod(StrEnum):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    VIRTUAL_ACCOUNT = "virtual_account"
    EASY_PAY = "easy_pay"
    POINTS = "points"
    MOBILE = "mobile"


class DeliveryScope(StrEnum):
    DOMESTIC = "domestic"
    OVERSEAS = "overseas"
