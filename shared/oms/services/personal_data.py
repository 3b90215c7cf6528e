"""개인정보 보기 (docs/domain.md, "Staff and personal data"): an operator holding ``personal.view``
reveals one order's buyer and recipient — an explicit action, recorded in the access record (who,
when, from where, which order; never the data itself) before the data is answered."""

from __future__ import annotations

from typing import Any

from oms.domain.errors import DomainError
from oms.domain.order import Actor
from oms.services import access_log
from oms.store import orders


def reveal(site_id: str, order_id: str, actor: Actor, meta: access_log.RequestMeta, *,
           reason: str | None = None) -> dict[str, Any]:
    order = orders.load(site_id, order_id)  # 404 for an order of another site: nothing recorded
    members = [order.buyer.member_id] if order.buyer.member_id else []
    access_log.record(site_id, actor, "reveal", meta, order_ids=[order_id], member_ids=members, size=1,
                      reason=reason)
    return {"order_id": order_id,
            "buyer": {**vars(order.buyer), "type": "member" if order.buyer.is_member else "guest"},
            "recipient": dict(vars(order.recipient))}


def include(granted: frozenset[str], personal: bool, reason: str | None) -> bool:
    """Whether an export or a print carries personal data unmasked: only when asked for, by an
    operator holding 개인정보 보기, with the reason typed (recorded with the file)."""
    if not personal:
        return False
    from oms.domain.staff import require

    require(granted, "personal.view")
    if not (reason or "").strip():
        raise DomainError("PERSONAL_DATA_REASON_REQUIRED",
                          "개인정보를 포함하려면 사유를 입력하세요 (접속기록에 남습니다).", field="reason")
    return True


def record_download(site_id: str, actor: Actor, meta: access_log.RequestMeta, action: str, order_ids: list[str], *,
                    size: int, reason: str | None, detail: dict[str, Any] | None = None) -> None:
    """An export (``export``) or a print (``print``) of personal data: its orders and rows."""
    access_log.record(site_id, actor, action, meta, order_ids=order_ids, size=size, reason=reason, detail=detail)
