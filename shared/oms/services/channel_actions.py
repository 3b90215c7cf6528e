"""The shop's actions on a channel order (docs/domain.md, "External channels"): 발송지연 and claim
decisions, each recorded on the order with its intent in one transaction (the relay pushes it)."""

from __future__ import annotations

from oms.domain import channel_pushes as pushes
from oms.domain.order import Actor
from oms.schemas.channels import ChannelDecisionIn, ChannelDelayIn
from oms.services.orders import Committed, run_change


def delay(site_id: str, order_id: str, body: ChannelDelayIn, actor: Actor) -> Committed:
    return run_change(site_id, order_id, actor, lambda o, at: pushes.request_delay(
        o, list(body.line_ids), reason=body.reason, due_date=body.due_date, detail=body.detail, actor=actor, at=at),
        action="channel_delay")


def decide(site_id: str, order_id: str, body: ChannelDecisionIn, actor: Actor) -> Committed:
    return run_change(site_id, order_id, actor, lambda o, at: pushes.request_decision(
        o, list(body.line_ids), action=body.action, reason=body.reason, detail=body.detail, fee=body.fee,
        actor=actor, at=at), action="channel_claim")
