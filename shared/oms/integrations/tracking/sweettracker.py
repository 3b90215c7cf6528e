"""Push-registration adapter, shaped like SweetTracker's tracking push API:

- ``POST /add_invoice`` ``{num, code, fid, callback_url, callback_type: "json", tier, key}`` with
  ``fid`` our unique id (the same fid again is the same registration); the answer is
  ``{success: true}`` or ``{success: false, e_code, e_message}``: 1 missing parameter, 2 invalid
  number, 4 unsupported courier, 99 system error (retried);
- level callbacks ``{fid, invoice_no, level, time_trans, where, telno_office, details, …}``, one per
  courier event (level 1 배송준비 … 6 배송완료, -99 an error scan; mapped by
  :data:`oms.domain.tracking_codes.SWEET_LEVEL`), signed (``base.verify``); the provider expects
  ``{"code": true, "message": "success"}``;
- ``GET /api/v1/trackingInfo?t_key=&t_code=&t_invoice=`` answers the parcel's ``trackingDetails``
  (the query the poller and a re-check use).

Courier times are KST wall-clock (``YYYY-MM-DD HH:MM:SS``); they are stored in UTC.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from oms.domain.clock import KST, iso
from oms.domain.tracking import scan
from oms.domain.tracking_codes import from_sweet_level
from oms.integrations.tracking import config
from oms.integrations.tracking.base import CallbackInvalid, Parcel, ProviderDown, Registration, TrackNote, call, verify

REJECT_KO = {
    "1": "배송추적 등록 요청에 빠진 값이 있습니다.",
    "2": "택배사에서 유효하지 않은 송장번호라고 답했습니다.",
    "4": "배송추적 서비스가 지원하지 않는 택배사입니다.",
}


def kst_time(value: str) -> str:
    """``2026-12-07 10:31:00`` (KST) -> UTC ISO; refused as unreadable otherwise."""
    text = str(value or "").strip().replace("T", " ")
    try:
        dt = datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S") if len(text) >= 19 else \
            datetime.strptime(text[:16], "%Y-%m-%d %H:%M")
    except ValueError as exc:
        raise CallbackInvalid("TIME_INVALID", 422) from exc
    return iso(dt.replace(tzinfo=KST))


class SweetTracker:
    name = "sweettracker"
    ack: ClassVar[dict[str, Any]] = {"code": True, "message": "success"}
    ack_status = 200

    def __init__(self, base_url: str | None = None) -> None:
        self._base_url = base_url

    def _url(self, path: str) -> str:
        return (self._base_url or config.required("SWEETTRACKER_API_BASE")).rstrip("/") + path

    def register(self, parcel: Parcel, idempotency_key: str) -> Registration:
        status, body = call("POST", self._url("/add_invoice"), headers={"content-type": "application/json"}, json={
            "num": parcel.tracking_no, "code": parcel.courier_code, "fid": parcel.ref,
            "callback_url": parcel.callback_url, "callback_type": "json", "tier": "oms",
            "key": config.required("SWEETTRACKER_API_KEY")})
        if status in (401, 403):
            raise ProviderDown(f"HTTP {status}: key refused")
        if body.get("success") is True:
            return Registration(True)
        code = str(body.get("e_code") or "99")
        if code in REJECT_KO:
            return Registration(False, code=code, reason=str(body.get("e_message") or code)[:200],
                                reason_ko=REJECT_KO[code])
        raise ProviderDown(f"e_code {code}: {str(body.get('e_message') or '')[:80]}")

    def track(self, courier_code: str, tracking_no: str) -> list[dict[str, Any]]:
        status, body = call("GET", self._url("/api/v1/trackingInfo"), headers={}, params={
            "t_key": config.required("SWEETTRACKER_API_KEY"), "t_code": courier_code, "t_invoice": tracking_no})
        if status >= 400 or body.get("status") is False:
            return []
        out = []
        for d in body.get("trackingDetails") or []:
            text = str(d.get("kind") or "")
            out.append(scan(from_sweet_level(d.get("level"), text), kst_time(str(d.get("timeString") or "")),
                            text=text, where=str(d.get("where") or ""), code=str(d.get("level") or "")))
        return out

    def parse_callback(self, headers: Mapping[str, str], body: bytes, query: Mapping[str, str],
                       now: float | None = None) -> TrackNote:
        verify(config.secrets("SWEETTRACKER_WEBHOOK_SECRET"), headers, body, now)
        try:
            data = json.loads(body)
            fid, number, level = str(data["fid"]), str(data["invoice_no"]), data["level"]
            at = kst_time(str(data["time_trans"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise CallbackInvalid("BODY_INVALID", 422) from exc
        text = str(data.get("details") or data.get("kind") or "")
        event_id = f"{fid}:{level}:{data['time_trans']}"
        return TrackNote(ref=fid, tracking_no=number, courier_code=str(data.get("code") or ""), event_id=event_id,
                         scans=[scan(from_sweet_level(level, text), at, text=text or f"level {level}",
                                     where=str(data.get("where") or ""), code=str(level))])
