"""Delivery tracking for operators and the schedule (docs/domain.md, "Delivery tracking"):
resolving a parcel's 배송 이상, correcting a number after shipping, the shipment views, and the
sweep of due parcels from the sparse GSI3 — never a Scan, fanned out through TrackingSweepQueue
(:mod:`oms.services.fan_out`): polled parcels are asked for their scans (the polling fallback,
``oms.domain.tracking_poll``), quiet ones go to 배송 이상, webhooks about to expire are registered
again."""

from __future__ import annotations

import logging
from typing import Any

from oms.domain import couriers, tracking
from oms.domain.clock import iso, utcnow
from oms.domain.errors import NotFound
from oms.domain.order import Actor, Change, Order, Shipment
from oms.domain.outbox import Intent
from oms.integrations.tracking import ProviderDown, provider
from oms.schemas.shipping import CorrectTrackingIn, ResolveIssueIn
from oms.services import fan_out
from oms.services.orders import Committed, recording_refusals, run, run_change
from oms.services.tracking import site_tracking
from oms.store import due as due_store
from oms.store import keys, orders
from oms.store import shipping as ship_store

logger = logging.getLogger(__name__)
#: the due orders one run sends, per index shard (the earliest first)
DUE_PER_SHARD = 25_000
#: the worker's queue (TrackingSweepQueue), and its threads per message
QUEUE_ENV = "TRACKING_SWEEP_QUEUE_URL"
WORKER_THREADS = 8


def resolve(site_id: str, order_id: str, shipment_id: str, body: ResolveIssueIn, actor: Actor) -> Committed:
    quiet = site_tracking(site_id).quiet_days
    return run_change(site_id, order_id, actor,
                      lambda o, at: tracking.resolve_issue(o, shipment_id, actor=actor, at=at, note=body.note,
                                                           quiet_days=quiet),
                      action="tracking_issue_resolve")


def correct(site_id: str, order_id: str, shipment_id: str, body: CorrectTrackingIn, actor: Actor) -> Committed:
    """One order's parcel, or — for a combined shipment (합배송) — the same parcel in every order of
    its group, corrected in one transaction (each order under its own version condition)."""
    order = orders.load(site_id, order_id)
    s = order.shipments.get(shipment_id)
    group = s.combined_group if s is not None else None
    if not group or not s or not s.tracking_no:
        return run_change(site_id, order_id, actor,
                          lambda o, at: tracking.correct_number(o, shipment_id, courier=body.courier,
                                                                tracking_no=body.tracking_no, actor=actor, at=at),
                          expected_version=body.expected_version, action="tracking_correct")
    if body.expected_version is not None and body.expected_version != order.version:
        raise orders.version_conflict()
    at = iso(utcnow())
    pairs: list[tuple[Order, Change]] = []
    with recording_refusals(site_id, order_id, actor, "tracking_correct"):
        pairs.append((order, tracking.correct_number(order, shipment_id, courier=body.courier,
                                                     tracking_no=body.tracking_no, actor=actor, at=at)))
        for other_id in ship_store.orders_with_tracking(site_id, s.tracking_no):
            if other_id == order_id:
                continue
            other = orders.load(site_id, other_id)
            sid = next((x.shipment_id for x in other.shipments.values() if x.combined_group == group), None)
            if sid is not None:
                pairs.append((other, tracking.correct_number(other, sid, courier=body.courier,
                                                             tracking_no=body.tracking_no, actor=actor, at=at)))
    ship_store.save_many([(before, change) for before, change in pairs])
    first = pairs[0][1]
    return Committed(first.order, first.events)


def shipment_tracking(s: Shipment, provider: str | None) -> dict[str, Any] | None:
    """What the console and the buyer see of a parcel's tracking."""
    t = s.tracking
    if t is None:
        return None
    state = t.get("state")
    if state == "pending" and provider is None:
        state = "off"
    return {"state": state, "provider": t.get("provider"), "reason_ko": t.get("reason_ko"),
            "registered_at": t.get("registered_at"), "progress": t.get("progress"),
            "delivered_at": t.get("delivered_at"), "issue": t.get("issue"), "resolved": t.get("resolved"),
            "last_scan": t.get("last_scan"),
            "scans": sorted(t.get("scans") or [], key=lambda x: x["at"], reverse=True)}


# ---- the sweep --------------------------------------------------------------------------------


def _polled(order: Order, at: str, cache: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The scans of the order's parcels whose poll is due, from their provider (asked once per run)."""
    for s in order.shipments.values():
        t = s.tracking
        if not t or t.get("state") != "polling" or not t.get("next_poll_at") or t["next_poll_at"] > at \
                or s.shipment_id in cache:
            continue
        c = couriers.BY_CODE.get(s.courier or "")
        code = c.code_at(str(t.get("provider"))) if c else None
        if code is None or not s.tracking_no:
            continue
        try:
            cache[s.shipment_id] = provider(str(t["provider"])).track(code, s.tracking_no)
        except ProviderDown as exc:  # asked again at the next poll
            logger.warning("tracking poll failed", extra={"provider": t.get("provider"), "reason": exc.reason})
            cache[s.shipment_id] = []
    return cache


def _chain(first: Order, changes: list[Change]) -> Change | None:
    if not changes:
        return None
    last = changes[-1]
    return Change(last.order, [e for c in changes for e in c.events], set().union(*(c.touched_lines for c in changes)),
                  touched_shipments=set().union(*(c.touched_shipments for c in changes)),
                  intents=[i for c in changes for i in c.intents])


def _check(order: Order, at: str, quiet_days: int, polled: dict[str, list[dict[str, Any]]] | None = None,
           auto_complete: bool = True) -> Change:
    steps: list[Change] = []
    current = order
    for sid, scans in _polled(order, at, polled if polled is not None else {}).items():
        s = current.shipments.get(sid)
        if s is None or not s.tracking_no:
            continue
        got = tracking.apply_scans(current, sid, s.tracking_no, scans, provider=str((s.tracking or {}).get("provider")),
                                   at=at, quiet_days=quiet_days, auto_complete=auto_complete)
        if got is not None:
            steps.append(got)
            current = got.order
    quiet = tracking.quiet_check(current, at=at, quiet_days=quiet_days)
    if quiet is not None:
        steps.append(quiet)
    change = _chain(order, steps)
    if change is None:
        raise _NothingDue
    renew: list[Intent] = []
    for s in change.order.shipments.values():  # a webhook about to run out is registered again
        t = s.tracking
        if t and t.get("expires_at") and t["expires_at"] <= _plus_hours(at, 12) and not t.get("issue") \
                and not t.get("delivered_at") and t.get("state") == "registered":
            renew += tracking.renew_registration(s, at)
    change.intents = renew
    return change


def _plus_hours(at: str, hours: int) -> str:
    from datetime import timedelta

    from oms.domain.clock import parse_iso

    return iso(parse_iso(at) + timedelta(hours=hours))


class _NothingDue(Exception):
    pass


def _step(at: str, quiet_days: int, auto_complete: bool) -> Any:
    polled: dict[str, list[dict[str, Any]]] = {}  # kept across a lost race: the provider is asked once
    return lambda order, _at: (_check(order, at, quiet_days, polled, auto_complete), None)


def check_due_order(site_id: str, order_id: str, at: str) -> int | None:
    """One order's parcel checks due by ``at``: one read and (when something changed) one
    transaction; the tracking issues it opened, or None when nothing was due any more (checked
    meanwhile: a redelivered message, an overlapping run) or the order is gone."""
    cfg = site_tracking(site_id)
    try:
        done = run(site_id, order_id, None, _step(at, cfg.quiet_days, cfg.auto_complete), attempts=3)
    except (_NothingDue, NotFound):
        return None
    return sum(e.kind == "tracking_issue" for e in done.events)


def dispatch(now: str | None = None, send: fan_out.Send | None = None) -> dict[str, int]:
    """The scheduled function's part: the orders with a parcel check due by ``now`` (every shard,
    the earliest first, at most :data:`DUE_PER_SHARD` each: the rest come at the next run), sent
    to the workers (``TRACKING_SWEEP_QUEUE_URL``, or ``send``) 50 a message, round-robin by shop."""
    at = now or iso(utcnow())
    due = {so for shard in range(keys.TRACKING_DUE_SHARDS) for so in due_store.tracking_due_orders(shard, at,
                                                                                                 DUE_PER_SHARD)}
    sent = (send or fan_out.to_queue(QUEUE_ENV))(fan_out.messages(due, now=at))
    return {"due": len(due), "messages": sent}


def check_message(body: dict[str, Any], threads: int = WORKER_THREADS) -> fan_out.Worked[int | None]:
    """The worker's part: the message's orders checked as of its ``now``, ``threads`` at once. A
    refusal (not a lost race) is logged and left: the order stays due and comes at the next run."""
    at = str(body["now"])
    worked = fan_out.work(body, lambda site, oid: check_due_order(site, oid, at), threads)
    for f in worked.failed:
        if not f["transient"]:
            logger.warning("tracking check not applied", extra={"order_id": f["order_id"], "code": f["code"]})
    return worked
