"""Payment items and the look-ups PG callbacks need.

- ``PAY#<payment>`` in the order partition: method, amount, status, payment time, PG ids, refunds,
  cash receipt (written by intake; changed only inside an order transaction, under a condition on
  its status).
- ``RFD#<payment>#<request>`` in the order partition: one admin refund request through the PG — its
  amount (reserved on the payment's ``refund_claimed`` before the PG is called), its idempotency key
  at the PG, its status (``reserved`` → ``done`` | ``failed``) and the refund account it was sent
  with (needed to send it again after a crash); never part of an API answer.
- ``CRREQ#<payment>`` in the order partition: the buyer's cash-receipt request as given at checkout
  (the full identity number, needed to auto-issue); never part of an API answer.
- ``PGREF#<provider>#<pg order id>`` / ``REF``: which site, order and payment a PG's id belongs to,
  and the virtual account's deposit-callback secret (compared in constant time, never returned).
- ``PGLOG#<provider>#<KST day>``: callbacks that matched no order or came for a settled payment,
  kept 90 days for the operator.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from oms.domain.clock import iso, kst_date, utcnow
from oms.domain.errors import Conflict
from oms.domain.payments import Payment, PaymentChange, RefundRequest
from oms.store import keys
from oms.store.orders import Write, plain, put, update
from oms.store.table import Item, TransactionFailed, client, dump, key, load, table_name, transact

PG_LOG_TTL_DAYS = 90


# ---- what a change writes (in the order's transaction) -------------------------------------------


def record_new_payment(write: Write, site_id: str, order_id: str, payment: Payment) -> None:
    """A payment the change created (``order.payments``): a new item (``attribute_not_exists``).
    A new order's payments are written with it (:func:`oms.store.orders.create`)."""
    item = {"PK": keys.order_pk(site_id, order_id), "SK": keys.payment_sk(payment.payment_id), "type": "payment",
            **payment.view()}
    write.add(put(item, "attribute_not_exists(PK)"))


def record_receipt_request(write: Write, site_id: str, order_id: str, payment_id: str, receipt_type: str,
                           identity: str) -> None:
    """The buyer's cash-receipt request as given at checkout (the full identity number, needed to issue it)."""
    write.add(put({"PK": keys.order_pk(site_id, order_id), "SK": keys.receipt_request_sk(payment_id),
                   "type": "cash_receipt_request", "payment_id": payment_id, "receipt_type": receipt_type,
                   "identity_number": identity}))


def record_payment_change(write: Write, site_id: str, order_id: str, payment: Payment, pc: PaymentChange) -> None:
    """What a :class:`PaymentChange` of ``payment`` (as read) writes: the payment's fields under its
    status (409 ``PAYMENT_CHANGED``), and the refund request it completes, still reserved (409
    ``REFUND_REQUEST_NOT_RESERVED``)."""
    write.add(_update_action(site_id, order_id, payment.payment_id, pc, refunded_before=payment.refunded_amount),
              Conflict("PAYMENT_CHANGED", "결제 상태가 그 사이에 바뀌었습니다. 새로고침 후 다시 시도하세요.",
                       extra={"payment_id": payment.payment_id}))
    if pc.refund_request is not None:
        rid, fields = pc.refund_request
        write.add(_request_update_action(site_id, order_id, payment.payment_id, rid, fields),
                  Conflict("REFUND_REQUEST_NOT_RESERVED", "이미 처리된 환불 요청입니다.", extra={"request_id": rid}))


def _update_action(site_id: str, order_id: str, payment_id: str, pc: PaymentChange,
                   refunded_before: int = 0) -> dict[str, Any]:
    """SET the payment's changed fields, on condition its status is still the one the change was made from.

    ``refund_claimed`` is changed by adding ``pc.claim_delta`` to what the item holds now (refund
    reservations change it concurrently, outside the order's version); an item that never had it
    starts from ``refunded_before``, the refunded amount the change was decided on."""
    names = {"#st": "status"}
    values: dict[str, Any] = {":expect": pc.expect_status}
    sets, removes = [], []
    for i, (k, v) in enumerate(sorted(pc.payment_set.items())):
        names[f"#f{i}"] = k
        if v is None:
            removes.append(f"#f{i}")
        else:
            values[f":v{i}"] = v
            sets.append(f"#f{i} = :v{i}")
    if pc.claim_delta:
        names["#rc"] = "refund_claimed"
        values[":rc_base"], values[":rc_d"] = refunded_before, pc.claim_delta
        sets.append("#rc = if_not_exists(#rc, :rc_base) + :rc_d")
    if not sets and not removes:
        sets.append("#st = :expect")
    expr = ("SET " + ", ".join(sets) if sets else "") + (" REMOVE " + ", ".join(removes) if removes else "")
    return update(keys.order_pk(site_id, order_id), keys.payment_sk(payment_id), expr.strip(), values, names,
                  condition="#st = :expect")


# ---- refund requests: reserve on the payment → PG → commit ---------------------------------------


class ReservationRefused(Exception):
    """The reservation did not pass: ``request_exists`` (the same request id is already recorded) or
    the payment changed (less is left, or its status moved) since it was read."""

    def __init__(self, request_exists: bool) -> None:
        super().__init__("request exists" if request_exists else "payment changed")
        self.request_exists = request_exists


def reserve_refund(site_id: str, order_id: str, payment: Payment, request: RefundRequest) -> None:
    """One transaction: ``refund_claimed += amount`` on the payment under the condition that it stays
    within the payment (``refund_claimed <= amount - this``) and the payment is refundable, and the
    request item (new). DynamoDB evaluates the condition atomically, so concurrent requests can
    never reserve more than the payment, whatever the order version does."""
    pk = keys.order_pk(site_id, order_id)
    limit = payment.amount - request.amount
    pay = update(
        pk, keys.payment_sk(payment.payment_id), "SET #rc = if_not_exists(#rc, :base) + :amt",
        {":amt": request.amount, ":base": payment.refunded_amount, ":limit": limit, ":paid": "paid",
         ":partial": "partial_cancelled"},
        {"#rc": "refund_claimed", "#ra": "refunded_amount", "#st": "status"},
        condition="#st IN (:paid, :partial) AND (#rc <= :limit OR (attribute_not_exists(#rc) AND "
                  "(attribute_not_exists(#ra) OR #ra = :base)))")
    item = {"PK": pk, "SK": keys.refund_request_sk(payment.payment_id, request.request_id), "type": "refund_request",
            **{k: v for k, v in vars(request).items() if v is not None}}
    try:
        transact([pay, put(item, "attribute_not_exists(PK)")])
    except TransactionFailed as exc:
        if exc.reasons[1:2] == ["ConditionalCheckFailed"]:
            raise ReservationRefused(request_exists=True) from exc
        if exc.reasons[:1] == ["ConditionalCheckFailed"]:
            raise ReservationRefused(request_exists=False) from exc
        raise


def release_refund(site_id: str, order_id: str, request: RefundRequest, failure_reason: str, at: str) -> None:
    """The PG refused the request: its reservation is given back, the request is marked failed (once)."""
    pk = keys.order_pk(site_id, order_id)
    transact([
        update(pk, keys.payment_sk(request.payment_id), "SET #rc = #rc - :amt", {":amt": request.amount},
               {"#rc": "refund_claimed"}),
        update(pk, keys.refund_request_sk(request.payment_id, request.request_id),
               "SET #st = :failed, failure_reason = :why, failed_at = :at",
               {":failed": "failed", ":why": failure_reason, ":at": at, ":reserved": "reserved"},
               {"#st": "status"}, condition="#st = :reserved"),
    ])


def _request_update_action(site_id: str, order_id: str, payment_id: str, request_id: str,
                          fields: dict[str, Any]) -> dict[str, Any]:
    """Complete a reserved request (in the commit's transaction), on condition it is still reserved."""
    names = {"#st": "status", **{f"#f{i}": k for i, k in enumerate(sorted(fields))}}
    values = {":reserved": "reserved", **{f":v{i}": fields[k] for i, k in enumerate(sorted(fields))}}
    expr = "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields)))
    return update(keys.order_pk(site_id, order_id), keys.refund_request_sk(payment_id, request_id), expr, values,
                  names, condition="#st = :reserved")


def record_payment_ref(write: Write, provider: str, pg_order_id: str, site_id: str, order_id: str,
                       payment_id: str, *, deposit_secret: str | None, created_at: str) -> None:
    """The PG reference of a new payment (which site, order and payment a PG order id belongs to,
    and the virtual account's deposit-callback secret), unless the PG order id is another order's
    (409 ``PG_ORDER_ID_IN_USE``; the same order's request reference is replaced by its payment's)."""
    _put_ref(write, {"PK": keys.pg_ref_pk(provider, pg_order_id), "SK": keys.PG_REF_SK, "type": "pg_ref",
                     "provider": provider, "pg_order_id": pg_order_id, "site_id": site_id, "order_id": order_id,
                     "payment_id": payment_id, "deposit_secret": deposit_secret, "created_at": created_at})


def record_request_ref(write: Write, provider: str, pg_order_id: str, site_id: str, order_id: str,
                       request_id: str) -> None:
    """The reference of a 결제요청's PG order id before anything is paid: a PG callback about a card
    payment the buyer made for it (and never reported to us) finds the request."""
    _put_ref(write, {"PK": keys.pg_ref_pk(provider, pg_order_id), "SK": keys.PG_REF_SK, "type": "pg_ref",
                     "provider": provider, "pg_order_id": pg_order_id, "site_id": site_id, "order_id": order_id,
                     "payment_request_id": request_id})


def _put_ref(write: Write, item: Item) -> None:
    write.add(put(item, "attribute_not_exists(PK) OR order_id = :own", {":own": item["order_id"]}),
              Conflict("PG_ORDER_ID_IN_USE", "이미 다른 주문에 쓰인 PG 주문번호입니다.",
                       extra={"pg_order_id": item["pg_order_id"]}))


def get_ref(provider: str, pg_order_id: str) -> Item | None:
    resp = client().get_item(TableName=table_name(), Key=key(keys.pg_ref_pk(provider, pg_order_id), keys.PG_REF_SK),
                             ConsistentRead=True)
    return plain(load(resp["Item"])) if "Item" in resp else None


def log_callback(provider: str, identity: str, outcome: str, detail: dict[str, Any]) -> None:
    """Record a callback the operator should know about (it matched no order, or was refused)."""
    now = utcnow()
    item = {"PK": keys.pg_log_pk(provider, kst_date(now).strftime("%Y%m%d"), keys.pg_log_shard(identity)),
            "SK": f"{iso(now)}#{identity}",
            "type": "pg_log", "provider": provider, "identity": identity, "outcome": outcome, "at": iso(now),
            "detail": detail, "ttl": int(time.time()) + PG_LOG_TTL_DAYS * 86400}
    client().put_item(TableName=table_name(), Item=dump(item))


def callback_log(provider: str, kst_day: str) -> list[Item]:
    from oms.store.table import query_all

    """The day's log, every shard (one Query each), oldest first."""
    items = [plain(i) for shard in range(keys.PG_LOG_SHARDS) for i in query_all(
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.pg_log_pk(provider, kst_day, shard)}})]
    return sorted(items, key=lambda i: str(i["SK"]))


def orders_past_due(before: str) -> Iterator[tuple[str, str]]:
    """(site, order) of every order whose deposit due date is before ``before``, shard by shard."""
    for shard in range(keys.VA_DUE_SHARDS):
        yield from _due_orders(shard, before)


def _due_orders(shard: int, before: str) -> list[tuple[str, str]]:
    """(site, order) of orders whose deposit due date is before ``before`` (sparse GSI3, one shard)."""
    from oms.store.table import query_all

    items = query_all(
        IndexName="GSI3",
        KeyConditionExpression="GSI3PK = :pk AND GSI3SK < :before",
        ExpressionAttributeValues={":pk": {"S": keys.va_due_gsi_pk_shard(shard)}, ":before": {"S": before}},
        ProjectionExpression="GSI3SK",
    )
    out = []
    for it in items:
        _, site_id, order_id = str(it["GSI3SK"]).rsplit("#", 2)
        out.append((site_id, order_id))
    return out
