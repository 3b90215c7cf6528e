"""The personal-data access record (docs/domain.md, "Staff and personal data"; 개인정보의 안전성
확보조치 기준 제8조): every sign-in, every view of unmasked personal data, every export and print of
personal data (with the reason typed), every permission change — who (operator, name, role), when,
from where (IP, user agent), whose data (order and member ids, never the data itself), the action
and its size. Append-only, kept two years, read by the owner (permission ``staff``) by month and
filtered by operator, action or order, and exported for the monthly review (that export is
recorded too)."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from oms.domain.clock import KST, iso, parse_iso, utcnow
from oms.domain.errors import DomainError
from oms.domain.order import Actor
from oms.store import access_log as store

#: action -> 한국어
ACTIONS: dict[str, str] = {
    "sign_in": "로그인",
    "reveal": "개인정보 보기",
    "export": "엑셀 내보내기",
    "print": "주문서 인쇄",
    "permission_change": "권한 변경",
    "access_log_export": "접속기록 내보내기",
}
RETENTION = timedelta(days=2 * 365 + 1)
#: every record answers these (an absent one as null)
FIELDS = ("record_id", "at", "action", "action_ko", "operator_id", "operator_name", "role", "ip", "user_agent",
          "order_ids", "order_count", "member_ids", "size", "reason", "detail")
MAX_RANGE_DAYS = 366
PAGE = 100


@dataclass(frozen=True)
class RequestMeta:
    ip: str
    user_agent: str


def record(site_id: str, actor: Actor, action: str, meta: RequestMeta, *, order_ids: list[str] | None = None,
           member_ids: list[str] | None = None, size: int = 0, reason: str | None = None,
           detail: dict[str, Any] | None = None) -> dict[str, Any]:
    """Append one record (a put that never overwrites); answers it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    now = utcnow()
    orders = list(dict.fromkeys(order_ids or []))
    rec: dict[str, Any] = {
        "record_id": secrets.token_hex(8), "at": iso(now), "action": action, "action_ko": ACTIONS[action],
        "operator_id": actor.id, "operator_name": actor.name, "role": actor.role,
        "ip": meta.ip[:64], "user_agent": meta.user_agent[:200],
        "order_ids": orders[:store.MAX_NAMED_ORDERS], "order_count": len(orders) or None,
        "member_ids": sorted(set(member_ids or []))[:store.MAX_NAMED_ORDERS], "size": size,
        "reason": reason, "detail": detail or None,
    }
    month = now.astimezone(KST).strftime("%Y-%m")
    store.append(site_id, month, rec, int((now + RETENTION).timestamp()))
    return rec


def _months(lo: str, hi: str) -> list[str]:
    """The KST months from ``hi`` back to ``lo`` (newest first)."""
    a, b = parse_iso(lo).astimezone(KST), parse_iso(hi).astimezone(KST)
    out, y, m = [], b.year, b.month
    while (y, m) >= (a.year, a.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def search(site_id: str, *, date_from: str, date_to: str, operator_id: str | None = None,
           action: str | None = None, order_id: str | None = None, limit: int = PAGE) -> dict[str, Any]:
    """Records between two KST days (inclusive), newest first, at most ``limit``."""
    for name, day in (("date_from", date_from), ("date_to", date_to)):
        try:
            date.fromisoformat(day)
        except ValueError:
            raise DomainError("ACCESS_LOG_RANGE_INVALID", "날짜는 2026-12-24처럼 연-월-일로 적은 실제 날짜여야 합니다.",
                              field=name) from None
    lo = iso(parse_iso(f"{date_from}T00:00:00+09:00"))
    hi = iso(parse_iso(f"{date_to}T23:59:59.999999+09:00"))
    if lo > hi or parse_iso(hi) - parse_iso(lo) > timedelta(days=MAX_RANGE_DAYS):
        raise DomainError("ACCESS_LOG_RANGE_INVALID", f"조회 기간은 {MAX_RANGE_DAYS}일 이내로 정하세요.",
                          field="date_from")
    if action is not None and action not in ACTIONS:
        raise DomainError("ACCESS_LOG_ACTION_UNKNOWN", "알 수 없는 작업입니다.", field="action",
                          extra={"actions": sorted(ACTIONS)})
    if order_id:
        found = [r for r in store.of_order(site_id, order_id) if lo <= r["at"] <= hi
                 and (operator_id is None or r["operator_id"] == operator_id)
                 and (action is None or r["action"] == action)]
        return {"records": [_view(r) for r in found[:limit]], "more": len(found) > limit, "actions": ACTIONS}
    filters = {k: v for k, v in (("operator_id", operator_id), ("action", action)) if v}
    out: list[dict[str, Any]] = []
    more = False
    for month in _months(lo, hi):
        start = None
        while len(out) < limit:
            got, start = store.month(site_id, month, lo, hi, filters=filters, limit=limit, start=start)
            out += got
            if start is None:
                break
        if len(out) >= limit:
            more = True
            break
    return {"records": [_view(r) for r in out[:limit]], "more": more or len(out) > limit, "actions": ACTIONS}


def _view(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: r.get(k) for k in FIELDS}
    out["order_ids"], out["member_ids"] = list(r.get("order_ids") or []), list(r.get("member_ids") or [])
    return out


CSV_FIELDS = ("at", "action_ko", "operator_id", "operator_name", "role", "ip", "user_agent", "order_ids",
              "order_count", "member_ids", "size", "reason")


def export_csv(site_id: str, actor: Actor, meta: RequestMeta, **query: Any) -> tuple[str, int]:
    """The records of a search as CSV (UTF-8 with BOM, times in KST) for the monthly review; the
    export is itself recorded. Answers (text, rows)."""
    found = search(site_id, limit=10_000, **query)["records"]
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf)
    w.writerow(["일시(KST)", "작업", "운영자 ID", "운영자", "역할", "IP", "브라우저", "주문", "주문 수", "회원", "건수",
                "사유"])
    for r in found:
        at = parse_iso(str(r["at"])).astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")
        w.writerow([at, r.get("action_ko"), r.get("operator_id"), r.get("operator_name"), r.get("role"), r.get("ip"),
                    r.get("user_agent"), " ".join(r.get("order_ids") or []), r.get("order_count") or "",
                    " ".join(r.get("member_ids") or []), r.get("size") or "", r.get("reason") or ""])
    record(site_id, actor, "access_log_export", meta, size=len(found), detail={k: v for k, v in query.items() if v})
    return buf.getvalue(), len(found)
