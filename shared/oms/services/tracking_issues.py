"""Delivery tracking for operators and the schedule (docs/domain.md, "Delivery tracking"):
resolving a parcel's 배송 이상, correcting a number after shipping, the shipment views, and the
sweep of due parcels from the sparse GSI3 — never a Scan: polled parcels are asked for their scans
(the polling fallback, ``oms.domain.tracking_poll``), quiet ones go to 배송 이상, webhooks about to
expire are registered again."""

from __future__ import annotations

import logging
from typing import Any

from oms.domain import couriers, tracking
from oms.domain.clock import iso, utcnow
from oms.domain.errors import DomainError, NotFound
from oms.domain.order import Actor, Change, Order, Shipment
from oms.domain.outbox import Intent
from oms.integrations.tracking import ProviderDown, provider
from oms.schemas.shipping import CorrectTrackingIn, ResolveIssueIn
from oms.services.orders import Committed, recording_refusals, run, run_change
from oms.services.tracking import site_tracking
from oms.store import keys, orders
from oms.store import shipping as ship_store
from oms.store.table import client, load, table_name

logger = logging.getLogger(__name__)
SWEEP_PAGE = 200


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


def _due(shard: int, now: str) -> list[tuple[str, str]]:
    resp = client().query(
        TableName=table_name(), IndexName="GSI3",
        KeyConditionExpression="GSI3PK = :pk AND GSI3SK <= :now",
        ExpressionAttributeValues={":pk": {"S": keys.tracking_due_gsi_pk_shard(shard)}, ":now": {"S": now + "~"}},
        Limit=SWEEP_PAGE)
    out = []
    for raw in resp.get("Items", []):
        _, site_id, order_id = keys.parse_tracking_due_sk(str(load(raw)["GSI3SK"]))
        out.append((site_id, order_id))
    return out


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


def sweep(now: str | None = None) -> dict[str, int]:
    """Every order with a parcel check due: one read and (when something changed) one transaction each."""
    at = now or iso(utcnow())
    checked = issues = 0
    for shard in range(keys.TRACKING_DUE_SHARDS):
        for site_id, order_id in _due(shard, at):
            cfg = site_tracking(site_id)
            try:
                done = run(site_id, order_id, None, _step(at, cfg.quiet_days, cfg.auto_complete), attempts=3)
            except (_NothingDue, NotFound):
                continue
            except DomainError as exc:
                logger.warning("tracking check not applied", extra={"order_id": order_id, "code": exc.code})
                continue
            checked += 1
            issues += sum(e.kind == "tracking_issue" for e in done.events)
    return {"checked": checked, "issues": issues}

