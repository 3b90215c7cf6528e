"""Matching rules, table-driven: each name rule (Korean names with spaces, company markers), exact /
over / under amounts, duplicates, two candidates, a 결제요청 as a candidate, nothing at all."""

from __future__ import annotations

import pytest

from oms.domain.deposit_matching import Candidate, Rule, match, name_passes, normalise


@pytest.mark.parametrize(("depositor", "name", "rule", "passes"), [
    ("홍길동", "홍길동", "equal", True),
    ("홍 길동", "홍길동", "equal", False),
    ("홍 길동", "홍길동", "ignore_spaces", True),
    ("홍길동", "홍 길 동", "ignore_spaces", True),
    ("홍길동", "홍길순", "ignore_spaces", False),
    ("홍길동0312", "홍길동", "ignore_spaces", False),
    ("홍길동0312", "홍길동", "contains", True),
    ("홍길동 주문12", "홍길동", "contains", True),
    ("홍 길동 주문", "홍길동", "contains", False),
    ("홍 길동 주문", "홍길동", "contains_ignore_spaces", True),
    ("김", "김", "contains", False),  # one letter is contained in too much
    ("(주)가나다", "주식회사 가나다", "ignore_spaces", True),
    ("㈜가나다", "가나다", "equal", True),
    ("가나다(주)", "(주) 가나다", "equal", True),
    ("주식회사가나다", "가나다", "ignore_spaces", True),
    ("(유)라마바", "유한회사 라마바", "ignore_spaces", True),
    ("ＨＯＮＧ", "hong", "equal", True),  # full-width letters, case
    ("", "홍길동", "contains", False),
])
def test_name_rules(depositor: str, name: str, rule: Rule, passes: bool) -> None:
    assert name_passes(depositor, name, rule) is passes


def test_normalise_keeps_or_removes_spaces() -> None:
    assert normalise("  (주) 가나  다 ", spaces=True) == "가나 다"
    assert normalise("  (주) 가나  다 ", spaces=False) == "가나다"


A = Candidate("20261207-000001", 35000, ("홍길동",), payment_id="P1")
B = Candidate("20261207-000002", 35000, ("홍길동",), payment_id="P2")
C = Candidate("20261207-000003", 50000, ("김철수", "김영희"), payment_id="P3")
REQ = Candidate("20261207-000004", 12000, ("이순신",), request_id="R1")


@pytest.mark.parametrize(("depositor", "amount", "candidates", "kind", "reason", "chosen", "gap", "suggested"), [
    ("홍길동", 35000, [A, C], "confirm", None, A, 0, []),
    ("홍 길동", 35000, [A, C], "confirm", None, A, 0, []),  # the default rule ignores spaces
    ("김영희", 50000, [A, C], "confirm", None, C, 0, []),  # the depositor name given at checkout
    ("이순신", 12000, [A, REQ], "confirm", None, REQ, 0, []),  # a 결제요청 is a candidate
    ("홍길동", 35000, [A, B], "unmatched", "several_candidates", None, 0, [A, B]),  # same name and amount twice
    ("홍길동", 35000, [A, B.__class__(B.order_id, 40000, B.names, "P2")], "confirm", None, A, 0, []),
    ("홍길동", 30000, [A, C], "unmatched", "amount_differs", None, -5000, [A]),  # underpaid stays pending
    ("홍길동", 36000, [A, C], "confirm", None, A, 1000, []),  # overpaid confirms, 1,000원 to refund
    ("홍길순", 35000, [A, C], "unmatched", "name_differs", None, 0, [A]),  # another person's name
    ("박모름", 99000, [A, C], "unmatched", "no_candidate", None, 0, []),
    ("홍길동", 35000, [], "unmatched", "no_candidate", None, 0, []),  # paid before ordering
])
def test_outcomes(depositor: str, amount: int, candidates: list[Candidate], kind: str, reason: str | None,
                  chosen: Candidate | None, gap: int, suggested: list[Candidate]) -> None:
    out = match(depositor, amount, candidates)
    assert (out.kind, out.reason, out.candidate, out.gap) == (kind, reason, chosen, gap)
    assert list(out.suggested) == suggested


def test_surplus_and_reason_words() -> None:
    assert match("홍길동", 36000, [A]).surplus == 1000
    under = match("홍길동", 30000, [A])
    assert under.surplus == 0 and under.reason_ko() == "금액이 5,000원 적음"
    assert match("박모름", 1, [A]).reason_ko() == "후보 주문 없음"


def test_the_rule_chosen_by_the_site_decides() -> None:
    assert match("홍길동(3/12주문)", 35000, [A], "equal").reason == "name_differs"
    assert match("홍길동(3/12주문)", 35000, [A], "contains").candidate == A
