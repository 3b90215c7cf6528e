"""The order aggregate and its parts (docs/domain.md: "Units and their statuses", "Balance"): lines
of units in one status, shipments, memos, the events a change records, and the size limits an order keeps.

Status lives on units. A line holds ``quantity`` units of one product+option in one status;
moving k of n units splits the line (``oms.domain.moves``). Pricing at intake is
``oms.domain.pricing``; memos ``oms.domain.memos``. Every rule is pure: it takes an order, returns
a :class:`Change` (a new order plus the events to record) and raises :class:`DomainError` before
touching anything when it refuses.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from oms.domain.errors import DomainError, NotFound
from oms.domain.limits import MAX_INTAKE_LINES as MAX_INTAKE_LINES
from oms.domain.limits import MAX_LINES as MAX_LINES
from oms.domain.outbox import Intent
from oms.domain.statuses import (
    VOIDED,
    Channel,
    DeliveryScope,
    PaymentMethod,
    ProductKind,
    Status,
)

if TYPE_CHECKING:
    from oms.domain.balance import Charge
    from oms.domain.claim_records import Claim
    from oms.domain.payment_requests import PaymentRequest
    from oms.domain.payments import Payment

_T = TypeVar("_T")

#: Size limits an order keeps so that any change of it is one bounded transaction (docs/data-model.md;
#: the line limits in oms.domain.limits).
MAX_TRACKING_NUMBERS = 20  # distinct tracking numbers (lookup items) per order
MAX_STOCK_SKUS = 30  # distinct stock-tracked SKUs per order (one stock action each)
MAX_SHIPMENTS = 100

#: the list tab of orders with a parcel in 배송 이상 (``oms.domain.tracking``)
DELIVERY_ISSUE_TAB = "delivery_issue"

ActorKind = Literal["admin", "buyer", "system", "pg", "service"]


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: str
    name: str | None = None
    #: an operator's role on the site (``oms.domain.staff``): who did it, in the timeline's words
    role: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d = {"kind": self.kind, "id": self.id, "name": self.name}
        if self.role:
            d["role"] = self.role
        return d

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Actor:
        return Actor(kind=d["kind"], id=d["id"], name=d.get("name"), role=d.get("role"))


SYSTEM = Actor("system", "system", "시스템")


@dataclass
class Option:
    name: str
    value: str
    price: int = 0


@dataclass
class Buyer:
    name: str
    phone: str
    email: str | None = None
    member_id: str | None = None

    @property
    def is_member(self) -> bool:
        return self.member_id is not None


@dataclass
class Recipient:
    name: str
    phone: str
    postal_code: str
    address1: str
    address2: str = ""
    message: str | None = None


@dataclass
class Line:
    line_id: str
    product_code: str
    product_name: str
    kind: ProductKind
    options: list[Option]
    combination: bool
    quantity: int
    status: Status
    unit_price: int
    option_price: int
    product_discount: int = 0
    coupon_discount: int = 0
    points_used: int = 0
    points_eligible: bool = True
    origin_line_id: str | None = None
    claim_origin: Status | None = None
    exchange_of: str | None = None
    shipment_id: str | None = None
    stock_keys: list[str] = field(default_factory=list)
    status_changed_at: str | None = None
    confirmed_at: str | None = None
    confirmed_by: str | None = None
    membership_days: int | None = None
    #: KST day (YYYY-MM-DD) on which delivered units are auto-confirmed (stamped when delivered)
    auto_confirm_on: str | None = None
    #: points accrued by this line's confirmation (what a claw-back may take back)
    points_accrued: int = 0
    #: a membership pass line whose days were granted (and not taken back since): grants happen once
    pass_granted: bool = False
    #: when the line was added to the placed order (추가, ``balance.add_line``); None: from intake
    added_at: str | None = None
    #: an external channel's product order this line is (``oms.domain.channel_orders``), and the
    #: channel's view of it: status, claim, the shop's delay and decision, the last push and refusal
    external_id: str | None = None
    channel_state: dict[str, Any] | None = None

    @property
    def gross(self) -> int:
        """상품원판매가: (unit price + option price) × quantity."""
        return (self.unit_price + self.option_price) * self.quantity

    @property
    def paid_amount(self) -> int:
        """실결제가: gross minus every discount allocated to this line."""
        return self.gross - self.product_discount - self.coupon_discount - self.points_used

    @property
    def counted(self) -> bool:
        return self.status not in VOIDED

    def option_text(self) -> str:
        return " / ".join(f"{o.name}: {o.value}" for o in self.options)


ShipMethod = Literal["parcel", "quick", "pickup", "none"]


@dataclass
class Shipment:
    shipment_id: str
    method: ShipMethod
    courier: str | None = None
    tracking_no: str | None = None
    combined_group: str | None = None
    created_at: str | None = None
    #: the courier's events for this parcel and what they did (``oms.domain.tracking``); None: not tracked
    tracking: dict[str, Any] | None = None


@dataclass
class Memo:
    text: str
    by: str
    at: str


@dataclass
class Order:
    site_id: str
    order_id: str
    created_at: str
    channel: Channel
    payment_method: PaymentMethod
    scope: DeliveryScope
    buyer: Buyer
    recipient: Recipient
    lines: list[Line]
    shipping_fee: int = 0
    shipping_fee_cod: bool = False
    coupon_total: int = 0
    points_total: int = 0
    version: int = 0
    closed: bool = False
    next_line_no: int = 1
    next_shipment_no: int = 1
    shipments: dict[str, Shipment] = field(default_factory=dict)
    last_memo: Memo | None = None
    memo_count: int = 0
    payment_due_at: str | None = None
    checkout_id: str | None = None
    #: the method the buyer chose at checkout; new shipments default to it (docs/domain.md, "Shipping")
    shipping_method: ShipMethod = "parcel"
    #: claims by id (``C001``…, ``oms.domain.claims``) and the signed charges of the balance
    #: (append-only, ``oms.domain.balance``)
    claims: dict[str, Claim] = field(default_factory=dict)
    charges: list[Charge] = field(default_factory=list)
    next_claim_no: int = 1
    #: the order's payments (``oms.domain.payments``, each with its refund requests) and 결제요청
    #: (``oms.domain.payment_requests``), by id: what it was paid and refunded is derived from them
    payments: dict[str, Payment] = field(default_factory=dict)
    payment_requests: dict[str, PaymentRequest] = field(default_factory=dict)
    #: an external channel's order this one is (``{"channel", "order_id", "linked_at"}``), None: ours
    external: dict[str, Any] | None = None

    # ---- derived -------------------------------------------------------------------------
    @property
    def lines_amount(self) -> int:
        return sum(line.paid_amount for line in self.lines if line.counted)

    @property
    def order_amount(self) -> int:
        """What the buyer owes in total: counted lines + prepaid shipping + the charges.

        The prepaid shipping fee is owed only while something of the order is or was shipped: an
        order whose every unit was cancelled (an expired virtual account, a cancel before shipping)
        owes no shipping fee (docs/domain.md, "Refund calculation": refunded when nothing of its
        shipment is left to ship)."""
        return self.lines_amount + self.owed_shipping + self.extra_fees

    @property
    def owed_shipping(self) -> int:
        """The prepaid shipping fee while something of the order is or was shipped (0 for 착불)."""
        return 0 if self.shipping_fee_cod or self.all_cancelled else self.shipping_fee

    @property
    def extra_fees(self) -> int:
        """Σ of the charges (signed): fees, recoveries, credits and adjustments (``oms.domain.balance``)."""
        return sum(c.amount for c in self.charges)

    @property
    def all_cancelled(self) -> bool:
        return bool(self.lines) and all(line.status is Status.CANCELLED for line in self.lines)

    @property
    def paid_total(self) -> int:
        """Paid in: the payments whose money came in (deposited, paid, refunded since)."""
        return sum(p.amount for p in self.payments.values() if p.came_in)

    @property
    def refunded_total(self) -> int:
        """Refunded out: what the payments gave back."""
        return sum(p.refunded_amount for p in self.payments.values())

    def pending_total(self, now: str) -> int:
        """Money on its way: payments waiting for their deposit, not past their due date."""
        return sum(p.amount for p in self.payments.values() if p.on_its_way(now))

    @property
    def net_paid(self) -> int:
        return self.paid_total - self.refunded_total

    @property
    def outstanding(self) -> int:
        """미결금액: > 0 the buyer owes us, < 0 we owe a refund."""
        return self.order_amount - self.net_paid

    @property
    def total_quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    def status_quantities(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for line in self.lines:
            out[line.status.value] = out.get(line.status.value, 0) + line.quantity
        return out

    def tabs(self) -> set[str]:
        """Tabs the order shows under: 'all', every status one of its lines has, and
        ``delivery_issue`` (배송 이상) while one of its parcels has an open tracking issue."""
        out = {"all", *(line.status.value for line in self.lines)}
        if any((s.tracking or {}).get("issue") for s in self.shipments.values()):
            out.add(DELIVERY_ISSUE_TAB)
        return out

    def line(self, line_id: str) -> Line:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise NotFound("line", line_id)

    def new_line_id(self) -> str:
        if len(self.lines) >= MAX_LINES:
            raise DomainError(
                "ORDER_LINE_LIMIT",
                f"한 주문의 품목은 최대 {MAX_LINES:,}개까지 나눌 수 있습니다.",
                status=422, extra={"limit": MAX_LINES},
            )
        line_id = f"L{self.next_line_no:03d}"
        self.next_line_no += 1
        return line_id

    def tracking_of(self, line: Line) -> str | None:
        if line.shipment_id and line.shipment_id in self.shipments:
            return self.shipments[line.shipment_id].tracking_no
        return None

    def clone(self) -> Order:
        """A copy sharing no mutable object with this order (what ``copy.deepcopy`` gives, ~10x
        cheaper: every field is immutable except the ones copied here, which a test checks)."""
        new = object.__new__(Order)
        new.__dict__.update(self.__dict__)
        new.buyer = _shallow(self.buyer)
        new.recipient = _shallow(self.recipient)
        new.lines = [_clone_line(line) for line in self.lines]
        new.shipments = {k: _clone_shipment(s) for k, s in self.shipments.items()}
        new.last_memo = _shallow(self.last_memo) if self.last_memo is not None else None
        new.claims = {k: c.clone() for k, c in self.claims.items()}
        new.charges = [_shallow(c) for c in self.charges]
        new.payments = copy.deepcopy(self.payments)  # a few small records
        new.payment_requests = copy.deepcopy(self.payment_requests)
        new.external = dict(self.external) if self.external is not None else None
        return new

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _shallow(obj: _T) -> _T:
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


def _clone_shipment(shipment: Shipment) -> Shipment:
    new = _shallow(shipment)
    if shipment.tracking is not None:
        new.tracking = copy.deepcopy(shipment.tracking)
    return new


def _clone_line(line: Line) -> Line:
    new = _shallow(line)
    new.options = [_shallow(o) for o in line.options]
    new.stock_keys = list(line.stock_keys)
    if line.channel_state is not None:
        new.channel_state = copy.deepcopy(line.channel_state)
    return new


# ---- events ---------------------------------------------------------------------------------


@dataclass
class Event:
    """One timeline entry: who, when, what."""

    kind: str
    actor: Actor
    at: str
    data: dict[str, Any] = field(default_factory=dict)



@dataclass
class Change:
    """The result of a pure change: the new order, what to record, and the stock to give back."""

    order: Order
    events: list[Event]
    touched_lines: set[str]
    stock_restore: dict[str, int] = field(default_factory=dict)
    #: shipments written or removed (ids absent from ``order.shipments`` are deleted)
    touched_shipments: set[str] = field(default_factory=set)
    #: what the outside world is asked to do once this change commits (written with it)
    intents: list[Intent] = field(default_factory=list)

    def then(self, next_: Change) -> Change:
        """This change followed by ``next_`` (decided on this one's order), as one change."""
        restore = dict(self.stock_restore)
        for k, v in next_.stock_restore.items():
            restore[k] = restore.get(k, 0) + v
        return Change(next_.order, self.events + next_.events, self.touched_lines | next_.touched_lines, restore,
                      touched_shipments=self.touched_shipments | next_.touched_shipments,
                      intents=self.intents + next_.intents)


def changed_lines(before: Order, after: Order) -> set[str]:
    """Ids of the lines a change created or modified: exactly what the store must write."""
    old = {line.line_id: line for line in before.lines}
    return {line.line_id for line in after.lines if old.get(line.line_id) != line}

