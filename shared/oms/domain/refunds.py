"""The refund calculation of a claim and its settlement (DOMAIN §5 "Refund calculation").

:func:`calculate` is a preview: pure, exact integer KRW, itemised like Cafe24's refund object, each
figure naming the rule that made it. :func:`settle` posts the calculation's charges to the order
(``oms.domain.balance``) and marks the claim settled; the money itself (PG refunds, payment
requests) moves in the service, for the order's outstanding balance.

How the balance and a calculation meet: completing a claim voids its units, so the order stops
owing their paid amounts (and the prepaid shipping fee once everything is cancelled). The charges
``settle`` adds are exactly what makes the claim's effect on the balance equal to −``total``:
return/exchange fees and initial shipping (> 0), the coupon share a 원판매가 refund gives back as
cash (``basis_difference`` < 0) and the coupon it recovers (``coupon_recovery`` > 0), the admin's
adjustment (its negation). So after settling, ``outstanding`` is what must still be refunded
(< 0) or requested (> 0) for the whole order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from oms.domain.balance import Charge
from oms.domain.order import Actor, Change, Order
from oms.domain.remote_areas import Zone

CouponRecovery = Literal["none", "pro_rata", "whole_when_minimum_broken"]
Basis = Literal["paid", "original"]
Direction = Literal["refund", "request"]


@dataclass
class RefundSettings:
    """The site's claim settings the calculation needs (schemas/settings.py ``claims``)."""

    #: one way; an exchange is charged both ways
    return_shipping_fee: int = 3000
    #: free shipping from this gross amount (None: no threshold)
    free_shipping_threshold: int | None = None
    #: the shipping fee an order below the threshold pays (what "initial shipping" charges)
    base_shipping_fee: int = 3000
    coupon_recovery: CouponRecovery = "pro_rata"
    #: added to each way of a return fee when the recipient is in a remote zone
    remote_return_surcharge: int = 0
    #: the site's remote zones (None: ``remote_areas.DEFAULT_ZONES``)
    remote_zones: list[Zone] | None = None


@dataclass(frozen=True)
class Figure:
    """One line of the breakdown: a non-negative amount, the rule that made it, and its Korean text."""

    amount: int
    rule: str
    text_ko: str


@dataclass
class Calculation:
    """The refund object of one claim. ``total`` = cash to the buyer for this claim (< 0: the buyer
    owes): product + shipping_refunded − return_fee − initial_shipping − coupon_recovered +
    adjustment. Points go back to the ledger (``points_back``), never as cash; ``points_restored``
    shows them. ``charges`` is what settling posts. ``outstanding_after`` is the order's balance once
    settled, and ``direction`` follows it (refund < 0 < request)."""

    claim_id: str
    basis: Basis
    product: Figure
    shipping_refunded: Figure
    return_fee: Figure
    initial_shipping: Figure
    coupon_recovered: Figure
    points_restored: Figure
    adjustment: Figure
    total: int
    charges: list[Charge]
    points_back: int
    direction: Literal["refund", "request", "none"]
    outstanding_after: int = 0
    #: the order version it was computed on (settle refuses a stale calculation)
    order_version: int = 0
    adjustment_reason: str | None = None


def calculate(
    order: Order,
    claim_id: str,
    basis: Basis,
    settings: RefundSettings,
    adjustment: int = 0,
    adjustment_reason: str | None = None,
    coupon_min_order_amount: int | None = None,
) -> Calculation:
    """The refund calculation of a claim (DOMAIN §5), previewed: writes nothing, changes nothing.

    - basis ``paid`` (실결제가): the claimed units' paid amounts (their coupon and points shares
      already off). Basis ``original`` (원판매가): their gross minus the product discount and the
      points they used, and the coupon as ``settings.coupon_recovery`` says: none (the coupon share
      is refunded as cash), pro-rata (their allocated share), whole when the units left no longer
      reach ``coupon_min_order_amount`` (the whole coupon less what earlier claims recovered).
    - points the units used go back to the ledger (``points_back``), never as cash.
    - the prepaid shipping fee is refunded when the claim leaves nothing to ship (every unit cancelled).
    - a buyer-fault return pays the return fee once, an exchange twice (plus the remote surcharge
      per way from a remote address), unless the fee is enclosed or transferred; none for the shop's fault.
    - initial shipping: the order shipped free by reaching the threshold, and a buyer-fault return
      or partial cancel takes the gross left below it (charged once per order).
    - ``adjustment`` (±, with ``adjustment_reason``) is added to the total.

    Refused: unknown claim, a claim rejected/withdrawn or already settled, an adjustment without a
    reason.
    """
    raise NotImplementedError


def settle(order: Order, calculation: Calculation, direction: Direction, actor: Actor, at: str) -> Change:
    """Post the calculation's charges (each an event), mark the claim settled (``settlement_id``,
    ``points_back``), and leave ``order.outstanding`` = −(cash to refund) for a refund or + (to
    request) for a request. Admin only; refused unless the claim is completed and not settled, the
    calculation is of this order version, the direction matches the sign of the balance after
    settling (either when it is 0), and a refund does not exceed what was paid in net."""
    raise NotImplementedError
