"""Order <-> items. The header carries the list-row summary and the shipments; lines live in chunk
items of ``keys.LINES_PER_CHUNK`` lines each (a change writes only the chunks it touched); tab and
lookup items point the indexes at the order; one due item carries the order's earliest
auto-confirm day. The number of items an order has does not grow with its units, and a change
writes a bounded number of them whatever the number of lines (docs/data-model.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from oms.domain import channel_orders, search_terms, tracking
from oms.domain.balance import Charge
from oms.domain.claim_records import Replacement
from oms.domain.claims import Claim, ClaimItem, Collection, Hold, Reason
from oms.domain.order import Actor, Buyer, Line, Memo, Option, Order, Recipient, Shipment
from oms.domain.payment_requests import PaymentRequest
from oms.domain.payments import Payment, ReceiptRequest, RefundRequest
from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind, Status
from oms.store import due, keys
from oms.store.table import Item


def _line_to_dict(line: Line) -> dict[str, Any]:
    d = {k: getattr(line, k) for k in Line.__dataclass_fields__}
    d["options"] = [{"name": o.name, "value": o.value, "price": o.price} for o in line.options]
    d["kind"] = line.kind.value
    d["status"] = line.status.value
    d["claim_origin"] = line.claim_origin.value if line.claim_origin else None
    return d


def _line_from_dict(d: dict[str, Any]) -> Line:
    fields: dict[str, Any] = {k: d.get(k) for k in Line.__dataclass_fields__ if k in d}
    fields["options"] = [Option(o["name"], o["value"], int(o.get("price", 0))) for o in d.get("options", [])]
    fields["kind"] = ProductKind(d["kind"])
    fields["status"] = Status(d["status"])
    fields["claim_origin"] = Status(d["claim_origin"]) if d.get("claim_origin") else None
    fields["stock_keys"] = list(d.get("stock_keys") or [])
    for k in ("quantity", "unit_price", "option_price", "product_discount", "coupon_discount", "points_used",
              "points_accrued"):
        fields[k] = int(d.get(k) or 0)
    fields["pass_granted"] = bool(d.get("pass_granted"))
    if d.get("channel_state") is not None:
        fields["channel_state"] = plain(d["channel_state"])
    if d.get("membership_days") is not None:
        fields["membership_days"] = int(d["membership_days"])
    return Line(**fields)


def plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; money and counts are ints."""
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    return value


#: written on the header (the list row's money, what an export reads without the payments) but
#: derived on load: the payments are what the order was paid and refunded
_DERIVED_HEADER = ("paid_total", "refunded_total")

_INT_HEADER = (
    "shipping_fee",
    "coupon_total",
    "points_total",
    "version",
    "next_line_no",
    "next_shipment_no",
    "memo_count",
    "next_claim_no",
)

#: lines shown in the list row's preview (the detail has them all)
PREVIEW_LINES = 20


def summary(order: Order) -> dict[str, Any]:
    """The list row: what the list shows and filters on, without opening the detail."""
    return {
        "site_id": order.site_id,
        "order_id": order.order_id,
        "created_at": order.created_at,
        "channel": order.channel.value,
        "payment_method": order.payment_method.value,
        "scope": order.scope.value,
        "buyer_type": "member" if order.buyer.is_member else "guest",
        "buyer_name": order.buyer.name,
        "buyer_phone": order.buyer.phone,
        "recipient_name": order.recipient.name,
        "total_quantity": order.total_quantity,
        "order_amount": order.order_amount,
        "outstanding": order.outstanding,
        "status_qty": order.status_quantities(),
        "closed": order.closed,
        "version": order.version,
        "memo_count": order.memo_count,
        "last_memo": _memo(order.last_memo),
        "line_count": len(order.lines),
        **channel_orders.summary(order),
        "preview": [
            {
                "line_id": line.line_id,
                "product_name": line.product_name,
                "options": line.option_text(),
                "quantity": line.quantity,
                "status": line.status.value,
                "paid_amount": line.paid_amount,
            }
            for line in order.lines[:PREVIEW_LINES]
        ],
        **_issues(order),
    }


def _issues(order: Order) -> dict[str, Any]:
    """배송 이상 on the list row (reason and last scan), only while there is one."""
    issues = tracking.open_issues(order)
    return {"tracking_issues": issues} if issues else {}


def _memo(m: Memo | None) -> dict[str, Any] | None:
    return {"text": m.text, "by": m.by, "at": m.at} if m else None


def header_item(order: Order) -> Item:
    pk = keys.order_pk(order.site_id, order.order_id)
    return {
        "PK": pk,
        "SK": keys.HEADER_SK,
        "type": "order",
        "GSI1PK": keys.tab_gsi_pk(order.site_id, "all"),
        "GSI1SK": keys.created_sk(order.created_at, order.order_id),
        **summary(order),
        "buyer": vars(order.buyer).copy(),
        "recipient": vars(order.recipient).copy(),
        **{k: getattr(order, k) for k in _INT_HEADER + _DERIVED_HEADER},
        "shipping_fee_cod": order.shipping_fee_cod,
        "payment_due_at": order.payment_due_at,
        "checkout_id": order.checkout_id,
        **va_due_keys(order),
        "shipping_method": order.shipping_method,
        "shipments": {sid: vars(s).copy() for sid, s in order.shipments.items()},
        "claims": {cid: claim_to_dict(c) for cid, c in order.claims.items()},
        "charges": [vars(c).copy() for c in order.charges],
        **({"external": dict(order.external)} if order.external else {}),
    }


# ---- claims and charges (in the header: at most claims.MAX_CLAIMS and balance.MAX_CHARGES) --------


def claim_to_dict(c: Claim) -> dict[str, Any]:
    d = {k: getattr(c, k) for k in Claim.__dataclass_fields__}
    d["items"] = [{"line_id": i.line_id, "quantity": i.quantity} for i in c.items]
    d["reason"] = c.reason.value
    d["requested_by"] = c.requested_by.as_dict()
    d["collection"] = vars(c.collection).copy() if c.collection else None
    d["hold"] = {"amount": c.hold.amount, "reason": c.hold.reason} if c.hold else None
    d["exchange_lines"] = list(c.exchange_lines)
    d["history"] = [dict(h) for h in c.history]
    d["replacement"] = _replacement_to_dict(c.replacement)
    return d


def _replacement_to_dict(r: Replacement | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"product_code": r.product_code, "options": [vars(o).copy() for o in r.options],
            "option_price": r.option_price, "stock_keys": list(r.stock_keys), "accepted_at": r.accepted_at}


def _replacement_from_dict(d: dict[str, Any] | None) -> Replacement | None:
    if not d:
        return None
    price = d.get("option_price")
    return Replacement(d["product_code"], tuple(Option(o["name"], o["value"], int(o.get("price") or 0))
                                                for o in d.get("options") or []),
                       None if price is None else int(price), tuple(d.get("stock_keys") or []), d.get("accepted_at"))


def claim_from_dict(d: dict[str, Any]) -> Claim:
    fields: dict[str, Any] = {k: d.get(k) for k in Claim.__dataclass_fields__ if k in d}
    fields["items"] = [ClaimItem(i["line_id"], int(i["quantity"])) for i in d.get("items") or []]
    fields["reason"] = Reason(d["reason"])
    fields["requested_by"] = Actor.from_dict(d["requested_by"])
    col = d.get("collection")
    fields["collection"] = Collection(col["method"], col.get("courier"), col.get("tracking_no")) if col else None
    hold = d.get("hold")
    fields["hold"] = Hold(int(hold["amount"]), hold["reason"]) if hold else None
    fields["exchange_lines"] = list(d.get("exchange_lines") or [])
    fields["history"] = [_plain_numbers(h) for h in d.get("history") or []]
    fields["fault_overridden"] = bool(d.get("fault_overridden"))
    fields["replacement"] = _replacement_from_dict(d.get("replacement"))
    for k in ("settled_total", "points_back"):
        fields[k] = int(d.get(k) or 0)
    return Claim(**fields)


def charge_from_dict(d: dict[str, Any]) -> Charge:
    return Charge(
        charge_id=d["charge_id"], kind=d["kind"], amount=int(d["amount"]), reason_ko=d["reason_ko"],
        rule=d["rule"], claim_id=d.get("claim_id"), at=d["at"], by=d["by"],
    )


def _plain_numbers(d: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB numbers come back as Decimal; history entries hold integers only."""
    return {k: int(v) if isinstance(v, Decimal) else v for k, v in d.items()}


def va_due_keys(order: Order) -> dict[str, str]:
    """Sparse GSI3 keys: present only while the order waits for a deposit that has a due date."""
    if order.payment_due_at and any(line.status is Status.PAYMENT_PENDING for line in order.lines):
        return {"GSI3PK": keys.va_due_gsi_pk(order.order_id),
                "GSI3SK": keys.va_due_sk(order.payment_due_at, order.site_id, order.order_id)}
    return {}


def line_chunks(order: Order) -> dict[int, list[Line]]:
    out: dict[int, list[Line]] = {}
    for line in order.lines:
        out.setdefault(keys.line_chunk(line.line_id), []).append(line)
    return out


def lines_item(order: Order, chunk: int, lines: list[Line]) -> Item:
    """One chunk of the order's lines (in line-id order)."""
    return {
        "PK": keys.order_pk(order.site_id, order.order_id),
        "SK": keys.lines_sk(chunk),
        "type": "lines",
        "lines": [_line_to_dict(line) for line in sorted(lines, key=lambda li: li.line_id)],
    }


def due_item(order: Order) -> Item | None:
    """The order's auto-confirm due item, or None when no delivered physical unit waits."""
    day = due.earliest_confirm_day(order)
    if day is None:
        return None
    return {
        "PK": keys.order_pk(order.site_id, order.order_id),
        "SK": keys.CONFIRM_DUE_ITEM_SK,
        "type": "due_confirm",
        "day": day,
        "GSI3PK": keys.confirm_due_pk(day, keys.confirm_due_shard(order.order_id)),
        "GSI3SK": keys.confirm_due_sk(order.site_id, order.order_id),
    }


def tracking_due_item(order: Order) -> Item | None:
    """The order's tracking due item (its earliest parcel check), or None when no parcel waits for one."""
    due = min((t["check_at"] for s in order.shipments.values() if (t := s.tracking) and t.get("check_at")),
              default=None)
    if due is None:
        return None
    return {
        "PK": keys.order_pk(order.site_id, order.order_id),
        "SK": keys.TRACKING_DUE_ITEM_SK,
        "type": "due_tracking",
        "check_at": due,
        "GSI3PK": keys.tracking_due_gsi_pk(order.order_id),
        "GSI3SK": keys.tracking_due_sk(due, order.site_id, order.order_id),
    }


def tab_item(order: Order, tab: str) -> Item:
    return {
        "PK": keys.order_pk(order.site_id, order.order_id),
        "SK": keys.tab_sk(tab),
        "type": "tab",
        "GSI1PK": keys.tab_gsi_pk(order.site_id, tab),
        "GSI1SK": keys.created_sk(order.created_at, order.order_id),
        **summary(order),
    }


def lookup_item(order: Order, kind: str, value: str) -> Item:
    return {
        "PK": keys.order_pk(order.site_id, order.order_id),
        "SK": keys.lookup_sk(kind, value),
        "type": "lookup",
        "GSI2PK": keys.lookup_gsi_pk(order.site_id, kind, value),
        "GSI2SK": keys.created_sk(order.created_at, order.order_id),
        "order_id": order.order_id,
    }


def normalize_phone(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def normalize_name(name: str) -> str:
    return "".join(name.split()).lower()


def lookup_values(order: Order) -> set[tuple[str, str]]:
    """The lookups an order can be found by (GSI2): the exact ones and the unified-search tokens. A
    change writes the difference of the sets before and after it, so old tokens go with old values."""
    out = {
        ("buyer_name", normalize_name(order.buyer.name)),
        ("buyer_phone", normalize_phone(order.buyer.phone)),
        ("recipient_name", normalize_name(order.recipient.name)),
        ("recipient_phone", normalize_phone(order.recipient.phone)),
    }
    if order.buyer.member_id:
        out.add(("member", order.buyer.member_id))
    for s in order.shipments.values():
        if s.tracking_no:
            out.add(("tracking", normalize_tracking(s.tracking_no)))
    out |= {(keys.SEARCH_LOOKUP, t) for t in search_terms.order_tokens(order)}
    return {(k, v) for k, v in out if v}


def _plain_tracking(value: Any) -> dict[str, Any] | None:
    """A shipment's tracking record as read (DynamoDB numbers back to ints)."""
    if not value:
        return None
    from oms.store.orders import plain

    return dict(plain(value))


def normalize_tracking(value: str) -> str:
    return "".join(ch for ch in value if ch.isalnum()).upper()


def payment_item(order: Order, payment: Payment) -> Item:
    """A payment's item (``PAY#<id>``): its stored record."""
    return {"PK": keys.order_pk(order.site_id, order.order_id), "SK": keys.payment_sk(payment.payment_id),
            "type": "payment", **payment.view()}


def payments_from_items(items: list[Item]) -> dict[str, Payment]:
    """The order's payments (``PAY#``), each with its refund requests (``RFD#``) and the buyer's
    cash-receipt request (``CRREQ#``)."""
    pays = {str(i["payment_id"]): Payment.from_item(plain(i)) for i in items
            if str(i["SK"]).startswith(keys.PAYMENT_PREFIX)}
    for i in items:
        sk = str(i["SK"])
        if sk.startswith(keys.REFUND_REQUEST_PREFIX) and str(i.get("payment_id")) in pays:
            req = RefundRequest.from_item(plain(i))
            pays[req.payment_id].refund_requests[req.request_id] = req
        elif sk.startswith(keys.RECEIPT_REQUEST_PREFIX) and str(i.get("payment_id")) in pays:
            pays[str(i["payment_id"])].receipt_request = ReceiptRequest(str(i["receipt_type"]),
                                                                        str(i["identity_number"]))
    return pays


def order_from_items(items: list[Item]) -> Order:
    """The order aggregate from its items (header, line chunks, payments with their refund and
    receipt requests, payment requests), as one consistent Query read them."""
    header = next(i for i in items if i["SK"] == keys.HEADER_SK)
    lines = [_line_from_dict(d) for i in items if i["SK"].startswith(keys.LINES_PREFIX) for d in i["lines"]]
    lines.sort(key=lambda li: (len(li.line_id), li.line_id))
    shipments = {
        sid: Shipment(
            shipment_id=s["shipment_id"],
            method=s["method"],
            courier=s.get("courier"),
            tracking_no=s.get("tracking_no"),
            combined_group=s.get("combined_group"),
            created_at=s.get("created_at"),
            tracking=_plain_tracking(s.get("tracking")),
        )
        for sid, s in (header.get("shipments") or {}).items()
    }
    memo = header.get("last_memo")
    order = Order(
        site_id=header["site_id"],
        order_id=header["order_id"],
        created_at=header["created_at"],
        channel=Channel(header["channel"]),
        payment_method=PaymentMethod(header["payment_method"]),
        scope=DeliveryScope(header["scope"]),
        buyer=Buyer(**header["buyer"]),
        recipient=Recipient(**header["recipient"]),
        lines=lines,
        shipping_fee_cod=bool(header.get("shipping_fee_cod")),
        closed=bool(header.get("closed")),
        shipments=shipments,
        last_memo=Memo(**memo) if memo else None,
        payment_due_at=header.get("payment_due_at"),
        checkout_id=header.get("checkout_id"),
        shipping_method=header.get("shipping_method") or "parcel",
        claims={cid: claim_from_dict(c) for cid, c in (header.get("claims") or {}).items()},
        charges=[charge_from_dict(c) for c in header.get("charges") or []],
        payments=payments_from_items(items),
        payment_requests={str(i["request_id"]): PaymentRequest.from_item(plain(i)) for i in items
                          if str(i["SK"]).startswith(keys.PAYREQ_PREFIX)},
        external=dict(header["external"]) if header.get("external") else None,
    )
    for k in _INT_HEADER:
        setattr(order, k, int(header.get(k) or 0))
    order.next_claim_no = order.next_claim_no or 1
    return order
