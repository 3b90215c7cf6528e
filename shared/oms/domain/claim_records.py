"""Claim records (docs/domain.md, "Claims"): the claim of chosen units, its reason and fault, who asked,
the collection and how a return fee is paid, and its steps. The steps are ``oms.domain.claims``."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from oms.domain.order import Actor, Option

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


@dataclass(frozen=True)
class Replacement:
    """교환 옵션: the option of the same product an exchange sends instead of the claimed one."""

    product_code: str
    options: tuple[Option, ...]
    #: Σ of the options' prices; None while a buyer's request waits for the admin to confirm it
    option_price: int | None
    #: the SKUs the replacement draws from (the tracked ones once the stock was taken)
    stock_keys: tuple[str, ...] = ()
    #: when the shop accepted the exchange (the replacement's stock was taken then)
    accepted_at: str | None = None

    def option_text(self) -> str:
        return " / ".join(f"{o.name}: {o.value}" for o in self.options)


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
    #: an exchange to another option of the same product (None: the same option again)
    replacement: Replacement | None = None

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
