"""External-channel order sync, the push side (docs/domain.md, "External channels"): the relay's
deliverer of ``channel_dispatch``, ``channel_delay`` and ``channel_claim`` intents.

Each delivery first reads the product orders it is about from the channel and applies them
(``channel_sync.update``): **claims are pulled before a number is pushed**, so a product order the
buyer asked to cancel on the channel is never dispatched (the push is recorded as held, for the
operator), and a push the channel already shows done (a delivery repeated after a crash between the
channel's answer and ours) is recorded without calling again — the channel sees each push once.
Then the push, and its answer per product order recorded on the lines and the timeline
(``channel_pushes.record_push``), then, after a claim decision, the product orders read again so the
order shows what the channel did (an approved cancel arrives cancelled, with the channel's refund;
an accepted dispatch is DELIVERING by the channel's rule, no read needed). A channel that
limits or cannot be reached is retried by the relay (:class:`oms.services.relay.Retry`); after the
last attempt the lines say so.
"""

from __future__ import annotations

from typing import Any

from oms.domain import channel_pushes as pushes
from oms.domain.channel_records import DispatchItem, ItemResult, ProductOrder
from oms.domain.order import Change, Order
from oms.integrations.channels import ChannelDown, ChannelRefused, RateLimited, channel
from oms.services import channel_sync, relay
from oms.services.orders import run
from oms.store import channels as store

LABEL_KO = {"channel_dispatch": "네이버 발송처리", "channel_delay": "네이버 발송지연",
            "channel_claim": "네이버 클레임 처리"}
HELD_KO = "네이버에 취소·반품 요청이 있어 발송처리하지 않았습니다. 클레임을 먼저 처리하세요."
DOWN_KO = "네이버에 연결하지 못했습니다. 잠시 후 다시 시도하세요."
WHAT = {"channel_dispatch": "dispatch", "channel_delay": "delay", "channel_claim": "claim"}
#: the channel's product order already shows the push done
_SHIPPED = frozenset({"DELIVERING", "DELIVERED", "PURCHASE_DECIDED"})
_DECIDED = {  # (kind, action) -> claim statuses that mean the decision is in
    ("cancel", "approve"): {"CANCEL_DONE"},
    ("return", "approve"): {"RETURN_DONE"},
    ("exchange", "approve"): {"COLLECT_DONE", "EXCHANGE_REDELIVERING", "EXCHANGE_DONE"},
    ("return", "reject"): {"RETURN_REJECT"},
    ("exchange", "reject"): {"EXCHANGE_REJECT"},
}


def _record(site_id: str, order_id: str, decide: Any) -> None:
    def step(order: Order, at: str) -> tuple[Change, None]:
        return decide(order, at), None

    run(site_id, order_id, None, step, attempts=5)


def deliver(d: relay.Delivery) -> dict[str, Any]:
    data = d.intent.data
    what = WHAT[d.intent.kind]
    name = str(data["channel"])
    ext = [str(e) for e in data["external_ids"]]
    creds = store.credentials(d.site_id, name)
    if creds is None:
        results = [ItemResult(e, False, "NO_CREDENTIALS", "네이버 연결 정보가 없습니다. 설정에서 다시 연결하세요.")
                   for e in ext]
        _record(d.site_id, d.order_id, lambda o, at: pushes.record_push(o, what, results, relay.RELAY, at))
        return {"refused": "NO_CREDENTIALS"}
    api = channel(name)
    try:
        current = {po.product_order_id: po for po in api.details(creds, ext)}
        channel_sync.update(d.site_id, d.order_id, list(current.values()))  # claims first
        if what == "dispatch":
            results = _dispatch(d, api, creds, current, ext)
        elif what == "delay":
            results = [api.delay(creds, e, str(data["due_at"]), str(data["reason"]), str(data.get("detail") or ""))
                       for e in ext]
        else:
            results = _claim(api, creds, current, ext, data)
    except (RateLimited, ChannelDown) as exc:
        raise relay.Retry(f"{name}: {exc}", "네이버에 연결하지 못했습니다.") from exc
    except ChannelRefused as exc:
        results = [ItemResult(e, False, exc.code, exc.message) for e in ext]
    if what == "claim" and any(r.ok for r in results):
        # what the channel did with it (an approved cancel: cancelled, refunded), applied before the
        # push's result so the line shows its decision as pending until both are in (a dispatch's is known)
        try:
            channel_sync.update(d.site_id, d.order_id, api.details(creds, ext))
        except (RateLimited, ChannelDown, ChannelRefused):
            pass  # the next pull brings it
    if results:
        _record(d.site_id, d.order_id, lambda o, at: pushes.record_push(o, what, results, relay.RELAY, at))
    return {"ok": sum(r.ok for r in results), "refused": [r.code for r in results if not r.ok]}


def _open_claim(po: ProductOrder) -> bool:
    return po.claim is not None and po.claim.status not in ("CANCEL_REJECT", "RETURN_REJECT", "EXCHANGE_REJECT",
                                                             "ADMIN_CANCEL_REJECT")


def _dispatch(d: relay.Delivery, api: Any, creds: Any, current: dict[str, ProductOrder],
              ext: list[str]) -> list[ItemResult]:
    data = d.intent.data
    number = str(data["tracking_no"])
    blocked = [e for e in ext if e in current and (_open_claim(current[e]) or current[e].status == "CANCELED")]
    if blocked:
        _record(d.site_id, d.order_id, lambda o, at: pushes.blocked_dispatch(
            o, blocked, HELD_KO, relay.RELAY, at))
    done = [ItemResult(e, True) for e in ext if e in current and e not in blocked
            and current[e].status in _SHIPPED and current[e].tracking_no == number]
    todo = [e for e in ext if e not in blocked and all(r.product_order_id != e for r in done)]
    results = list(done)
    for i in range(0, len(todo), api.max_dispatch):
        results += api.dispatch(creds, [DispatchItem(e, str(data["courier"]), number, str(data["dispatched_at"]))
                                        for e in todo[i:i + api.max_dispatch]])
    return results


def _claim(api: Any, creds: Any, current: dict[str, ProductOrder], ext: list[str],
           data: dict[str, Any]) -> list[ItemResult]:
    kind, action = str(data["kind"]), str(data["action"])
    results = []
    for e in ext:
        po = current.get(e)
        status = po.claim.status if po is not None and po.claim is not None else ""
        held = po is not None and po.claim is not None and po.claim.holdback
        if status in _DECIDED.get((kind, action), set()) or (action == "holdback" and held) or (
                action == "release" and po is not None and po.claim is not None and not held):
            results.append(ItemResult(e, True))  # the channel already shows it: pushed before
            continue
        results.append(api.claim(creds, e, kind, action, reason=str(data.get("reason") or ""),
                                 detail=str(data.get("detail") or ""), fee=int(data.get("fee") or 0)))
    return results


def give_up(d: relay.Delivery, exc: relay.Retry) -> None:
    """The channel stayed unreachable: the lines show the push failed (the operator may act again)."""
    what = WHAT[d.intent.kind]
    results = [ItemResult(str(e), False, "CHANNEL_UNAVAILABLE", DOWN_KO)
               for e in d.intent.data["external_ids"]]
    _record(d.site_id, d.order_id, lambda o, at: pushes.record_push(o, what, results, relay.RELAY, at))
