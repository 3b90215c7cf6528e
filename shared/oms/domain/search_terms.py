"""통합검색: the tokens an order can be found by, "as operators remember" it (docs/data-model.md,
"Unified search").

An order is found by the start of the buyer's or recipient's name, the start of the given name (the
name without its first syllable: "지민" finds 김지민), the last 4 digits of either phone, the last 4
and 6 characters of its order number, and the product codes of its lines. Full phone numbers,
tracking numbers and whole names longer than the prefix cap are found through the exact lookups the
order already has; the listing reads those partitions too. Each token is one lookup item (GSI2), so
the number of tokens is bounded (``MAX_TOKENS``) and the order's transactions stay within 100 actions.
"""

from __future__ import annotations

import unicodedata

from oms.domain.errors import DomainError
from oms.domain.order import Order

#: name prefixes are kept up to this many characters (a longer name term reads the exact name lookups)
PREFIX_CAP = 6
#: the shortest searchable term: two characters, or four digits when it is digits only
MIN_TEXT = 2
MIN_DIGITS = 4
#: product codes tokenised per order (the first distinct ones, in line order)
MAX_PRODUCT_CODES = 8
#: the longest token (a product code: 64 characters); a longer term reads no token partition
MAX_TOKEN_CHARS = 64
#: prefixes of one name (lengths MIN_TEXT..PREFIX_CAP) and of its given name
NAME_TOKENS = 2 * (PREFIX_CAP - MIN_TEXT + 1)
#: buyer and recipient names, their phones' last 4 digits, the order number's last 4 and 6, product codes
MAX_TOKENS = 2 * NAME_TOKENS + 2 + 2 + MAX_PRODUCT_CODES


def normalize(text: str) -> str:
    """NFKC, case-folded, letters and digits only (spaces, hyphens and dots dropped)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def searchable(token: str) -> bool:
    """A token long enough to search by: 4 digits, or 2 characters otherwise."""
    return len(token) >= (MIN_DIGITS if token.isdigit() else MIN_TEXT)


#: two-syllable family names: in a name of 4 or more syllables starting with one, the given name is
#: what follows it (남궁지민 → 지민)
COMPOUND_SURNAMES = frozenset({"남궁", "황보", "제갈", "사공", "선우", "서문", "독고", "동방", "어금", "망절"})


def _hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def _prefixes(text: str) -> set[str]:
    return {text[:k] for k in range(MIN_TEXT, min(len(text), PREFIX_CAP) + 1)}


def given_name(name: str) -> str | None:
    """The given name of a Hangul name of 3 or more syllables: without its first syllable, or without
    a two-syllable family name (``COMPOUND_SURNAMES``) when 4 or more; None otherwise."""
    n = normalize(name)
    if len(n) <= MIN_TEXT or not _hangul(n[0]):
        return None
    return n[2:] if len(n) > MIN_TEXT + 1 and n[:2] in COMPOUND_SURNAMES else n[1:]


def name_tokens(name: str) -> set[str]:
    """Prefixes of the name (2..6 characters) and of its given name (:func:`given_name`)."""
    given = given_name(name)
    return _prefixes(normalize(name)) | (_prefixes(given) if given else set())


def phone_tokens(phone: str) -> set[str]:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return {digits[-MIN_DIGITS:]} if len(digits) >= 2 * MIN_DIGITS else set()


def order_number_tokens(order_id: str) -> set[str]:
    """The order number's tail: its last 4 and last 6 characters (20261126-000042: 0042, 000042)."""
    n = normalize(order_id)
    return {n[-k:] for k in (4, 6) if len(n) > k}


def product_tokens(codes: list[str]) -> set[str]:
    """The first ``MAX_PRODUCT_CODES`` distinct product codes, normalised, in line order."""
    seen: list[str] = []
    for code in codes:
        n = normalize(code)
        if n and n not in seen:
            seen.append(n)
    return set(seen[:MAX_PRODUCT_CODES])


def tokens(buyer_name: str, recipient_name: str, buyer_phone: str, recipient_phone: str, order_id: str,
           product_codes: list[str]) -> set[str]:
    """Every searchable token of an order (deduplicated: a buyer who is the recipient counts once)."""
    out = name_tokens(buyer_name) | name_tokens(recipient_name)
    out |= phone_tokens(buyer_phone) | phone_tokens(recipient_phone)
    out |= order_number_tokens(order_id) | product_tokens(product_codes)
    return {t for t in out if searchable(t)}


def order_tokens(order: Order) -> set[str]:
    return tokens(order.buyer.name, order.recipient.name, order.buyer.phone or "", order.recipient.phone or "",
                  order.order_id, [line.product_code for line in order.lines])


def term(raw: str) -> str:
    """The normalised search term, or 400 SEARCH_TERM_TOO_SHORT (a query parameter's refusal)."""
    n = normalize(raw)
    if not searchable(n):
        raise DomainError(
            "SEARCH_TERM_TOO_SHORT",
            "검색어가 너무 짧습니다. 이름·상품코드는 2글자 이상, 숫자는 4자리 이상 입력하세요.",
            field="q", status=400, extra={"min_text": MIN_TEXT, "min_digits": MIN_DIGITS},
        )
    return n
