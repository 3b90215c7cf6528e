"""What a tracking provider's statuses mean to us (docs/domain.md, "Delivery tracking"): each
provider's status or level -> one of our scan kinds. Pure tables and functions; the adapters
(``oms.integrations.tracking``) hand every scan they read through here.

- Webhook-subscription providers (tracker.delivery style) name a status per event: UNKNOWN,
  INFORMATION_RECEIVED, AT_PICKUP, IN_TRANSIT, OUT_FOR_DELIVERY, ATTEMPT_FAIL, DELIVERED,
  AVAILABLE_FOR_PICKUP, EXCEPTION.
- Push-registration providers (SweetTracker style) send a level: 1 배송준비, 2 집화완료,
  3 배송진행, 4 지점도착, 5 배송출발, 6 배송완료, -99 an error scan. A failed attempt has no level of
  its own: it is a level 3–5 scan whose wording says the parcel was not delivered (미배달, 부재 …).
"""

from __future__ import annotations

import re
from enum import StrEnum


class ScanKind(StrEnum):
    INFO = "info"  # the courier knows the number (label printed, 배송준비) or says nothing we use
    PICKED_UP = "picked_up"  # 집화
    IN_TRANSIT = "in_transit"  # 간선/지점 이동
    OUT_FOR_DELIVERY = "out_for_delivery"  # 배송출발
    DELIVERED = "delivered"  # 배송완료
    FAILED_ATTEMPT = "failed_attempt"  # 배달 시도 실패 (부재, 주소 불명 …)
    EXCEPTION = "exception"  # 사고, 반송, 파손, 스캔 오류

    @property
    def ko(self) -> str:
        return KIND_KO[self]


KIND_KO: dict[ScanKind, str] = {
    ScanKind.INFO: "접수",
    ScanKind.PICKED_UP: "집화",
    ScanKind.IN_TRANSIT: "이동중",
    ScanKind.OUT_FOR_DELIVERY: "배송출발",
    ScanKind.DELIVERED: "배송완료",
    ScanKind.FAILED_ATTEMPT: "배달 실패",
    ScanKind.EXCEPTION: "배송 예외",
}

#: how far along the parcel is (failed attempts and exceptions do not move it)
PROGRESS: dict[ScanKind, int] = {
    ScanKind.INFO: 0,
    ScanKind.PICKED_UP: 1,
    ScanKind.IN_TRANSIT: 2,
    ScanKind.OUT_FOR_DELIVERY: 3,
    ScanKind.DELIVERED: 4,
}
#: kinds that put the shipment in the 배송 이상 list
PROBLEMS = frozenset({ScanKind.FAILED_ATTEMPT, ScanKind.EXCEPTION})

TRACKER_STATUS: dict[str, ScanKind] = {
    "UNKNOWN": ScanKind.INFO,
    "INFORMATION_RECEIVED": ScanKind.INFO,
    "AT_PICKUP": ScanKind.PICKED_UP,
    "IN_TRANSIT": ScanKind.IN_TRANSIT,
    "OUT_FOR_DELIVERY": ScanKind.OUT_FOR_DELIVERY,
    "AVAILABLE_FOR_PICKUP": ScanKind.OUT_FOR_DELIVERY,  # waiting at a pickup point: not delivered yet
    "ATTEMPT_FAIL": ScanKind.FAILED_ATTEMPT,
    "DELIVERED": ScanKind.DELIVERED,
    "EXCEPTION": ScanKind.EXCEPTION,
}

SWEET_LEVEL: dict[int, ScanKind] = {
    1: ScanKind.INFO,
    2: ScanKind.PICKED_UP,
    3: ScanKind.IN_TRANSIT,
    4: ScanKind.IN_TRANSIT,
    5: ScanKind.OUT_FOR_DELIVERY,
    6: ScanKind.DELIVERED,
    -99: ScanKind.EXCEPTION,
}
_NOT_DELIVERED = re.compile(r"미배달|미배송|배달\s*실패|배송\s*실패|부재|수취인\s*불명|주소\s*불명|주소지\s*오류")


def from_tracker_status(status: str | None) -> ScanKind:
    """A tracker.delivery-style event status; an unknown name is information only."""
    return TRACKER_STATUS.get(str(status or "").strip().upper(), ScanKind.INFO)


def from_sweet_level(level: int | str | None, text: str = "") -> ScanKind:
    """A SweetTracker-style level (and the courier's wording, for a failed attempt)."""
    try:
        n = int(str(level).strip())
    except (TypeError, ValueError):
        return ScanKind.INFO
    kind = SWEET_LEVEL.get(n, ScanKind.INFO)
    if kind in (ScanKind.IN_TRANSIT, ScanKind.OUT_FOR_DELIVERY) and _NOT_DELIVERED.search(text or ""):
        return ScanKind.FAILED_ATTEMPT
    return kind
