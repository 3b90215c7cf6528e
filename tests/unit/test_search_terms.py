"""The 통합검색 tokeniser (oms.domain.search_terms): what an order can be found by, and its bound."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms.domain import search_terms as s
from oms.domain.errors import DomainError

HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
NAME = st.one_of(
    st.text(HANGUL, min_size=1, max_size=12),
    st.text(st.sampled_from("abcXYZ é김이박 -.ＡＢ"), min_size=1, max_size=20),
    st.builds(lambda a, b: a + " " + b, st.sampled_from(sorted(s.COMPOUND_SURNAMES)), st.text(HANGUL, max_size=5)),
)
PHONE = st.from_regex(r"01[016789]-?[0-9]{3,4}-?[0-9]{4}", fullmatch=True)
ORDER_ID = st.from_regex(r"20[0-9]{6}-[0-9]{6}", fullmatch=True)
CODE = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_\-.]{0,20}", fullmatch=True)


def name_prefixes_found(name: str, tokens: set[str]) -> None:
    n = s.normalize(name)
    for k in range(1, min(len(n), s.PREFIX_CAP) + 1):
        assert (n[:k] in tokens) == s.searchable(n[:k]), (name, n[:k])
    given_name = s.given_name(name)
    if given_name:
        for k in range(1, min(len(given_name), s.PREFIX_CAP) + 1):
            assert (given_name[:k] in tokens) == s.searchable(given_name[:k]), (name, given_name[:k])


@settings(max_examples=300, deadline=None)
@given(NAME, NAME, PHONE, PHONE, ORDER_ID, st.lists(CODE, max_size=30))
def test_every_token_is_found_by_its_own_prefixes_and_the_tokens_are_bounded(
        buyer: str, recipient: str, buyer_phone: str, recipient_phone: str, order_id: str, codes: list[str]) -> None:
    tokens = s.tokens(buyer, recipient, buyer_phone, recipient_phone, order_id, codes)

    assert len(tokens) <= s.MAX_TOKENS
    for t in tokens:  # each token is a term as typed: searching it reads exactly its partition
        assert s.term(t) == t
    name_prefixes_found(buyer, tokens)
    name_prefixes_found(recipient, tokens)
    # a name typed with spaces, hyphens or full-width letters finds the same token
    n = s.normalize(buyer)
    if s.searchable(n[:s.PREFIX_CAP]):
        assert s.term(" ".join(n[:s.PREFIX_CAP]).upper()) in tokens
    for phone in (buyer_phone, recipient_phone):
        assert phone.replace("-", "")[-4:] in tokens
    digits = order_id.replace("-", "")
    assert {digits[-4:], digits[-6:]} <= tokens
    distinct = list(dict.fromkeys(c for c in (s.normalize(code) for code in codes) if c))
    for code in distinct[:s.MAX_PRODUCT_CODES]:
        assert code in tokens or not s.searchable(code)


def test_the_given_name_is_the_name_without_its_family_name() -> None:
    assert s.given_name("김지민") == "지민"
    assert s.given_name("남궁 지민") == "지민"
    assert s.given_name("선우진") == "우진"  # 3 syllables: one-syllable family name
    assert s.given_name("김민") is None and s.given_name("John Smith") is None
    assert "지민" in s.name_tokens("김지민") and "김지" in s.name_tokens("김지민")
    assert s.name_tokens("독고가나다라마바사") >= {"독고가나다라", "가나다라마바"}
    assert "독고가나다라마" not in s.name_tokens("독고가나다라마바사")  # capped at 6 characters


def test_the_worst_case_is_the_documented_cap() -> None:
    codes = [f"P{i:04d}" for i in range(20)]
    tokens = s.tokens("남궁가나다라마바", "제갈사아자차카타", "010-1111-2222", "010-3333-4444",
                      "20261126-000042", codes)
    assert len(tokens) == s.MAX_TOKENS == 32
    same = s.tokens("김지민", "김지민", "010-1111-2222", "010-1111-2222", "20261126-000042", ["TEE-01", "TEE-01"])
    assert same == {"김지", "김지민", "지민", "2222", "0042", "000042", "tee01"}


@pytest.mark.parametrize("term", ["", " ", "지", "a", "7", "123", "1-2-3", "--", "!!"])
def test_a_term_too_short_is_refused_in_korean(term: str) -> None:
    with pytest.raises(DomainError) as refused:
        s.term(term)
    assert refused.value.code == "SEARCH_TERM_TOO_SHORT" and refused.value.status == 400
    assert "검색어가 너무 짧습니다" in refused.value.message_ko


@pytest.mark.parametrize(("raw", "term"), [("김 지민", "김지민"), ("1234", "1234"), ("010-1234-5678", "01012345678"),
                                           ("ＴＥＥ－０１", "tee01"), ("ab", "ab")])
def test_a_term_is_normalised_like_the_tokens(raw: str, term: str) -> None:
    assert s.term(raw) == term
