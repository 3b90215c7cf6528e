"""The refusal codes: every ``code`` the product answers a refused request with, once, with its HTTP
status and its Korean message.

A refusal is raised where its rule lives (``DomainError("CODE", "…")``, ``Conflict``, ``NotFound``,
``oms.http.problem``, the webhook function's answers); this catalogue does not replace those sites,
it lists them: ``message_ko`` is the canonical wording, and where the raise sites fill in values
(a limit, a status, an id) it is the general form with ``{placeholders}``. ``also`` names the other
statuses some sites answer with the same code (a status computed from the PG's answer, or a known
inconsistency noted in the concern's module).

tests/unit/test_refusals.py reads every raise site of shared/ and functions/ (tests/code_sites.py)
and fails when a code is missing here, answers another status, or is listed here but raised nowhere.
A new refusal: raise it, then add it to the module of its concern. The OpenAPI document
(``Problem.code``, ``x-refusal-codes``) and docs/refusals.md are generated from this list.
"""

from __future__ import annotations

from oms.domain.refusals import (
    channels,
    claims,
    files,
    messages,
    money,
    notifications,
    orders,
    requests,
    shipping,
    staff,
    views,
    webhooks,
)
from oms.domain.refusals.base import Refusal

__all__ = ["CONCERNS", "REFUSALS", "Refusal", "duplicates", "refusal"]

#: concern (its Korean title) -> its refusals, in the order docs/refusals.md shows them
CONCERNS: dict[str, tuple[Refusal, ...]] = {
    "요청·인증 (requests)": requests.REFUSALS,
    "주문·상태 (orders)": orders.REFUSALS,
    "결제·환불·적립금 (money)": money.REFUSALS,
    "클레임 (claims)": claims.REFUSALS,
    "배송·송장 (shipping)": shipping.REFUSALS,
    "문자 (messages)": messages.REFUSALS,
    "알림톡 (notifications)": notifications.REFUSALS,
    "파일·내보내기·작업 (files)": files.REFUSALS,
    "웹훅 (webhooks)": webhooks.REFUSALS,
    "외부 채널 (channels)": channels.REFUSALS,
    "직원·권한·접속기록 (staff)": staff.REFUSALS,
    "저장한 보기 (views)": views.REFUSALS,
}

#: code -> refusal
REFUSALS: dict[str, Refusal] = {r.code: r for group in CONCERNS.values() for r in group}


def refusal(code: str) -> Refusal:
    """The catalogue entry of ``code`` (KeyError for a code the product does not raise)."""
    return REFUSALS[code]


def duplicates() -> list[str]:
    """Codes listed twice (in one concern or two): the catalogue lists each code once."""
    seen: set[str] = set()
    twice = []
    for group in CONCERNS.values():
        for r in group:
            if r.code in seen:
                twice.append(r.code)
            seen.add(r.code)
    return twice
