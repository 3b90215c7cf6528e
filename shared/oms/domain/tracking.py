"""Delivery tracking (docs/domain.md, "Delivery tracking"): the courier's own events move units.
Pure functions: order in, :class:`Change` out.

A parcel shipment (method ``parcel``, a catalogue courier) carries a tracking record
(``Shipment.tracking``, a plain dict so it is stored as it is in the header):

- a number entered or changed by any path (detail, list row, Excel, combined shipping, correction
  after shipping) starts a new registration round and asks the outbox to register it with the
  site's provider (:func:`start_registration` → intent ``tracking_register``);
- the provider's answer is recorded (:func:`registration_result`): registered (with its expiry),
  or rejected with the provider's reason (then the shipment is in the 배송 이상 list);
- scans (:func:`apply_scans`) are kept once each (by their id) and move units forward only:
  any scan from picked up on moves units of the shipment in 배송대기 to 배송중; delivered moves
  them (and units in 배송중) to 배송완료 with the courier's time as the status time, which is when
  the purchase-confirmation clock starts. Nothing moves backwards: after delivered, later scans
  are only recorded. An operator's move wins: a forward move by hand is simply where later scans
  start from (a delivered scan after a manual 배송완료 changes nothing, the clock stays the
  operator's); after the operator steps units back (``operator_at``, stamped by
  ``oms.domain.moves.apply_moves``), scans the courier made up to that moment move nothing.
- a failed attempt, an exception, a rejected number or no scan for the site's quiet days
  (:func:`quiet_check`) opens the shipment's issue (배송 이상); an operator resolves it
  (:func:`resolve_issue`), a delivered scan closes it.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from oms.domain import couriers, tracking_poll
from oms.domain.clock import iso, parse_iso
from oms.domain.errors import DomainError
from oms.domain.moves import Move, apply_moves
from oms.domain.order import Actor, Change, Event, Order, Shipment
from oms.domain.outbox import Intent
from oms.domain.statuses import Status
from oms.domain.tracking_codes import PROBLEMS, PROGRESS, ScanKind

PROVIDERS = ("trackerdelivery", "sweettracker")
PROVIDER_KO = {"trackerdelivery": "트래커 딜리버리", "sweettracker": "스마트택배"}
#: scans kept per shipment (the newest; the header stays bounded: at most MAX_TRACKING_NUMBERS parcels)
MAX_SCANS = 30
DEFAULT_QUIET_DAYS = 5
#: a courier time this far ahead of ours is taken as ours (a courier clock or time zone error)
CLOCK_SKEW = timedelta(minutes=10)

ISSUE_KO = {
    "failed_attempt": "배달 실패",
    "exception": "배송 예외",
    "no_scan": "배송 정보 없음",
    "rejected": "송장번호 등록 거절",
}


def courier_actor(provider: str) -> Actor:
    return Actor("system", f"courier:{provider}", "택배사 배송추적")


def trackable(shipment: Shipment) -> bool:
    return shipment.method == "parcel" and bool(shipment.courier) and shipment.courier != couriers.ETC \
        and bool(shipment.tracking_no)


# ---- registration ------------------------------------------------------------------------------


def start_registration(shipment: Shipment, at: str) -> list[Intent]:
    """A (new) number on ``shipment``: a fresh tracking record and the intent to register it."""
    if not trackable(shipment):
        shipment.tracking = None
        return []
    old = shipment.tracking or {}
    rnd = int(old.get("round") or 0) + 1
    shipment.tracking = {
        "round": rnd, "state": "pending", "courier": shipment.courier, "tracking_no": shipment.tracking_no,
        "requested_at": at, "provider": None, "registered_at": None, "expires_at": None,
        "reason": None, "reason_ko": None, "scans": [], "progress": None, "last_scan": None,
        "delivered_at": None, "issue": None, "operator_at": None, "check_at": None,
    }
    return [Intent("tracking_register", f"tracking_register:{shipment.shipment_id}:{rnd}",
                   {"shipment_id": shipment.shipment_id, "courier": shipment.courier,
                    "tracking_no": shipment.tracking_no, "round": rnd})]


def renew_registration(shipment: Shipment, at: str) -> list[Intent]:
    """A webhook registration about to expire: ask the provider again for the same number."""
    t = shipment.tracking
    if t is None:
        return []
    n = int(t.get("renewals") or 0) + 1
    t["renewals"] = n
    return [Intent("tracking_register", f"tracking_register:{shipment.shipment_id}:{t['round']}:r{n}",
                   {"shipment_id": shipment.shipment_id, "courier": shipment.courier,
                    "tracking_no": shipment.tracking_no, "round": t["round"], "renewal": n})]


def _shipment(order: Order, shipment_id: str) -> Shipment:
    s = order.shipments.get(shipment_id)
    if s is None:
        raise DomainError("SHIPMENT_NOT_FOUND", f"배송 정보를 찾을 수 없습니다: {shipment_id}", status=404,
                          extra={"shipment_id": shipment_id})
    return s


def _current(order: Order, shipment_id: str, tracking_no: str | None) -> tuple[Shipment, dict[str, Any]]:
    """The shipment and its tracking record, refused when the number is not (any more) the one given."""
    s = _shipment(order, shipment_id)
    if s.tracking is None or (tracking_no is not None and s.tracking_no != tracking_no):
        raise DomainError("TRACKING_NUMBER_MISMATCH",
                          "배송추적 중인 송장번호가 아닙니다 (송장번호가 바뀌었거나 삭제되었습니다).",
                          status=409, extra={"shipment_id": shipment_id, "tracking_no": tracking_no})
    return s, s.tracking


def registration_result(order: Order, shipment_id: str, tracking_no: str, rnd: int, *, provider: str,
                        accepted: bool, at: str, quiet_days: int, expires_at: str | None = None,
                        reason: str | None = None, reason_ko: str | None = None,
                        polling: bool = False) -> Change:
    """Record what the provider answered to registration round ``rnd`` of the shipment's number."""
    new = order.clone()
    s, t = _current(new, shipment_id, tracking_no)
    if int(t.get("round") or 0) != rnd:
        raise DomainError("TRACKING_NUMBER_MISMATCH", "이미 다시 등록된 송장번호입니다.", status=409,
                          extra={"shipment_id": shipment_id, "round": rnd})
    c = couriers.BY_CODE.get(s.courier or "")
    name = f"{c.name_ko if c else s.courier} {tracking_no}"
    t["provider"] = provider
    if accepted:
        t.update(state="polling" if polling else "registered", registered_at=t.get("registered_at") or at,
                 expires_at=expires_at, reason=None, reason_ko=None)
        if (t.get("issue") or {}).get("reason") == "rejected":
            t["issue"] = None
        _schedule(t, at, quiet_days)
    else:
        t.update(state="rejected", reason=reason, reason_ko=reason_ko, check_at=None)
        t["issue"] = {"reason": "rejected", "reason_ko": reason_ko or ISSUE_KO["rejected"], "at": at}
    data = {"shipment_id": shipment_id, "tracking_no": tracking_no, "courier": s.courier, "provider": provider,
            "round": rnd}
    actor = courier_actor(provider)
    if accepted:
        event = Event("tracking_registered", actor, at, {
            **data, "text_ko": f"배송추적 등록: {name} ({PROVIDER_KO.get(provider, provider)})"})
    else:
        event = Event("tracking_rejected", actor, at, {
            **data, "reason": reason, "reason_ko": reason_ko,
            "text_ko": f"배송추적 등록 거절: {name} — {reason_ko or reason}"})
    return Change(new, [event], set(), touched_shipments={shipment_id})


def _schedule(t: dict[str, Any], now: str, quiet_days: int) -> None:
    """When the shipment is looked at next: the quiet-days check, the webhook's renewal, the next poll."""
    poll = tracking_poll.next_poll(t, now) if not t.get("issue") else None
    t["next_poll_at"] = poll
    if t.get("delivered_at") or t.get("state") in ("rejected", "pending"):
        t["check_at"] = None
        return
    if t.get("issue"):
        t["check_at"] = poll
        return
    last = max(filter(None, [(t.get("last_scan") or {}).get("at"), t.get("registered_at")]), default=now)
    due = iso(parse_iso(last) + timedelta(days=quiet_days))
    if t.get("expires_at"):
        due = min(due, iso(parse_iso(t["expires_at"]) - timedelta(hours=12)))
    t["check_at"] = min(due, poll) if poll else due


# ---- scans -------------------------------------------------------------------------------------


def scan(kind: ScanKind, at: str, *, text: str, where: str = "", code: str = "") -> dict[str, Any]:
    """One courier event as kept on the shipment. Its id is the courier's time, status code and
    place: the same event read from a push, a callback's re-query or a poll is one scan."""
    ident = hashlib.sha256(f"{at}|{code}|{where}".encode()).hexdigest()[:16]
    return {"id": ident, "kind": kind.value, "at": at, "where": where[:80], "text": text[:120], "code": code[:40]}


def _lines_of(order: Order, shipment_id: str, status: Status) -> list[str]:
    return [line.line_id for line in order.lines if line.shipment_id == shipment_id and line.status is status]


def apply_scans(order: Order, shipment_id: str, tracking_no: str, scans: list[dict[str, Any]], *, provider: str,
                at: str, quiet_days: int, auto_complete: bool = True) -> Change | None:
    """The scans not seen yet, in the courier's time order, each applied or ignored (with why) and
    on the timeline with the courier's wording. None: every scan was seen already (a duplicate)."""
    _, t = _current(order, shipment_id, tracking_no)
    seen = {sc["id"] for sc in t.get("scans") or []}
    unique = {sc["id"]: sc for sc in scans if sc["id"] not in seen}  # a batch may repeat an event too
    fresh = sorted(unique.values(), key=lambda sc: (sc["at"], sc["id"]))
    oldest_kept = min((sc["at"] for sc in t.get("scans") or []), default="")
    if len(t.get("scans") or []) >= MAX_SCANS:  # forgotten ids: older than what is kept counts as seen
        fresh = [sc for sc in fresh if sc["at"] > oldest_kept]
    if not fresh:
        return None
    actor = courier_actor(provider)
    current = order.clone()
    events: list[Event] = []
    touched: set[str] = set()
    for sc in fresh:
        if parse_iso(sc["at"]) > parse_iso(at) + CLOCK_SKEW:
            sc = {**sc, "at": at}
        current, evs, lines = _one(current, shipment_id, sc, actor, at, auto_complete)
        events += evs
        touched |= lines
    t = current.shipments[shipment_id].tracking or {}
    _schedule(t, at, quiet_days)
    current.version = order.version
    return Change(current, events, touched, touched_shipments={shipment_id})


def _one(order: Order, sid: str, sc: dict[str, Any], actor: Actor, at: str,
         auto_complete: bool) -> tuple[Order, list[Event], set[str]]:
    s = order.shipments[sid]
    t = s.tracking
    assert t is not None
    kind = ScanKind(sc["kind"])
    kept = sorted([*t.get("scans", []), sc], key=lambda x: (x["at"], x["id"]))[-MAX_SCANS:]
    t["scans"] = kept
    if not t.get("last_scan") or sc["at"] >= t["last_scan"]["at"]:
        t["last_scan"] = {k: sc[k] for k in ("kind", "at", "where", "text")}
    outcome, why, moved = "recorded", "", None
    to: Status | None = None
    if t.get("delivered_at"):
        outcome, why = "ignored", "배송완료 이후의 스캔: 상태를 바꾸지 않습니다."
    elif t.get("operator_at") and sc["at"] <= t["operator_at"]:
        outcome, why = "ignored", "관리자가 이 스캔 이후에 상태를 직접 변경했습니다: 관리자 변경이 우선합니다."
    elif kind in PROBLEMS:
        t["issue"] = {"reason": kind.value, "reason_ko": ISSUE_KO[kind.value], "at": sc["at"], "text": sc["text"]}
        outcome, why = "issue", f"배송 이상: {ISSUE_KO[kind.value]}"
    elif kind is ScanKind.DELIVERED:
        t["delivered_at"] = sc["at"]
        if t.get("issue") and t["issue"].get("reason") != "rejected":
            t["issue"] = None
        if auto_complete:
            to = Status.DELIVERED
        else:
            why = "배송완료 자동 처리가 꺼져 있어 상태는 그대로입니다."
    elif PROGRESS.get(kind, 0) >= PROGRESS[ScanKind.PICKED_UP]:
        to = Status.SHIPPING
    if PROGRESS.get(kind) is not None and (t.get("progress") is None
                                           or PROGRESS[kind] > PROGRESS[ScanKind(t["progress"])]):
        t["progress"] = kind.value
    events: list[Event] = []
    lines: set[str] = set()
    if to is not None and not order.closed:
        order, events, lines = _advance(order, sid, to, sc["at"], actor, at)
        moved = bool(events)
        outcome = "applied" if moved else "recorded"
    c = couriers.BY_CODE.get(s.courier or "")
    text = f"배송추적 {sc['text'] or kind.ko}" + (f" ({sc['where']})" if sc.get("where") else "")
    if why:
        text += f" — {why}"
    data = {"shipment_id": sid, "tracking_no": s.tracking_no, "courier": s.courier,
            "courier_name": c.name_ko if c else s.courier, "scan_kind": kind.value, "scan_at": sc["at"],
            "where": sc.get("where", ""), "courier_text": sc.get("text", ""), "outcome": outcome, "text_ko": text}
    if why:
        data["reason_ko"] = why
    return order, [Event("tracking_scan", actor, at, data), *events], lines


def _advance(order: Order, sid: str, to: Status, scan_at: str, actor: Actor,
             at: str) -> tuple[Order, list[Event], set[str]]:
    """Units of the shipment forward to ``to`` one step at a time (배송대기 → 배송중 → 배송완료)."""
    events: list[Event] = []
    lines: set[str] = set()
    steps = [Status.SHIPPING] if to is Status.SHIPPING else [Status.SHIPPING, Status.DELIVERED]
    for step in steps:
        frm = Status.READY_TO_SHIP if step is Status.SHIPPING else Status.SHIPPING
        ids = _lines_of(order, sid, frm)
        if not ids:
            continue
        change = apply_moves(order, [Move(i, step) for i in ids], actor, at)
        order, events, lines = change.order, events + change.events, lines | change.touched_lines
        if step is Status.DELIVERED:
            for line in order.lines:
                if line.line_id in ids:  # the courier's time starts the confirmation clock
                    line.status_changed_at = scan_at
    return order, events, lines


# ---- 배송 이상 ----------------------------------------------------------------------------------


def open_issues(order: Order) -> list[dict[str, Any]]:
    """The shipments in the 배송 이상 list, each with its reason and last scan."""
    out = []
    for s in order.shipments.values():
        t = s.tracking or {}
        if t.get("issue"):
            out.append({"shipment_id": s.shipment_id, "courier": s.courier, "tracking_no": s.tracking_no,
                        **{k: t["issue"].get(k) for k in ("reason", "reason_ko", "at")},
                        "last_scan": t.get("last_scan")})
    return out


def quiet_check(order: Order, *, at: str, quiet_days: int) -> Change | None:
    """Shipments whose check is due: no scan for ``quiet_days`` opens a 'no_scan' issue; the others
    are scheduled again. None: nothing is due."""
    new = order.clone()
    events: list[Event] = []
    touched: set[str] = set()
    for s in new.shipments.values():
        t = s.tracking
        if not t or not t.get("check_at") or t["check_at"] > at:
            continue
        touched.add(s.shipment_id)
        if not any(line.shipment_id == s.shipment_id and line.status in (Status.READY_TO_SHIP, Status.SHIPPING)
                   for line in new.lines):
            t["check_at"] = None  # delivered (or moved on) by hand: nothing left to watch
            continue
        last = max(filter(None, [(t.get("last_scan") or {}).get("at"), t.get("registered_at")]), default=at)
        if not t.get("issue") and parse_iso(last) + timedelta(days=quiet_days) <= parse_iso(at):
            t["issue"] = {"reason": "no_scan", "reason_ko": f"{quiet_days}일 동안 배송 정보 없음", "at": at}
            events.append(Event("tracking_issue", courier_actor(t.get("provider") or "-"), at, {
                "shipment_id": s.shipment_id, "tracking_no": s.tracking_no, "reason": "no_scan",
                "last_scan": t.get("last_scan"),
                "text_ko": f"배송 이상: {s.tracking_no} — {quiet_days}일 동안 택배사 스캔이 없습니다."}))
        _schedule(t, at, quiet_days)
    if not touched:
        return None
    if not events:  # only rescheduled: recorded as a check so the change has its timeline item
        events.append(Event("tracking_checked", courier_actor("-"), at,
                             {"shipment_ids": sorted(touched), "text_ko": "배송추적 점검: 이상 없음"}))
    return Change(new, events, set(), touched_shipments=touched)


def resolve_issue(order: Order, shipment_id: str, *, actor: Actor, at: str, note: str, quiet_days: int) -> Change:
    """The operator settles a shipment's 배송 이상 (recorded with who, when and the note)."""
    new = order.clone()
    s = _shipment(new, shipment_id)
    t = s.tracking or {}
    if not t.get("issue"):
        raise DomainError("TRACKING_NO_ISSUE", "배송 이상 상태가 아닌 송장입니다.", status=409,
                          extra={"shipment_id": shipment_id})
    issue = t["issue"]
    t["issue"] = None
    t["resolved"] = {"reason": issue.get("reason"), "by": actor.name or actor.id, "at": at, "note": note}
    _schedule(t, at, quiet_days)
    return Change(new, [Event("tracking_issue_resolved", actor, at, {
        "shipment_id": shipment_id, "tracking_no": s.tracking_no, "reason": issue.get("reason"), "note": note,
        "text_ko": f"배송 이상 처리: {s.tracking_no} ({issue.get('reason_ko')})" + (f" — {note}" if note else ""),
    })], set(), touched_shipments={shipment_id})


def correct_number(order: Order, shipment_id: str, *, courier: str | None, tracking_no: str, actor: Actor,
                   at: str) -> Change:
    """Correct a parcel's number after it shipped (units in 배송중): recorded with the old number,
    tracking starts again for the new one."""
    new = order.clone()
    s = _shipment(new, shipment_id)
    held = [line for line in new.lines if line.shipment_id == shipment_id]
    if not held or any(line.status not in (Status.READY_TO_SHIP, Status.SHIPPING) for line in held):
        raise DomainError("TRACKING_CORRECTION_NOT_ALLOWED",
                          "배송대기·배송중 품목의 송장번호만 수정할 수 있습니다.", status=422,
                          extra={"shipment_id": shipment_id})
    c = couriers.require(courier or s.courier, "courier")
    number = couriers.clean_tracking(c, tracking_no, method=s.method)
    if number == s.tracking_no and c.code == s.courier:
        raise DomainError("TRACKING_UNCHANGED", "이미 같은 택배사·송장번호가 등록되어 있습니다.",
                          extra={"tracking_no": number})
    previous = s.tracking_no
    s.courier, s.tracking_no = c.code, number
    intents = start_registration(s, at)
    return Change(new, [Event("tracking_corrected", actor, at, {
        "shipment_id": shipment_id, "courier": c.code, "courier_name": c.name_ko, "tracking_no": number,
        "previous": previous, "tracking_url": c.url_for(number),
        "text_ko": f"송장번호 수정(발송 후): {previous} → {c.name_ko} {number}. 배송추적을 다시 등록합니다.",
    })], set(), touched_shipments={shipment_id}, intents=intents)
