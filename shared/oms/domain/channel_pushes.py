"""What the shop does to a channel order and pushes back to the channel (docs/domain.md, "External
channels"): dispatch with a tracking number, a dispatch delay with the channel's reason code, and
claim decisions (approve, reject, hold back with a fee). Each is an intent on the change that
records it (delivered after the commit by ``oms.services.channel_push``), and each push's result —
accepted, or refused with the channel's code and words — is recorded on the lines and the timeline
(:func:`record_push`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from oms.domain.channel_records import DELAY_REASONS, ItemResult
from oms.domain.clock import KST, iso, parse_iso
from oms.domain.errors import DomainError
from oms.domain.order import Actor, Change, Event, Line, Order
from oms.domain.outbox import Intent
from oms.domain.statuses import Status

#: how far ahead a dispatch may be delayed (the channel's own limit is wider; a shop promising more
#: than a month is a pre-order, not a delay)
MAX_DELAY_DAYS = 30
#: claim kind -> the actions the channel takes for it
ACTIONS: dict[str, tuple[str, ...]] = {
    "CANCEL": ("approve",),
    "ADMIN_CANCEL": (),
    "RETURN": ("approve", "reject", "holdback", "release"),
    "EXCHANGE": ("approve", "reject", "holdback", "release"),
}
ACTION_KO = {"approve": "승인", "reject": "거부", "holdback": "보류", "release": "보류 해제"}
WHAT_KO = {"dispatch": "발송처리", "delay": "발송지연", "claim": "클레임 처리"}
#: claim statuses where the shop's decision is awaited
OPEN_CLAIM = frozenset({"CANCEL_REQUEST", "RETURN_REQUEST", "EXCHANGE_REQUEST", "COLLECTING", "COLLECT_DONE"})


def _refuse(code: str, message_ko: str, status: int = 409, **extra: Any) -> DomainError:
    return DomainError(code, message_ko, status=status, extra=extra)


def check_linked(order: Order) -> str:
    """The channel of a channel order; refused for our own orders."""
    if not order.external:
        raise _refuse("CHANNEL_ORDER_ONLY", "외부 채널(네이버) 주문에만 할 수 있는 처리입니다.")
    return str(order.external["channel"])


def _lines(order: Order, line_ids: list[str]) -> list[Line]:
    if not line_ids:
        raise DomainError("NO_LINES", "처리할 품목을 선택하세요.", field="line_ids")
    lines = [order.line(lid) for lid in dict.fromkeys(line_ids)]
    for line in lines:
        if not line.external_id:
            raise _refuse("CHANNEL_ORDER_ONLY", "외부 채널(네이버) 주문에만 할 수 있는 처리입니다.",
                          line_id=line.line_id)
    return lines


# ---- dispatch: implied by the shop's move to 배송중 ---------------------------------------------------


def dispatch_intents(before: Order | None, after: Order, events: list[Event]) -> list[Intent]:
    """Lines of a channel order the shop moved to 배송중 with a number (by hand, upload, combined
    shipping) and the channel has not seen dispatched: one intent per shipment. A move made by the
    channel's own sync is the channel's news, never pushed back."""
    if before is None or not after.external or not events or all(e.actor.id.startswith("channel:") for e in events):
        return []
    was = {line.line_id: line.status for line in before.lines}
    groups: dict[str, list[Line]] = {}
    for line in after.lines:
        if (line.external_id and line.status is Status.SHIPPING and was.get(line.line_id) is not Status.SHIPPING
                and line.shipment_id and after.tracking_of(line)
                and (line.channel_state or {}).get("status") == "PAYED"):
            groups.setdefault(line.shipment_id, []).append(line)
    intents = []
    for sid, lines in sorted(groups.items()):
        s = after.shipments[sid]
        intents.append(Intent("channel_dispatch", f"channel_dispatch:{sid}", {
            "channel": after.external["channel"], "line_ids": [li.line_id for li in lines],
            "external_ids": [li.external_id for li in lines], "courier": s.courier, "tracking_no": s.tracking_no,
            "dispatched_at": min((li.status_changed_at or s.created_at or "") for li in lines)}))
    return intents


# ---- delay ---------------------------------------------------------------------------------------


def request_delay(order: Order, line_ids: list[str], *, reason: str, due_date: str, detail: str, actor: Actor,
                  at: str) -> Change:
    """발송지연: the shop tells the channel (and so the buyer) the lines ship by ``due_date`` (KST day)
    for one of the channel's reasons. Only lines not yet shipped; at most 30 days ahead."""
    channel = check_linked(order)
    if reason not in DELAY_REASONS:
        raise DomainError("CHANNEL_DELAY_REASON_INVALID", "발송지연 사유를 목록에서 고르세요.", field="reason",
                          extra={"reasons": sorted(DELAY_REASONS)})
    today = parse_iso(at).astimezone(KST).date().isoformat()
    latest = (parse_iso(at).astimezone(KST) + timedelta(days=MAX_DELAY_DAYS)).date().isoformat()
    if not (today < due_date <= latest):
        raise DomainError("CHANNEL_DELAY_DATE_INVALID",
                          f"발송 예정일은 내일부터 {MAX_DELAY_DAYS}일 이내로 정하세요 ({today} 이후, {latest}까지).",
                          field="due_date", extra={"latest": latest})
    if len(detail) > 300:
        raise DomainError("CHANNEL_DELAY_DETAIL_TOO_LONG", "지연 사유 상세는 300자 이내로 입력하세요.", field="detail")
    new = order.clone()
    lines = _lines(new, line_ids)
    for line in lines:
        if line.status not in (Status.PREPARING, Status.READY_TO_SHIP):
            raise _refuse("CHANNEL_DELAY_NOT_ALLOWED",
                          "발송지연은 상품준비·배송대기 상태의 품목만 할 수 있습니다 "
                          f"({line.product_name}: {line.status.ko}).",
                          line_id=line.line_id)
    due_at = iso(parse_iso(f"{due_date}T23:59:59+09:00"))
    for line in lines:
        line.channel_state = {**(line.channel_state or {}), "delay": {
            "reason": reason, "reason_ko": DELAY_REASONS[reason], "due_date": due_date, "detail": detail,
            "state": "sending", "at": at}}
    ids = [li.line_id for li in lines]
    text = (f"발송지연 요청: {DELAY_REASONS[reason]}, 발송 예정일 {due_date} — "
            + ", ".join(li.product_name for li in lines))
    intent = Intent("channel_delay", f"channel_delay:{'.'.join(ids)[:90]}", {
        "channel": channel, "line_ids": ids, "external_ids": [li.external_id for li in lines],
        "reason": reason, "due_at": due_at, "detail": detail})
    return Change(new, [Event("channel_delay_requested", actor, at, {
        "line_ids": ids, "reason": reason, "due_date": due_date, "text_ko": text})], set(ids), intents=[intent])


# ---- claim decisions -----------------------------------------------------------------------------


def request_decision(order: Order, line_ids: list[str], *, action: str, reason: str, detail: str, fee: int,
                     actor: Actor, at: str) -> Change:
    """Approve / reject / hold back (with the extra fee the buyer is asked) / release a claim the
    buyer made on the channel. The channel decides the refund; its state comes back with the sync."""
    channel = check_linked(order)
    if action not in ACTION_KO:
        raise DomainError("CHANNEL_DECISION_INVALID", "처리 방법은 승인·거부·보류·보류 해제 중 하나입니다.",
                          status=422, field="action")
    if fee < 0 or fee > 1_000_000:
        raise DomainError("CHANNEL_FEE_INVALID", "추가 배송비는 0원에서 1,000,000원 사이로 입력하세요.", field="fee")
    if action in ("reject", "holdback") and not reason.strip():
        raise DomainError("CHANNEL_DECISION_REASON_REQUIRED", "거부·보류 사유를 입력하세요.", field="reason")
    new = order.clone()
    lines = _lines(new, line_ids)
    kinds = set()
    for line in lines:
        claim = (line.channel_state or {}).get("claim") or {}
        if claim.get("status") not in OPEN_CLAIM:
            raise _refuse("CHANNEL_NO_OPEN_CLAIM", f"처리를 기다리는 네이버 클레임이 없습니다 ({line.product_name}).",
                          line_id=line.line_id)
        allowed = ACTIONS.get(str(claim.get("type")), ())
        if action not in allowed:
            raise DomainError("CHANNEL_DECISION_INVALID",
                              f"네이버 {claim.get('type')} 클레임은 '{ACTION_KO[action]}'할 수 없습니다.",
                              status=422, field="action", extra={"allowed": list(allowed)})
        if action == "release" and not claim.get("holdback"):
            raise _refuse("CHANNEL_NOT_HELD", "보류 중인 클레임이 아닙니다.", line_id=line.line_id)
        if (line.channel_state or {}).get("decision"):
            raise _refuse("CHANNEL_DECISION_PENDING", "이미 네이버에 전달 중인 처리가 있습니다. 결과를 기다려 주세요.",
                          line_id=line.line_id)
        kinds.add(str(claim.get("type")))
        line.channel_state = {**(line.channel_state or {}), "decision": {
            "action": action, "reason": reason, "fee": fee, "claim_status": claim.get("status"), "at": at,
            "by": actor.as_dict()}}
    ids = [li.line_id for li in lines]
    kind = sorted(kinds)[0].lower()
    intent = Intent("channel_claim", f"channel_claim:{action}:{'.'.join(ids)[:80]}", {
        "channel": channel, "line_ids": ids, "external_ids": [li.external_id for li in lines], "kind": kind,
        "action": action, "reason": reason, "detail": detail, "fee": fee})
    text = f"네이버 클레임 {ACTION_KO[action]} 요청" + (f" (추가 배송비 {fee:,}원)" if fee else "") + " — " + ", ".join(
        li.product_name for li in lines)
    return Change(new, [Event("channel_decision_requested", actor, at, {
        "line_ids": ids, "action": action, "fee": fee, "reason": reason, "text_ko": text})], set(ids),
        intents=[intent])


# ---- a push's result ----------------------------------------------------------------------------


def record_push(order: Order, what: str, results: list[ItemResult], actor: Actor, at: str) -> Change:
    """The channel's answer to a push, per product order: accepted, or refused with its code and
    words (shown on the line until a later push of the same kind is accepted)."""
    new = order.clone()
    by_ext = {line.external_id: line for line in new.lines if line.external_id}
    ok, refused, touched = [], [], set()
    for r in results:
        line = by_ext.get(r.product_order_id)
        if line is None:
            continue
        state = dict(line.channel_state or {})
        if what == "delay" and state.get("delay"):
            state["delay"] = {**state["delay"], "state": "done" if r.ok else "refused"}
        if what == "claim":
            state.pop("decision", None)
        if r.ok:
            state["last_push"] = {"what": what, "at": at}
            if what == "dispatch" and state.get("status") == "PAYED":  # what Naver makes of an accepted dispatch
                state.update(status="DELIVERING", status_ko="배송중")
            if (state.get("refusal") or {}).get("what") == what:
                state.pop("refusal")
            ok.append(line)
        else:
            state["refusal"] = {"what": what, "code": r.code, "message": r.message, "at": at}
            refused.append((line, r))
        line.channel_state = state
        touched.add(line.line_id)
    events = []
    if ok:
        events.append(Event("channel_push", actor, at, {
            "what": what, "ok": True, "line_ids": [li.line_id for li in ok],
            "text_ko": f"네이버 {WHAT_KO[what]} 완료 — " + ", ".join(li.product_name for li in ok)}))
    for line, r in refused:
        events.append(Event("channel_refused", actor, at, {
            "what": what, "ok": False, "line_id": line.line_id, "external_id": line.external_id, "code": r.code,
            "message": r.message,
            "text_ko": f"네이버가 {WHAT_KO[what]}를 거부했습니다 ({line.product_name}): [{r.code}] {r.message}"}))
    return Change(new, events, touched)


def blocked_dispatch(order: Order, external_ids: list[str], why_ko: str, actor: Actor, at: str) -> Change:
    """A dispatch not pushed because the channel shows a claim first (a cancel asked for before the
    shop's dispatch reached it): recorded on the lines as a refusal of ours, for the operator."""
    results = [ItemResult(e, False, "CLAIM_FIRST", why_ko) for e in external_ids]
    return record_push(order, "dispatch", results, actor, at)
