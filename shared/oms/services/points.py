"""Admin use cases on a member's points and membership: ledger, manual add/deduct, group removal."""

from __future__ import annotations

import secrets
from typing import Any

from oms.domain.clock import iso, utcnow
from oms.domain.errors import DomainError
from oms.domain.order import Actor
from oms.store import points


def ledger(site_id: str, member_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    entries, nxt = points.ledger(site_id, member_id, limit, cursor)
    return {"member_id": member_id, "balance": points.balance(site_id, member_id),
            "entries": [{k: v for k, v in e.items() if k not in ("PK", "SK", "type", "site_id")} for e in entries],
            "next_cursor": nxt}


def adjust(site_id: str, member_id: str, amount: int, reason: str, actor: Actor) -> dict[str, Any]:
    """Add (amount > 0) or deduct (amount < 0) points by hand, with a reason; never below zero."""
    if amount == 0:
        raise DomainError("POINTS_AMOUNT_ZERO", "0원은 지급·차감할 수 없습니다.", field="amount", status=400)
    at = iso(utcnow())
    entry = points.entry_item(site_id, member_id, at=at, ref=f"manual#{secrets.token_hex(4)}", kind="manual",
                              amount=amount, reason=reason, by=actor.name or actor.id, admin_id=actor.id)
    try:
        points.commit_entries(site_id, member_id, [entry], at)
    except DomainError as exc:
        if exc.code == "POINTS_INSUFFICIENT":
            raise points.insufficient(points.balance(site_id, member_id)) from exc
        raise
    return ledger(site_id, member_id, 20, None)


def membership(site_id: str, member_id: str) -> dict[str, Any]:
    return points.membership(site_id, member_id)


def remove_group(site_id: str, member_id: str, reason: str, actor: Actor) -> dict[str, Any]:
    points.remove_group(site_id, member_id, iso(utcnow()), actor.name or actor.id, reason)
    return points.membership(site_id, member_id)
