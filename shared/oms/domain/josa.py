"""Korean particles (조사) that agree with the word before them: ``josa("주문", "을/를")`` is
"주문을", ``josa("배송대기", "으로/로")`` is "배송대기로". No message leaves an either-or particle to the reader.

The choice follows the last syllable's final consonant (받침); with ㄹ as the final, "으로/로" takes 로
(상품준비로, 택배사로, 서울로 …). Digits and Latin letters are read as Korean reads them: 1 일, 2 이,
10 십, 100 백, 1,000 천, 10,000 만; S 에스, L 엘, M 엠, N 엔, R 알 (so "SMS를", "URL을", "PG를").
A word ending in quotes takes its particle from the quoted word ('배송중'으로); a closing
parenthetical is an aside, so the word before it decides ("카카오톡 채널(발신 키)이"), or the word
inside when nothing precedes it. A word ending in anything else unreadable takes the form without
a final consonant.
"""

from __future__ import annotations

#: pair written as in dictionaries -> (after a final consonant, after a vowel)
FORMS: dict[str, tuple[str, str]] = {
    "을/를": ("을", "를"),
    "이/가": ("이", "가"),
    "은/는": ("은", "는"),
    "과/와": ("과", "와"),
    "으로/로": ("으로", "로"),
    "이나/나": ("이나", "나"),
    "이라/라": ("이라", "라"),
    "이라는/라는": ("이라는", "라는"),
    "이에요/예요": ("이에요", "예요"),
    "아/야": ("아", "야"),
}
# the other order is accepted too ("를/을", "와/과", "로/으로" …)
FORMS.update({"/".join(reversed(k.split("/"))): v for k, v in list(FORMS.items())})

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # index of ㄹ among the 28 finals (0 = none)

#: digit -> the final consonant index of its Korean reading
#: (영 ㅇ, 일 ㄹ, 이 -, 삼 ㅁ, 사 -, 오 -, 육 ㄱ, 칠 ㄹ, 팔 ㄹ, 구 -)
_DIGIT_FINAL = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}
#: trailing zeros -> the unit read last (십 ㅂ, 백 ㄱ, 천 ㄴ, 만 ㄴ)
_TENS_FINAL = {1: 17, 2: 1, 3: 4}
#: Latin letters whose Korean name ends in a consonant (엘, 엠, 엔, 알); the others end in a vowel (에스, 비, 지 …)
_LETTER_FINAL = {"L": 8, "M": 16, "N": 4, "R": 8}
_CLOSING_QUOTES = "'\"’”」』》>"
_OPENING_FOR = {")": "(", "]": "[", "）": "（"}


def final_consonant(word: str) -> int | None:
    """The final consonant index (0 none, 8 ㄹ, …) of how ``word`` is read aloud; None when unreadable."""
    text = word.rstrip()
    if not text:
        return None
    last = text[-1]
    if last in _OPENING_FOR:
        inside_start = text.rfind(_OPENING_FOR[last])
        if inside_start < 0:
            return final_consonant(text[:-1])
        before = text[:inside_start].rstrip()
        return final_consonant(before) if before else final_consonant(text[inside_start + 1:-1])
    if last in _CLOSING_QUOTES:
        return final_consonant(text[:-1])
    if _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        return (ord(last) - _HANGUL_FIRST) % 28
    if last.isdigit() and last in _DIGIT_FINAL:
        digits = text.replace(",", "")
        number = digits[len(digits.rstrip("0123456789")):]
        if number.strip("0") and number.endswith("0"):
            zeros = len(number) - len(number.rstrip("0"))
            return _TENS_FINAL.get(zeros, 4)
        return _DIGIT_FINAL[last]
    if last.isascii() and last.isalpha():
        return _LETTER_FINAL.get(last.upper(), 0)
    return None


def particle(word: str, forms: str) -> str:
    """The particle of ``forms`` ("을/를", "이/가", "은/는", "과/와", "으로/로" …) that follows ``word``."""
    try:
        with_final, without = FORMS[forms]
    except KeyError:
        raise ValueError(f"unknown particle pair {forms!r}") from None
    final = final_consonant(word)
    if not final:
        return without
    if with_final == "으로" and final == _RIEUL:
        return without
    return with_final


def josa(word: str, forms: str) -> str:
    """``word`` followed by the particle of ``forms`` that agrees with it."""
    return f"{word}{particle(word, forms)}"
