"""Claims (취소/반품/교환) as records (DOMAIN §5 "Claims"): which units, why, whose fault, who asked,
how the goods come back and how a return fee is paid, and the steps the claim went through.

A claim's units follow it through the per-unit statuses of ``oms.domain.moves`` (the claim never
moves units any other way): requesting splits the chosen quantities off their lines into the
claim's request status; collecting moves them to *_collecting; completing to cancelled / returned /
exchanged; rejecting or withdrawing puts them back where they came from. Every function is pure
and all or nothing: it returns a :class:`~oms.domain.order.Change` or raises
:class:`~oms.domain.errors.DomainError` before anything differs. Money is not this module's:
completing a claim voids its units (the balance follows at once), the deductions of the refund
calculation are posted only by ``oms.domain.refunds.settle``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from oms.domain.order import Actor, Change, Order

ClaimType = Literal["cancel", "return", "exchange"]
ClaimStep = Literal["requested", "collecting", "collected", "on_hold", "completed", "rejected", "withdrawn"]
Fault = Literal["buyer", "shop"]
#: 반품비: 환불금에서 차감 / 상품 동봉 / 직접 송금
FeePayment = Literal["deduct", "enclosed", "transfer"]
CollectionMethod = Literal["courier", "buyer_sends", "none"]

#: Claims an order may hold (they live in the order header) and steps a claim may record.
MAX_CLAIMS = 50
MAX_CLAIM_HISTORY = 20

CLAIM_TYPE_KO: dict[str, str] = {"cancel": "취소", "return": "반품", "exchange": "교환"}
STEP_KO: dict[str, str] = {
    "requested": "접수",
    "collecting": "수거중",
    "collected": "수거완료",
    "on_hold": "보류",
    "completed": "완료",
    "rejected": "거부",
    "withdrawn": "철회",
}
#: Steps after which nothing more happens to the claim.
CLOSED_STEPS = frozenset({"completed", "rejected", "withdrawn"})


class Reason(StrEnum):
    """The fixed list of claim reasons (Naver's, in Korean) and the fault each implies."""

    INTENT_CHANGED = "intent_changed"
    COLOR_AND_SIZE = "color_and_size"
    WRONG_ORDER = "wrong_order"
    PRODUCT_UNSATISFIED = "product_unsatisfied"
    DELAYED_DELIVERY = "delayed_delivery"
    SOLD_OUT = "sold_out"
    BROKEN = "broken"
    WRONG_DELIVERY = "wrong_delivery"
    INCORRECT_INFO = "incorrect_info"
    OTHER = "other"

    @property
    def ko(self) -> str:
        return REASON_KO[self]

    @property
    def fault(self) -> Fault:
        """Who the reason blames: the buyer pays return fees, the shop does not charge them."""
        return "shop" if self in SHOP_FAULT else "buyer"


REASON_KO: dict[Reason, str] = {
    Reason.INTENT_CHANGED: "단순변심",
    Reason.COLOR_AND_SIZE: "색상/사이즈 변경",
    Reason.WRONG_ORDER: "오주문",
    Reason.PRODUCT_UNSATISFIED: "상품 불만족",
    Reason.DELAYED_DELIVERY: "배송 지연",
    Reason.SOLD_OUT: "품절",
    Reason.BROKEN: "파손",
    Reason.WRONG_DELIVERY: "오배송",
    Reason.INCORRECT_INFO: "상품 정보 상이",
    Reason.OTHER: "기타",
}
SHOP_FAULT = frozenset(
    {Reason.DELAYED_DELIVERY, Reason.SOLD_OUT, Reason.BROKEN, Reason.WRONG_DELIVERY, Reason.INCORRECT_INFO}
)


@dataclass(frozen=True)
class ClaimItem:
    """Units of a claim: the line that holds exactly them (requesting splits them off)."""

    line_id: str
    quantity: int


@dataclass(frozen=True)
class Collection:
    """수거: how the goods come back (courier pickup with its tracking number, or sent by the buyer)."""

    method: CollectionMethod
    courier: str | None = None
    tracking_no: str | None = None


@dataclass(frozen=True)
class Hold:
    """보류 with a fee demand (e.g. the return fee not yet received, damage found on inspection)."""

    amount: int
    reason: str


@dataclass
class Claim:
    claim_id: str
    type: ClaimType
    items: list[ClaimItem]
    reason: Reason
    fault: Fault
    requested_by: Actor
    requested_at: str
    step: ClaimStep
    collection: Collection | None = None
    fee_payment: FeePayment | None = None
    hold: Hold | None = None
    note: str | None = None
    #: why it was rejected or withdrawn
    closed_reason: str | None = None
    #: set by ``refunds.settle``: the claim's money is settled (never twice)
    settlement_id: str | None = None
    #: replacement lines an exchange created, or lines added for it (exchange to another product)
    exchange_lines: list[str] = field(default_factory=list)
    #: every step: {"step", "at", "by", and what the step recorded}
    history: list[dict[str, Any]] = field(default_factory=list)
    #: the admin overrode the fault the reason implies (recorded in ``history`` too)
    fault_overridden: bool = False
    completed_at: str | None = None
    #: what ``settle`` recorded: the cash total of the calculation and the points sent back
    settled_at: str | None = None
    settled_total: int = 0
    points_back: int = 0

    @property
    def open(self) -> bool:
        return self.step not in CLOSED_STEPS

    @property
    def line_ids(self) -> list[str]:
        return [i.line_id for i in self.items]

    def clone(self) -> Claim:
        """A copy sharing no mutable object (items, collection and hold are frozen)."""
        new = object.__new__(Claim)
        new.__dict__.update(self.__dict__)
        new.items = list(self.items)
        new.exchange_lines = list(self.exchange_lines)
        new.history = [dict(h) for h in self.history]
        return new


def request_claim(
    order: Order,
    type: ClaimType,
    items: list[tuple[str, int]],
    reason: Reason,
    actor: Actor,
    at: str,
    *,
    collection: Collection | None = None,
    fee_payment: FeePayment | None = None,
    note: str | None = None,
    fault: Fault | None = None,
) -> Change:
    """Open a claim (``C001``…) on chosen units: (line_id, quantity) pairs.

    The units move with ``moves.apply_moves`` (cancel → cancel_requested, return →
    return_requested, exchange → exchange_requested), so every existing rule applies: whole lines
    only on external channels, buyers only a cancel before shipping or a return/exchange after
    delivery, non-physical goods cancelled by an admin only. Part of a line is split off so that
    each :class:`ClaimItem` names the line that holds exactly the claimed units. ``fault``
    overrides the reason's fault (admin only, recorded). ``collection`` and ``fee_payment`` apply
    to returns and exchanges only (a buyer-fault return/exchange defaults to ``deduct``).
    """
    raise NotImplementedError


def advance_claim(
    order: Order,
    claim_id: str,
    to: ClaimStep,
    actor: Actor,
    at: str,
    *,
    collection: Collection | None = None,
    hold: Hold | None = None,
    reason: str | None = None,
) -> Change:
    """Move a claim one step (admin, except a buyer withdrawing their own request):

    - requested → collecting (return/exchange; units to return_collecting/exchange_collecting;
      ``collection`` may name the courier and tracking number)
    - collecting → collected (the goods arrived; units stay in *_collecting)
    - collected → on_hold (``hold`` required: the fee demanded and why) and on_hold → collected
      (release)
    - → rejected (admin, from any open step, ``reason`` required) or → withdrawn (from requested,
      by the admin or the actor who requested it): units go back to where they came from.

    Completing is :func:`complete_claim`.
    """
    raise NotImplementedError


def complete_claim(order: Order, claim_id: str, actor: Actor, at: str) -> Change:
    """Complete a claim (admin): a cancel from requested, a return/exchange from collected. Units
    go to cancelled / returned / exchanged (stock restored for cancel and return); an exchange of
    the same product creates the replacement lines in preparing (``moves``), recorded in
    ``exchange_lines``. The balance follows the voided units at once; the calculation's
    deductions wait for ``refunds.settle``."""
    raise NotImplementedError


def claim_of(order: Order, claim_id: str) -> Claim:
    """The order's claim, or 404 CLAIM_NOT_FOUND."""
    raise NotImplementedError


def open_claim_of_line(order: Order, line_id: str) -> Claim | None:
    """The open claim holding ``line_id`` (a line is in at most one open claim)."""
    raise NotImplementedError
