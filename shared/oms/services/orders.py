"""Admin use cases on one order (detail, status change, memo, reopen) and bulk changes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oms import observability
from oms.domain import payment_requests as requests_rules
from oms.domain.bulk_moves import MAX_BULK_ORDERS, move_all, too_many_orders_ko
from oms.domain.clock import iso, utcnow
from oms.domain.errors import DomainError
from oms.domain.masking import mask_event, mask_party
from oms.domain.memos import add_memo
from oms.domain.moves import Move, apply_moves, next_moves, reopen
from oms.domain.order import Actor, Change, Event, Order
from oms.services import claim_views, effects
from oms.store import orders
from oms.store.orders import plain

#: whose moves the detail offers (``lines[].next``): the site's admins
ADMIN_VIEW = Actor("admin", "console")

if TYPE_CHECKING:  # the API models load with the routes, not with every job and webhook (cold start)
    from oms.schemas.orders import BulkResult, BulkStatusIn, MoveIn

BULK_LIMIT = MAX_BULK_ORDERS
logger = logging.getLogger(__name__)


def _party(party: dict[str, Any], masked: bool) -> dict[str, Any]:
    return mask_party(party) if masked else party


def _event_view(it: dict[str, Any]) -> dict[str, Any]:
    return plain({"at": it["at"], "kind": it["kind"], "actor": it["actor"],
                  "data": mask_event(str(it["kind"]), dict(it.get("data") or {}))})


def detail_view(order: Order, events: list[dict[str, Any]], *, masked: bool = True) -> dict[str, Any]:
    """What the order detail shows: lines by status with their amounts, shipments, payments, money;
    the buyer and the recipient masked unless ``masked`` is False (the buyer's own page; an
    operator's 개인정보 보기 is ``services.personal_data.reveal``, recorded)."""
    now = iso(utcnow())
    payments = sorted((p.view() for p in order.payments.values()), key=lambda p: p.get("requested_at") or "")
    pending = order.pending_total(now)
    return {
        "order_id": order.order_id,
        "version": order.version,
        "created_at": order.created_at,
        "channel": order.channel.value,
        "external": order.external,
        "payment_method": order.payment_method.value,
        "scope": order.scope.value,
        "shipping_method": order.shipping_method,
        "closed": order.closed,
        "buyer": _party({**vars(order.buyer), "type": "member" if order.buyer.is_member else "guest"}, masked),
        "recipient": _party(dict(vars(order.recipient)), masked),
        "lines": [
            {
                "line_id": line.line_id,
                "origin_line_id": line.origin_line_id,
                "product_code": line.product_code,
                "product_name": line.product_name,
                "kind": line.kind.value,
                "options": [vars(o) for o in line.options],
                "option_text": line.option_text(),
                "quantity": line.quantity,
                "status": line.status.value,
                "status_ko": line.status.ko,
                "unit_price": line.unit_price,
                "option_price": line.option_price,
                "gross_amount": line.gross,
                "product_discount": line.product_discount,
                "coupon_discount": line.coupon_discount,
                "points_used": line.points_used,
                "paid_amount": line.paid_amount,
                "claim_origin": line.claim_origin.value if line.claim_origin else None,
                "exchange_of": line.exchange_of,
                "shipment_id": line.shipment_id,
                "tracking_no": order.tracking_of(line),
                "status_changed_at": line.status_changed_at,
                "confirmed_at": line.confirmed_at,
                "confirmed_by": line.confirmed_by,
                "auto_confirm_on": line.auto_confirm_on,
                "points_accrued": line.points_accrued,
                "external_id": line.external_id,
                "channel_state": line.channel_state,
                "next": [{"to": to.value, "to_ko": to.ko, "partial": partial}
                         for to, partial in next_moves(order, line, ADMIN_VIEW)],
            }
            for line in order.lines
        ],
        "shipments": [vars(s) for s in order.shipments.values()],
        "payments": payments,
        "amounts": {
            "lines": order.lines_amount,
            "shipping_fee": order.shipping_fee,
            "shipping_fee_cod": order.shipping_fee_cod,
            "extra_fees": order.extra_fees,
            "coupon_discount": order.coupon_total,
            "points_used": order.points_total,
            "order_amount": order.order_amount,
            "paid": order.paid_total,
            "refunded": order.refunded_total,
            "outstanding": order.outstanding,
            "pending": pending,
            "requestable": requests_rules.requestable(order, pending),
            "refund_due": max(0, -order.outstanding),
        },
        "claims": [claim_views.claim_view(order, c) for _, c in sorted(order.claims.items())],
        "charges": [vars(c).copy() for c in order.charges],
        "payment_requests": requests_rules.views(order, now),
        "status_quantities": order.status_quantities(),
        "memo_count": order.memo_count,
        "last_memo": vars(order.last_memo) if order.last_memo else None,
        "timeline": [_event_view(e) for e in events],
    }


def get_detail(site_id: str, order_id: str, *, consistent: bool = False) -> dict[str, Any]:
    order, events = orders.load_detail(site_id, order_id, consistent=consistent)
    return detail_view(order, events)


@dataclass
class Committed:
    """A committed change: the order as written (with its payments and payment requests) and the
    events it recorded. Answers after a write are built from this, never from a re-read."""

    order: Order
    events: list[Event]

    def detail(self) -> dict[str, Any]:
        """The detail answer after a write; its timeline holds this change's events, newest first."""
        timeline = [{"at": e.at, "kind": e.kind, "actor": e.actor.as_dict(), "data": e.data}
                    for e in reversed(self.events)]
        return detail_view(self.order, timeline)


def refusal_event(actor: Actor, action: str, exc: DomainError, at: str | None = None,
                  data: dict[str, Any] | None = None) -> Event:
    return Event("refused", actor, at or iso(utcnow()),
                 {"action": action, **(data or {}), **exc.as_dict(), "text_ko": exc.message_ko})


@contextmanager
def recording_refusals(site_id: str, order_id: str, actor: Actor, action: str,
                       unless: frozenset[str] | set[str] = frozenset()) -> Iterator[None]:
    """The one way a refusal reaches the timeline: a rule's refusal inside the block is written to the
    order's timeline (only if the order exists in this site) and re-raised unchanged; codes in
    ``unless`` are not refusals of the rules (a replay, a lost race) and are not recorded."""
    try:
        yield
    except DomainError as exc:
        if exc.code not in unless:
            record_refusal(site_id, order_id, actor, action, exc)
        raise


def record_refusal(site_id: str, order_id: str, actor: Actor, action: str, exc: DomainError,
                   at: str | None = None, data: dict[str, Any] | None = None) -> None:
    """Write ``exc`` to the order's timeline (not a 404: there is no order of this site to write on);
    ``data`` names what the refusal belongs to (a job, an import ...)."""
    if exc.status != 404:
        orders.record_refusal(site_id, order_id, refusal_event(actor, action, exc, at, data))


def commit(before: Order, change: Change, extra: orders.Write | None = None) -> Order:
    """Save a domain change with its side effects (named steps of ``effects``), in one transaction."""
    write = extra or orders.Write()
    effects.apply(before, change, write)
    saved = orders.save(before, change.order, change.events, change.touched_lines, write, change.intents)
    observability.committed(change.events)  # business metrics, once the transaction is in
    return saved


#: what a step decides on one consistent read of the order (with its payments and requests) at a
#: time: the change, and the operation's own extra actions
Step = Callable[[Order, str], tuple[Change, orders.Write | None]]


def run(site_id: str, order_id: str, actor: Actor | None, step: Step, *, action: str = "change",
        expected_version: int | None = None, attempts: int = 1,
        retry_on: frozenset[str] = frozenset({"VERSION_CONFLICT"}), read: Order | None = None) -> Committed:
    """THE load → decide → commit loop of an order: 1 consistent read + 1 transaction.

    A refusal of the step is written to the timeline (when ``actor`` is given) and re-raised
    unchanged. A lost race (a code in ``retry_on``) answers 409, or with ``attempts`` > 1 (jobs,
    callbacks, outbox) is decided again on a fresh read; an ``expected_version`` never retries
    (the caller saw another version). ``read``: the order as the caller read it within the same
    operation (with what it wrote since laid over it), decided on instead of the first read — the
    commit is conditioned on its version all the same, and a lost race reads afresh.
    """
    for attempt in range(attempts):
        order = read if read is not None and attempt == 0 else orders.load(site_id, order_id)
        if expected_version is not None and expected_version != order.version:
            raise orders.version_conflict()
        at = iso(utcnow())
        if actor is not None:
            with recording_refusals(site_id, order_id, actor, action):
                change, extra = step(order, at)
        else:
            change, extra = step(order, at)
        try:
            saved = commit(order, change, extra)
        except DomainError as exc:
            if exc.code in retry_on and expected_version is None and attempt < attempts - 1:
                continue
            raise
        return Committed(saved, change.events)
    raise AssertionError("unreachable: attempts >= 1")


def run_change(
    site_id: str,
    order_id: str,
    actor: Actor,
    decide: Callable[[Order, str], Change],
    expected_version: int | None = None,
    action: str = "change",
    *,
    attempts: int = 1,
    extra: Callable[[Order], orders.Write] | None = None,
) -> Committed:
    """:func:`run` for a pure decision on the order (+ ``extra`` actions built for the same read)."""
    return run(site_id, order_id, actor,
               lambda o, at: (decide(o, at), extra(o) if extra else None),
               action=action, expected_version=expected_version, attempts=attempts)


def change_status(site_id: str, order_id: str, moves: list[MoveIn], actor: Actor,
                  expected_version: int | None = None) -> Committed:
    domain_moves = [Move(m.line_id, m.to, m.quantity) for m in moves]
    return run_change(site_id, order_id, actor, lambda o, at: apply_moves(o, domain_moves, actor, at),
                      expected_version, "status_change")


def run_bulk(site_id: str, order_ids: list[str], actor: Actor, decide: Callable[[Order, str], Change],
             action: str) -> list[BulkResult]:
    """Up to 50 orders, each in its own transaction, answered one by one (done / refused + reason)."""
    from oms.schemas.orders import BulkResult

    ids = list(dict.fromkeys(order_ids))
    if len(ids) > BULK_LIMIT:
        raise DomainError("BULK_LIMIT_EXCEEDED", too_many_orders_ko(BULK_LIMIT), status=400, field="order_ids",
                          extra={"limit": BULK_LIMIT})

    def one(order_id: str) -> BulkResult:
        try:
            run_change(site_id, order_id, actor, decide, action=action)
            return BulkResult(order_id=order_id, result="done")
        except DomainError as exc:
            extra = {k: v for k, v in exc.as_dict().items() if k not in ("code", "message_ko")}
            return BulkResult(order_id=order_id, result="refused", code=exc.code, message_ko=exc.message_ko,
                              detail=extra)
        except Exception:  # any failure of one order is that order's result; the others stand
            logger.exception("bulk change failed for one order", extra={"action": action})
            return BulkResult(order_id=order_id, result="refused", code="INTERNAL_ERROR",
                              message_ko="처리 중 오류가 발생했습니다. 잠시 후 이 주문만 다시 시도하세요.")

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, ids))


def bulk_change(site_id: str, body: BulkStatusIn, actor: Actor) -> list[BulkResult]:
    """The list's bulk status change: every whole line of each order that may move to ``to``; a
    refused order answers the single-order move's own reason (:func:`oms.domain.bulk_moves.move_all`)."""
    return run_bulk(site_id, body.order_ids, actor,
                    lambda o, at: move_all(o, body.to, body.from_status, actor, at), "bulk_status_change")


def memo(site_id: str, order_id: str, text: str, actor: Actor) -> Committed:
    return run_change(site_id, order_id, actor, lambda o, at: add_memo(o, text, actor, at), action="memo")


def reopen_order(site_id: str, order_id: str, actor: Actor) -> Committed:
    return run_change(site_id, order_id, actor, lambda o, at: reopen(o, actor, at), action="reopen")


def timeline(site_id: str, order_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    orders.get_header(site_id, order_id)  # 404 for an unknown order or another site's
    items, nxt = orders.timeline(site_id, order_id, limit, cursor)
    return {"events": [_event_view(i) for i in items], "next_cursor": nxt}
