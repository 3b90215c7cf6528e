"""Integer KRW arithmetic: allocation by largest remainder, exact proportional splits."""

from __future__ import annotations

from collections.abc import Sequence


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` won across ``weights`` proportionally so the parts sum to ``total`` exactly.

    Largest-remainder (Hamilton) rounding: every part is floor(total*w/W), then the won left over
    go one each to the largest remainders (ties to the earlier index). Zero weights get zero
    unless every weight is zero, in which case the total is spread evenly the same way.
    """
    if total < 0:
        raise ValueError("total must be >= 0")
    if not weights:
        if total:
            raise ValueError("cannot allocate a non-zero total over no weights")
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights must be >= 0")
    ws = list(weights) if sum(weights) > 0 else [1] * len(weights)
    weight_sum = sum(ws)
    parts = [total * w // weight_sum for w in ws]
    remainders = [(total * w % weight_sum, -i) for i, w in enumerate(ws)]
    left = total - sum(parts)
    for _, neg_i in sorted(remainders, reverse=True)[:left]:
        parts[-neg_i] += 1
    return parts


def split_amount(amount: int, moved: int, of: int) -> tuple[int, int]:
    """Split ``amount`` belonging to ``of`` units into (part for ``moved`` units, rest). Exact."""
    if not 0 < moved <= of:
        raise ValueError("moved must be within 1..of")
    part = amount * moved // of
    return part, amount - part
