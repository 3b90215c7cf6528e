"""Payment requests (결제요청): ``PAYREQ#<id>`` items in the order partition.

A request's stored ``status`` (``open`` → ``awaiting_deposit`` → ``paid``, or ``cancelled``) is
written only inside the order's transaction, under a condition on that status; its rules and its
effective status are :mod:`oms.domain.payment_requests`. The order loads with its requests
(``order.payment_requests``, :func:`oms.store.codec.order_from_items`). The requests stored ``open``
are counted on the home screen (``payreqs_open``, :mod:`oms.store.home_counts`) by an ADD in the
same transaction as each write that enters or leaves that status.
"""

from __future__ import annotations

from typing import Any

from oms.domain.errors import Conflict
from oms.domain.payment_requests import PaymentRequest, RequestChange, Update
from oms.store import home_counts, keys
from oms.store import payments as pay_store
from oms.store.orders import Write, put, update


def record_request_change(write: Write, site_id: str, order_id: str, rc: RequestChange, *,
                          provider: str | None = None, deposit_secret: str | None = None, at: str = "") -> None:
    """What a :class:`RequestChange` writes, in this order: the new request (``attribute_not_exists``)
    and, with a ``provider``, its PG reference; the new payment and its PG reference (with the
    account's ``deposit_secret``); the payments closed under their status; the requests updated
    under their status."""
    if rc.new_request is not None:
        req = rc.new_request
        write.add(put(_request_item(site_id, order_id, req), "attribute_not_exists(PK)"),
                  Conflict("PAYMENT_REQUEST_EXISTS", "이미 있는 결제요청입니다.", extra={"request_id": req.request_id}))
        if req.status == OPEN:
            write.add(home_counts.add_action(site_id, "payreqs_open", _subject(order_id, req.request_id), 1))
        if provider:  # a card payment the buyer makes for it reaches us even if the buyer never reports it
            pay_store.record_request_ref(write, provider, req.pg_order_id, site_id, order_id, req.request_id)
    if rc.new_payment is not None:
        pay = rc.new_payment
        pay_store.record_new_payment(write, site_id, order_id, pay)
        pay_store.record_payment_ref(write, str(pay.provider), str(pay.pg_order_id), site_id, order_id,
                                     pay.payment_id, deposit_secret=deposit_secret, created_at=at)
    for upd in rc.payment_updates:
        write.add(*_payment_status_action(site_id, order_id, upd))
    for upd in rc.request_updates:
        record_request_update(write, site_id, order_id, upd)


def record_request_update(write: Write, site_id: str, order_id: str, upd: Update) -> None:
    """SET ``upd.fields`` on the request (REMOVE those that are None), on condition its status is
    still ``upd.expect`` (409 ``PAYMENT_REQUEST_CHANGED``)."""
    keys_ = sorted(upd.fields)
    fields = upd.fields
    names = {"#st": "status", **{f"#f{i}": k for i, k in enumerate(keys_)}}
    values = {":expect": upd.expect, **{f":v{i}": fields[k] for i, k in enumerate(keys_) if fields[k] is not None}}
    sets = [f"#f{i} = :v{i}" for i, k in enumerate(keys_) if fields[k] is not None]
    removes = [f"#f{i}" for i, k in enumerate(keys_) if fields[k] is None]
    expr = ("SET " + ", ".join(sets) if sets else "") + (" REMOVE " + ", ".join(removes) if removes else "")
    write.add(update(keys.order_pk(site_id, order_id), keys.payreq_sk(upd.item_id), expr.strip(), values, names,
                     condition="#st = :expect"),
              Conflict("PAYMENT_REQUEST_CHANGED",
                       "결제요청 상태가 그 사이에 바뀌었습니다. 새로고침 후 다시 시도하세요.",
                       extra={"request_id": upd.item_id}))
    to = fields.get("status", upd.expect)
    delta = (to == OPEN) - (upd.expect == OPEN)
    if delta:  # the update above is conditioned on ``expect``: the count moves exactly when the status does
        write.add(home_counts.add_action(site_id, "payreqs_open", _subject(order_id, upd.item_id), delta))


#: the stored status the home screen counts (asked of the buyer, not paid nor given an account yet)
OPEN = "open"


def _subject(order_id: str, request_id: str) -> str:
    return f"{order_id}#{request_id}"


def _request_item(site_id: str, order_id: str, req: PaymentRequest) -> dict[str, Any]:
    return {"PK": keys.order_pk(site_id, order_id), "SK": keys.payreq_sk(req.request_id), "type": "payment_request",
            **req.record}


def _payment_status_action(site_id: str, order_id: str, upd: Update) -> tuple[dict[str, Any], Conflict]:
    """The payment of a request moves ``expect`` → ``status`` (e.g. its unpaid account cancelled)."""
    return (update(keys.order_pk(site_id, order_id), keys.payment_sk(upd.item_id), "SET #st = :s, closed_at = :at",
                   {":s": upd.fields["status"], ":at": upd.fields["closed_at"], ":expect": upd.expect},
                   {"#st": "status"}, condition="#st = :expect"),
            Conflict("PAYMENT_CHANGED", "결제 상태가 그 사이에 바뀌었습니다. 새로고침 후 다시 시도하세요.",
                     extra={"payment_id": upd.item_id}))
