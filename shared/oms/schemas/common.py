"""Input types every API model uses: strict numbers and booleans, bounded ids, times with an offset.

- ``Int`` / ``Bool``: no coercion (``true``, ``"1"`` or ``1.0`` is not an integer; ``"yes"`` or
  ``1`` is not a boolean). Query parameters, which arrive as text, keep the lax types.
- Ids are bounded so that no input can build a DynamoDB key over its limit (partition keys
  2,048 bytes, sort keys 1,024 bytes): lengths in characters and, for free text ids, in UTF-8 bytes.
- ``Instant``: an ISO-8601 time *with* an offset (``Z``, ``+09:00``), between 2000 and 2100; the
  services store it in UTC. A time without an offset is refused rather than read in the host's zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

Int = Annotated[int, Field(strict=True)]
Bool = Annotated[bool, Field(strict=True)]

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _in_range(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise ValueError("time must be between 2000-01-01 and 2100-01-01")
    return value


def max_bytes(limit: int) -> AfterValidator:
    """Text that UTF-8 can encode (no unpaired surrogates) in at most ``limit`` bytes."""

    def check(value: str) -> str:
        try:
            size = len(value.encode("utf-8"))
        except UnicodeEncodeError:
            raise ValueError("not UTF-8 text") from None
        if size > limit:
            raise ValueError(f"at most {limit} bytes of UTF-8")
        return value

    return AfterValidator(check)


Instant = Annotated[AwareDatetime, AfterValidator(_in_range),
                    Field(description="ISO-8601 with an offset (Z or +09:00), stored in UTC")]

_ID = r"^[0-9A-Za-z\-_]+$"
OrderId = Annotated[str, Field(min_length=1, max_length=40, pattern=_ID, description="주문번호")]
LineId = Annotated[str, Field(min_length=1, max_length=20, pattern=_ID)]
MemberId = Annotated[str, Field(min_length=1, max_length=64), max_bytes(200)]
Lookup = Annotated[str, Field(max_length=100), max_bytes(400)]

# Path parameters (the resolver validates them like body fields)
OrderIdPath = Annotated[str, Path(min_length=1, max_length=40, pattern=_ID, description="주문번호")]
PaymentIdPath = Annotated[str, Path(min_length=1, max_length=40, pattern=_ID)]
MemberIdPath = Annotated[str, Path(min_length=1, max_length=64), max_bytes(200)]
ImportIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=_ID)]
MessageIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=_ID)]
TemplateIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=_ID)]
ExportIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=_ID)]
JobIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=_ID)]
ClaimIdPath = Annotated[str, Path(min_length=1, max_length=20, pattern=_ID)]
RequestIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=_ID)]
SkuPath = Annotated[str, Path(min_length=1, max_length=900, description="percent-encoded SKU"), max_bytes(900)]
CursorQuery = Annotated[str, Field(max_length=8192)]


class Strict(BaseModel):
    """Request bodies: unknown fields refused, text trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

