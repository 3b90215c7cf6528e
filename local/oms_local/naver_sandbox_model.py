"""The Naver sandbox's state (:mod:`oms_local.naver_sandbox`): orders, product orders, claims and
change rows, times, and a product order written as the provider's ``product-orders/query`` answers it.

Amounts as the sandbox writes them: ``totalProductAmount = (unitPrice + optionPrice) × quantity``,
``productDiscountAmount`` = the seller's discount (also ``sellerBurdenDiscountAmount``),
``totalPaymentAmount = totalProductAmount − productDiscountAmount`` (the product only), and the
order's delivery fee as ``deliveryFeeAmount`` on its first product order (0 on the others).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

DEV_CLIENT_ID = "oms-local-naver-app"
#: the application secret: a bcrypt salt (cost 4), generated once with ``bcrypt.gensalt(4, b"2a")``
DEV_CLIENT_SECRET = "$2a$04$OU6um9lzlcNUfvKa4S2y5."
KST = timezone(timedelta(hours=9))
DISPATCH_DAYS = 3  # the dispatch deadline after payment
MAX_DELAY_DAYS = 90  # the latest dispatch deadline a delay may set, after the order


def now() -> datetime:
    return ms(datetime.now(UTC))


def ms(dt: datetime) -> datetime:
    """UTC, truncated to milliseconds (the provider's precision)."""
    dt = dt.astimezone(UTC)
    return dt.replace(microsecond=dt.microsecond // 1000 * 1000)


def parse_at(value: Any) -> datetime:
    """An ISO date-time (``Z`` or an offset; a naive one is KST) as UTC ms; empty = now."""
    if not value:
        return now()
    text = re.sub(r" (\d{2}:\d{2})$", r"+\1", str(value).strip())  # a query string's "+" read as a space
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=KST)
    return ms(dt)


def kst(dt: datetime | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SS.mmm+09:00`` as the provider writes date-times."""
    if dt is None:
        return None
    k = dt.astimezone(KST)
    return f"{k:%Y-%m-%dT%H:%M:%S}.{k.microsecond // 1000:03d}+09:00"


def utc(dt: datetime | None) -> str | None:
    return None if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def trace() -> str:
    return f"sandbox-{uuid.uuid4().hex[:16]}"


@dataclass
class Claim:
    claim_id: str
    type: str  # CANCEL, RETURN, EXCHANGE
    status: str  # CANCEL_REQUEST, CANCEL_DONE, RETURN_REQUEST, COLLECT_DONE, RETURN_DONE, *_REJECT, …
    reason: str
    detail: str
    requested_at: datetime
    prior_status: str  # the product order's status before the claim (a withdrawn claim goes back to it)
    holdback: str = ""  # "", HOLDBACK, RELEASED
    holdback_reason: str = ""
    holdback_detail: str = ""
    extra_fee: int = 0
    collected_at: datetime | None = None
    completed_at: datetime | None = None
    rejected_reason: str = ""


@dataclass
class Order:
    order_id: str
    buyer_name: str
    buyer_phone: str
    ordered_at: datetime
    paid_at: datetime | None
    payment_means: str


@dataclass
class ProductOrder:
    product_order_id: str
    order_id: str
    status: str  # PAYMENT_WAITING, PAYED, DELIVERING, DELIVERED, PURCHASE_DECIDED, CANCELED, RETURNED, EXCHANGED
    product_id: str
    product_name: str
    option_text: str
    option_code: str
    quantity: int
    unit_price: int
    option_price: int
    discount: int
    delivery_fee: int
    receiver_name: str
    receiver_phone: str
    zip_code: str
    address1: str
    address2: str
    memo: str
    due_at: datetime | None
    courier: str = ""
    tracking_no: str = ""
    dispatched_at: datetime | None = None
    delivered_at: datetime | None = None
    decided_at: datetime | None = None
    delay_reason: str = ""
    delay_detail: str = ""
    claim: Claim | None = None

    @property
    def product_amount(self) -> int:
        return (self.unit_price + self.option_price) * self.quantity

    @property
    def total_payment(self) -> int:
        return self.product_amount - self.discount

    def open_claim(self) -> Claim | None:
        """The claim still waiting for a decision (requested, collecting, collected)."""
        c = self.claim
        if c is None or (c.status.endswith(("_DONE", "_REJECT")) and c.status != "COLLECT_DONE"):
            return None
        return c

    def snapshot(self) -> dict[str, Any]:
        """The product order as plain JSON (times UTC ISO), for tests and ``/_sandbox/product-orders``."""
        c = self.claim
        return {
            "product_order_id": self.product_order_id, "order_id": self.order_id, "status": self.status,
            "product_id": self.product_id, "product_name": self.product_name, "option_text": self.option_text,
            "option_code": self.option_code, "quantity": self.quantity, "unit_price": self.unit_price,
            "option_price": self.option_price, "discount": self.discount, "delivery_fee": self.delivery_fee,
            "total_payment": self.total_payment, "receiver_name": self.receiver_name,
            "receiver_phone": self.receiver_phone, "zip_code": self.zip_code, "address1": self.address1,
            "address2": self.address2, "memo": self.memo, "due_at": utc(self.due_at), "courier": self.courier,
            "tracking_no": self.tracking_no, "dispatched_at": utc(self.dispatched_at),
            "delivered_at": utc(self.delivered_at), "decided_at": utc(self.decided_at),
            "delay_reason": self.delay_reason, "delay_detail": self.delay_detail,
            "claim_type": c.type if c else None, "claim_status": c.status if c else None,
            "claim_reason": c.reason if c else None, "claim_detail": c.detail if c else None,
            "holdback": c.holdback if c else None, "holdback_reason": c.holdback_reason if c else None,
            "extra_fee": c.extra_fee if c else None, "rejected_reason": c.rejected_reason if c else None,
        }


@dataclass
class Row:
    """One change-feed row (``last-changed-statuses``)."""

    product_order_id: str
    order_id: str
    changed_type: str
    at: datetime
    status: str
    claim_type: str | None
    claim_status: str | None
    paid_at: datetime | None
    address_changed: bool = False

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"orderId": self.order_id, "productOrderId": self.product_order_id,
                               "lastChangedType": self.changed_type, "lastChangedDate": kst(self.at),
                               "productOrderStatus": self.status, "receiverAddressChanged": self.address_changed}
        if self.paid_at:
            out["paymentDate"] = kst(self.paid_at)
        if self.claim_type:
            out["claimType"], out["claimStatus"] = self.claim_type, self.claim_status
        return out


def _address(po: ProductOrder) -> dict[str, Any]:
    return {"addressType": "DOMESTIC", "baseAddress": po.address1, "detailedAddress": po.address2,
            "name": po.receiver_name, "tel1": po.receiver_phone, "tel2": "", "zipCode": po.zip_code,
            "city": "", "state": "", "country": "한국", "isRoadNameAddress": True}


def _claim_json(c: Claim) -> dict[str, Any]:
    key = {"CANCEL": "cancel", "RETURN": "return", "EXCHANGE": "exchange"}[c.type]
    common: dict[str, Any] = {"claimId": c.claim_id, "claimStatus": c.status, "claimRequestDate": kst(c.requested_at),
                              "requestChannel": "구매자", "requestQuantity": 1}
    if c.type == "CANCEL":
        return {**common, "cancelReason": c.reason, "cancelDetailedReason": c.detail,
                "cancelApprovalDate": kst(c.completed_at), "cancelCompletedDate": kst(c.completed_at)}
    extra = {"holdbackStatus": c.holdback or None, "holdbackReason": c.holdback_reason or None,
             "holdbackDetailedReason": c.holdback_detail or None, "etcFeeDemandAmount": c.extra_fee,
             "collectStatus": "COLLECT_DONE" if c.collected_at else "NOT_REQUESTED",
             "collectCompletedDate": kst(c.collected_at)}
    if key == "return":
        return {**common, **extra, "returnReason": c.reason, "returnDetailedReason": c.detail,
                "returnCompletedDate": kst(c.completed_at)}
    return {**common, **extra, "exchangeReason": c.reason, "exchangeDetailedReason": c.detail}


def query_json(order: Order, po: ProductOrder) -> dict[str, Any]:
    """One element of ``product-orders/query``'s ``data``."""
    c = po.claim
    product = {
        "productOrderId": po.product_order_id, "productOrderStatus": po.status,
        "claimType": c.type if c else None, "claimStatus": c.status if c else None,
        "claimId": c.claim_id if c else None,
        "productId": po.product_id, "originalProductId": po.product_id, "productName": po.product_name,
        "productOption": po.option_text, "optionCode": po.option_code, "productClass": "단일상품",
        "quantity": po.quantity, "initialQuantity": po.quantity, "remainQuantity": po.quantity,
        "unitPrice": po.unit_price, "optionPrice": po.option_price,
        "totalProductAmount": po.product_amount, "initialProductAmount": po.product_amount,
        "productDiscountAmount": po.discount, "initialProductDiscountAmount": po.discount,
        "sellerBurdenDiscountAmount": po.discount,
        "totalPaymentAmount": po.total_payment, "initialPaymentAmount": po.total_payment,
        "deliveryFeeAmount": po.delivery_fee, "deliveryDiscountAmount": 0, "sectionDeliveryFee": 0,
        "deliveryPolicyType": "유료" if po.delivery_fee else "무료", "expectedDeliveryMethod": "DELIVERY",
        "shippingAddress": _address(po), "shippingMemo": po.memo, "shippingDueDate": kst(po.due_at),
        "placeOrderStatus": "OK" if po.status != "PAYMENT_WAITING" else "NOT_YET",
        "decisionDate": kst(po.decided_at), "delayedDispatchReason": po.delay_reason or None,
        "delayedDispatchDetailedReason": po.delay_detail or None, "packageNumber": po.order_id,
    }
    info: dict[str, Any] = {
        "order": {"orderId": order.order_id, "orderDate": kst(order.ordered_at), "paymentDate": kst(order.paid_at),
                  "paymentMeans": order.payment_means, "ordererName": order.buyer_name,
                  "ordererTel": order.buyer_phone, "ordererId": "buyer****", "payLocationType": "MOBILE"},
        "productOrder": product,
    }
    if po.courier:
        info["delivery"] = {"deliveryMethod": "DELIVERY", "deliveryCompany": po.courier,
                            "trackingNumber": po.tracking_no, "sendDate": kst(po.dispatched_at),
                            "pickupDate": kst(po.dispatched_at), "deliveredDate": kst(po.delivered_at),
                            "deliveryStatus": "DELIVERY_COMPLETION" if po.delivered_at else "DELIVERING",
                            "isWrongTrackingNumber": False}
    if c:
        key = {"CANCEL": "cancel", "RETURN": "return", "EXCHANGE": "exchange"}[c.type]
        body = _claim_json(c)
        info["currentClaim"] = {key: body}
        info[key] = body  # the older top-level object, still sent by the provider
    return info
