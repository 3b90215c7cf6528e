"""Money invariants of claims, proved over random histories (hypothesis, stateful): intake → moves →
claims and their steps → calculations → settlements (refunds through the payments they came from)
→ added lines → address changes → payment requests, on the pure domain.

After every step: Σ refunded ≤ paid per payment; points restored ≤ points used; outstanding =
counted lines + owed shipping + charges − net payments; no amount negative where it must not be; the
coupon the buyer keeps stays within 0 … the coupon; the claims and their units agree. A refused step
changes nothing. The two tests run at least 10,000 steps together (asserted).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from oms.domain.balance import add_line, change_address
from oms.domain.claims import (
    CLOSED_STEPS,
    Collection,
    Hold,
    Reason,
    advance_claim,
    complete_claim,
    expected_status,
    request_claim,
)
from oms.domain.errors import DomainError
from oms.domain.moves import Move, apply_moves, reopen
from oms.domain.order import Actor, Buyer, Order, Recipient
from oms.domain.pricing import LineInput, build_order
from oms.domain.refunds import RefundSettings, calculate, coupon_benefit, settle
from oms.domain.remote_areas import remote_fee
from oms.domain.statuses import MAIN_FLOW, Channel, DeliveryScope, PaymentMethod, ProductKind, Status
from oms.store import codec
from oms.store.table import dump, load
from tests.money_support import add_payment, refund

AT = "2024-05-01T01:00:00.000000Z"
ADMIN = Actor("admin", "admin-1", "관리자")
BUYER = Actor("buyer", "m-100", "김민지")
POSTAL = ("04524", "63100", "40200", "22386")
MIN_STEPS_PER_TEST = 5000
STEPS = {"count": 0, "refused": 0}

line_inputs = st.lists(
    st.tuples(st.integers(1, 4), st.integers(1, 60), st.integers(0, 30), st.booleans(), st.integers(0, 9)),
    min_size=1, max_size=4,
)


def _line(i: int, qty: int, price_k: int, discount_pct: int, eligible: bool, kind_roll: int) -> LineInput:
    kind = ProductKind.DIGITAL if kind_roll == 0 else ProductKind.PHYSICAL
    price = price_k * 500
    return LineInput(f"P{i}", f"상품{i}", kind, qty, price, product_discount=price * qty * discount_pct // 100,
                     points_eligible=eligible)


class ClaimsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.order: Order
        self.payments: list[list[int]] = []  # [amount, refunded] per payment, oldest first
        self.settings = RefundSettings()
        self.coupon_min: int | None = None
        self.intake_qty = 0

    # ---- helpers ----------------------------------------------------------------------------
    def attempt(self, fn: Any) -> bool:
        """Run a domain step; a refusal must leave the order exactly as it was."""
        STEPS["count"] += 1
        before = self.order.clone()
        try:
            change = fn()
        except DomainError as err:
            assert self.order == before, err.code
            assert err.code and err.message_ko
            STEPS["refused"] += 1
            return False
        assert self.order == before  # pure: the input order is never changed
        self.order = change.order
        return True

    def pick_line(self, i: int) -> str:
        return self.order.lines[i % len(self.order.lines)].line_id

    def pick_claim(self, i: int, prefer: Any = None) -> str | None:
        """A claim by index, among those ``prefer`` accepts when there are any (odd ``i``: any claim)."""
        ids = sorted(self.order.claims)
        liked = [c for c in ids if prefer is not None and prefer(self.order.claims[c])]
        pool = liked if liked and i % 2 == 0 else ids
        return pool[(i // 2) % len(pool)] if pool else None

    def in_open_claim(self, line_id: str) -> bool:
        return any(c.open and line_id in c.line_ids for c in self.order.claims.values())

    def pay(self, amount: int) -> None:
        if amount > 0:
            self.payments.append([amount, 0])
            add_payment(self.order, amount)

    def refund(self, amount: int) -> None:
        """Back through the payments it came from, newest first; never more than each has left."""
        left = amount
        for p in reversed(self.payments):
            take = min(left, p[0] - p[1])
            p[1] += take
            left -= take
        assert left == 0, f"refund of {amount} exceeds what the payments hold"
        if amount:
            refund(self.order, amount)

    def all_settled(self) -> bool:
        return all(c.settlement_id for c in self.order.claims.values() if c.step == "completed")

    # ---- steps ------------------------------------------------------------------------------
    @initialize(
        lines=line_inputs, coupon_pct=st.integers(0, 60), points_pct=st.integers(0, 60),
        shipping=st.sampled_from([0, 2500, 3000]), external=st.integers(0, 5),
        return_fee=st.sampled_from([0, 2500, 3000]), threshold=st.sampled_from([None, 20000, 30000, 50000]),
        policy=st.sampled_from(["none", "pro_rata", "whole_when_minimum_broken"]),
        surcharge=st.sampled_from([0, 3000]), minimum=st.sampled_from([None, 10000, 40000]),
        postal=st.sampled_from(POSTAL),
    )
    def intake(self, lines: list[tuple[int, int, int, bool, int]], coupon_pct: int, points_pct: int, shipping: int,
               external: int, return_fee: int, threshold: int | None, policy: Any, surcharge: int,
               minimum: int | None, postal: str) -> None:
        inputs = [_line(i, *t) for i, t in enumerate(lines)]
        base = sum(li.unit_price * li.quantity - li.product_discount for li in inputs)
        coupon = base * coupon_pct // 200
        room = sum(li.unit_price * li.quantity - li.product_discount for li in inputs if li.points_eligible)
        points = max(0, min(room - coupon, base - coupon) * points_pct // 200)
        try:
            order = build_order(
                site_id="s", order_id="o", created_at=AT,
                channel=Channel.NAVERPAY_ORDER if external == 0 else Channel.STORE,
                payment_method=PaymentMethod.CARD, scope=DeliveryScope.DOMESTIC,
                buyer=Buyer("김민지", "010", member_id="m-100"),
                recipient=Recipient("김민지", "010", postal, "주소"), lines=inputs, shipping_fee=shipping,
                shipping_fee_cod=False, coupon_total=coupon, points_total=points, paid=True,
            )
        except DomainError as err:  # points more than the eligible lines can take after their coupon
            assert err.code == "POINTS_EXCEED_ELIGIBLE_AMOUNT"
            order = build_order(
                site_id="s", order_id="o", created_at=AT, channel=Channel.STORE, payment_method=PaymentMethod.CARD,
                scope=DeliveryScope.DOMESTIC, buyer=Buyer("김민지", "010", member_id="m-100"),
                recipient=Recipient("김민지", "010", postal, "주소"), lines=inputs, shipping_fee=shipping,
                shipping_fee_cod=False, coupon_total=coupon, points_total=0, paid=True,
            )
        for li, line in zip(inputs, order.lines, strict=True):
            assert li.points_eligible or line.points_used == 0
        self.order = order
        self.payments.append([order.paid_total, 0])  # built paid in full
        assert order.paid_total == order.order_amount
        self.intake_qty = order.total_quantity
        self.settings = RefundSettings(return_shipping_fee=return_fee, free_shipping_threshold=threshold,
                                       base_shipping_fee=3000, coupon_recovery=policy,
                                       remote_return_surcharge=surcharge)
        self.coupon_min = minimum

    @rule(i=st.integers(0, 99), forward=st.integers(0, 5), qty=st.integers(0, 4))
    def move(self, i: int, forward: int, qty: int) -> None:
        line = self.order.line(self.pick_line(i))
        if self.in_open_claim(line.line_id) or line.status not in MAIN_FLOW:
            return
        k = MAIN_FLOW.index(line.status) + (1 if forward else -1)
        if not 0 <= k < len(MAIN_FLOW):
            return
        self.attempt(lambda: apply_moves(self.order, [Move(line.line_id, MAIN_FLOW[k], qty or None)], ADMIN, AT))

    @rule(kind=st.sampled_from(["cancel", "return", "exchange", *["natural"] * 9]),
          i=st.integers(0, 99), j=st.integers(0, 99), qty=st.integers(0, 4), two=st.booleans(),
          reason=st.sampled_from(list(Reason)), buyer=st.booleans(),
          fee=st.sampled_from([None, "deduct", "enclosed", "transfer"]))
    def request(self, kind: Any, i: int, j: int, qty: int, two: bool, reason: Reason, buyer: bool, fee: Any) -> None:
        first = self.order.line(self.pick_line(i))
        if kind == "natural":  # a line that may be claimed, and what its status allows, whole or in part
            if self.order.closed:
                self.attempt(lambda: reopen(self.order, ADMIN, AT))
            free = [li for li in self.order.lines if li.status in MAIN_FLOW and not self.in_open_claim(li.line_id)]
            first = free[i % len(free)] if free else first
            kind = "cancel" if first.status in (Status.PREPARING, Status.READY_TO_SHIP, Status.PAYMENT_PENDING) or (
                not first.kind.shipped) else ("return" if j % 3 else "exchange")
            qty = min(qty, first.quantity) or first.quantity
            free = [li for li in free if li.line_id != first.line_id and li.status is first.status]
            second = free[j % len(free)].line_id if free else None
        else:
            second = self.pick_line(j)
        items = [(first.line_id, qty)]
        if two and second and second != first.line_id:
            items.append((second, 1))
        actor = BUYER if buyer else ADMIN
        fee = None if kind == "cancel" else fee
        self.attempt(lambda: request_claim(self.order, kind, items, reason, actor, AT, fee_payment=fee))

    @rule(i=st.integers(0, 99))
    def ship(self, i: int) -> None:
        """Ship and deliver a whole line (one attempt per step of the main flow)."""
        line_id = self.pick_line(i)
        for to in (Status.READY_TO_SHIP, Status.SHIPPING, Status.DELIVERED):
            line = self.order.line(line_id)
            if self.in_open_claim(line_id) or line.status not in MAIN_FLOW or (
                    MAIN_FLOW.index(line.status) >= MAIN_FLOW.index(to)):
                continue
            step = Move(line_id, to)
            if not self.attempt(lambda: apply_moves(self.order, [step], ADMIN, AT)):  # noqa: B023 (called at once)
                return

    @rule(c=st.integers(0, 99),
          to=st.sampled_from(["natural", "natural", "natural", "collecting", "collected", "on_hold", "release",
                              "rejected", "withdrawn"]),
          buyer=st.booleans(), hold=st.integers(0, 5000))
    def advance(self, c: int, to: Any, buyer: bool, hold: int) -> None:
        cid = self.pick_claim(c, lambda claim: claim.open)
        if cid is None:
            return
        if to == "natural":
            nxt = {"requested": "collecting", "collecting": "collected",
                   "collected": "on_hold" if hold < 500 else None, "on_hold": "release"}
            to = nxt.get(self.order.claims[cid].step) or "collected"
        self.attempt(lambda: advance_claim(self.order, cid, to, BUYER if buyer and to == "withdrawn" else ADMIN, AT,
                                           collection=Collection("courier", "CJ", "1") if to == "collecting" else None,
                                           hold=Hold(hold, "확인") if to == "on_hold" else None, reason="사유"))

    @rule(c=st.integers(0, 99), basis=st.sampled_from(["paid", "original"]),
          adj=st.sampled_from([0, 0, 0, -1000, 500]), wrong=st.integers(0, 9))
    def drive(self, c: int, basis: Any, adj: int, wrong: int) -> None:
        """Take an open claim through its steps to completed (one attempt per step), then settle it."""
        cid = self.pick_claim(c * 2, lambda claim: claim.open)
        if cid is None or not self.order.claims[cid].open:
            return
        path = {"requested": "completed" if self.order.claims[cid].type == "cancel" else "collecting",
                "collecting": "collected", "collected": "completed", "on_hold": "release"}
        while self.order.claims[cid].open:
            to: Any = path[self.order.claims[cid].step]
            if not self.attempt(lambda: advance_claim(self.order, cid, to, ADMIN, AT)):  # noqa: B023
                return
        self.settle_one(cid, basis, adj, wrong)

    @rule(c=st.integers(0, 99))
    def complete(self, c: int) -> None:
        cid = self.pick_claim(c, lambda claim: claim.open)
        if cid is not None:
            self.attempt(lambda: complete_claim(self.order, cid, ADMIN, AT))

    @rule(c=st.integers(0, 99), basis=st.sampled_from(["paid", "original"]), adj=st.integers(-3000, 3000),
          wrong=st.integers(0, 9))
    def settle_claim(self, c: int, basis: Any, adj: int, wrong: int) -> None:
        cid = self.pick_claim(c * 2 if c % 5 else c,
                              lambda claim: claim.step == "completed" and not claim.settlement_id)
        if cid is not None:
            self.settle_one(cid, basis, adj, wrong)

    def settle_one(self, cid: str, basis: Any, adj: int, wrong: int) -> None:
        """Calculate (a preview: nothing changes), then settle: refund through the payments, or request."""
        STEPS["count"] += 1
        before = self.order.clone()
        try:
            calc = calculate(self.order, cid, basis, self.settings, adjustment=adj,
                             adjustment_reason="조정" if adj else None, coupon_min_order_amount=self.coupon_min)
        except DomainError as err:
            assert self.order == before and err.code in ("CLAIM_CLOSED", "CLAIM_ALREADY_SETTLED")
            return
        assert self.order == before  # a preview changes nothing
        claim = self.order.claims[cid]
        assert calc.points_back >= 0 and min(calc.product.amount, calc.return_fee.amount,
                                             calc.initial_shipping.amount, calc.shipping_refunded.amount) >= 0
        if claim.step == "completed":
            assert calc.outstanding_after == self.order.outstanding + sum(ch.amount for ch in calc.charges)
        right = "refund" if calc.outstanding_after < 0 else "request"
        direction: Any = ({"refund": "request", "request": "refund"}[right]
                          if wrong == 0 and calc.outstanding_after else right)
        others_settled = all(o.settlement_id for o in self.order.claims.values()
                             if o.step == "completed" and o.claim_id != cid)
        try:
            change = settle(self.order, calc, direction, ADMIN, AT)
        except DomainError as err:
            assert self.order == before, err.code
            if claim.step != "completed":
                assert err.code == "CLAIM_NOT_COMPLETED"
            elif direction != right:
                assert err.code == "SETTLE_DIRECTION_MISMATCH"
            else:
                # only a generous adjustment (now or earlier) or another claim still waiting can ask for
                # more than was paid
                credited = adj > 0 or any(ch.kind == "adjustment" and ch.amount < 0 for ch in self.order.charges)
                assert err.code == "REFUND_EXCEEDS_PAID" and (credited or not others_settled), (err.code, calc)
            return
        self.order = change.order
        assert self.order.claims[cid].settlement_id
        if direction == "refund":
            self.refund(-self.order.outstanding)  # 환불처리: the PG refunds, newest payment first
            assert self.order.outstanding == 0

    @rule()
    def pay_request(self) -> None:
        """결제요청 paid by the buyer: the outstanding becomes 0."""
        STEPS["count"] += 1
        if self.order.outstanding > 0:
            self.pay(self.order.outstanding)
            assert self.order.outstanding == 0

    @rule(price_k=st.integers(1, 80), qty=st.integers(1, 3), fee=st.sampled_from([0, 0, 3000]))
    def add(self, price_k: int, qty: int, fee: int) -> None:
        line = LineInput(f"ADD{price_k}", "추가상품", ProductKind.PHYSICAL, qty, price_k * 500)
        owed = self.order.outstanding
        if self.attempt(lambda: add_line(self.order, line, ADMIN, AT, shipping_fee=fee)):
            assert self.order.outstanding == owed + price_k * 500 * qty + fee

    @rule(postal=st.sampled_from(POSTAL))
    def address(self, postal: str) -> None:
        fee = remote_fee(postal)
        to = Recipient("김민지", "010", postal, "새 주소")
        if self.attempt(lambda: change_address(self.order, to, fee, ADMIN, AT)):
            assert sum(c.amount for c in self.order.charges if c.kind == "remote_area") == fee

    @rule()
    def reopen_closed(self) -> None:
        if self.order.closed:
            self.attempt(lambda: reopen(self.order, ADMIN, AT))

    @rule()
    def round_trip(self) -> None:
        STEPS["count"] += 1
        items = [codec.header_item(self.order)]
        items += [codec.lines_item(self.order, c, ls) for c, ls in codec.line_chunks(self.order).items()]
        items += [codec.payment_item(self.order, p) for p in self.order.payments.values()]
        assert codec.order_from_items([load(dump(i)) for i in items]) == self.order

    # ---- invariants -------------------------------------------------------------------------
    @invariant()
    def money(self) -> None:
        o = self.order
        counted = sum((li.unit_price + li.option_price) * li.quantity - li.product_discount - li.coupon_discount
                      - li.points_used for li in o.lines if li.status not in (Status.CANCELLED, Status.RETURNED,
                                                                                Status.EXCHANGED))
        everything_cancelled = all(li.status is Status.CANCELLED for li in o.lines)
        shipping = 0 if o.shipping_fee_cod or everything_cancelled else o.shipping_fee
        charges = sum(c.amount for c in o.charges)
        assert o.outstanding == counted + shipping + charges - (o.paid_total - o.refunded_total)
        # per payment: never more out than came in
        assert all(0 <= p[1] <= p[0] for p in self.payments)
        assert sum(p[0] for p in self.payments) == o.paid_total
        assert sum(p[1] for p in self.payments) == o.refunded_total
        assert o.net_paid >= 0
        # points restored never exceed points used
        backs = [c.points_back for c in o.claims.values()]
        assert all(b >= 0 for b in backs) and sum(backs) <= o.points_total
        # no negative amounts on lines; units neither appear nor vanish
        for li in o.lines:
            assert li.quantity >= 1 and li.paid_amount >= 0
            assert min(li.product_discount, li.coupon_discount, li.points_used, li.unit_price) >= 0
        assert sum(li.quantity for li in o.lines if li.added_at is None and li.exchange_of is None) == self.intake_qty
        assert sum(li.points_used for li in o.lines if li.exchange_of is None) == o.points_total
        assert 0 <= coupon_benefit(o) + (0 if self.all_settled() else o.coupon_total)
        assert coupon_benefit(o) <= o.coupon_total
        if self.all_settled():
            # whatever is owed back can be refunded through the payments
            assert o.order_amount >= 0 and o.outstanding >= -o.net_paid

    @invariant()
    def claims_agree_with_units(self) -> None:
        o = self.order
        held: set[str] = set()
        for n, (cid, claim) in enumerate(sorted(o.claims.items()), start=1):
            assert cid == f"C{n:03d}"
            assert claim.settlement_id is None or claim.step == "completed"
            if claim.step not in CLOSED_STEPS:
                want = expected_status(claim)
                for item in claim.items:
                    line = o.line(item.line_id)
                    assert (line.status, line.quantity) == (want, item.quantity)
                    assert item.line_id not in held
                    held.add(item.line_id)
        assert o.next_claim_no == len(o.claims) + 1
        assert [c.charge_id for c in o.charges] == [f"F{n:03d}" for n in range(1, len(o.charges) + 1)]


SETTINGS = settings(max_examples=240, stateful_step_count=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _run() -> int:
    start = STEPS["count"]
    run_state_machine_as_test(ClaimsMachine, settings=SETTINGS)
    return STEPS["count"] - start


def test_claim_money_invariants_hold_over_random_histories() -> None:
    steps = _run()
    print(f"stateful steps: {steps}, refused: {STEPS['refused']}")
    assert steps >= MIN_STEPS_PER_TEST


def test_claim_money_invariants_hold_over_more_random_histories() -> None:
    steps = _run()
    print(f"stateful steps: {steps}, refused: {STEPS['refused']}")
    assert steps >= MIN_STEPS_PER_TEST


def test_an_address_change_that_would_take_the_order_below_zero_is_refused() -> None:
    """Found by the machine above: two lines 1,000 × 2 and 500 (coupon 50%: paid 1,500), moved to Jeju
    (+3,000 remote fee, owed), the first line and one unit cancelled and settled on the original basis
    with a 1원 goodwill adjustment (basis difference −375, adjustment −1: the order is 1,500 + 3,000
    − 1,125 − 376 = 2,999, still 1,499 owed). Moving back to Seoul would take the 3,000 fee away:
    2,999 − 3,000 = −1 — an order that costs less than nothing, owing the buyer 1,501 of a 1,500 payment."""
    s = ClaimsMachine()
    s.intake(lines=[(1, 2, 0, False, 1), (2, 1, 0, False, 1)], coupon_pct=50, points_pct=0, shipping=0, external=1,
             return_fee=0, threshold=None, policy="none", surcharge=0, minimum=None, postal="04524")
    s.address(postal="63100")
    s.request(buyer=False, fee=None, i=0, j=0, kind="natural", qty=0, reason=Reason.INTENT_CHANGED, two=True)
    s.complete(c=0)
    s.settle_claim(adj=1, basis="original", c=0, wrong=1)
    assert (s.order.order_amount, s.order.outstanding) == (2999, 1499)
    before = s.order.clone()
    with pytest.raises(DomainError) as refused:
        change_address(s.order, Recipient("김민지", "010", "04524", "새 주소"), 0, ADMIN, AT)
    assert refused.value.code == "ADDRESS_CHANGE_BELOW_ZERO" and refused.value.extra["order_amount"] == -1
    assert s.order == before
    s.money()
