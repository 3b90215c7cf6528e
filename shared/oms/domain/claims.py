"""Claims (취소/반품/교환) as records (docs/domain.md, "Claims"): which units, why, whose fault, who asked,
how the goods come back and how a return fee is paid, and the steps the claim went through.

A claim's units follow it through the per-unit statuses of ``oms.domain.moves`` (the claim never
moves units any other way): requesting splits the chosen quantities off their lines into the
claim's request status; collecting moves them to *_collecting; completing to cancelled / returned /
exchanged; rejecting or withdrawing puts them back where they came from. Every function is pure
and all or nothing: it returns a :class:`~oms.domain.order.Change` or raises
:class:`~oms.domain.errors.DomainError` before anything differs. Money is not this module's:
completing a claim voids its units (the balance follows at once), the deductions of the refund
calculation are posted only by ``oms.domain.refunds.settle``.
"""

from __future__ import annotations

from typing import Any, Literal

from oms.domain import exchange_options
from oms.domain.claim_records import (
    CLAIM_TYPE_KO,
    CLOSED_STEPS,
    MAX_CLAIM_HISTORY,
    MAX_CLAIMS,
    REASON_KO,
    SHOP_FAULT,
    STEP_KO,
    Claim,
    ClaimItem,
    ClaimStep,
    ClaimType,
    Collection,
    CollectionMethod,
    Fault,
    FeePayment,
    Hold,
    Reason,
)
from oms.domain.closing import update_closed
from oms.domain.errors import DomainError, NotFound
from oms.domain.exchange_options import ExchangeOption
from oms.domain.josa import josa
from oms.domain.moves import Move, apply_moves
from oms.domain.order import Actor, Change, Event, Order
from oms.domain.statuses import Status

__all__ = [
    "ACTION_KO", "CLAIM_TYPE_KO", "CLOSED_STEPS", "MAX_CLAIMS", "MAX_CLAIM_HISTORY", "REASON_KO", "SHOP_FAULT",
    "STEP_FROM", "STEP_KO", "Claim", "ClaimAction", "ClaimItem", "ClaimStep", "ClaimType", "Collection",
    "CollectionMethod", "Fault", "FeePayment", "Hold", "Reason", "advance_claim", "claim_of", "complete_claim",
    "expected_status", "open_claim_of_line", "request_claim", "step_allowed",
]

#: the unit status a claim's units are in, by type and step
_REQUEST_STATUS = {"cancel": Status.CANCEL_REQUESTED, "return": Status.RETURN_REQUESTED,
                   "exchange": Status.EXCHANGE_REQUESTED}
_COLLECTING_STATUS = {"return": Status.RETURN_COLLECTING, "exchange": Status.EXCHANGE_COLLECTING}
#: unit statuses of a claim under way: a new claim may not take them
_IN_CLAIM = frozenset({*_REQUEST_STATUS.values(), *_COLLECTING_STATUS.values()})
_DONE_STATUS = {"cancel": Status.CANCELLED, "return": Status.RETURNED, "exchange": Status.EXCHANGED}


def _refuse(code: str, message_ko: str, *, status: int = 422, field: str | None = None,
            **extra: object) -> DomainError:
    return DomainError(code, message_ko, status=status, field=field, extra=extra or None)


def _admin_only(actor: Actor, what_ko: str) -> None:
    if actor.kind != "admin":
        raise _refuse("CLAIM_ADMIN_ONLY", f"{josa(what_ko, '은/는')} 관리자만 할 수 있습니다.", status=403)


def _units_text(order: Order, items: list[ClaimItem]) -> str:
    return ", ".join(f"{order.line(i.line_id).product_name} {i.quantity}개" for i in items)


def _history(claim: Claim, step: str, actor: Actor, at: str, **data: Any) -> None:
    if len(claim.history) >= MAX_CLAIM_HISTORY:
        raise _refuse("CLAIM_HISTORY_LIMIT",
                      f"한 클레임의 처리 이력은 최대 {MAX_CLAIM_HISTORY}건입니다. 새 클레임으로 처리하세요.",
                      claim_id=claim.claim_id, limit=MAX_CLAIM_HISTORY)
    claim.history.append({"step": step, "at": at, "by": actor.id, "by_kind": actor.kind,
                          **{k: v for k, v in data.items() if v is not None}})


def _event(kind: str, claim: Claim, actor: Actor, at: str, text_ko: str, **data: Any) -> Event:
    return Event(kind, actor, at, {"claim_id": claim.claim_id, "claim_type": claim.type,
                                   "step": claim.step, **data, "text_ko": text_ko})


def claim_of(order: Order, claim_id: str) -> Claim:
    """The order's claim, or 404 CLAIM_NOT_FOUND."""
    claim = order.claims.get(claim_id)
    if claim is None:
        raise NotFound("claim", claim_id)
    return claim


def open_claim_of_line(order: Order, line_id: str) -> Claim | None:
    """The open claim holding ``line_id`` (a line is in at most one open claim)."""
    for claim in order.claims.values():
        if claim.open and line_id in claim.line_ids:
            return claim
    return None


def expected_status(claim: Claim) -> Status:
    """The unit status an open claim's units are in at its step."""
    if claim.step == "requested" or claim.type == "cancel":
        return _REQUEST_STATUS[claim.type]
    return _COLLECTING_STATUS[claim.type]


def _check_in_sync(order: Order, claim: Claim) -> None:
    """Refuse when the claim's units are no longer where the claim's step puts them (moved by hand)."""
    want = expected_status(claim)
    for item in claim.items:
        line = order.line(item.line_id)
        if line.status is not want or line.quantity != item.quantity:
            raise _refuse("CLAIM_UNITS_OUT_OF_SYNC",
                          f"클레임 {claim.claim_id}의 품목 상태가 {josa(want.ko, '이/가')} 아닙니다 "
                          f"(현재 {line.status.ko}).",
                          status=409, claim_id=claim.claim_id, line_id=line.line_id)


def _check_open(claim: Claim) -> None:
    if not claim.open:
        raise _refuse("CLAIM_CLOSED", f"이미 {STEP_KO[claim.step]} 처리된 클레임입니다.", status=409,
                      claim_id=claim.claim_id, step=claim.step)


def request_claim(
    order: Order,
    type: ClaimType,
    items: list[tuple[str, int]],
    reason: Reason,
    actor: Actor,
    at: str,
    *,
    collection: Collection | None = None,
    fee_payment: FeePayment | None = None,
    note: str | None = None,
    fault: Fault | None = None,
    exchange_option: ExchangeOption | None = None,
) -> Change:
    """Open a claim (``C001``…) on chosen units: (line_id, quantity) pairs.

    The units move with ``moves.apply_moves`` (cancel → cancel_requested, return →
    return_requested, exchange → exchange_requested), so every existing rule applies: whole lines
    only on external channels, buyers only a cancel before shipping or a return/exchange after
    delivery, non-physical goods cancelled by an admin only. Part of a line is split off so that
    each :class:`ClaimItem` names the line that holds exactly the claimed units. ``fault``
    overrides the reason's fault (admin only, recorded). ``collection`` and ``fee_payment`` apply
    to returns and exchanges only (a buyer-fault return/exchange defaults to ``deduct``).
    ``exchange_option`` names another option of the same product (``oms.domain.exchange_options``).
    """
    if type not in _REQUEST_STATUS:
        raise _refuse("CLAIM_TYPE_INVALID", "클레임 유형은 취소, 반품, 교환 중 하나여야 합니다.", field="type")
    try:
        reason = Reason(reason)
    except ValueError:
        raise _refuse("CLAIM_REASON_INVALID", "클레임 사유를 목록에서 선택하세요.", field="reason") from None
    if len(order.claims) >= MAX_CLAIMS:
        raise _refuse("ORDER_CLAIM_LIMIT", f"한 주문의 클레임은 최대 {MAX_CLAIMS}건까지 접수할 수 있습니다.",
                      limit=MAX_CLAIMS)
    if fault is not None:
        _admin_only(actor, "귀책 변경")
        if fault not in ("buyer", "shop"):
            raise _refuse("CLAIM_FAULT_INVALID", "귀책은 구매자 또는 판매자여야 합니다.", field="fault")
    if type == "cancel" and (collection is not None or fee_payment is not None):
        raise _refuse("CLAIM_FIELD_NOT_APPLICABLE", "취소에는 수거 정보와 반품비 결제 방법을 지정하지 않습니다.",
                      field="collection" if collection is not None else "fee_payment")
    if fee_payment is not None and fee_payment not in ("deduct", "enclosed", "transfer"):
        raise _refuse("FEE_PAYMENT_INVALID", "반품비 결제 방법은 환불금 차감, 동봉, 직접 송금 중 하나입니다.",
                      field="fee_payment")
    if not items:
        raise _refuse("CLAIM_HAS_NO_ITEMS", "클레임할 품목을 선택하세요.", field="items")
    for lid, qty in items:
        line = order.line(lid)
        if not isinstance(qty, int) or isinstance(qty, bool):
            raise _refuse("QUANTITY_OUT_OF_RANGE", "수량은 정수여야 합니다.", field="quantity", line_id=lid)
        if line.status in _IN_CLAIM:
            held = open_claim_of_line(order, lid)
            raise _refuse("LINE_IN_CLAIM",
                          f"{line.status.ko} 상태의 품목은 진행 중인 클레임"
                          + (f" {held.claim_id}" if held else "") + "에서 처리하세요.",
                          status=409, line_id=lid, claim_id=held.claim_id if held else None)
    rep = None
    if exchange_option is not None:
        rep = exchange_options.name_replacement(order, type, [lid for lid, _ in items], exchange_option.options,
                                                exchange_option.option_price, exchange_option.product_code)
    to = _REQUEST_STATUS[type]
    moved = apply_moves(order, [Move(lid, to, qty) for lid, qty in items], actor, at)
    new = moved.order
    split_to = {e.data["line_id"]: e.data.get("split_to") for e in moved.events if e.kind == "status_changed"}
    claim_items = [ClaimItem(split_to.get(lid) or lid, qty) for lid, qty in items]
    blamed: Fault = fault or reason.fault
    if type != "cancel" and blamed == "buyer" and fee_payment is None:
        fee_payment = "deduct"
    claim = Claim(
        claim_id=f"C{new.next_claim_no:03d}", type=type, items=claim_items, reason=reason, fault=blamed,
        requested_by=actor, requested_at=at, step="requested", collection=collection,
        fee_payment=fee_payment if type != "cancel" else None, note=note,
        fault_overridden=fault is not None and fault != reason.fault,
    )
    _history(claim, "requested", actor, at, reason=reason.value, fault=blamed, note=note)
    new.next_claim_no += 1
    new.claims[claim.claim_id] = claim
    fault_ko = "구매자" if blamed == "buyer" else "판매자"
    text = (f"{CLAIM_TYPE_KO[type]} 접수 {claim.claim_id}: {_units_text(new, claim_items)} — 사유 {reason.ko}, "
            f"귀책 {fault_ko}{' (관리자 변경)' if claim.fault_overridden else ''}")
    event = _event("claim_requested", claim, actor, at, text, reason=reason.value, fault=blamed,
                   items=[{"line_id": i.line_id, "quantity": i.quantity} for i in claim_items])
    change = Change(new, [*moved.events, event], moved.touched_lines, moved.stock_restore)
    return exchange_options.on_request(change, claim.claim_id, rep, actor, at)


def _move_units(order: Order, claim: Claim, to: Status, actor: Actor, at: str) -> Change:
    return apply_moves(order, [Move(i.line_id, to) for i in claim.items], actor, at)


def _units_back(order: Order, claim: Claim, actor: Actor, at: str) -> Change:
    """Put a rejected or withdrawn claim's units back where they came from (one step back to the
    request first when they are being collected; the origin is kept across that step)."""
    origins = {i.line_id: order.line(i.line_id).claim_origin for i in claim.items}
    first: Change | None = None
    current = order
    if claim.type != "cancel" and claim.step != "requested":
        first = _move_units(order, claim, _REQUEST_STATUS[claim.type], actor, at)
        current = first.order
        for lid, origin in origins.items():
            current.line(lid).claim_origin = origin
    moves = []
    for lid, origin in origins.items():
        if origin is None:
            raise _refuse("CLAIM_ORIGIN_UNKNOWN", "품목의 이전 상태를 알 수 없어 되돌릴 수 없습니다.", line_id=lid)
        moves.append(Move(lid, origin))
    back = apply_moves(current, moves, actor, at)
    if first is None:
        return back
    return Change(back.order, [*first.events, *back.events], first.touched_lines | back.touched_lines,
                  {k: first.stock_restore.get(k, 0) + back.stock_restore.get(k, 0)
                   for k in first.stock_restore.keys() | back.stock_restore.keys()})


#: what an admin (or the requester, for withdrawn) may do to an open claim: the steps each starts from
#: (``completed`` is :func:`complete_claim`'s own rule: a cancel from requested, else from collected)
STEP_FROM: dict[str, frozenset[str]] = {
    "collecting": frozenset({"requested"}),
    "collected": frozenset({"collecting"}),
    "on_hold": frozenset({"collected"}),
    "release": frozenset({"on_hold"}),
    "rejected": frozenset({"requested", "collecting", "collected", "on_hold"}),
    "withdrawn": frozenset({"requested"}),
}
#: steps a cancel claim never goes through (nothing is collected)
_NOT_FOR_CANCEL = frozenset({"collecting", "collected", "on_hold", "release"})
ACTION_KO = {**STEP_KO, "release": "보류 해제"}
ClaimAction = Literal["collecting", "collected", "on_hold", "release", "completed", "rejected", "withdrawn"]


def step_allowed(claim_type: str, frm: str, to: str) -> bool:
    """May a ``claim_type`` claim at step ``frm`` take the action ``to`` (other than completed)?"""
    if claim_type == "cancel" and to in _NOT_FOR_CANCEL:
        return False
    return frm in STEP_FROM.get(to, frozenset())


def advance_claim(
    order: Order,
    claim_id: str,
    to: ClaimAction,
    actor: Actor,
    at: str,
    *,
    collection: Collection | None = None,
    hold: Hold | None = None,
    reason: str | None = None,
    exchange_option_price: int | None = None,
) -> Change:
    """Move a claim one step (admin, except a buyer withdrawing their own request):

    - requested → collecting (return/exchange; units to return_collecting/exchange_collecting;
      ``collection`` may name the courier and tracking number)
    - collecting → collected (the goods arrived; units stay in *_collecting)
    - collected → on_hold (``hold`` required: the fee demanded and why) and, only from on_hold,
      ``release`` → collected
    Any other step (``STEP_FROM``) is refused with CLAIM_STEP_NOT_ALLOWED naming the current step.
    - → rejected (admin, from any open step, ``reason`` required) or → withdrawn (from requested,
      by the admin or the actor who requested it): units go back to where they came from.
    - → completed is :func:`complete_claim`.

    An exchange to another option: ``exchange_option_price`` confirms a buyer's request at → collecting
    (the shop accepts it then); rejecting or withdrawing an accepted one gives its stock back.
    """
    if to == "completed":
        return complete_claim(order, claim_id, actor, at)
    claim = claim_of(order, claim_id)
    _check_open(claim)
    frm = claim.step
    if to == "withdrawn":
        own = actor.kind == claim.requested_by.kind and actor.id == claim.requested_by.id
        if not (actor.kind == "admin" or own):
            raise _refuse("CLAIM_WITHDRAW_NOT_ALLOWED", "클레임을 접수한 본인이나 관리자만 철회할 수 있습니다.",
                          status=403)
        if frm != "requested":
            raise _refuse("CLAIM_WITHDRAW_TOO_LATE",
                          "접수 단계의 클레임만 철회할 수 있습니다. 수거가 시작된 클레임은 관리자가 거부 처리합니다.",
                          claim_id=claim_id, step=frm)
    else:
        _admin_only(actor, "클레임 처리")
    if not step_allowed(claim.type, frm, to):
        raise _refuse("CLAIM_STEP_NOT_ALLOWED",
                      f"{CLAIM_TYPE_KO[claim.type]} 클레임은 현재 {STEP_KO.get(frm, frm)} 단계라 "
                      f"{josa(ACTION_KO.get(to, to), '으로/로')} 변경할 수 없습니다.",
                      claim_id=claim_id, step=frm, to=to)
    if to in ("rejected", "withdrawn") and not (reason or "").strip():
        raise _refuse("CLAIM_REASON_REQUIRED", "거부·철회 사유를 입력하세요.", field="reason")
    if to == "on_hold" and (hold is None or hold.amount < 0 or not hold.reason.strip()):
        raise _refuse("CLAIM_HOLD_REQUIRED", "보류하려면 청구 금액(0 이상)과 사유를 입력하세요.", field="hold")
    _check_in_sync(order, claim)

    if to == "collecting":
        change = _move_units(order, claim, _COLLECTING_STATUS[claim.type], actor, at)
    elif to in ("rejected", "withdrawn"):
        change = _units_back(order, claim, actor, at)
    else:
        new = order.clone()
        change = Change(new, [], set())
    new = change.order
    claim = new.claims[claim_id]
    target: ClaimStep = "collected" if to == "release" else to
    if collection is not None:
        claim.collection = collection
    claim.step = target
    if to == "on_hold":
        claim.hold = hold
    elif frm == "on_hold":
        claim.hold = None
    if to in ("rejected", "withdrawn"):
        claim.closed_reason = reason
    _history(claim, target, actor, at, reason=reason, hold_amount=hold.amount if hold and to == "on_hold" else None,
             tracking_no=collection.tracking_no if collection else None)
    label = ACTION_KO[to] if to == "release" else STEP_KO[target]
    text = f"{CLAIM_TYPE_KO[claim.type]} {claim_id}: {STEP_KO[frm]} → {label}"
    if to == "on_hold" and hold is not None:
        text += f" (청구 {hold.amount:,}원: {hold.reason})"
    elif reason:
        text += f" (사유: {reason})"
    if collection is not None and collection.tracking_no:
        text += f" — 수거 송장 {collection.courier or ''} {collection.tracking_no}".rstrip()
    event = _event("claim_step", claim, actor, at, text, **{"from": frm, "to": target})
    new.version = order.version
    stepped = Change(new, [*change.events, event], change.touched_lines, dict(change.stock_restore))
    return _closing(exchange_options.after_step(stepped, claim_id, to, actor, at, exchange_option_price), actor, at)


def complete_claim(order: Order, claim_id: str, actor: Actor, at: str) -> Change:
    """Complete a claim (admin): a cancel from requested, a return/exchange from collected. Units
    go to cancelled / returned / exchanged (stock restored for cancel and return); an exchange of
    the same product creates the replacement lines in preparing (``moves``), recorded in
    ``exchange_lines``. The balance follows the voided units at once; the calculation's
    deductions wait for ``refunds.settle``."""
    _admin_only(actor, "클레임 완료")
    claim = claim_of(order, claim_id)
    _check_open(claim)
    ready = "requested" if claim.type == "cancel" else "collected"
    if claim.step != ready:
        code = "CLAIM_ON_HOLD" if claim.step == "on_hold" else "CLAIM_NOT_READY"
        message = ("보류 중인 클레임입니다. 보류를 해제한 뒤 완료하세요." if claim.step == "on_hold"
                   else f"{CLAIM_TYPE_KO[claim.type]} 클레임은 {STEP_KO[ready]} 단계에서 완료할 수 있습니다.")
        raise _refuse(code, message, claim_id=claim_id, step=claim.step)
    _check_in_sync(order, claim)
    change = _move_units(order, claim, _DONE_STATUS[claim.type], actor, at)
    new = change.order
    claim = new.claims[claim_id]
    frm = claim.step
    claim.step = "completed"
    claim.completed_at = at
    claim.exchange_lines += [e.data["line_id"] for e in change.events if e.kind == "exchange_replacement"]
    _history(claim, "completed", actor, at)
    text = f"{CLAIM_TYPE_KO[claim.type]} {claim_id}: {STEP_KO[frm]} → 완료 ({_units_text(new, claim.items)})"
    event = _event("claim_completed", claim, actor, at, text, exchange_lines=list(claim.exchange_lines))
    done = Change(new, [*change.events, event], change.touched_lines, dict(change.stock_restore))
    return _closing(exchange_options.on_complete(done, claim_id), actor, at)


def _closing(change: Change, actor: Actor, at: str) -> Change:
    """The claim's new step may finish the order (a rejected or withdrawn claim leaves it final)."""
    update_closed(change.order, change.events, actor, at)
    return change
