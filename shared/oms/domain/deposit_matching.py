"""Matching a bank deposit to what the shop is waiting for (docs/domain.md, "Bank transfers
matched automatically"). Pure: the deposit, the site's candidates and its name rule in, an
:class:`Outcome` out.

Candidates are the site's open bank-transfer payments (an order waiting for its 무통장입금) and its
open 결제요청; each carries the names a depositor may use (the name given at checkout, the orderer's).

A deposit **matches** a candidate when the name passes the site's rule (:data:`RULES`) and:

- the amount is exact: ``confirm``;
- the amount is more than expected: ``confirm`` as well, with ``surplus`` (the refund to make);
- the amount is less: not confirmed (the payment stays pending); the outcome is ``unmatched`` with
  the reason ``amount_differs`` and the ``gap`` (negative), the candidate suggested.

Otherwise it is ``unmatched`` with a reason: ``no_candidate`` (no name and no amount fits),
``several_candidates`` (more than one passes: the same name and amount twice), ``amount_differs``
(the name fits exactly one candidate but not the amount), ``name_differs`` (the amount fits but no
name does). Company markers (주식회사, (주), ㈜, 유한회사, (유)) never decide a match: they are
removed from both sides before the rule is applied.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

Rule = Literal["equal", "contains", "ignore_spaces", "contains_ignore_spaces"]
RULES: tuple[Rule, ...] = ("equal", "contains", "ignore_spaces", "contains_ignore_spaces")
DEFAULT_RULE: Rule = "ignore_spaces"
RULES_KO = {"equal": "일치", "contains": "포함", "ignore_spaces": "공백 무시 일치",
            "contains_ignore_spaces": "공백 무시 포함"}
Reason = Literal["no_candidate", "several_candidates", "amount_differs", "name_differs"]
REASONS_KO = {"no_candidate": "후보 주문 없음", "several_candidates": "후보가 여러 건",
              "amount_differs": "금액 불일치", "name_differs": "입금자명 불일치"}

_COMPANY = re.compile(r"주식회사|유한회사|\(\s*주\s*\)|\(\s*유\s*\)|㈜|㈲")
#: the shortest name "contains" accepts (one letter would match almost any memo)
MIN_CONTAINED = 2


@dataclass(frozen=True)
class Candidate:
    order_id: str
    amount: int  # what it waits for
    names: tuple[str, ...]
    payment_id: str | None = None  # the order's pending bank-transfer payment
    request_id: str | None = None  # or the 결제요청
    created_at: str = ""

    @property
    def key(self) -> str:
        return f"{self.order_id}/{self.request_id or self.payment_id or ''}"


@dataclass(frozen=True)
class Outcome:
    kind: Literal["confirm", "unmatched"]
    candidate: Candidate | None = None
    reason: Reason | None = None
    #: deposit − expected of the one candidate the name fits (positive: surplus to refund)
    gap: int = 0
    suggested: tuple[Candidate, ...] = field(default_factory=tuple)

    @property
    def surplus(self) -> int:
        return self.gap if self.kind == "confirm" and self.gap > 0 else 0

    def reason_ko(self) -> str:
        if self.reason == "amount_differs":
            return f"금액이 {abs(self.gap):,}원 {'적음' if self.gap < 0 else '많음'}"
        return REASONS_KO.get(self.reason or "", "")


def normalise(name: str, *, spaces: bool) -> str:
    """NFKC, company markers removed, lower case; whitespace collapsed (``spaces``) or removed."""
    text = _COMPANY.sub(" ", unicodedata.normalize("NFKC", name or "")).lower()
    words = text.split()
    return " ".join(words) if spaces else "".join(words)


def name_passes(depositor: str, name: str, rule: Rule = DEFAULT_RULE) -> bool:
    keep = rule in ("equal", "contains")
    got, want = normalise(depositor, spaces=keep), normalise(name, spaces=keep)
    if not got or not want:
        return False
    if rule in ("equal", "ignore_spaces"):
        return got == want
    return len(want) >= MIN_CONTAINED and want in got


def match(depositor: str, amount: int, candidates: list[Candidate], rule: Rule = DEFAULT_RULE) -> Outcome:
    """The outcome of one deposit among the site's candidates (see the module)."""
    by_name = [c for c in candidates if any(name_passes(depositor, n, rule) for n in c.names)]
    exact = [c for c in by_name if c.amount == amount]
    if len(exact) == 1:
        return Outcome("confirm", exact[0])
    if len(exact) > 1:
        return Outcome("unmatched", reason="several_candidates", suggested=tuple(exact))
    if len(by_name) == 1:
        only = by_name[0]
        gap = amount - only.amount
        if gap > 0:
            return Outcome("confirm", only, gap=gap)
        return Outcome("unmatched", reason="amount_differs", gap=gap, suggested=(only,))
    if len(by_name) > 1:
        return Outcome("unmatched", reason="several_candidates", suggested=tuple(by_name))
    same_amount = tuple(c for c in candidates if c.amount == amount)
    if same_amount:
        return Outcome("unmatched", reason="name_differs", suggested=same_amount)
    return Outcome("unmatched", reason="no_candidate")
