"""Text rules of buyer messages: cp949 byte counting, the SMS/LMS switch, unencodable characters,
templates and phone numbers (no network, no table)."""

from __future__ import annotations

import pytest

from oms.domain import messages as m
from oms.domain.errors import DomainError


@pytest.mark.parametrize("syllable", ["똠", "햏", "뷁"])
def test_syllables_outside_ks_x_1001_count_two_bytes_in_cp949_not_eight_as_euc_kr_writes_them(syllable: str) -> None:
    assert m.byte_length(syllable) == 2
    assert len(syllable.encode("euc-kr")) == 8  # why bytes are not counted with euc-kr
    assert m.unencodable(syllable) == []
    assert m.compose(syllable * 45).type == "SMS"  # 90 bytes


def test_newline_counts_as_crlf_whatever_was_sent() -> None:
    assert m.byte_length("가\n나") == 6
    assert m.byte_length("가\r\n나") == 6
    assert m.byte_length("a\rb") == 4
    assert m.compose("가\r\n나").text == "가\n나"


@pytest.mark.parametrize(("text", "kind", "size"), [
    ("a" * 90, "SMS", 90),
    ("a" * 91, "LMS", 91),
    ("가" * 45, "SMS", 90),
    ("가" * 45 + "a", "LMS", 91),
    ("a" * 88 + "\nb", "LMS", 91),  # the newline's second byte tips it over
    ("a" * 87 + "\nb", "SMS", 90),
    ("가" * 1000, "LMS", 2000),
])
def test_sms_up_to_90_bytes_then_lms(text: str, kind: str, size: int) -> None:
    got = m.compose(text)
    assert (got.type, got.bytes) == (kind, size)
    assert got.limit == (90 if kind == "SMS" else 2000)
    assert (got.title is None) == (kind == "SMS")


def test_over_2000_bytes_is_refused_with_the_count() -> None:
    with pytest.raises(DomainError) as exc:
        m.compose("가" * 1000 + "a")
    assert exc.value.code == "MESSAGE_TOO_LONG"
    assert exc.value.extra == {"bytes": 2001, "limit": 2000}
    assert exc.value.field == "text"


def test_lms_title_default_and_40_byte_limit() -> None:
    assert m.compose("a" * 100).title == m.DEFAULT_LMS_TITLE
    assert m.compose("a" * 100, "가" * 20).title_bytes == 40
    with pytest.raises(DomainError) as exc:
        m.compose("a" * 100, "가" * 20 + "a")
    assert exc.value.code == "MESSAGE_TITLE_TOO_LONG" and exc.value.field == "title"
    assert m.compose("짧은 문자", "제목은 SMS에 없음").title is None


def test_emoji_and_unmapped_characters_are_refused_naming_them() -> None:
    with pytest.raises(DomainError) as exc:
        m.compose("배송이 시작되었어요 😀 ・ 감사합니다 😀")
    assert exc.value.code == "UNENCODABLE_CHARACTERS"
    assert exc.value.extra["characters"] == [{"char": "😀", "code_point": "U+1F600"},
                                             {"char": "・", "code_point": "U+30FB"}]
    assert "😀" in exc.value.message_ko and "U+1F600" in exc.value.message_ko


def test_won_sign_and_dashes_are_replaced_by_the_documented_mapping() -> None:
    got = m.compose("미결금액 ₩12,000 – 입금 부탁드립니다\u00a0감사합니다")
    assert got.text == "미결금액 ￦12,000 - 입금 부탁드립니다 감사합니다"
    assert {r.char: (r.to, r.count) for r in got.replacements} == {"₩": ("￦", 1), "–": ("-", 1), "\u00a0": (" ", 1)}
    assert m.unencodable(got.text) == []


def test_empty_text_is_refused() -> None:
    with pytest.raises(DomainError) as exc:
        m.compose(" \n ")
    assert exc.value.code == "MESSAGE_EMPTY"


def test_templates_fill_known_variables_and_refuse_unknown_or_missing_ones() -> None:
    values = {"주문번호": "20260301-0001", "상품명": "오버핏 티셔츠 외 1건", "택배사": None, "송장번호": None,
              "배송조회": None, "미결금액": "0원"}
    got = m.render("[#{주문번호}] #{상품명} 주문 감사합니다", values)
    assert got == "[20260301-0001] 오버핏 티셔츠 외 1건 주문 감사합니다"
    with pytest.raises(DomainError) as exc:
        m.render("#{고객명}님", values)
    assert exc.value.code == "TEMPLATE_VARIABLE_UNKNOWN" and exc.value.extra["unknown"] == ["고객명"]
    with pytest.raises(DomainError) as exc:
        m.render("#{택배사} #{송장번호}", values)
    assert exc.value.code == "TEMPLATE_VALUE_MISSING" and exc.value.extra["missing"] == ["택배사", "송장번호"]


def test_phone_numbers() -> None:
    assert m.recipient_number("010-1234-5678") == "01012345678"
    assert m.recipient_number("+82 10-1234-5678") == "01012345678"
    with pytest.raises(DomainError) as exc:
        m.recipient_number("02-123-4567")  # a landline cannot receive SMS
    assert exc.value.code == "INVALID_RECIPIENT"
    assert m.mask("01012345678") == "010-****-5678"
    assert m.mask("0212345678") == "02-****-5678"
    assert m.sender_number("1588-1234") == "15881234"
    assert m.sender_number("02-123-4567") == "021234567"
    assert m.pretty("01012345678") == "010-1234-5678"
    with pytest.raises(DomainError) as exc:
        m.sender_number("12345")
    assert exc.value.code == "INVALID_SENDER_NUMBER"


def test_excerpt_is_one_line_and_short() -> None:
    got = m.excerpt("안녕하세요\n주문하신 상품이 발송되었습니다. 감사합니다")
    assert got == "안녕하세요 주문하신 상품이 발송되었습…"
    assert m.excerpt("짧음") == "짧음"
