"""The buyer's "my page": their orders, early purchase confirmation, points; guest access by
order number + phone. A buyer only ever sees their own order: anything else answers 404."""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Any

from oms.auth import guest_tokens
from oms.domain import couriers
from oms.domain.errors import DomainError, NotFound
from oms.domain.order import Actor, Order
from oms.domain.statuses import Status
from oms.schemas.claims import BuyerClaimIn, ClaimStepIn
from oms.services import claim_views, claims, confirmation, effects, request_payments
from oms.services.orders import detail_view
from oms.store import codec, cursors, keys, orders, points
from oms.store.table import client, key, load, table_name

GUEST_WINDOW_S = 600
GUEST_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class BuyerIdentity:
    site_id: str
    member_id: str | None = None
    order_id: str | None = None  # a guest token opens this one order only

    @property
    def actor(self) -> Actor:
        if self.member_id:
            return Actor("buyer", self.member_id, "구매자")
        return Actor("buyer", f"guest:{self.order_id}", "비회원 구매자")


def identity(claims: dict[str, Any], *, guest: bool) -> BuyerIdentity:
    """The buyer from verified token claims; member routes need a member, guest routes an order."""
    site = claims.get("site_id")
    if not site or claims.get("role") != "buyer":
        raise DomainError("FORBIDDEN", "구매자 인증이 필요합니다.", status=403)
    if guest:
        if not claims.get("order_id"):
            raise DomainError("FORBIDDEN", "비회원 주문 조회 토큰이 필요합니다.", status=403)
        return BuyerIdentity(str(site), order_id=str(claims["order_id"]))
    if not claims.get("member_id"):
        raise DomainError("FORBIDDEN", "회원 로그인이 필요합니다.", status=403)
    return BuyerIdentity(str(site), member_id=str(claims["member_id"]))


def _owns(who: BuyerIdentity, order: Order) -> bool:
    if who.member_id:
        return order.buyer.member_id == who.member_id
    return order.order_id == who.order_id and not order.buyer.is_member


def _check(who: BuyerIdentity, order_id: str) -> None:
    if who.order_id is not None and who.order_id != order_id:
        raise NotFound("order", order_id)


def order_view(who: BuyerIdentity, order_id: str) -> dict[str, Any]:
    _check(who, order_id)
    order, _ = orders.load_detail(who.site_id, order_id, timeline_limit=0)
    if not _owns(who, order):
        raise NotFound("order", order_id)
    return _view(order)


def _shipments(order: Order) -> list[dict[str, Any]]:
    """The buyer's parcels: courier, number, tracking page and the courier's scans (newest first);
    nothing of the shop's own handling (issues, notes, who moved what)."""
    out = []
    for s in order.shipments.values():
        c = couriers.BY_CODE.get(s.courier or "")
        t = s.tracking or {}
        out.append({
            "shipment_id": s.shipment_id, "method": s.method, "courier": s.courier,
            "courier_name": c.name_ko if c else None, "tracking_no": s.tracking_no,
            "tracking_url": c.url_for(s.tracking_no) if c and s.tracking_no else None,
            "delivered_at": t.get("delivered_at"),
            "scans": [{k: x.get(k) for k in ("at", "kind", "where", "text")}
                      for x in sorted(t.get("scans") or [], key=lambda x: x["at"], reverse=True)],
        })
    return out


def _view(order: Order) -> dict[str, Any]:
    d = detail_view(order, [], masked=False)  # the buyer's own order
    lines = [
        {k: li[k] for k in ("line_id", "product_name", "kind", "option_text", "quantity", "status", "status_ko",
                            "paid_amount", "tracking_no", "shipment_id", "confirmed_at", "confirmed_by",
                            "auto_confirm_on", "points_accrued")}
        | {"can_confirm": li["status"] == Status.DELIVERED.value}
        for li in d["lines"]
    ]
    payments = [{k: p.get(k) for k in ("payment_id", "method", "amount", "status", "paid_at", "requested_at",
                                       "virtual_account")} for p in d["payments"]]
    return {
        "order_id": order.order_id,
        "created_at": order.created_at,
        "closed": order.closed,
        "buyer": {"name": order.buyer.name, "type": d["buyer"]["type"]},
        "recipient": d["recipient"],
        "lines": lines,
        "shipments": _shipments(order),
        "payments": payments,
        "amounts": {k: d["amounts"][k] for k in ("lines", "shipping_fee", "coupon_discount", "points_used",
                                                  "order_amount", "paid", "refunded", "outstanding")},
        "status_quantities": d["status_quantities"],
        "claims": _claims(order),
        "payment_requests": [
            {k: r.get(k) for k in ("request_id", "amount", "status", "created_at", "note", "pg_order_id", "payment",
                                   "paid_at")}
            for r in d["payment_requests"] if r["status"] != "cancelled"
        ],
    }


def confirm(who: BuyerIdentity, order_id: str, line_ids: list[str] | None) -> dict[str, Any]:
    _check(who, order_id)
    done = confirmation.buyer_confirm(who.site_id, order_id, who.actor, line_ids, owns=lambda o: _owns(who, o))
    return _view(done.order)


def _claims(order: Order) -> list[dict[str, Any]]:
    with effects.settings_cache():  # the estimates read the site's settings once
        return [_claim(order, c) for _, c in sorted(order.claims.items())]


def _claim(order: Order, c: Any) -> dict[str, Any]:
    v = claim_views.claim_view(order, c)
    out = {k: v.get(k) for k in ("claim_id", "type", "type_ko", "step", "step_ko", "reason", "reason_ko", "fault",
                                 "requested_at", "collection", "fee_payment", "hold", "closed_reason", "lines",
                                 "exchange_lines", "settled_at", "settled_total", "points_back")}
    rep = c.replacement
    out["exchange_option"] = None if rep is None else {
        "options": [{"name": o.name, "value": o.value} for o in rep.options], "option_text": rep.option_text(),
        "option_price": rep.option_price, "confirmed": rep.accepted_at is not None}
    out["can_withdraw"] = c.step == "requested"
    out["estimate"] = claims.estimate(order, c.claim_id) if c.step not in ("rejected", "withdrawn") else None
    return out


def request_claim(who: BuyerIdentity, order_id: str, body: BuyerClaimIn) -> dict[str, Any]:
    """The buyer asks for a cancel (before shipping), a return or an exchange (after delivery)."""
    _owned(who, order_id)
    done = claims.request(who.site_id, order_id, body, who.actor)
    return _view(done.order)


def withdraw_claim(who: BuyerIdentity, order_id: str, claim_id: str, reason: str | None) -> dict[str, Any]:
    _owned(who, order_id)
    done = claims.step(who.site_id, order_id, claim_id, ClaimStepIn(to="withdraw", reason=reason or "구매자 철회"),
                       who.actor)
    return _view(done.order)


def _owned(who: BuyerIdentity, order_id: str) -> None:
    """404 unless the buyer owns the order (one header read)."""
    _check(who, order_id)
    header = orders.get_header(who.site_id, order_id, consistent=True)
    member = (header.get("buyer") or {}).get("member_id")
    if (who.member_id and member != who.member_id) or (not who.member_id and member):
        raise NotFound("order", order_id)


def pay_request(who: BuyerIdentity, order_id: str, request_id: str, method: str, payment_key: str | None,
                holder: str | None) -> dict[str, Any]:
    """Pay a 결제요청: by card (after the PG's window approved it: ``payment_key``) or by a new
    virtual account (answered with the account to deposit into)."""
    _owned(who, order_id)
    if method == "card":
        if not payment_key:
            raise DomainError("PAYMENT_KEY_REQUIRED", "카드 결제 승인 후 받은 결제키가 필요합니다.",
                              field="payment_key", status=400)
        done = request_payments.pay_card(who.site_id, order_id, request_id, payment_key, who.actor)
    else:
        done = request_payments.pay_virtual_account(who.site_id, order_id, request_id, who.actor, holder)
    return _view(done.order)


def member_orders(who: BuyerIdentity, limit: int, cursor: str | None) -> dict[str, Any]:
    """The member's orders, newest first: GSI2 `member` lookup, then the headers (2 requests)."""
    assert who.member_id
    pk = keys.lookup_gsi_pk(who.site_id, "member", who.member_id)
    kwargs: dict[str, Any] = {
        "IndexName": "GSI2",
        "KeyConditionExpression": "GSI2PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
        "ScanIndexForward": False,
        "Limit": limit,
    }
    if cursor:
        kwargs["ExclusiveStartKey"] = cursors.decode_cursor(cursor, {"GSI2PK": pk})
    resp = client().query(TableName=table_name(), **kwargs)
    ids = [load(i)["order_id"] for i in resp.get("Items", [])]
    headers = orders.get_headers(who.site_id, ids)
    rows = []
    for oid in ids:
        h = headers.get(oid)
        if h is None or (h.get("buyer") or {}).get("member_id") != who.member_id:
            continue
        rows.append(orders.plain({k: h.get(k) for k in ("order_id", "created_at", "order_amount", "outstanding",
                                                         "total_quantity", "status_qty", "closed", "preview")}))
    lek = resp.get("LastEvaluatedKey")
    return {"orders": rows, "next_cursor": cursors.encode_cursor(lek) if lek else None}


def member_points(who: BuyerIdentity, limit: int, cursor: str | None) -> dict[str, Any]:
    assert who.member_id
    entries, nxt = points.ledger(who.site_id, who.member_id, limit, cursor)
    return {"member_id": who.member_id, "balance": points.balance(who.site_id, who.member_id),
            "entries": [{k: v for k, v in e.items() if k not in ("PK", "SK", "type", "site_id")} for e in entries],
            "next_cursor": nxt}


# ---- guests -----------------------------------------------------------------------------------


def _count_attempt(site_id: str, order_id: str) -> int:
    now = int(time.time())
    window = now // GUEST_WINDOW_S
    resp = client().update_item(
        TableName=table_name(),
        Key=key(keys.guest_attempts_pk(site_id, order_id), f"W#{window}"),
        UpdateExpression="ADD attempts :one SET #ttl = :ttl",
        ExpressionAttributeNames={"#ttl": "ttl"},
        ExpressionAttributeValues={":one": {"N": "1"}, ":ttl": {"N": str((window + 2) * GUEST_WINDOW_S)}},
        ReturnValues="UPDATED_NEW",
    )
    return int(resp["Attributes"]["attempts"]["N"])


def guest_session(site_id: str, order_id: str, phone: str) -> dict[str, Any]:
    """Order number + the buyer's phone → a 30-minute token for that one order.

    Wrong phone and unknown order answer the same 404; the phone is compared in constant time;
    more than 5 attempts per order in 10 minutes answer 429.
    """
    if _count_attempt(site_id, order_id) > GUEST_MAX_ATTEMPTS:
        raise DomainError("TOO_MANY_ATTEMPTS", "조회 시도가 너무 많습니다. 10분 후 다시 시도하세요.", status=429)
    not_found = DomainError("GUEST_ORDER_NOT_FOUND", "주문번호 또는 휴대폰 번호가 일치하는 비회원 주문이 없습니다.",
                            status=404)
    try:
        header = orders.get_header(site_id, order_id)
    except NotFound:
        header = None
    buyer = (header or {}).get("buyer") or {}
    expected = codec.normalize_phone(str(buyer.get("phone") or "")) or "-"
    given = codec.normalize_phone(phone)
    ok = hmac.compare_digest(expected.encode(), given.encode())
    if header is None or not ok or buyer.get("member_id"):
        raise not_found
    token, ttl = guest_tokens.mint(site_id, order_id)
    return {"access_token": token, "token_type": "Bearer", "expires_in": ttl, "order_id": order_id}
