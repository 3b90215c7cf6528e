"""Payment requests (결제요청): ``PAYREQ#<id>`` items in the order partition.

A request asks the buyer for the order's outstanding amount at the time it was made. Its stored
``status`` is ``open`` → ``awaiting_deposit`` (a virtual account was issued) → ``paid``, or
``cancelled``; it is written only inside the order's transaction, under a condition on that
status. A request waiting for a deposit counts as ``paid`` as soon as its payment item is paid
(the PG's deposit callback changes the payment, the view reads both), and ``expired`` once the
account's due date (and its grace hour) passed unpaid (payable again): :func:`effective_status`.
"""

from __future__ import annotations

from typing import Any

from oms.domain.clock import iso, utcnow
from oms.domain.errors import Conflict
from oms.domain.payment_requests import past_due
from oms.store import keys
from oms.store.orders import plain, put, update
from oms.store.payments import payment_items
from oms.store.table import Item

#: a request still asking for its amount (``expired``: its virtual account passed its due date unpaid)
OPEN_STATUSES = frozenset({"open", "awaiting_deposit", "expired"})


def request_item(site_id: str, order_id: str, request_id: str, **fields: Any) -> Item:
    return {"PK": keys.order_pk(site_id, order_id), "SK": keys.payreq_sk(request_id), "type": "payment_request",
            "request_id": request_id, **fields}


def put_new(item: Item) -> tuple[dict[str, Any], Conflict]:
    return (put(item, "attribute_not_exists(PK)"),
            Conflict("PAYMENT_REQUEST_EXISTS", "이미 있는 결제요청입니다.", extra={"request_id": item["request_id"]}))


def set_action(site_id: str, order_id: str, request_id: str, expect: str, fields: dict[str, Any]) -> tuple[
        dict[str, Any], Conflict]:
    """SET ``fields`` on the request (REMOVE those that are None), on condition its status is still
    ``expect``."""
    keys_ = sorted(fields)
    names = {"#st": "status", **{f"#f{i}": k for i, k in enumerate(keys_)}}
    values = {":expect": expect, **{f":v{i}": fields[k] for i, k in enumerate(keys_) if fields[k] is not None}}
    sets = [f"#f{i} = :v{i}" for i, k in enumerate(keys_) if fields[k] is not None]
    removes = [f"#f{i}" for i, k in enumerate(keys_) if fields[k] is None]
    expr = ("SET " + ", ".join(sets) if sets else "") + (" REMOVE " + ", ".join(removes) if removes else "")
    return (update(keys.order_pk(site_id, order_id), keys.payreq_sk(request_id), expr.strip(), values, names,
                   condition="#st = :expect"),
            Conflict("PAYMENT_REQUEST_CHANGED", "결제요청 상태가 그 사이에 바뀌었습니다. 새로고침 후 다시 시도하세요.",
                     extra={"request_id": request_id}))


def payment_status_action(site_id: str, order_id: str, payment_id: str, expect: str, status: str,
                          at: str) -> tuple[dict[str, Any], Conflict]:
    """The payment of a request moves ``expect`` → ``status`` (e.g. its unpaid account cancelled)."""
    return (update(keys.order_pk(site_id, order_id), keys.payment_sk(payment_id), "SET #st = :s, closed_at = :at",
                   {":s": status, ":at": at, ":expect": expect}, {"#st": "status"}, condition="#st = :expect"),
            Conflict("PAYMENT_CHANGED", "결제 상태가 그 사이에 바뀌었습니다. 새로고침 후 다시 시도하세요.",
                     extra={"payment_id": payment_id}))


def request_items(items: list[Item]) -> dict[str, Item]:
    return {str(i["request_id"]): plain(i) for i in items if str(i["SK"]).startswith(keys.PAYREQ_PREFIX)}


def effective_status(req: Item, payments: dict[str, Item], now: str | None = None) -> str:
    """The stored status, except that a request waiting for a deposit is ``paid`` once its payment
    is, and ``expired`` once its account's due date passed unpaid (the buyer may pay again)."""
    status = str(req.get("status"))
    if status == "awaiting_deposit":
        pay = payments.get(str(req.get("payment_id") or ""))
        if pay is not None and pay.get("status") in ("paid", "partial_cancelled", "cancelled"):
            return "paid"
        if pay is not None and pay.get("status") == "pending" and past_due(pay, now or iso(utcnow())):
            return "expired"
    return status


def views(items: list[Item]) -> list[dict[str, Any]]:
    """Every payment request of the order, newest first, with its effective status."""
    pays = payment_items(items)
    out = []
    for req in request_items(items).values():
        v = {k: val for k, val in req.items() if k not in ("PK", "SK", "type")}
        v["status"] = effective_status(req, pays)
        v["stored_status"] = req.get("status")
        pay = pays.get(str(req.get("payment_id") or ""))
        if pay is not None:
            v["payment"] = {k: pay.get(k) for k in ("payment_id", "method", "amount", "status", "paid_at",
                                                     "virtual_account")}
        out.append(plain(v))
    return sorted(out, key=lambda r: str(r.get("created_at")), reverse=True)
