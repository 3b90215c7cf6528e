"""Input types every API model uses: strict numbers and booleans, bounded ids, times with an offset.

- ``Int`` / ``Bool``: no coercion (``true``, ``"1"`` or ``1.0`` is not an integer; ``"yes"`` or
  ``1`` is not a boolean). Query parameters, which arrive as text, keep the lax types.
- Ids are bounded so that no input can build a DynamoDB key over its limit (partition keys
  2,048 bytes, sort keys 1,024 bytes): lengths in characters and, for free text ids, in UTF-8 bytes.
- ``Instant``: an ISO-8601 time *with* an offset (``Z``, ``+09:00``), between 2000 and 2100; the
  services store it in UTC. A time without an offset is refused rather than read in the host's zone.
- ``Text`` / ``MultilineText``: every free text a route stores or sends (names, addresses, memos,
  reasons, SMS bodies …). No C0 control character or DEL (``MultilineText`` allows newline and tab),
  no bidi override/embedding/isolate, no U+FEFF, and not only zero-width characters. Lengths stay
  the field's own ``Field(max_length=…)``.
- ``IsoDate``: a calendar day written ``YYYY-MM-DD`` (a JSON number or any other form is refused),
  2000-01-01 … 2099-12-31; ``DateRange`` checks ``date_from`` ≤ ``date_to`` and names ``date_to``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError


class Model(BaseModel):
    """Every API model: its validator is built on first use (a definition costs the cold start
    nothing; the schema and the validation are the same)."""

    model_config = ConfigDict(defer_build=True)


Int = Annotated[int, Field(strict=True)]
Bool = Annotated[bool, Field(strict=True)]

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


#: our own validation rules, answered with their Korean message (``oms.schemas.validation`` puts the field's
#: Korean name before it); ``{limit}`` is filled from the error's context
RULES_KO = {
    "control_character": "제어 문자는 입력할 수 없습니다.",
    "bidi_control": "글자 방향 제어 문자는 입력할 수 없습니다.",
    "invisible_character": "보이지 않는 문자는 입력할 수 없습니다.",
    "only_invisible": "보이지 않는 문자만으로는 입력할 수 없습니다.",
    "iso_date": "날짜는 2026-12-24처럼 연-월-일로 입력하세요 (2000-01-01 ~ 2099-12-31).",
    "date_range": "종료일은 시작일과 같거나 그 이후여야 합니다.",
    "instant_range": "2000년 1월 1일부터 2099년 12월 31일 사이의 시각이어야 합니다.",
    "text_not_utf8": "읽을 수 없는 글자(짝이 맞지 않는 유니코드 문자)가 있습니다.",
    "text_too_many_bytes": "너무 깁니다 (한글 기준 약 {chars}자, 최대 {limit}바이트).",
    "virtual_account_required":
        "결제 방법이 가상계좌이면 가상계좌 정보(은행, 계좌번호, 예금주, 입금 기한)를 입력하세요.",
    "provider_required": "PG 주문번호나 입금 통보 비밀값을 보내려면 연동 업체(PG사)를 입력하세요.",
    "pg_order_id_required": "입금 통보 비밀값을 보내려면 PG 주문번호를 입력하세요.",
    "status_job_needs_to": "상태 변경 작업에는 변경할 상태를 지정하세요.",
    "export_job_needs_template": "엑셀 내보내기 작업에는 양식을 지정하세요.",
}


def refuse(rule: str, **context: Any) -> PydanticCustomError:
    """A validation error of one of our rules (its Korean message is :data:`RULES_KO`'s)."""
    return PydanticCustomError(rule, RULES_KO[rule], context or None)



def _in_range(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise refuse("instant_range")
    return value


def max_bytes(limit: int) -> AfterValidator:
    """Text that UTF-8 can encode (no unpaired surrogates) in at most ``limit`` bytes."""

    def check(value: str) -> str:
        try:
            size = len(value.encode("utf-8"))
        except UnicodeEncodeError:
            raise refuse("text_not_utf8") from None
        if size > limit:
            raise refuse("text_too_many_bytes", limit=limit, chars=limit // 3)
        return value

    return AfterValidator(check)


_C0_ALL = re.compile(r"[\x00-\x1f\x7f]")
_C0_BUT_NEWLINE_TAB = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _text(control: re.Pattern[str]) -> AfterValidator:
    def check(value: str) -> str:
        if control.search(value):
            raise refuse("control_character")
        if _BIDI.search(value):
            raise refuse("bidi_control")
        if "\ufeff" in value:
            raise refuse("invisible_character")
        if value and not value.translate(_ZERO_WIDTH).strip():
            raise refuse("only_invisible")
        return value

    return AfterValidator(check)


#: one line of free text (names, addresses, reasons, titles)
Text = Annotated[str, _text(_C0_ALL)]
#: free text that may span lines (memos, SMS/LMS bodies and templates, claim notes): newline, CRLF and tab allowed
MultilineText = Annotated[str, _text(_C0_BUT_NEWLINE_TAB)]

_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def _iso_day(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and _ISO_DAY.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise refuse("iso_date") from None
    else:
        raise refuse("iso_date")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise refuse("iso_date")
    return day


IsoDate = Annotated[date, BeforeValidator(_iso_day), Field(description="YYYY-MM-DD (KST day)")]


class DateRange(Model):
    """``date_from`` … ``date_to`` (both days included); either may be left open."""

    date_from: IsoDate | None = None
    date_to: IsoDate | None = None

    @field_validator("date_to")
    @classmethod
    def _ordered(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("date_from")
        if value is not None and start is not None and start > value:
            raise refuse("date_range")
        return value


Instant = Annotated[AwareDatetime, AfterValidator(_in_range),
                    Field(description="ISO-8601 with an offset (Z or +09:00), stored in UTC")]

_ID = r"^[0-9A-Za-z\-_]+$"
OrderId = Annotated[str, Field(min_length=1, max_length=40, pattern=_ID, description="주문번호")]
LineId = Annotated[str, Field(min_length=1, max_length=20, pattern=_ID)]
MemberId = Annotated[str, Field(min_length=1, max_length=64), max_bytes(200)]
Lookup = Annotated[str, Field(max_length=100), max_bytes(400)]

CursorQuery = Annotated[str, Field(max_length=8192)]


class Strict(Model):
    """Request bodies: unknown fields refused, text trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

