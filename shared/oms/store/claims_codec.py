"""Claims and charges <-> the order's ``CLAIMS`` item.

An order's claims (at most ``claims.MAX_CLAIMS`` = 50, each with at most 20 history steps) and its
charges (at most ``balance.MAX_CHARGES`` = 200) live in one item of the order partition, written
in the order's own transaction only when one of them changed (a status change, memo or shipment
does not rewrite it). Worst case ≈ 50 × 3 KB + 200 × 0.3 KB ≈ 210 KB, below the item limit.
"""

from __future__ import annotations

from typing import Any

from oms.domain.balance import Charge
from oms.domain.claims import Claim, ClaimItem, Collection, Hold, Reason
from oms.domain.order import Actor, Order
from oms.store import keys
from oms.store.table import Item


def _claim_to_dict(c: Claim) -> dict[str, Any]:
    d = {k: getattr(c, k) for k in Claim.__dataclass_fields__}
    d["reason"] = c.reason.value
    d["items"] = [{"line_id": i.line_id, "quantity": i.quantity} for i in c.items]
    d["requested_by"] = c.requested_by.as_dict()
    d["collection"] = vars(c.collection).copy() if c.collection else None
    d["hold"] = vars(c.hold).copy() if c.hold else None
    d["exchange_lines"] = list(c.exchange_lines)
    d["history"] = [dict(h) for h in c.history]
    return d


def _int(v: Any) -> int:
    return int(v or 0)


def _claim_from_dict(d: dict[str, Any]) -> Claim:
    fields: dict[str, Any] = {k: d.get(k) for k in Claim.__dataclass_fields__ if k in d}
    fields["reason"] = Reason(d["reason"])
    fields["items"] = [ClaimItem(str(i["line_id"]), _int(i["quantity"])) for i in d.get("items") or []]
    fields["requested_by"] = Actor.from_dict(d["requested_by"])
    col = d.get("collection")
    fields["collection"] = Collection(col["method"], col.get("courier"), col.get("tracking_no")) if col else None
    hold = d.get("hold")
    fields["hold"] = Hold(_int(hold["amount"]), str(hold["reason"])) if hold else None
    fields["exchange_lines"] = list(d.get("exchange_lines") or [])
    fields["history"] = [_plain(h) for h in d.get("history") or []]
    fields["fault_overridden"] = bool(d.get("fault_overridden"))
    for k in ("settled_total", "points_back"):
        fields[k] = _int(d.get(k))
    return Claim(**fields)


def _plain(v: Any) -> Any:
    from oms.store.orders import plain

    return plain(v)


def _charge_to_dict(c: Charge) -> dict[str, Any]:
    return {k: getattr(c, k) for k in Charge.__dataclass_fields__}


def _charge_from_dict(d: dict[str, Any]) -> Charge:
    fields: dict[str, Any] = {k: d.get(k) for k in Charge.__dataclass_fields__}
    fields["amount"] = _int(d.get("amount"))
    return Charge(**fields)


def body(order: Order) -> dict[str, Any]:
    return {
        "claims": {cid: _claim_to_dict(c) for cid, c in sorted(order.claims.items())},
        "charges": [_charge_to_dict(c) for c in order.charges],
        "next_claim_no": order.next_claim_no,
    }


def claims_item(order: Order) -> Item | None:
    """The order's CLAIMS item, or None for an order that never had a claim or a charge."""
    if not order.claims and not order.charges and order.next_claim_no <= 1:
        return None
    return {"PK": keys.order_pk(order.site_id, order.order_id), "SK": keys.CLAIMS_SK, "type": "claims",
            **body(order)}


def changed(before: Order | None, after: Order) -> bool:
    """Whether ``after``'s claims or charges differ from ``before``'s (the item must be written)."""
    if before is None:
        return claims_item(after) is not None
    return (before.next_claim_no != after.next_claim_no or before.charges != after.charges
            or before.claims != after.claims)


def load_into(order: Order, items: list[Item]) -> None:
    item = next((i for i in items if i["SK"] == keys.CLAIMS_SK), None)
    if item is None:
        return
    order.claims = {str(cid): _claim_from_dict(d) for cid, d in (item.get("claims") or {}).items()}
    order.charges = [_charge_from_dict(d) for d in item.get("charges") or []]
    order.next_claim_no = _int(item.get("next_claim_no")) or 1
