"""The Naver Commerce API's shapes as the port's (:mod:`oms.integrations.channels.base`): change
rows, product orders (``product-orders/query``), per-id results, and the claim decisions the API has.

A product order of ``query`` is ``{order, productOrder, delivery, currentClaim: {cancel | return |
exchange}, …}``; the older top-level ``cancel`` / ``return`` / ``exchange`` objects (being removed
by the provider) are read when ``currentClaim`` is missing.
"""

from __future__ import annotations

from typing import Any

from oms.integrations.channels.base import Changed, ChannelClaim, ItemResult, ProductOrder
from oms.integrations.channels.naver_http import from_kst

#: 보류 유형 (holdbackClassType) the return / exchange holdback calls take
HOLDBACK_REASONS: dict[str, str] = {
    "RETURN_DELIVERYFEE": "반품 배송비 청구",
    "EXTRAFEEE": "추가 비용 청구",
    "RETURN_DELIVERYFEE_AND_EXTRAFEEE": "반품 배송비 + 추가 비용 청구",
    "RETURN_PRODUCT_NOT_DELIVERED": "반품 상품 미입고",
    "ETC": "기타 사유",
    "EXCHANGE_DELIVERYFEE": "교환 배송비 청구",
    "EXCHANGE_EXTRAFEE": "추가 교환 비용 청구",
    "EXCHANGE_PRODUCT_READY": "교환 상품 준비 중",
    "EXCHANGE_PRODUCT_NOT_DELIVERED": "교환 상품 미입고",
    "EXCHANGE_HOLDBACK": "교환 구매 확정 보류",
    "SELLER_CONFIRM_NEED": "판매자 확인 필요",
    "PURCHASER_CONFIRM_NEED": "구매자 확인 필요",
    "SELLER_REMIT": "판매자 직접 송금",
    "ETC2": "기타",
}

#: (claim kind, action) → the path after ``/v1/pay-order/seller/product-orders/{productOrderId}/``;
#: a pair missing here is not an operation of the API (e.g. rejecting a cancel request)
CLAIM_PATHS: dict[tuple[str, str], str] = {
    ("cancel", "approve"): "claim/cancel/approve",
    ("return", "approve"): "claim/return/approve",
    ("return", "reject"): "claim/return/reject",
    ("return", "holdback"): "claim/return/holdback",
    ("return", "release"): "claim/return/holdback/release",
    ("exchange", "approve"): "claim/exchange/collect/approve",  # 교환 수거 완료
    ("exchange", "reject"): "claim/exchange/reject",
    ("exchange", "holdback"): "claim/exchange/holdback",
    ("exchange", "release"): "claim/exchange/holdback/release",
}


def claim_body(kind: str, action: str, reason: str, detail: str, fee: int) -> dict[str, Any] | None:
    """The request body of a claim decision (None: the call has none); ValueError on a bad input."""
    words = (detail or reason).strip()
    if action == "reject":
        if not words:
            raise ValueError("a rejection needs its reason in words (detail)")
        return {"rejectReturnReason" if kind == "return" else "rejectExchangeReason": words}
    if action == "holdback":
        if fee < 0:
            raise ValueError("fee must not be negative")
        default = ("RETURN_DELIVERYFEE" if kind == "return" else "EXCHANGE_DELIVERYFEE") if fee else "ETC"
        cls = reason or default
        if cls not in HOLDBACK_REASONS:
            raise ValueError(f"unknown holdback reason {cls!r} (one of {', '.join(HOLDBACK_REASONS)})")
        text = detail.strip() or HOLDBACK_REASONS[cls]
        if kind == "return":
            return {"holdbackClassType": cls, "holdbackReturnDetailReason": text, "extraReturnFeeAmount": int(fee)}
        return {"holdbackClassType": cls, "holdbackExchangeDetailReason": text, "extraExchangeFeeAmount": int(fee)}
    return None


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return int(float(value))


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def changed(row: dict[str, Any]) -> Changed:
    return Changed(
        product_order_id=_str(row.get("productOrderId")),
        order_id=_str(row.get("orderId")),
        changed_type=_str(row.get("lastChangedType")),
        changed_at=from_kst(row.get("lastChangedDate")) or "",
        status=_str(row.get("productOrderStatus")),
        claim_type=row.get("claimType") or None,
        claim_status=row.get("claimStatus") or None,
    )


_CLAIM_OBJECT = {"CANCEL": "cancel", "ADMIN_CANCEL": "cancel", "RETURN": "return", "EXCHANGE": "exchange"}
_REASON = {"cancel": ("cancelReason", "cancelDetailedReason"), "return": ("returnReason", "returnDetailedReason"),
           "exchange": ("exchangeReason", "exchangeDetailedReason")}


def claim(info: dict[str, Any], po: dict[str, Any]) -> ChannelClaim | None:
    kind = po.get("claimType")
    if not kind:
        return None
    key = _CLAIM_OBJECT.get(str(kind))
    obj: dict[str, Any] = {}
    if key:
        obj = ((info.get("currentClaim") or {}).get(key) or info.get(key) or {})
    reason_key, detail_key = _REASON.get(key or "", ("", ""))
    return ChannelClaim(
        type=str(kind),
        status=_str(po.get("claimStatus") or obj.get("claimStatus")),
        reason=_str(obj.get(reason_key)) if reason_key else "",
        detail=_str(obj.get(detail_key)) if detail_key else "",
        requested_at=from_kst(obj.get("claimRequestDate")),
        holdback=obj.get("holdbackStatus") == "HOLDBACK",
    )


def product_order(info: dict[str, Any]) -> ProductOrder:
    order = info.get("order") or {}
    po = info.get("productOrder") or {}
    ship = po.get("shippingAddress") or {}
    delivery = info.get("delivery") or {}
    return ProductOrder(
        product_order_id=_str(po.get("productOrderId")),
        order_id=_str(order.get("orderId")),
        status=_str(po.get("productOrderStatus")),
        ordered_at=from_kst(order.get("orderDate")) or "",
        paid_at=from_kst(order.get("paymentDate")),
        product_id=_str(po.get("productId")),
        product_name=_str(po.get("productName")),
        option_text=_str(po.get("productOption")),
        option_code=_str(po.get("optionCode")),
        quantity=_int(po.get("quantity")),
        unit_price=_int(po.get("unitPrice")),
        option_price=_int(po.get("optionPrice")),
        product_discount=_int(po.get("productDiscountAmount")),
        total_payment=_int(po.get("totalPaymentAmount")),
        delivery_fee=_int(po.get("deliveryFeeAmount")),
        buyer_name=_str(order.get("ordererName")),
        buyer_phone=_str(order.get("ordererTel")),
        receiver_name=_str(ship.get("name")),
        receiver_phone=_str(ship.get("tel1")),
        zip_code=_str(ship.get("zipCode")),
        address1=_str(ship.get("baseAddress")),
        address2=_str(ship.get("detailedAddress")),
        delivery_memo=_str(po.get("shippingMemo")),
        payment_means=_str(order.get("paymentMeans")),
        courier_code=delivery.get("deliveryCompany") or None,
        tracking_no=delivery.get("trackingNumber") or None,
        dispatched_at=from_kst(delivery.get("sendDate")),
        delivered_at=from_kst(delivery.get("deliveredDate")),
        decided_at=from_kst(po.get("decisionDate")),
        dispatch_due_at=from_kst(po.get("shippingDueDate")),
        claim=claim(info, po),
    )


def results(ids: list[str], answer: Any) -> list[ItemResult]:
    """One result per id, in the order asked, from ``successProductOrderIds`` / ``failProductOrderInfos``.

    An id asked twice in one call gets the success (if any) on its first place and the failures
    (``104131`` 상품 주문 번호 중복) on the others, in order."""
    answer = answer if isinstance(answer, dict) else {}
    ok = {str(i) for i in answer.get("successProductOrderIds") or []}
    failed: dict[str, list[dict[str, Any]]] = {}
    for f in answer.get("failProductOrderInfos") or []:
        if isinstance(f, dict):
            failed.setdefault(str(f.get("productOrderId")), []).append(f)
    out = []
    for pid in ids:
        if pid in ok:
            ok.discard(pid)
            out.append(ItemResult(pid, True))
        elif failed.get(pid):
            f = failed[pid].pop(0)
            out.append(ItemResult(pid, False, _str(f.get("code")), _str(f.get("message"))))
        else:
            out.append(ItemResult(pid, False, "NO_RESULT", "the channel answered nothing for this product order"))
    return out
