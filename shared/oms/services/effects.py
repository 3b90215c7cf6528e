"""What a change of an order implies beyond the order, decided in ONE place and written in the
order's own transaction (so the version condition makes each effect happen exactly once):

- a physical line entering `delivered` is stamped with its auto-confirm day (site setting, KST);
- a line entering `confirmed` accrues points for a member (site rate, product setting) — the one
  accrual mechanism, whoever confirmed: buyer, admin, auto-confirm job or payment (digital goods);
- [beyond] a line with accrued points entering `cancelled`/`returned` gives them back when the
  site says so (never more than the balance allows; the shortfall is recorded);
- a membership pass grants its days when confirmed (paid) and takes them back when cancelled;
  [beyond] the member group is removed automatically where the site says so.

Called by :func:`oms.services.orders.commit` and by intake for a new order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from threading import Lock

from oms.domain.order import Actor, Change, Event, Line, Order
from oms.domain.statuses import ProductKind, Status
from oms.schemas.settings import SiteSettings
from oms.store import due, points, settings
from oms.store.orders import Write
from oms.store.table import Item

POINTS_ACTOR = Actor("system", "points", "적립금")
MEMBERSHIP_ACTOR = Actor("system", "membership", "회원그룹")
BP = 10_000

_lock = Lock()
_cache: ContextVar[dict[str, SiteSettings] | None] = ContextVar("oms_settings_cache", default=None)


@contextmanager
def settings_cache() -> Iterator[None]:
    """Within this block each site's settings are read once (a job run over many orders)."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def site_settings(site_id: str) -> SiteSettings:
    cache = _cache.get()
    if cache is None:
        return settings.get(site_id)
    with _lock:
        if site_id not in cache:
            cache[site_id] = settings.get(site_id)
        return cache[site_id]


def accrual_amount(line: Line, rate_bp: int) -> int:
    """Points for a line: its actual paid amount × the site's rate, rounded down to the won."""
    return max(0, line.paid_amount) * rate_bp // BP


def on_change(before: Order | None, change: Change, write: Write) -> None:
    after = change.order
    prev = {line.line_id: line for line in before.lines} if before else {}

    def entered(line: Line, *statuses: Status) -> bool:
        old = prev.get(line.line_id)
        return line.status in statuses and (old is None or old.status is not line.status)

    delivered = [li for li in after.lines if li.kind.shipped and entered(li, Status.DELIVERED)]
    confirmed = [li for li in after.lines if entered(li, Status.CONFIRMED)]
    voided = [li for li in after.lines if entered(li, Status.CANCELLED, Status.RETURNED)]
    member = after.buyer.member_id
    if not delivered and not (member and (confirmed or voided)):
        return
    s = site_settings(after.site_id)
    for line in delivered:
        line.auto_confirm_on = due.due_day(line.status_changed_at or after.created_at,
                                           s.confirmation.auto_confirm_days)
        change.touched_lines.add(line.line_id)
    if not member:
        return  # guests accrue nothing and hold no membership
    version = (before.version if before else 0) + 1
    _points(after, member, confirmed, voided, s, change, write, version)
    _membership(after, member, confirmed, voided, s, change, write)


def _points(order: Order, member: str, confirmed: list[Line], voided: list[Line], s: SiteSettings,
            change: Change, write: Write, version: int) -> None:
    site, oid = order.site_id, order.order_id
    entries: list[Item] = []
    if s.points.enabled:
        for line in confirmed:
            # a replacement of an exchanged line inherits what its original accrued: no second accrual
            if not line.points_eligible or line.points_accrued:
                continue
            amount = accrual_amount(line, s.points.rate_bp)
            if amount <= 0:
                continue
            at = line.confirmed_at or line.status_changed_at or order.created_at
            line.points_accrued = amount
            change.touched_lines.add(line.line_id)
            entries.append(points.entry_item(
                site, member, at=at, ref=f"{oid}#{line.line_id}#accrual", kind="accrual", amount=amount,
                reason=f"구매확정 적립 ({line.product_name} {line.quantity}개)", by=line.confirmed_by or "system",
                order_id=oid, line_id=line.line_id, rate_bp=s.points.rate_bp, basis=line.paid_amount))
            change.events.append(Event("points_accrued", POINTS_ACTOR, at, {
                "member_id": member, "line_id": line.line_id, "amount": amount,
                "text_ko": f"적립금 {amount:,}원 적립 (구매확정: {line.product_name})"}))
    claw = [li for li in voided if li.points_accrued > 0] if s.points.auto_clawback else []
    if claw:
        available = points.balance(site, member) + sum(int(e["amount"]) for e in entries)
        for line in claw:
            take = min(line.points_accrued, max(0, available))
            shortfall = line.points_accrued - take
            available -= take
            line.points_accrued -= take
            change.touched_lines.add(line.line_id)
            at = line.status_changed_at or order.created_at
            entries.append(points.entry_item(
                site, member, at=at, ref=f"{oid}#{line.line_id}#clawback#{version}", kind="clawback",
                amount=-take, reason=f"적립금 회수 ({line.status.ko}: {line.product_name})", by="system",
                order_id=oid, line_id=line.line_id, shortfall=shortfall or None))
            text = f"적립금 {take:,}원 회수 ({line.status.ko})"
            if shortfall:
                text += f", 잔액 부족으로 {shortfall:,}원 미회수"
            change.events.append(Event("points_clawed_back", POINTS_ACTOR, at, {
                "member_id": member, "line_id": line.line_id, "amount": take, "shortfall": shortfall,
                "text_ko": text}))
    at_now = max((str(e["at"]) for e in entries), default="")
    points.add_entries(write, site, member, entries, at_now)


def _membership(order: Order, member: str, confirmed: list[Line], voided: list[Line], s: SiteSettings,
                change: Change, write: Write) -> None:
    def is_pass(line: Line) -> bool:
        return line.kind is ProductKind.MEMBERSHIP_PASS and bool(line.membership_days)

    grants = [li for li in confirmed if is_pass(li)]
    # a pass cancelled before it was paid never granted anything
    revokes = [li for li in voided if is_pass(li) and li.confirmed_at]
    if not grants and not revokes:
        return
    site, oid = order.site_id, order.order_id
    entries: list[Item] = []
    granted = {li.line_id for li in grants}
    for line in grants + revokes:
        days = (line.membership_days or 0) * line.quantity
        grant = line.line_id in granted
        at = (line.confirmed_at if grant else line.status_changed_at) or order.created_at
        kind = "grant" if grant else "revoke"
        entries.append(points.membership_entry(site, member, at=at, ref=f"{oid}#{line.line_id}#{kind}", kind=kind,
                                               days=days if grant else -days, by="system", order_id=oid,
                                               line_id=line.line_id))
        text = (f"회원그룹 이용권 {days}일 부여" if grant else f"회원그룹 이용권 취소: {days}일 차감")
        change.events.append(Event(f"membership_{kind}", MEMBERSHIP_ACTOR, at,
                                   {"member_id": member, "line_id": line.line_id, "days": days, "text_ko": text}))
    in_group: bool | None = True if grants else None
    if revokes and not grants and s.membership.auto_remove_group:
        in_group = False
        change.events.append(Event("membership_group_removed", MEMBERSHIP_ACTOR, entries[-1]["at"], {
            "member_id": member, "text_ko": "이용권 취소로 회원그룹에서 자동 제외되었습니다."}))
    points.membership_change(write, site, member, entries, max(str(e["at"]) for e in entries), in_group)
