"""External-channel order sync, the pull side (docs/domain.md, "External channels"): the channel's
change feed read from the connection's cursor, its product orders read in batches, and each
channel order taken in (the checkout intake, once: its checkout id is the channel's order id) or
brought to the channel's state (``oms.domain.channel_orders.reconcile``, one conditional
transaction per order through ``services.orders.run``).

One pull (:func:`pull`) reads at most :data:`MAX_PAGES` pages of changes and applies what they name
before it moves the cursor, so a crash or a rate limit repeats work but never skips it; rows the
last pull applied inside the re-read overlap are skipped without a details call. A channel that
refuses, limits or fails moves the connection's next read (the limit's wait, a doubling back-off);
an operator is never blocked by it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import ValidationError

from oms.domain import channel_orders as rules
from oms.domain.channel_records import ProductOrder
from oms.domain.clock import iso, later, parse_iso, utcnow
from oms.domain.errors import DomainError
from oms.domain.order import Change, Order
from oms.domain.payouts import Refund, record_refunds
from oms.integrations.channels import ChannelApi, ChannelDown, ChannelRefused, RateLimited, channel
from oms.schemas.orders import IntakeOrderIn
from oms.services import intake
from oms.services.orders import run
from oms.store import channels as store
from oms.store import checkout, orders
from oms.store import payments as pay_store

logger = logging.getLogger(__name__)

#: the feed's window (the channel answers at most 24 h per read) and the overlap re-read each time
WINDOW = timedelta(hours=24)
OVERLAP = timedelta(minutes=5)
#: how far back a new connection starts
FIRST_PULL = timedelta(days=3)
#: pages of changes per pull (300 rows each); the rest waits for the next pull, due at once
MAX_PAGES = 10
#: between two pulls of a connection that is caught up
INTERVAL = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)
#: the newest import errors kept on the connection (shown in 동기화 상태)
MAX_ERRORS = 20


@dataclass
class Pulled:
    status: str = "ok"  # ok | not_due | not_connected | rate_limited | down | refused
    calls: int = 0
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0  # not workable yet (unpaid) or already applied
    errors: list[dict[str, str]] = field(default_factory=list)
    more: bool = False


def pull(site_id: str, name: str, *, now: str | None = None, api: ChannelApi | None = None,
         force: bool = False) -> Pulled:
    """One pull of the site's channel ``name`` (see the module)."""
    now = now or iso(utcnow())
    out = Pulled()
    conn = store.get_connection(site_id, name)
    if not conn.get("enabled"):
        out.status = "not_connected"
        return out
    if not force and conn.get("next_at") and str(conn["next_at"]) > now:
        out.status = "not_due"
        return out
    creds = store.credentials(site_id, name)
    src = api or channel(name)
    since = str(conn.get("since") or later(now, -FIRST_PULL))
    more_seq: str | None = conn.get("more_sequence") or None
    seen_before = set(conn.get("seen") or [])
    rows: dict[str, Any] = {}
    seen_now: list[str] = []
    try:
        if creds is None:
            raise ChannelRefused("NO_CREDENTIALS", "연결 정보(애플리케이션 ID·시크릿)가 없습니다.")
        for _ in range(MAX_PAGES):
            until = min(parse_iso(since) + WINDOW, parse_iso(now))
            page = src.changes(creds, since, more_seq, iso(until))
            out.calls += 1
            for ch in page.changes:
                mark = f"{ch.product_order_id}@{ch.changed_at}@{ch.changed_type}"
                seen_now.append(mark)
                if mark in seen_before:
                    out.skipped += 1
                    continue
                rows[ch.product_order_id] = ch
            if page.more_from:
                since, more_seq = page.more_from, page.more_sequence
                continue
            more_seq = None
            if until < parse_iso(now):  # a past window done: the next one
                since = iso(until)
                continue
            since = iso(max(parse_iso(since), until - OVERLAP))
            break
        else:
            out.more = True
        out.rows = len(rows)
        pos = _details(src, creds, list(rows), out)
        _apply_all(site_id, name, pos, out)
    except RateLimited as exc:
        out.status = "rate_limited"
        _failed(site_id, name, conn, now, timedelta(seconds=max(1.0, exc.retry_after)), exc.reason or str(exc),
                count=False)
        return out
    except ChannelDown as exc:
        out.status = "down"
        failures = int(conn.get("failures") or 0) + 1
        _failed(site_id, name, conn, now, min(MAX_BACKOFF, INTERVAL * 2 ** (failures - 1)), exc.reason,
                failures=failures)
        return out
    except ChannelRefused as exc:
        out.status = "refused"
        _failed(site_id, name, conn, now, MAX_BACKOFF, f"[{exc.code}] {exc.message}")
        return out
    errors = (out.errors + list(conn.get("errors") or []))[:MAX_ERRORS]
    store.save_connection(site_id, name, {
        **conn, "since": since, "more_sequence": more_seq, "seen": seen_now[-600:], "failures": 0,
        "next_at": now if out.more else later(now, INTERVAL), "pulled_at": now, "errors": errors,
        "last": {"at": now, "calls": out.calls, "rows": out.rows, "created": len(out.created),
                 "updated": len(out.updated), "more": out.more},
        "last_error": None})
    return out


def _failed(site_id: str, name: str, conn: dict[str, Any], now: str, wait: timedelta, reason: str, *,
            failures: int | None = None, count: bool = True) -> None:
    logger.warning("channel %s of %s: %s", name, site_id, reason)
    store.save_connection(site_id, name, {
        **conn, "next_at": later(now, wait), "last_error": reason[:300], "last_error_at": now,
        **({"failures": failures} if failures is not None else {})})


def _details(src: ChannelApi, creds: Any, ids: list[str], out: Pulled) -> list[ProductOrder]:
    got: list[ProductOrder] = []
    for i in range(0, len(ids), src.max_details):
        got += src.details(creds, ids[i:i + src.max_details])
        out.calls += 1
    return got


def _apply_all(site_id: str, name: str, pos: list[ProductOrder], out: Pulled) -> None:
    by_order: dict[str, list[ProductOrder]] = {}
    for po in pos:
        by_order.setdefault(po.order_id, []).append(po)
    for channel_order_id, group in by_order.items():
        group.sort(key=lambda p: p.product_order_id)
        try:
            what, order_id = apply_order(site_id, name, group)
        except (DomainError, ValidationError) as exc:
            out.errors.append(_import_error(channel_order_id, exc, at=iso(utcnow())))
            continue
        if what == "created":
            out.created.append(order_id)
        elif what == "updated":
            out.updated.append(order_id)
        elif what == "unchanged":
            out.unchanged += 1
        else:
            out.skipped += 1


def _import_error(channel_order_id: str, exc: Exception, at: str) -> dict[str, str]:
    if isinstance(exc, DomainError):
        return {"channel_order_id": channel_order_id, "code": exc.code, "message_ko": exc.message_ko, "at": at}
    where, msg = "", ""
    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        where, msg = ".".join(str(p) for p in first["loc"]), first["msg"]
    return {"channel_order_id": channel_order_id, "code": "CHANNEL_ORDER_INVALID",
            "message_ko": f"네이버 주문을 가져오지 못했습니다: {where} — {msg}".strip(), "at": at}


def apply_order(site_id: str, name: str, pos: list[ProductOrder]) -> tuple[str, str]:
    """Take in or update one channel order from its product orders: ("created" | "updated" |
    "unchanged" | "skipped", our order id)."""
    cid = rules.checkout_id(name, pos[0].order_id)
    order_id = checkout.existing_checkout(site_id, cid)
    if order_id is None:
        workable = [po for po in pos if po.status in rules.WORKABLE]
        if not workable:
            return "skipped", ""  # unpaid on the channel: taken in once paid
        body = IntakeOrderIn.model_validate(rules.intake_body(site_id, name, workable))
        committed, order_id = intake.take(body, actor=rules.SYNC,
                                          decorate=lambda o, at: rules.link(o, name, workable, at))
        if committed is None:
            return "unchanged", order_id  # a concurrent pull took it first
        if any(rules.target_of(po) not in (None, rules.Status.PREPARING) for po in workable):
            update(site_id, order_id, workable)
        return "created", order_id
    return ("updated" if update(site_id, order_id, pos) else "unchanged"), order_id


class _Unchanged(Exception):
    pass


def update(site_id: str, order_id: str, pos: list[ProductOrder]) -> bool:
    """Bring our order to the channel's product orders (one transaction; a lost race decides again
    on a fresh read). With units the channel voided, the refund it made is recorded on the channel's
    payment. False: nothing differed."""
    def step(order: Order, at: str) -> tuple[Change, orders.Write | None]:
        change = rules.reconcile(order, pos, at)
        if change is None:
            raise _Unchanged
        return _with_channel_refund(order, change, at)

    try:
        run(site_id, order_id, None, step, attempts=5)
    except _Unchanged:
        return False
    return True


def _with_channel_refund(before: Order, change: Change, at: str) -> tuple[Change, orders.Write | None]:
    """The channel refunds the buyer itself when it cancels or takes back units: what our balance
    says the order now owes the buyer is recorded as refunded by the channel, on its payment."""
    owed = max(0, -change.order.outstanding)
    pay = next((p for p in change.order.payments.values() if p.provider == "naverpay" and p.remaining > 0), None)
    if owed == 0 or pay is None:
        return change, None
    amount = min(owed, pay.remaining)
    pc = record_refunds(change.order, pay, [Refund(f"naver-v{before.version + 1}", amount, at, "네이버 환불")],
                        actor=rules.SYNC, at=at)
    merged = change.then(pc.change)
    write = orders.Write()
    pay_store.record_payment_change(write, before.site_id, before.order_id, pay, pc)
    return merged, write


# ---- the connection ------------------------------------------------------------------------------


def poll_messages(now: str | None = None) -> list[dict[str, Any]]:
    """The fan-out: one message per connection due."""
    now = now or iso(utcnow())
    return [{"site_id": c["site_id"], "channel": c["channel"]} for c in store.due_connections(now)
            if c.get("enabled")]


def pull_message(body: dict[str, Any], now: str | None = None) -> Pulled:
    """The worker's part for one fan-out message."""
    return pull(str(body["site_id"]), str(body["channel"]), now=now, force=bool(body.get("force")))
