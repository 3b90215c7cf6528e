"""미확인 입금: the deposits the feed could not match (docs/domain.md, "Bank transfers matched
automatically"). The list (newest first, searchable by name or amount, each with its reason and
the candidates suggested now: same amount, a similar name, the newest orders first); matching one
to an order in one call — the same confirmation as a manual deposit, in one transaction with the
deposit's change (conditioned on its still being unmatched), recorded with who; or marking it "not
an order" with a note."""

from __future__ import annotations

from typing import Any

from oms.domain.deposit_matching import Candidate, name_passes, normalise
from oms.domain.deposits import confirm_deposit
from oms.domain.errors import Conflict, DomainError
from oms.domain.order import Actor, Order
from oms.services import payments
from oms.services.deposit_collection import candidates
from oms.store import deposits as store

LIST_LIMIT = 200
SUGGEST = 5


def _suggest(d: dict[str, Any], found: list[Candidate]) -> list[dict[str, Any]]:
    scored = []
    for c in found:
        same_amount = c.amount == int(d["amount"])
        similar = any(name_passes(str(d["depositor"]), n, "contains_ignore_spaces")
                      or name_passes(n, str(d["depositor"]), "contains_ignore_spaces") for n in c.names)
        if same_amount or similar:
            scored.append((same_amount + similar, c.created_at, c, same_amount, similar))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return [{"order_id": c.order_id, "amount": c.amount, "names": list(c.names), "created_at": c.created_at,
             "same_amount": same, "similar_name": sim} for _, _, c, same, sim in scored[:SUGGEST]]


def list_unmatched(site_id: str, q: str | None = None) -> dict[str, Any]:
    rows = store.list_unmatched(site_id, LIST_LIMIT)
    count = len(rows)
    if q and q.strip():
        text = q.strip().replace(",", "")
        if text.isdigit():
            rows = [r for r in rows if text in str(r["amount"])]
        else:
            key = normalise(text, spaces=False)
            rows = [r for r in rows if key in normalise(str(r["depositor"]), spaces=False)]
    found = candidates(site_id) if rows else []
    out = []
    for r in rows:
        item = {k: v for k, v in r.items() if k not in ("PK", "SK", "GSI1PK", "GSI1SK", "type")}
        out.append({**item, "candidates": _suggest(r, found)})
    return {"deposits": out, "count": count}


def _unmatched(site_id: str, account: str, tx_id: str) -> dict[str, Any]:
    d = store.get_deposit(site_id, account, tx_id)
    if d is None:
        raise DomainError("DEPOSIT_NOT_FOUND", f"입금 내역을 찾을 수 없습니다: {tx_id}", status=404)
    if d.get("status") != "unmatched":
        raise Conflict("DEPOSIT_NOT_UNMATCHED", "이미 처리된 입금입니다.",
                       extra={"status": d.get("status"), "order_id": d.get("order_id")})
    return d


def match_to_order(site_id: str, account: str, tx_id: str, order_id: str, actor: Actor,
                   note: str | None = None) -> Order:
    """The operator's one click: the order's waiting payment confirmed with this deposit."""
    d = _unmatched(site_id, account, tx_id)
    deposit = {"reference": f"{d.get('provider', '')}:{tx_id}", "depositor": d["depositor"],
               "amount": int(d["amount"]), "account": account}
    done = store.resolve_action(site_id, account, tx_id, "matched", actor, order_id=order_id, note=note)
    saved, _, _ = payments.apply(
        site_id, order_id, None,
        lambda ld, at: confirm_deposit(ld.order, ld.payment, paid_at=str(d["at"]), actor=actor, at=at,
                                       source="manual", deposit=deposit, note=note),
        actor=actor, action="deposit_match",
        also=[(done, Conflict("DEPOSIT_NOT_UNMATCHED", "이미 처리된 입금입니다.")),
              (store.resolved_counter_action(site_id, account, tx_id), None)])
    return saved


def dismiss(site_id: str, account: str, tx_id: str, note: str, actor: Actor) -> dict[str, Any]:
    """주문 입금 아님: the deposit leaves the list with the operator's note."""
    _unmatched(site_id, account, tx_id)
    store.resolve(site_id, account, tx_id, "dismissed", actor, note=note)
    return {"account": account, "tx_id": tx_id, "status": "dismissed"}


_STATUS_FIELDS = ("account", "enabled", "provider", "rule", "bank_code", "read_at", "next_at", "failures",
                  "last_error", "last_error_at")


def account_status(site_id: str) -> dict[str, Any]:
    """The site's read accounts as the worker left them: when last read, when next, the provider's
    last error (what 연결 상태 shows)."""
    return {"accounts": [{k: a.get(k) for k in _STATUS_FIELDS} for a in store.list_accounts(site_id)]}
