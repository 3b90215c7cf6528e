"""Every claim action against every claim step: only the legal ones move the claim, every other one
is refused with a stable code, a Korean message naming the current step, and the order untouched."""

from __future__ import annotations

from typing import Any

import pytest

from oms.domain.claims import STEP_KO, Hold, advance_claim, claim_of
from oms.domain.errors import DomainError
from oms.domain.order import Order
from tests.claims_support import ADMIN, AT, claimed, delivered, standard

ACTIONS = ("collecting", "collected", "on_hold", "release", "completed", "rejected", "withdrawn")
#: (claim type, step) → {action: the step it leads to}; every action not named is refused
LEGAL: dict[tuple[str, str], dict[str, str]] = {
    ("return", "requested"): {"collecting": "collecting", "rejected": "rejected", "withdrawn": "withdrawn"},
    ("return", "collecting"): {"collected": "collected", "rejected": "rejected"},
    ("return", "collected"): {"on_hold": "on_hold", "completed": "completed", "rejected": "rejected"},
    ("return", "on_hold"): {"release": "collected", "rejected": "rejected"},
    ("cancel", "requested"): {"completed": "completed", "rejected": "rejected", "withdrawn": "withdrawn"},
}
LEGAL.update({("exchange", step): allowed for (kind, step), allowed in list(LEGAL.items()) if kind == "return"})
#: the code of a refusal where it is not CLAIM_STEP_NOT_ALLOWED
OWN_CODE = {"withdrawn": "CLAIM_WITHDRAW_TOO_LATE", "completed": "CLAIM_NOT_READY"}
ROUTE = {"collecting": "collecting", "collected": "collected", "on_hold": "on_hold"}


def at_step(kind: str, step: str) -> tuple[Order, str]:
    if kind == "cancel":
        return claimed(standard(), "cancel", [("L002", 1)], complete=False)
    order, cid = claimed(delivered(standard()), kind, [("L001", 1)], complete=False)
    for nxt in ("collecting", "collected", "on_hold"):
        if claim_of(order, cid).step == step:
            break
        order = advance_claim(order, cid, ROUTE[nxt], ADMIN, AT, hold=Hold(1000, "확인")).order  # type: ignore[arg-type]
    assert claim_of(order, cid).step == step
    return order, cid


@pytest.mark.parametrize(("kind", "step"), sorted(LEGAL))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_from_every_step(kind: str, step: str, action: Any) -> None:
    order, cid = at_step(kind, step)
    before = order.clone()
    legal = LEGAL[(kind, step)]
    if action in legal:
        change = advance_claim(order, cid, action, ADMIN, AT, hold=Hold(1000, "확인"), reason="사유")
        assert claim_of(change.order, cid).step == legal[action]
        assert order == before
        return
    with pytest.raises(DomainError) as refused:
        advance_claim(order, cid, action, ADMIN, AT, hold=Hold(1000, "확인"), reason="사유")
    err = refused.value
    if action == "completed" and step == "on_hold":
        assert err.code == "CLAIM_ON_HOLD"
    else:
        assert err.code == OWN_CODE.get(action, "CLAIM_STEP_NOT_ALLOWED"), err.code
    assert err.status in (409, 422)
    if err.code == "CLAIM_STEP_NOT_ALLOWED":
        assert STEP_KO[step] in err.message_ko and err.as_dict()["step"] == step
    assert order == before  # the order is exactly as it was


def test_release_only_undoes_a_hold() -> None:
    order, cid = at_step("return", "collecting")
    with pytest.raises(DomainError) as refused:
        advance_claim(order, cid, "release", ADMIN, AT)
    assert refused.value.code == "CLAIM_STEP_NOT_ALLOWED" and "수거중" in refused.value.message_ko
    held, cid = at_step("return", "on_hold")
    released = advance_claim(held, cid, "release", ADMIN, AT)
    assert claim_of(released.order, cid).step == "collected" and claim_of(released.order, cid).hold is None
    assert "보류 해제" in released.events[-1].data["text_ko"]
    with pytest.raises(DomainError) as refused:  # "collected" is the goods arriving, not a release
        advance_claim(held, cid, "collected", ADMIN, AT)
    assert refused.value.code == "CLAIM_STEP_NOT_ALLOWED" and "보류" in refused.value.message_ko


@pytest.mark.parametrize("closed", ["completed", "rejected", "withdrawn"])
def test_a_closed_claim_takes_no_action(closed: str) -> None:
    order, cid = at_step("cancel", "requested")
    order = advance_claim(order, cid, closed, ADMIN, AT, reason="사유").order  # type: ignore[arg-type]
    for action in ACTIONS:
        before = order.clone()
        with pytest.raises(DomainError) as refused:
            advance_claim(order, cid, action, ADMIN, AT, hold=Hold(1000, "확인"), reason="사유")  # type: ignore[arg-type]
        assert refused.value.code == "CLAIM_CLOSED" and order == before
