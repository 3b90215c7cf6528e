"""Product-level "no points" (docs/domain.md, "Points and purchase confirmation"): allocation never puts points
on such a line."""

from __future__ import annotations

import pytest

from oms.domain.errors import DomainError
from oms.domain.pricing import price_lines
from tests.claims_support import pants, shirt


def test_points_go_only_on_eligible_lines() -> None:
    # 셔츠 20,000 (no points) + 바지 30,000, coupon 5,000 by gross (2,000 / 3,000), points 1,000: all on 바지.
    parts = price_lines([shirt(points_eligible=False), pants()], 5000, 1000)
    assert parts == [(2000, 0), (3000, 1000)]


def test_more_points_than_eligible_lines_can_take_is_refused() -> None:
    # 바지 can take 30,000 − its coupon 3,000 = 27,000 points at most.
    assert price_lines([shirt(points_eligible=False), pants()], 5000, 27000) == [(2000, 0), (3000, 27000)]
    with pytest.raises(DomainError) as err:
        price_lines([shirt(points_eligible=False), pants()], 5000, 27001)
    assert err.value.code == "POINTS_EXCEED_ELIGIBLE_AMOUNT" and err.value.extra["eligible_amount"] == 27000
    with pytest.raises(DomainError):
        price_lines([shirt(points_eligible=False)], 0, 1)
    assert price_lines([shirt(points_eligible=False)], 1000, 0) == [(1000, 0)]
