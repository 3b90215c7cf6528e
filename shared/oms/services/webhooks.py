"""PG callbacks: authenticate → find the order → apply once.

1. The adapter checks what the request alone proves (Standard Webhooks signature and timestamp for
   PortOne style) and takes out only what authentication needs (Toss style: order id and secret, or
   the payment key). Nothing else of the body is read yet, so no body can make the function fail
   before the caller is authenticated: anything unreadable is 401.
2. Toss-style deposit callbacks are genuine only if their ``secret`` equals the one stored when the
   account was issued (constant-time compare); payment-status webhooks are checked by looking the
   payment up through the PG API (a body that disagrees with the PG is refused as forged/stale).
   Only then is the body read by its model (422 problem+json naming the field it refuses).
   Whatever is applied — a deposit and its payment time, a cancel or refund, a deposit error — is
   taken from the PG's own record of the payment (looked up), never from the body; a payment time
   more than :data:`CLOCK_SKEW` in the future is refused.
3. The change is applied under Powertools Idempotency keyed on the provider's event identity (for
   deposit callbacks: order id + transaction key + status), in one transaction with a condition on
   the payment's status, so a callback delivered any number of times, concurrently or days later,
   changes the order once.

Outcomes: 200 for everything the PG should stop retrying (applied, already settled, an authenticated
callback for an unknown order — the last two recorded for the operator), 401 for forged, stale or
unreadable-before-authentication callbacks (nothing changed or written, logged), 422 for an
authenticated body its model refuses, 409 while the same event is being applied by another delivery,
503 when the PG could not be asked.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyItemAlreadyExistsError,
)

from oms.domain.clock import iso, parse_iso, utcnow
from oms.domain.errors import DomainError
from oms.domain.order import Event
from oms.domain.payouts import Refund
from oms.integrations.pg import (
    PROVIDERS,
    Notification,
    PaymentGateway,
    PgError,
    PgPayment,
    WebhookInvalid,
    WebhookRejected,
    gateway,
)
from oms.services import payments, request_payments
from oms.store import orders
from oms.store import payments as pay_store
from oms.store.idempotency import persistence_layer

logger = Logger(child=True)

#: PGs retry for days (Toss: up to 7 times over ~3 days); records outlive that.
IDEMPOTENCY_TTL = 8 * 24 * 3600
#: A deposit cannot precede the account it was paid into.
CLOCK_SKEW = timedelta(minutes=5)

CONFIG = IdempotencyConfig(event_key_jmespath="identity", raise_on_no_idempotency_key=True,
                           expires_after_seconds=IDEMPOTENCY_TTL)

#: Refusals that mean "this already happened": answered 200 so the PG stops, noted for the operator.
SETTLED = frozenset({"PAYMENT_ALREADY_PAID", "PAYMENT_NOT_PENDING", "REFUND_ALREADY_RECORDED", "NO_PENDING_UNITS",
                     "PAYMENT_NOT_PAID"})


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


def _reject(provider: str, reason: str, detail: str = "") -> Answer:
    logger.warning("pg callback rejected", extra={"provider": provider, "reason": reason, "detail": detail})
    return Answer(401, {"code": "WEBHOOK_REJECTED", "reason": reason,
                        "message_ko": "인증되지 않았거나 유효기간이 지난 콜백입니다."})


def _invalid(provider: str, code: str, field: str, detail: str, message_ko: str) -> Answer:
    logger.warning("pg callback refused", extra={"provider": provider, "code": code, "field": field})
    return Answer(422, {"code": code, "field": field, "detail": detail, "message_ko": message_ko})


def _body_invalid(provider: str, exc: WebhookInvalid) -> Answer:
    return _invalid(provider, "WEBHOOK_BODY_INVALID", exc.field, exc.detail,
                    f"콜백 본문의 {exc.field} 값이 올바르지 않습니다.")


def handle(provider: str, headers: Mapping[str, str], body: bytes, context: Any = None,
           now: datetime | None = None) -> Answer:
    if provider not in PROVIDERS:
        return Answer(404, {"code": "PG_PROVIDER_UNKNOWN", "message_ko": "지원하지 않는 PG입니다.",
                            "field": "provider"})
    now = now or utcnow()
    pg = gateway(provider)
    try:
        note = pg.parse_webhook(headers, body, now)
    except WebhookRejected as exc:
        return _reject(provider, exc.reason, exc.detail)
    except WebhookInvalid as exc:  # signed by the PG, but its body cannot be read
        return _body_invalid(provider, exc)
    try:
        return _authenticated(provider, pg, note, now, context)
    except WebhookInvalid as exc:
        return _body_invalid(provider, exc)


def _authenticated(provider: str, pg: PaymentGateway, note: Notification, now: datetime, context: Any) -> Answer:
    """Authenticate what the adapter could not (deposit secret, look-up), then read the body."""
    looked_up: PgPayment | None = None
    ref: dict[str, Any] | None = None
    if note.kind == "deposit":
        # genuine only if the secret matches the one stored when the account was issued
        ref = pay_store.get_ref(provider, str(note.pg_order_id))
        stored = str((ref or {}).get("deposit_secret") or "")
        if ref is None or not (stored and hmac.compare_digest(stored.encode(),
                                                              str(note.presented_secret).encode())):
            return _reject(provider, "SECRET_MISMATCH" if ref else "UNKNOWN_ACCOUNT", str(note.pg_order_id)[:80])
        note = pg.read(note)
        occurred = parse_iso(note.occurred_at)
        if ref.get("created_at") and occurred < parse_iso(str(ref["created_at"])) - CLOCK_SKEW:
            return _reject(provider, "STALE", f"event at {note.occurred_at} precedes the account")
        if occurred > now + CLOCK_SKEW:
            return _invalid(provider, "CALLBACK_TIME_IN_FUTURE", pg.occurred_at_field, note.occurred_at,
                            "콜백 시각이 현재보다 이후입니다.")
        # what the callback says (deposit, cancel, deposit error) is confirmed by the PG's own record
        try:
            looked_up = pg.find_payment(str(note.pg_order_id))
        except PgError as exc:
            return _lookup_failed(provider, exc, str(note.pg_order_id))
        if note.status == "paid" and looked_up.status == "waiting":
            # the PG reports a deposit its own record does not show yet: answered so that it retries
            logger.warning("deposit callback ahead of the PG's record", extra={"provider": provider})
            return Answer(503, {"code": "PG_NOT_CONFIRMED", "message_ko": "PG 조회에서 입금이 아직 확인되지 않습니다. "
                                "다시 시도됩니다."})
    else:
        note = pg.read(note)  # PortOne: signed; Toss "other": nothing is done with it
        if note.kind in ("other", "va_issued"):
            logger.info("pg callback noted", extra={"provider": provider, "event_type": note.event_type})
            return Answer(200, {"result": "noted", "event_type": note.event_type})
        if note.needs_lookup:
            try:
                looked_up = pg.get_payment(str(note.payment_key))
            except PgError as exc:
                return _lookup_failed(provider, exc, str(note.payment_key))
            disagreement = pg.disagreement(note, looked_up)
            if disagreement is not None:
                return _reject(provider, "DISAGREES_WITH_PG", disagreement)
        pg_order_id = looked_up.pg_order_id if looked_up else note.pg_order_id
        ref = pay_store.get_ref(provider, str(pg_order_id)) if pg_order_id else None
        if ref is None:  # authenticated (signature or look-up), but not one of ours
            pay_store.log_callback(provider, note.identity, "unknown_order",
                                   {"pg_order_id": pg_order_id, "event_type": note.event_type,
                                    "status": note.status})
            logger.warning("pg callback for an unknown order", extra={"provider": provider,
                                                                      "pg_order_id": pg_order_id})
            return Answer(200, {"result": "unknown_order"})

    assert looked_up is not None  # every callback that is applied was confirmed by a look-up
    if not ref.get("payment_id") and ref.get("payment_request_id"):
        return _request_payment(provider, ref, looked_up)
    if looked_up.paid_at and parse_iso(looked_up.paid_at) > now + CLOCK_SKEW:
        return _invalid(provider, "PAID_AT_IN_FUTURE", pg.paid_at_field, looked_up.paid_at,
                        "PG가 알려준 결제시각이 현재보다 이후입니다. PG에 확인하세요.")
    event = {
        "identity": note.identity,
        "provider": provider,
        "site_id": ref["site_id"],
        "order_id": ref["order_id"],
        "payment_id": ref["payment_id"],
        "facts": _facts(note, looked_up, now),
    }
    if context is not None:
        CONFIG.register_lambda_context(context)
    applier = idempotent_function(data_keyword_argument="event", config=CONFIG, key_prefix="pg-callback",
                                  persistence_store=persistence_layer("webhooks", note.identity))(_apply)
    try:
        result = applier(event=event)
    except (IdempotencyAlreadyInProgressError, IdempotencyItemAlreadyExistsError):
        return Answer(409, {"code": "CALLBACK_IN_PROGRESS", "message_ko": "같은 콜백을 처리 중입니다."})
    except DomainError as exc:  # e.g. lost every version race: let the PG retry
        logger.warning("pg callback not applied", extra={"provider": provider, "code": exc.code})
        return Answer(503, {"code": exc.code, "message_ko": exc.message_ko})
    return Answer(200, result)


def _request_payment(provider: str, ref: dict[str, Any], paid: PgPayment) -> Answer:
    """A card payment for a 결제요청 that the buyer never reported to us (the window closed before our
    pay route was called): recorded exactly as the buyer's call would, or given back at the PG."""
    if paid.status != "paid":
        return Answer(200, {"result": "noted", "order_id": ref["order_id"]})
    try:
        request_payments.pay_card(str(ref["site_id"]), str(ref["order_id"]), str(ref["payment_request_id"]),
                                  paid.payment_key, payments.pg_actor(provider))
    except DomainError as exc:  # refused: the money went back at the PG (give_back); nothing to retry
        return Answer(200, {"result": "refused", "order_id": ref["order_id"], "code": exc.code,
                            "pg_cancelled": bool(exc.extra.get("pg_cancelled"))})
    return Answer(200, {"result": "applied", "order_id": ref["order_id"], "action": "payment_request_paid"})


def _lookup_failed(provider: str, exc: PgError, key: str) -> Answer:
    if exc.status == 404:
        return _reject(provider, "PAYMENT_NOT_AT_PG", key[:80])
    logger.error("pg look-up failed", extra={"provider": provider, "code": exc.code})
    return Answer(503, {"code": "PG_UNAVAILABLE", "message_ko": "PG 조회에 실패했습니다. 다시 시도됩니다."})


def _facts(note: Notification, p: PgPayment, now: datetime) -> dict[str, Any]:
    """What is applied: the PG's record of the payment (status, payment time, amount, refunds)."""
    source = "deposit_callback" if note.kind == "deposit" else "lookup"
    return {"source": source, "status": p.status, "paid_at": p.paid_at or iso(now), "amount": p.amount,
            "transaction_key": note.transaction_key, "payment_key": p.payment_key,
            "cancels": [{"key": c.key, "amount": c.amount, "at": c.at, "reason": c.reason} for c in p.cancels],
            "event_type": note.event_type}


def _apply(event: dict[str, Any]) -> dict[str, Any]:
    """Apply one genuine callback (runs once per event identity)."""
    site, oid, pid, provider = event["site_id"], event["order_id"], event["payment_id"], event["provider"]
    f = event["facts"]
    status = f["status"]
    actor = payments.pg_actor(provider)
    try:
        if status == "paid":
            pg_ids = {k: v for k, v in (("pg_transaction_key", f.get("transaction_key")),
                                        ("pg_payment_key", f.get("payment_key"))) if v}
            payments.deposit_from_pg(site, oid, pid, provider=provider, paid_at=f["paid_at"] or iso(utcnow()),
                                     amount=f.get("amount"), pg=pg_ids)
            return {"result": "applied", "order_id": oid, "action": "deposit"}
        if status == "waiting" and f["source"] == "deposit_callback":
            current = payments.load(site, oid, pid).payment
            if current.status == "paid":
                payments.reverse_pg_deposit(site, oid, pid, provider=provider, reason="deposit_error")
                return {"result": "applied", "order_id": oid, "action": "deposit_reversed"}
            return {"result": "noted", "order_id": oid}
        if status in ("cancelled", "partial_cancelled", "expired"):
            current = payments.load(site, oid, pid).payment
            if current.status == "pending":
                payments.cancel_unpaid_order(site, oid, pid, actor=actor,
                                             reason="va_expired" if status == "expired" else "pg_cancelled")
                return {"result": "applied", "order_id": oid, "action": "unpaid_cancelled"}
            refunds = [Refund(c["key"], int(c["amount"]), c["at"], c.get("reason") or "") for c in f["cancels"]]
            payments.record_pg_refunds(site, oid, pid, refunds, actor=actor)
            return {"result": "applied", "order_id": oid, "action": "refund_recorded"}
        return {"result": "noted", "order_id": oid}
    except DomainError as exc:
        if exc.code in ("VERSION_CONFLICT", "PAYMENT_CHANGED"):
            raise
        outcome = "settled" if exc.code in SETTLED else "refused"
        orders.record_refusal(site, oid, Event(
            "pg_callback_ignored" if outcome == "settled" else "refused", actor, iso(utcnow()),
            {"action": "pg_callback", "identity": event["identity"], **exc.as_dict(),
             "text_ko": f"PG 콜백 반영 안 함: {exc.message_ko}"}))
        if outcome == "refused":  # a notice of what is already so (the routine Paid notice of a card
            # intake confirmed) is on the order's timeline only: the log is for what needs a person
            pay_store.log_callback(provider, event["identity"], outcome,
                                   {"site_id": site, "order_id": oid, "code": exc.code})
        return {"result": outcome, "order_id": oid, "code": exc.code}
