"""How a claim reads in an answer (admin detail, claim list, buyer page): pure, over the order."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from oms.domain import claims as rules
from oms.domain.errors import DomainError
from oms.domain.order import Order
from oms.store.orders import plain


def claim_view(order: Order, c: rules.Claim) -> dict[str, Any]:
    d = plain(asdict(c))
    d.update({
        "type_ko": rules.CLAIM_TYPE_KO.get(c.type, c.type), "step_ko": rules.STEP_KO.get(c.step, c.step),
        "reason": c.reason.value, "reason_ko": c.reason.ko, "open": c.open, "requested_by": c.requested_by.as_dict(),
        "lines": [_line_brief(order, i.line_id, i.quantity) for i in c.items],
        "replacement_text": c.replacement.option_text() if c.replacement else None,
    })
    return d


def _line_brief(order: Order, line_id: str, quantity: int) -> dict[str, Any]:
    try:
        line = order.line(line_id)
    except DomainError:
        return {"line_id": line_id, "quantity": quantity}
    return {"line_id": line_id, "quantity": quantity, "product_name": line.product_name,
            "option_text": line.option_text(), "status": line.status.value, "status_ko": line.status.ko,
            "paid_amount": line.paid_amount}
