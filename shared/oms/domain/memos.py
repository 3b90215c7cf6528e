"""Order memos: the operators' notes on the timeline (말풍선)."""

from __future__ import annotations

from oms.domain.errors import DomainError
from oms.domain.order import Actor, Change, Event, Memo, Order


def add_memo(order: Order, text: str, actor: Actor, at: str) -> Change:
    text = text.strip()
    if not text:
        raise DomainError("MEMO_EMPTY", "메모 내용을 입력하세요.", field="text")
    if len(text) > 2000:
        raise DomainError("MEMO_TOO_LONG", "메모는 2,000자까지 입력할 수 있습니다.", field="text")
    new = order.clone()
    new.last_memo = Memo(text=text, by=actor.name or actor.id, at=at)
    new.memo_count += 1
    return Change(new, [Event("memo", actor, at, {"text": text})], set())
