"""Korean particles agree with the word before them (oms.domain.josa)."""

from __future__ import annotations

import pytest

from oms.domain.josa import FORMS, final_consonant, josa, particle


@pytest.mark.parametrize(("word", "forms", "expected"), [
    ("주문", "을/를", "주문을"),
    ("클레임", "을/를", "클레임을"),
    ("택배사", "을/를", "택배사를"),
    ("송장번호", "을/를", "송장번호를"),
    ("1개", "을/를", "1개를"),
    ("메모", "은/는", "메모는"),
    ("수량", "은/는", "수량은"),
    ("상태", "이/가", "상태가"),
    ("배송완료", "이/가", "배송완료가"),
    ("구매확정", "이/가", "구매확정이"),
    ("주문", "과/와", "주문과"),
    ("품목", "와/과", "품목과"),
    ("배송대기", "으로/로", "배송대기로"),
    ("상품준비", "으로/로", "상품준비로"),
    ("배송중", "으로/로", "배송중으로"),
    ("구매확정", "으로/로", "구매확정으로"),
    ("취소완료", "으로/로", "취소완료로"),
    ("수거중", "으로/로", "수거중으로"),
    ("보류 해제", "으로/로", "보류 해제로"),
    ("서울", "으로/로", "서울로"),  # ㄹ takes 로
    ("택배사", "로/으로", "택배사로"),
    ("보관일", "으로/로", "보관일로"),
])
def test_hangul_words_take_the_particle_of_their_last_syllable(word: str, forms: str, expected: str) -> None:
    assert josa(word, forms) == expected


@pytest.mark.parametrize(("word", "forms", "expected"), [
    ("1", "을/를", "1을"),        # 일
    ("2", "을/를", "2를"),        # 이
    ("3", "이/가", "3이"),        # 삼
    ("4", "이/가", "4가"),        # 사
    ("5", "은/는", "5는"),        # 오
    ("6", "은/는", "6은"),        # 육
    ("7", "으로/로", "7로"),      # 칠: ㄹ
    ("8", "으로/로", "8로"),      # 팔: ㄹ
    ("9", "을/를", "9를"),        # 구
    ("0", "을/를", "0을"),        # 영
    ("10", "이/가", "10이"),      # 십
    ("100", "이/가", "100이"),    # 백
    ("2,000", "이/가", "2,000이"),  # 천
    ("50,000", "으로/로", "50,000으로"),  # 만
    ("12", "으로/로", "12로"),
    ("L001", "을/를", "L001을"),  # 일
])
def test_numbers_are_read_in_korean(word: str, forms: str, expected: str) -> None:
    assert josa(word, forms) == expected


@pytest.mark.parametrize(("word", "forms", "expected"), [
    ("SMS", "을/를", "SMS를"),    # 에스
    ("PG", "이/가", "PG가"),      # 지
    ("ID", "을/를", "ID를"),      # 디
    ("URL", "을/를", "URL을"),    # 엘
    ("URL", "으로/로", "URL로"),  # ㄹ takes 로
    ("CSV", "으로/로", "CSV로"),  # 브이
    ("API", "이/가", "API가"),    # 아이
    ("LMS", "은/는", "LMS는"),
    ("PDF", "을/를", "PDF를"),    # 에프
    ("KRW", "으로/로", "KRW로"),  # 더블유
    ("CM", "이/가", "CM이"),      # 엠
])
def test_latin_letters_are_read_by_their_korean_names(word: str, forms: str, expected: str) -> None:
    assert josa(word, forms) == expected


@pytest.mark.parametrize(("word", "forms", "expected"), [
    ("'배송중'", "으로/로", "'배송중'으로"),
    ("'상품준비'", "으로/로", "'상품준비'로"),
    ("“주문번호”", "을/를", "“주문번호”를"),
    ("'colour'", "은/는", "'colour'은"),       # 알: the last letter read aloud
    ("카카오톡 채널(발신 키)", "이/가", "카카오톡 채널(발신 키)이"),  # the word before the aside decides
    ("이용 기간(일)", "은/는", "이용 기간(일)은"),
    ("(배송대기)", "으로/로", "(배송대기)로"),  # nothing before: the word inside
    ("주문  ", "을/를", "주문  을"),
])
def test_quotes_and_a_closing_parenthetical(word: str, forms: str, expected: str) -> None:
    assert josa(word, forms) == expected


def test_an_unreadable_ending_takes_the_vowel_form_and_an_unknown_pair_is_refused() -> None:
    assert final_consonant("") is None and final_consonant("…") is None
    assert particle("…", "을/를") == "를" and particle("", "이/가") == "가"
    with pytest.raises(ValueError):
        particle("주문", "(을)를")


def test_every_pair_is_two_forms_either_way_round() -> None:
    for forms, (with_final, without) in FORMS.items():
        assert set(forms.split("/")) == {with_final, without}
        assert josa("주문", forms).endswith(with_final) and josa("배송대기", forms).endswith(without)
