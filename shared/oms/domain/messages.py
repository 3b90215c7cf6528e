"""Messages to the buyer (SMS/LMS): text rules, templates and phone numbers (docs/domain.md, "Working the list
and the detail").

Pure functions. Korean carriers carry text in the KS X 1001 "완성형" range; providers measure it
in EUC-KR bytes. Python's ``euc-kr`` codec writes syllables outside KS X 1001 (똠, 햏, 뷁 ...) as
8-byte jamo sequences, while providers (and ``cp949``) count them as 2 bytes, so bytes are counted
with ``cp949``. A newline counts 2 bytes (CRLF on the carrier side), whatever the caller sent.

- SMS: up to 90 bytes, no title. LMS: up to 2,000 bytes, title up to 40 bytes. Longer: refused.
- Characters cp949 cannot encode are refused, naming them, except the few with an explicit
  replacement in :data:`REPLACEMENTS` (₩ U+20A9 → ￦ U+FFE6, dashes → ``-``, NBSP → space ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from oms.domain.errors import DomainError

MessageType = Literal["SMS", "LMS"]
Role = Literal["buyer", "recipient"]

SMS_MAX_BYTES = 90
LMS_MAX_BYTES = 2000
TITLE_MAX_BYTES = 40
DEFAULT_LMS_TITLE = "주문 안내"
EXCERPT_CHARS = 20

#: The only characters rewritten before sending: each has a cp949 equivalent that reads the same.
REPLACEMENTS: dict[str, str] = {
    "\u20a9": "\uffe6",  # ₩ WON SIGN -> ￦ FULLWIDTH WON SIGN
    "\u2013": "-",  # EN DASH
    "\u2014": "-",  # EM DASH
    "\u2212": "-",  # MINUS SIGN
    "\u00a0": " ",  # NO-BREAK SPACE
    "\u200b": "",  # ZERO WIDTH SPACE
    "\ufe0f": "",  # VARIATION SELECTOR-16 (the emoji it follows is still refused)
}


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def byte_length(text: str) -> int:
    """Bytes as the carrier counts them: cp949, each newline as CRLF (2 bytes).

    The text must be encodable (see :func:`unencodable`)."""
    text = normalise_newlines(text)
    return len(text.encode("cp949")) + text.count("\n")


def unencodable(text: str) -> list[str]:
    """The distinct characters cp949 cannot encode, in order of appearance."""
    out: list[str] = []
    for ch in text:
        if ch in out:
            continue
        try:
            ch.encode("cp949")
        except UnicodeEncodeError:
            out.append(ch)
    return out


def _char_name(ch: str) -> str:
    return f"U+{ord(ch):04X}"


@dataclass(frozen=True)
class Replacement:
    char: str
    to: str
    count: int

    def as_dict(self) -> dict[str, object]:
        return {"char": self.char, "code_point": _char_name(self.char), "to": self.to, "count": self.count}


def apply_replacements(text: str) -> tuple[str, list[Replacement]]:
    done: list[Replacement] = []
    for ch, to in REPLACEMENTS.items():
        n = text.count(ch)
        if n:
            text = text.replace(ch, to)
            done.append(Replacement(ch, to, n))
    return text, done


def check_encodable(text: str, field_name: str) -> None:
    """Refuse text cp949 cannot carry, naming the characters (after :data:`REPLACEMENTS`)."""
    bad = unencodable(text)
    if bad:
        shown = ", ".join(f"'{c}'({_char_name(c)})" for c in bad)
        raise DomainError(
            "UNENCODABLE_CHARACTERS",
            f"문자 메시지에 쓸 수 없는 문자가 있습니다: {shown}. 이모지·특수문자를 지우거나 바꿔 주세요.",
            field=field_name,
            extra={"characters": [{"char": c, "code_point": _char_name(c)} for c in bad]},
        )


@dataclass(frozen=True)
class Composed:
    """The final text as it will be sent, with its type and sizes."""

    type: MessageType
    text: str
    title: str | None
    bytes: int
    limit: int
    title_bytes: int = 0
    replacements: list[Replacement] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"type": self.type, "text": self.text, "title": self.title, "bytes": self.bytes,
                "limit": self.limit, "title_bytes": self.title_bytes,
                "replacements": [r.as_dict() for r in self.replacements]}


def compose(text: str, title: str | None = None) -> Composed:
    """SMS when the text fits 90 bytes, else LMS up to 2,000 bytes (title ≤ 40 bytes); refusals name the rule."""
    body, repl = apply_replacements(normalise_newlines(text).strip())
    if not body:
        raise DomainError("MESSAGE_EMPTY", "보낼 내용을 입력하세요.", field="text")
    check_encodable(body, "text")
    size = byte_length(body)
    if size > LMS_MAX_BYTES:
        raise DomainError(
            "MESSAGE_TOO_LONG",
            f"문자는 {LMS_MAX_BYTES:,}바이트(한글 약 1,000자)까지 보낼 수 있습니다. 지금 {size:,}바이트입니다.",
            field="text", extra={"bytes": size, "limit": LMS_MAX_BYTES},
        )
    if size <= SMS_MAX_BYTES:
        return Composed("SMS", body, None, size, SMS_MAX_BYTES, 0, repl)
    head, title_repl = apply_replacements((title or "").strip() or DEFAULT_LMS_TITLE)
    if "\n" in head:
        raise DomainError("MESSAGE_TITLE_INVALID", "제목에는 줄바꿈을 쓸 수 없습니다.", field="title")
    check_encodable(head, "title")
    title_size = byte_length(head)
    if title_size > TITLE_MAX_BYTES:
        raise DomainError(
            "MESSAGE_TITLE_TOO_LONG",
            f"제목은 {TITLE_MAX_BYTES}바이트(한글 20자)까지 쓸 수 있습니다. 지금 {title_size}바이트입니다.",
            field="title", extra={"bytes": title_size, "limit": TITLE_MAX_BYTES},
        )
    return Composed("LMS", body, head, size, LMS_MAX_BYTES, title_size, repl + title_repl)


def excerpt(text: str, n: int = EXCERPT_CHARS) -> str:
    """The first characters of a message, on one line (what the timeline shows)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[:n] + "…"


# ---- phone numbers -----------------------------------------------------------------------------

_MOBILE = re.compile(r"^01[016789][0-9]{7,8}$")
#: sender numbers: mobile, area-code landlines (02/0xx), 15xx/16xx/18xx representative numbers, 050x
_SENDER = re.compile(r"^(01[016789][0-9]{7,8}|02[0-9]{7,8}|0[3-6][1-5][0-9]{7,8}|070[0-9]{8}|050[0-9]{8,9}"
                     r"|1[5-9][0-9]{2}[0-9]{4})$")


def digits(value: str) -> str:
    return re.sub(r"[^0-9]", "", value or "")


def recipient_number(value: str) -> str:
    """A buyer's or recipient's phone as the provider takes it (mobile only: 01x + 7-8 digits)."""
    number = digits(value)
    if number.startswith("82") and len(number) in (11, 12):
        number = "0" + number[2:]
    if not _MOBILE.match(number):
        raise DomainError("INVALID_RECIPIENT", f"문자를 받을 수 있는 휴대폰 번호가 아닙니다: {mask(number)}",
                          field="to", extra={"to": mask(number)})
    return number


def sender_number(value: str) -> str:
    number = digits(value)
    if not _SENDER.match(number):
        raise DomainError("INVALID_SENDER_NUMBER", f"발신번호 형식이 아닙니다: {value}", field="number",
                          status=400, extra={"number": value})
    return number


def mask(number: str) -> str:
    """010-****-5678 (the middle digits hidden; what the timeline and logs may show)."""
    d = digits(number)
    if len(d) < 7:
        return "*" * len(d)
    head = 2 if d.startswith("02") else 3
    if len(d) == 8:  # 1588-1234
        return f"{d[:4]}-{d[4:]}"
    return f"{d[:head]}-{'*' * (len(d) - head - 4)}-{d[-4:]}"


def pretty(number: str) -> str:
    """010-1234-5678 / 02-123-4567 / 1588-1234 (for display of sender numbers)."""
    d = digits(number)
    if len(d) == 8:
        return f"{d[:4]}-{d[4:]}"
    head = 2 if d.startswith("02") else 3
    mid = len(d) - head - 4
    return f"{d[:head]}-{d[head:head + mid]}-{d[-4:]}"


# ---- templates ---------------------------------------------------------------------------------

#: ``#{이름}`` placeholders a template may use, and what each shows.
VARIABLES: dict[str, str] = {
    "주문번호": "the order number",
    "상품명": "the first product's name (+ ' 외 N건' when the order has more)",
    "택배사": "the courier's Korean name (the chosen or the latest shipment with a tracking number)",
    "송장번호": "that shipment's tracking number",
    "배송조회": "the courier's tracking URL for that number",
    "미결금액": "what the buyer still owes, e.g. 12,000원 (0원 when settled)",
}
_PLACEHOLDER = re.compile(r"#\{([^{}]*)\}")


def placeholders(text: str) -> list[str]:
    return list(dict.fromkeys(_PLACEHOLDER.findall(text)))


def check_template(text: str, field_name: str = "text") -> None:
    """Refuse a template naming a variable we do not know."""
    unknown = [name for name in placeholders(text) if name not in VARIABLES]
    if unknown:
        raise DomainError(
            "TEMPLATE_VARIABLE_UNKNOWN",
            f"알 수 없는 변수입니다: {', '.join('#{' + u + '}' for u in unknown)}. "
            f"쓸 수 있는 변수: {', '.join('#{' + v + '}' for v in VARIABLES)}",
            field=field_name, extra={"unknown": unknown, "variables": list(VARIABLES)},
        )


def render(text: str, values: dict[str, str | None], field_name: str = "text") -> str:
    """Fill ``#{변수}``; a variable without a value for this order (no tracking number yet ...) is refused."""
    check_template(text, field_name)
    missing = [name for name in placeholders(text) if not values.get(name)]
    if missing:
        raise DomainError(
            "TEMPLATE_VALUE_MISSING",
            f"이 주문에는 아직 값이 없는 변수입니다: {', '.join('#{' + m + '}' for m in missing)}",
            field=field_name, extra={"missing": missing},
        )
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)
