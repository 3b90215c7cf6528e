"""What a change of an order implies beyond the order: named steps, each written in the order's
own transaction (so the version condition makes each effect happen exactly once).

:func:`apply` runs them in this order, for every change (``services.orders.commit``) and for a new
order (intake):

1. :func:`stamp_auto_confirm_day` — a physical line entering `delivered` gets its auto-confirm
   KST day (site setting ``confirmation.auto_confirm_days``);
2. :func:`accrue_points` — a member's line entering `confirmed` accrues points (site rate, product
   setting): the one accrual mechanism, whoever confirmed (buyer, admin, job, payment);
3. :func:`claw_back_points` — [beyond] a line with accrued points entering `cancelled`/`returned`
   gives them back when the site says so (never below a zero balance; the shortfall is recorded);
4. :func:`debit_points_used` — [intake] the points the buyer used at checkout leave the member's
   ledger in the order's transaction (refused 409 POINTS_INSUFFICIENT when the balance is short);
   :func:`write_points_ledger` writes the points entries of steps 2–4 with one balance action;
5. :func:`grant_pass_days` / :func:`revoke_pass_days` — a membership pass grants its days once
   when confirmed (paid) and takes them back once when cancelled; [beyond] the member group is
   removed automatically where the site says so (:func:`write_membership`);
6. :func:`restore_stock` — units entering `cancelled`/`returned` give their SKUs back.

Each ledger (points, membership) gets at most one entry of each kind per change, whatever the
number of lines (the entry lists its lines), so the transaction stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from threading import Lock
from typing import Any

from oms.domain import channel_pushes
from oms.domain.errors import DomainError
from oms.domain.order import Actor, Change, Event, Line, Order
from oms.domain.statuses import ProductKind, Status
from oms.schemas.settings import SiteSettings
from oms.store import due, points, settings, stock
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


def use_settings(site_id: str, value: SiteSettings) -> None:
    """Within a :func:`settings_cache` block: settings the caller already holds (a courier callback's
    container-cached copy), so the block reads none."""
    cache = _cache.get()
    if cache is not None:
        with _lock:
            cache[site_id] = value


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


@dataclass
class Effects:
    """One change seen by the steps: which lines entered which status, and what they add."""

    before: Order | None
    change: Change
    write: Write
    points_entries: list[Item] = field(default_factory=list)
    pass_entries: list[Item] = field(default_factory=list)
    #: the member group flag this change sets (None: unchanged)
    in_group: bool | None = None

    @property
    def order(self) -> Order:
        return self.change.order

    @property
    def member(self) -> str | None:
        return self.order.buyer.member_id

    @property
    def version(self) -> int:
        return (self.before.version if self.before else 0) + 1

    @cached_property
    def settings(self) -> SiteSettings:
        return site_settings(self.order.site_id)

    @cached_property
    def _prev(self) -> dict[str, Line]:
        return {line.line_id: line for line in self.before.lines} if self.before else {}

    def entered(self, *statuses: Status) -> list[Line]:
        out = []
        for line in self.order.lines:
            old = self._prev.get(line.line_id)
            if line.status in statuses and (old is None or old.status is not line.status):
                out.append(line)
        return out

    def ref(self, kind: str) -> str:
        return f"{self.order.order_id}#v{self.version:08d}#{kind}"


def apply(before: Order | None, change: Change, write: Write) -> None:
    """Every side effect of ``change``, as named steps, into ``write`` (the order's transaction)."""
    fx = Effects(before, change, write)
    stamp_auto_confirm_day(fx)
    accrue_points(fx)
    claw_back_points(fx)
    debit_points_used(fx)
    write_points_ledger(fx)
    grant_pass_days(fx)
    revoke_pass_days(fx)
    write_membership(fx)
    restore_stock(fx)
    push_channel_dispatch(fx)


def push_channel_dispatch(fx: Effects) -> None:
    """A channel order's lines the shop moved to 배송중 with a number: dispatched on the channel too,
    after the commit (``oms.domain.channel_pushes``)."""
    fx.change.intents.extend(channel_pushes.dispatch_intents(fx.before, fx.order, fx.change.events))


def stamp_auto_confirm_day(fx: Effects) -> None:
    for line in fx.entered(Status.DELIVERED):
        if not line.kind.shipped or line.external_id:
            continue  # a channel's product order: the channel confirms it
        line.auto_confirm_on = due.due_day(line.status_changed_at or fx.order.created_at,
                                           fx.settings.confirmation.auto_confirm_days)
        fx.change.touched_lines.add(line.line_id)


def accrue_points(fx: Effects) -> None:
    if not fx.member:
        return  # guests accrue nothing
    confirmed = fx.entered(Status.CONFIRMED)
    if not confirmed or not fx.settings.points.enabled:
        return
    rate = fx.settings.points.rate_bp
    parts: list[dict[str, Any]] = []
    for line in confirmed:
        # a replacement of an exchanged line inherits what its original accrued: no second accrual
        if not line.points_eligible or line.points_accrued:
            continue
        amount = accrual_amount(line, rate)
        if amount <= 0:
            continue
        line.points_accrued = amount
        fx.change.touched_lines.add(line.line_id)
        parts.append({"line_id": line.line_id, "amount": amount, "basis": line.paid_amount})
    if not parts:
        return
    total = sum(p["amount"] for p in parts)
    at = max(fx.order.line(p["line_id"]).confirmed_at or fx.order.created_at for p in parts)
    names = _names(fx.order, parts)
    fx.points_entries.append(points.entry_item(
        fx.order.site_id, fx.member, at=at, ref=fx.ref("accrual"), kind="accrual", amount=total,
        reason=f"구매확정 적립 ({names})", by=fx.order.line(parts[0]["line_id"]).confirmed_by or "system",
        order_id=fx.order.order_id, line_id=parts[0]["line_id"] if len(parts) == 1 else None,
        lines=parts, rate_bp=rate, basis=sum(p["basis"] for p in parts)))
    fx.change.events.append(Event("points_accrued", POINTS_ACTOR, at, {
        "member_id": fx.member, "amount": total, "lines": parts,
        "text_ko": f"적립금 {total:,}원 적립 (구매확정: {names})"}))


def claw_back_points(fx: Effects) -> None:
    if not fx.member:
        return
    claw = [li for li in fx.entered(Status.CANCELLED, Status.RETURNED) if li.points_accrued > 0]
    if not claw or not fx.settings.points.auto_clawback:
        return
    site, member = fx.order.site_id, fx.member
    available = points.balance(site, member) + sum(int(e["amount"]) for e in fx.points_entries)
    parts: list[dict[str, Any]] = []
    for line in claw:
        take = min(line.points_accrued, max(0, available))
        available -= take
        parts.append({"line_id": line.line_id, "amount": take, "shortfall": line.points_accrued - take})
        line.points_accrued -= take
        fx.change.touched_lines.add(line.line_id)
    taken = sum(p["amount"] for p in parts)
    shortfall = sum(p["shortfall"] for p in parts)
    at = max(line.status_changed_at or fx.order.created_at for line in claw)
    fx.points_entries.append(points.entry_item(
        site, member, at=at, ref=fx.ref("clawback"), kind="clawback", amount=-taken,
        reason=f"적립금 회수 ({_names(fx.order, parts)})", by="system", order_id=fx.order.order_id,
        line_id=parts[0]["line_id"] if len(parts) == 1 else None, lines=parts, shortfall=shortfall or None))
    text = f"적립금 {taken:,}원 회수"
    if shortfall:
        text += f", 잔액 부족으로 {shortfall:,}원 미회수"
    fx.change.events.append(Event("points_clawed_back", POINTS_ACTOR, at, {
        "member_id": member, "amount": taken, "shortfall": shortfall, "lines": parts, "text_ko": text}))


def debit_points_used(fx: Effects) -> None:
    """A new order's points used at checkout are taken from the member's balance (one ``use`` entry;
    the balance condition of ``points.add_entries`` refuses the order when it is short)."""
    if fx.before is not None or fx.order.points_total <= 0:
        return
    if not fx.member:
        raise DomainError("POINTS_REQUIRE_MEMBER", "적립금은 회원만 사용할 수 있습니다.", field="points_used")
    o = fx.order
    fx.points_entries.append(points.entry_item(
        o.site_id, fx.member, at=o.created_at, ref=fx.ref("use"), kind="use", amount=-o.points_total,
        reason=f"주문 {o.order_id} 결제에 사용", by="checkout", order_id=o.order_id))
    fx.change.events.append(Event("points_used", POINTS_ACTOR, o.created_at, {
        "member_id": fx.member, "amount": o.points_total, "text_ko": f"적립금 {o.points_total:,}원 사용 (결제)"}))


def write_points_ledger(fx: Effects) -> None:
    if fx.member and fx.points_entries:
        points.add_entries(fx.write, fx.order.site_id, fx.member, fx.points_entries,
                           max(str(e["at"]) for e in fx.points_entries))


def _is_pass(line: Line) -> bool:
    return line.kind is ProductKind.MEMBERSHIP_PASS and bool(line.membership_days)


def grant_pass_days(fx: Effects) -> None:
    """A pass grants its days the first time it is confirmed; a withdrawn cancel request brings it
    back to `confirmed` without granting again (``pass_granted``)."""
    if not fx.member:
        return
    grants = [li for li in fx.entered(Status.CONFIRMED) if _is_pass(li) and not li.pass_granted]
    if not grants:
        return
    for line in grants:
        line.pass_granted = True
        fx.change.touched_lines.add(line.line_id)
    _pass_entry(fx, grants, "grant")
    fx.in_group = True


def revoke_pass_days(fx: Effects) -> None:
    """A pass cancelled after its days were granted takes them back once (one never paid granted nothing)."""
    if not fx.member:
        return
    revokes = [li for li in fx.entered(Status.CANCELLED, Status.RETURNED) if _is_pass(li) and li.pass_granted]
    if not revokes:
        return
    for line in revokes:
        line.pass_granted = False
        fx.change.touched_lines.add(line.line_id)
    entry = _pass_entry(fx, revokes, "revoke")
    if fx.in_group is None and fx.settings.membership.auto_remove_group:
        fx.in_group = False
        fx.change.events.append(Event("membership_group_removed", MEMBERSHIP_ACTOR, entry["at"], {
            "member_id": fx.member, "text_ko": "이용권 취소로 회원그룹에서 자동 제외되었습니다."}))


def write_membership(fx: Effects) -> None:
    if fx.member and fx.pass_entries:
        points.membership_change(fx.write, fx.order.site_id, fx.member, fx.pass_entries,
                                 max(str(e["at"]) for e in fx.pass_entries), fx.in_group)


def _pass_entry(fx: Effects, lines: list[Line], kind: str) -> Item:
    site, member, oid = fx.order.site_id, fx.member, fx.order.order_id
    assert member
    grant = kind == "grant"
    parts: list[dict[str, Any]] = [{"line_id": li.line_id, "days": (li.membership_days or 0) * li.quantity}
                                   for li in lines]
    days = sum(int(p["days"]) for p in parts)
    at = max((li.confirmed_at if grant else li.status_changed_at) or fx.order.created_at for li in lines)
    entry = points.membership_entry(site, member, at=at, ref=fx.ref(kind), kind=kind,
                                    days=days if grant else -days, by="system", order_id=oid,
                                    line_id=parts[0]["line_id"] if len(parts) == 1 else None, lines=parts)
    text = f"회원그룹 이용권 {days}일 부여" if grant else f"회원그룹 이용권 취소: {days}일 차감"
    fx.change.events.append(Event(f"membership_{kind}", MEMBERSHIP_ACTOR, at,
                                  {"member_id": member, "days": days, "lines": parts, "text_ko": text,
                                   **({"line_id": parts[0]["line_id"]} if len(parts) == 1 else {})}))
    fx.pass_entries.append(entry)
    return entry


def restore_stock(fx: Effects) -> None:
    for sku, qty in sorted(fx.change.stock_restore.items()):
        fx.write.add(stock.restore_action(fx.order.site_id, sku, qty))


def _names(order: Order, parts: list[dict[str, Any]]) -> str:
    first = order.line(parts[0]["line_id"])
    text = f"{first.product_name} {first.quantity}개"
    return text if len(parts) == 1 else f"{text} 외 {len(parts) - 1}건"
