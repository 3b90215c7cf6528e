"""Random orders, random moves by random actors: the invariants of the unit status machine hold.

Units are tracked per *root*: a line and every line split off it (``origin_line_id``). An exchange
voids its units (status ``exchanged``) and creates as many replacement units (``exchange_of`` set)
under the same root, so per root:

- units not in ``exchanged`` always equal the original quantity;
- units of original lines (``exchange_of`` unset) always equal the original quantity;
- product discount, coupon and points summed over the original lines equal the original amounts,
  and so do the sums over the lines not in ``exchanged``.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from oms.domain.errors import DomainError
from oms.domain.moves import Move, apply_moves, mark_paid, reopen
from oms.domain.order import Actor, Buyer, Line, Option, Order, Recipient, Shipment
from oms.domain.pricing import LineInput, build_order
from oms.domain.statuses import (
    CLAIM_FLOWS,
    CLAIM_REQUESTS,
    MAIN_FLOW,
    TERMINAL,
    Channel,
    DeliveryScope,
    PaymentMethod,
    ProductKind,
    Status,
)

ADMIN = Actor("admin", "admin-1", "관리자")
BUYER = Actor("buyer", "m-1", "구매자")
AT = "2024-05-01T01:00:00.000000Z"
FINAL = frozenset({Status.CANCELLED, Status.RETURNED, Status.EXCHANGED})


@dataclass(frozen=True)
class Root:
    quantity: int
    product_discount: int
    coupon: int
    points: int


def root_of(line: Line) -> str:
    return line.origin_line_id or line.line_id


def legal_step(frm: Status, to: Status, origin: Status | None) -> bool:
    """A from→to pair §3 allows at all: one main-flow step, one claim step, a claim request, a withdraw."""
    if frm in MAIN_FLOW and to in MAIN_FLOW:
        return abs(MAIN_FLOW.index(frm) - MAIN_FLOW.index(to)) == 1
    for flow in CLAIM_FLOWS.values():
        if frm in flow and to in flow:
            return abs(flow.index(frm) - flow.index(to)) == 1
    if to in CLAIM_REQUESTS:
        return not any(frm in flow for flow in CLAIM_FLOWS.values())
    return frm in CLAIM_REQUESTS and to is origin


def forward_targets(line: Line) -> list[Status]:
    """The next step along the main flow or the line's claim flow, or a return/exchange once shipped."""
    if line.status in FINAL or line.status is Status.PAYMENT_PENDING:
        return []
    if not line.kind.shipped:
        return [Status.CANCELLED if line.status is Status.CANCEL_REQUESTED else Status.CANCEL_REQUESTED]
    out: list[Status] = []
    if line.status in MAIN_FLOW[:-1]:
        out.append(MAIN_FLOW[MAIN_FLOW.index(line.status) + 1])
    if line.status in (Status.SHIPPING, Status.DELIVERED):
        out += [Status.RETURN_REQUESTED, Status.EXCHANGE_REQUESTED]
    for flow in CLAIM_FLOWS.values():
        if line.status in flow[:-1]:
            out.append(flow[flow.index(line.status) + 1])
    return out


def nearby_targets(line: Line) -> list[Status]:
    """Every status one step away, back or forward, a cancel, and a withdraw to the claim's origin."""
    out = [*forward_targets(line), Status.CANCEL_REQUESTED]
    if line.status in MAIN_FLOW[1:]:
        out.append(MAIN_FLOW[MAIN_FLOW.index(line.status) - 1])
    for flow in CLAIM_FLOWS.values():
        if line.status in flow[1:]:
            out.append(flow[flow.index(line.status) - 1])
    if line.claim_origin is not None:
        out.append(line.claim_origin)
    return out


def targets(line: Line) -> st.SearchStrategy[Status]:
    """Mostly the next step, sometimes a neighbour, sometimes any status at all."""
    forward = forward_targets(line) or nearby_targets(line)
    return st.one_of(*[st.sampled_from(forward)] * 3, st.sampled_from(nearby_targets(line)),
                     st.sampled_from(list(Status)))


@st.composite
def line_inputs(draw: st.DrawFn, index: int) -> LineInput:
    kind = draw(st.one_of(*[st.just(ProductKind.PHYSICAL)] * 3,
                          st.sampled_from([ProductKind.DIGITAL, ProductKind.MEMBERSHIP_PASS])))
    unit = draw(st.integers(min_value=100, max_value=50_000))
    qty = draw(st.integers(min_value=1, max_value=5))
    gross = unit * qty
    options = [Option("색상", draw(st.sampled_from(["블랙", "화이트"])))] if draw(st.booleans()) else []
    return LineInput(
        product_code=f"P{index}",
        product_name=f"상품{index}",
        kind=kind,
        quantity=qty,
        unit_price=unit,
        options=options,
        combination=bool(options),
        product_discount=draw(st.integers(min_value=0, max_value=gross // 4)),
        membership_days=30 if kind is ProductKind.MEMBERSHIP_PASS else None,
    )


@st.composite
def orders(draw: st.DrawFn) -> Order:
    n = draw(st.integers(min_value=1, max_value=4))
    inputs = [draw(line_inputs(i)) for i in range(n)]
    base = sum(li.unit_price * li.quantity - li.product_discount for li in inputs)
    coupon = draw(st.integers(min_value=0, max_value=base // 2))
    points = draw(st.integers(min_value=0, max_value=(base - coupon) // 2))
    paid = draw(st.booleans())
    return build_order(
        site_id="site-sm",
        order_id="20240501-000001",
        created_at=AT,
        channel=draw(st.sampled_from(list(Channel))),
        payment_method=PaymentMethod.CARD if paid else PaymentMethod.VIRTUAL_ACCOUNT,
        scope=DeliveryScope.DOMESTIC,
        buyer=Buyer("구매자", "010-0000-0000"),
        recipient=Recipient("수령인", "010-0000-0000", "04524", "서울"),
        lines=inputs,
        shipping_fee=draw(st.sampled_from([0, 3000])),
        shipping_fee_cod=draw(st.booleans()),
        coupon_total=coupon,
        points_total=points,
        paid=paid,
    )


class OrderLifecycle(RuleBasedStateMachine):
    order: Order
    roots: dict[str, Root]

    def __init__(self) -> None:
        super().__init__()
        self.tick = 0
        self.accepted = 0
        self.refused = 0

    def at(self) -> str:
        self.tick += 1
        return f"2024-05-01T02:{self.tick // 60:02d}:{self.tick % 60:02d}.000000Z"

    @initialize(order=orders())
    def start(self, order: Order) -> None:
        self.order = order
        self.roots = {
            line.line_id: Root(line.quantity, line.product_discount, line.coupon_discount, line.points_used)
            for line in order.lines
        }

    # ---- rules -------------------------------------------------------------------------------

    def _pick_line(self, data: st.DataObject) -> Line:
        open_lines = [li for li in self.order.lines if li.status not in FINAL] or self.order.lines
        return data.draw(st.one_of(*[st.sampled_from(open_lines)] * 3, st.sampled_from(self.order.lines)),
                         label="line")

    @rule(data=st.data())
    def move_units(self, data: st.DataObject) -> None:
        line = self._pick_line(data)
        to = data.draw(targets(line), label="to")
        quantity = data.draw(
            st.one_of(st.none(), st.none(), *[st.integers(min_value=1, max_value=line.quantity)] * 2,
                      st.integers(min_value=-1, max_value=line.quantity + 2)),
            label="quantity",
        )
        actor = data.draw(st.sampled_from([ADMIN, ADMIN, BUYER]), label="actor")
        self._try([Move(line.line_id, to, quantity)], actor)

    @rule(data=st.data())
    def try_any_status(self, data: st.DataObject) -> None:
        line = self._pick_line(data)
        to = data.draw(st.sampled_from([s for s in Status if s is not line.status]), label="to")
        actor = data.draw(st.sampled_from([ADMIN, BUYER]), label="actor")
        self._try([Move(line.line_id, to, data.draw(st.sampled_from([None, 1]), label="quantity"))], actor)

    @rule(data=st.data())
    def advance_a_whole_line(self, data: st.DataObject) -> None:
        line = self._pick_line(data)
        to = data.draw(st.sampled_from(forward_targets(line) or nearby_targets(line)), label="to")
        self._try([Move(line.line_id, to)], ADMIN)

    @precondition(lambda self: len(self.order.lines) >= 2)
    @rule(data=st.data())
    def move_two_lines(self, data: st.DataObject) -> None:
        a, b = data.draw(
            st.lists(st.sampled_from(self.order.lines), min_size=2, max_size=2, unique_by=lambda x: x.line_id),
            label="lines",
        )
        moves = [Move(li.line_id, data.draw(targets(li)),
                      data.draw(st.one_of(st.none(), st.integers(min_value=1, max_value=li.quantity))))
                 for li in (a, b)]
        self._try(moves, ADMIN)

    def _ready_without_shipment(self) -> list[Line]:
        return [li for li in self.order.lines if li.status is Status.READY_TO_SHIP and li.shipment_id is None]

    @precondition(lambda self: bool(self._ready_without_shipment()))
    @rule(data=st.data())
    def enter_tracking_number(self, data: st.DataObject) -> None:
        line = data.draw(st.sampled_from(self._ready_without_shipment()))
        sid = f"SH{self.order.next_shipment_no}"
        order = self.order.clone()
        order.next_shipment_no += 1
        order.shipments[sid] = Shipment(sid, "parcel", "cj", f"6289{self.tick:08d}")
        order.line(line.line_id).shipment_id = sid
        self.order = order
        # a line with a tracking number is never cancelled
        before = self.order.as_dict()
        try:
            apply_moves(self.order, [Move(line.line_id, Status.CANCEL_REQUESTED)], ADMIN, self.at())
        except DomainError as exc:
            assert exc.code in ("CANCEL_NOT_ALLOWED_WITH_TRACKING", "ORDER_CLOSED")
        else:
            raise AssertionError("a line with a tracking number was cancelled")
        assert self.order.as_dict() == before

    @precondition(lambda self: any(li.status is Status.PAYMENT_PENDING for li in self.order.lines))
    @rule()
    def payment_arrives(self) -> None:
        order = self.order.clone()
        mark_paid(order, at=self.at(), actor=ADMIN)
        for before, after in zip(self.order.lines, order.lines, strict=True):
            if before.status is Status.PAYMENT_PENDING:
                expected = Status.PREPARING if before.kind.shipped else Status.CONFIRMED
                assert after.status is expected
            else:
                assert after.status is before.status
        self.order = order

    @precondition(lambda self: self.order.closed)
    @rule()
    def reopen_order(self) -> None:
        self.order = reopen(self.order, ADMIN, self.at()).order
        assert not self.order.closed

    # ---- one request -------------------------------------------------------------------------

    def _try(self, moves: list[Move], actor: Actor) -> None:
        before = self.order
        snapshot = before.as_dict()
        try:
            change = apply_moves(before, moves, actor, self.at())
        except DomainError as exc:
            self.refused += 1
            assert exc.code and exc.message_ko
            assert before.as_dict() == snapshot, "a refused request changed the order"
            return
        self.accepted += 1
        assert before.as_dict() == snapshot, "apply_moves mutated its input"
        after = change.order
        assert not before.closed, "a closed order accepted a move"
        assert after.version == before.version

        old = {li.line_id: li for li in before.lines}
        new = {li.line_id: li for li in after.lines}
        assert set(old) <= set(new), "a line disappeared"
        status_events = [e for e in change.events if e.kind == "status_changed"]
        assert len(status_events) == len(moves)
        for m, event in zip(moves, status_events, strict=True):
            src = old[m.line_id]
            qty = src.quantity if m.quantity is None else m.quantity
            frm = src.status
            assert (event.data["from"], event.data["to"], event.data["quantity"]) == (frm.value, m.to.value, qty)
            assert frm not in FINAL
            assert legal_step(frm, m.to, src.claim_origin), f"illegal step {frm} -> {m.to}"
            if not src.kind.shipped:
                assert m.to in (Status.CANCEL_REQUESTED, Status.CANCELLED) or m.to is src.claim_origin
            if m.to is Status.CANCEL_REQUESTED:
                assert before.tracking_of(src) is None
            split = "split_to" in event.data
            assert split == (qty < src.quantity)
            if split:
                assert not before.channel.external, "split on an external channel"
                assert frm is not Status.READY_TO_SHIP, "split in ready_to_ship"
                assert frm is Status.PREPARING or m.to in CLAIM_REQUESTS
                part = new[event.data["split_to"]]
                assert part.line_id not in old
                assert (part.status, part.quantity, root_of(part)) == (m.to, qty, root_of(src))
                assert new[m.line_id].quantity == src.quantity - qty
            else:
                assert new[m.line_id].status is m.to
        if after.closed:
            assert all(li.status in TERMINAL for li in after.lines)
        self.order = after

    # ---- invariants --------------------------------------------------------------------------

    @invariant()
    def units_and_discounts_are_conserved_per_root(self) -> None:
        for root_id, root in self.roots.items():
            family = [li for li in self.order.lines if root_of(li) == root_id]
            live = [li for li in family if li.status is not Status.EXCHANGED]
            originals = [li for li in family if li.exchange_of is None]
            for group in (live, originals):
                assert sum(li.quantity for li in group) == root.quantity
                assert sum(li.product_discount for li in group) == root.product_discount
                assert sum(li.coupon_discount for li in group) == root.coupon
                assert sum(li.points_used for li in group) == root.points
            replacements = [li for li in family if li.exchange_of is not None]
            exchanged = [li for li in family if li.status is Status.EXCHANGED]
            assert sum(li.quantity for li in replacements) == sum(li.quantity for li in exchanged)
        assert all(li.quantity >= 1 for li in self.order.lines)

    @invariant()
    def line_ids_are_unique_and_order_totals_hold(self) -> None:
        ids = [li.line_id for li in self.order.lines]
        assert len(ids) == len(set(ids))
        assert self.order.next_line_no == len(ids) + 1
        live = [li for li in self.order.lines if li.status is not Status.EXCHANGED]
        assert sum(li.coupon_discount for li in live) == self.order.coupon_total
        assert sum(li.points_used for li in live) == self.order.points_total

    @invariant()
    def external_channel_lines_are_never_split(self) -> None:
        if self.order.channel.external:
            assert all(li.origin_line_id is None or li.exchange_of is not None for li in self.order.lines)

    @invariant()
    def claims_remember_where_they_came_from(self) -> None:
        for li in self.order.lines:
            if li.status in CLAIM_REQUESTS:
                assert li.claim_origin is not None
                assert li.claim_origin not in CLAIM_REQUESTS


TestOrderLifecycle = OrderLifecycle.TestCase
TestOrderLifecycle.settings = settings(
    max_examples=150,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
