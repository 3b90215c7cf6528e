"""Buyer notifications by KakaoTalk 알림톡: triggers, template rules, review states (docs/domain.md,
"Buyer notifications (알림톡)").

Pure functions. A 알림톡 is sent only from a template Kakao approved for the site's KakaoTalk channel
(발신 프로필); the provider compares what is sent with the approved text, variables filled, and
refuses anything else. So the rules are checked twice: when a template is registered (the text as
reviewed) and before each send (the text as filled):

- a template text is at most :data:`MAX_CHARS` (1,000) characters, variables filled, with at most
  :data:`MAX_VARIABLES` (40) ``#{변수}`` (Kakao's template rules as the providers state them);
- the **first-use limit** (NHN Cloud result code ``-1028``, "Blacklist can't use more than 14
  characters in template value"; 최초 사용자 제한): while a KakaoTalk channel is under Kakao's
  first-use restriction, a filled variable may not differ from its placeholder by more than
  :data:`FIRST_USE_VALUE_CHARS` (14) characters, i.e. a value longer than 14 characters is refused
  by the provider. The site says whether its channel is restricted (``first_use_limit``); then
  :func:`fill` refuses the message before anything is sent, naming the variables.

Review states are Kakao's codes as NHN Cloud reports them: ``TSC01`` 요청, ``TSC02`` 검수 중,
``TSC03`` 승인, ``TSC04`` 반려 (with the reviewer's reason). Only ``TSC03`` sends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from oms.domain import messages as sms_rules
from oms.domain.errors import DomainError

Trigger = Literal["paid", "va_issued", "shipped", "delivered", "cancelled", "payment_requested"]

#: the order events a site can switch a notification on for, with their Korean names
TRIGGERS: dict[str, str] = {
    "paid": "결제완료",
    "va_issued": "가상계좌 발급",
    "shipped": "배송시작",
    "delivered": "배송완료",
    "cancelled": "취소·환불",
    "payment_requested": "결제요청",
}

MAX_CHARS = 1000
MAX_VARIABLES = 40
FIRST_USE_VALUE_CHARS = 14
CODE_PATTERN = r"^[A-Za-z0-9_\-]{1,20}$"  # the provider's templateCode: at most 20 characters

APPROVED = "TSC03"
REJECTED = "TSC04"
STATES: dict[str, str] = {"TSC01": "요청", "TSC02": "검수 중", APPROVED: "승인", REJECTED: "반려"}

#: ``#{이름}`` a 알림톡 template may use: the SMS variables and the payment ones
VARIABLES: dict[str, str] = {
    **sms_rules.VARIABLES,
    "주문자명": "the buyer's name",
    "결제금액": "the order amount, e.g. 19,900원",
    "입금은행": "the virtual account's bank",
    "입금계좌": "the virtual account's number",
    "입금금액": "the amount to deposit, e.g. 19,900원",
    "입금기한": "the deposit due time in KST, e.g. 12월 10일 23:59",
    "요청금액": "the open 결제요청's amount",
    "결제링크": "the buyer's order page where the 결제요청 is paid (the site's order link)",
}

_PLACEHOLDER = re.compile(r"#\{([^{}]*)\}")


def placeholders(text: str) -> list[str]:
    return list(dict.fromkeys(_PLACEHOLDER.findall(text)))


def check_template(text: str) -> None:
    """A template as registered: known variables, at most 40 of them, at most 1,000 characters."""
    names = _PLACEHOLDER.findall(text)
    unknown = [n for n in dict.fromkeys(names) if n not in VARIABLES]
    if unknown:
        raise DomainError(
            "TEMPLATE_VARIABLE_UNKNOWN",
            f"알 수 없는 변수입니다: {', '.join('#{' + u + '}' for u in unknown)}",
            field="text", extra={"unknown": unknown, "variables": list(VARIABLES)})
    if len(names) > MAX_VARIABLES:
        raise DomainError("ALIMTALK_TOO_MANY_VARIABLES",
                          f"알림톡 템플릿의 변수는 {MAX_VARIABLES}개까지 쓸 수 있습니다. 지금 {len(names)}개입니다.",
                          field="text", extra={"variables": len(names), "limit": MAX_VARIABLES})
    if len(text) > MAX_CHARS:
        raise DomainError("ALIMTALK_TOO_LONG",
                          f"알림톡 본문은 {MAX_CHARS:,}자까지입니다. 지금 {len(text):,}자입니다.",
                          field="text", extra={"chars": len(text), "limit": MAX_CHARS})


@dataclass(frozen=True)
class Filled:
    """A template filled for one order: what the provider compares with the approved text."""

    text: str
    variables: dict[str, str]


def fill(text: str, values: dict[str, str | None], *, first_use_limit: bool = False) -> Filled:
    """Fill ``#{변수}`` and check the message as it will be sent (refusals name the rule)."""
    check_template(text)
    names = placeholders(text)
    missing = [n for n in names if not values.get(n)]
    if missing:
        raise DomainError("TEMPLATE_VALUE_MISSING",
                          f"이 주문에는 아직 값이 없는 변수입니다: {', '.join('#{' + m + '}' for m in missing)}",
                          field="text", extra={"missing": missing})
    variables = {n: str(values[n]) for n in names}
    if first_use_limit:
        long = [n for n, v in variables.items() if len(v) > FIRST_USE_VALUE_CHARS]
        if long:
            raise DomainError(
                "ALIMTALK_VARIABLE_TOO_LONG",
                f"최초 사용자 제한 중인 카카오톡 채널은 변수 값이 {FIRST_USE_VALUE_CHARS}자를 넘을 수 없습니다: "
                f"{', '.join('#{' + n + '}' for n in long)}",
                field="text", extra={"variables": long, "limit": FIRST_USE_VALUE_CHARS})
    filled = _PLACEHOLDER.sub(lambda m: variables[m.group(1)], text)
    if len(filled) > MAX_CHARS:
        raise DomainError("ALIMTALK_TOO_LONG",
                          f"변수를 채운 알림톡 본문은 {MAX_CHARS:,}자까지입니다. 지금 {len(filled):,}자입니다.",
                          field="text", extra={"chars": len(filled), "limit": MAX_CHARS})
    return Filled(filled, variables)


def state_ko(state: str) -> str:
    return STATES.get(state, state)


# ---- which events signal a notification --------------------------------------------------------


def triggers_of(events: list[dict[str, object]]) -> list[str]:
    """The triggers a committed change's timeline events signal, in :data:`TRIGGERS` order.

    - ``paid``: units left 입금대기 (``status_changed`` from ``payment_pending``: the order is paid);
    - ``va_issued``: an order taken in with a virtual account (``order_created`` with
      ``payment_method`` ``virtual_account``) or a 결제요청 paid by a new account
      (``payment_request_account_issued``);
    - ``shipped`` / ``delivered``: units moved to 배송중 / 배송완료;
    - ``cancelled``: units cancelled or returned, or money refunded (``refund``);
    - ``payment_requested``: a 결제요청 was made.
    """
    found: set[str] = set()
    for e in events:
        kind, data = e.get("kind"), e.get("data")
        if not isinstance(data, dict):
            data = {}
        if kind == "status_changed":
            frm, to = data.get("from"), data.get("to")
            if frm == "payment_pending" and to not in ("cancelled", "payment_pending"):
                found.add("paid")
            if to == "shipping":
                found.add("shipped")
            elif to == "delivered":
                found.add("delivered")
            elif to in ("cancelled", "returned"):
                found.add("cancelled")
        elif kind == "order_created" and data.get("payment_method") == "virtual_account":
            found.add("va_issued")
        elif kind == "payment_request_account_issued":
            found.add("va_issued")
        elif kind == "refund":
            found.add("cancelled")
        elif kind == "payment_requested":
            found.add("payment_requested")
    return [t for t in TRIGGERS if t in found]
