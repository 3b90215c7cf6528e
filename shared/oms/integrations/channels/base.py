"""The sales-channel port: what order sync needs from an external channel (Naver SmartStore /
Naver Pay 주문형) whose orders an operator works in our list.

A channel keeps its own product orders (one per ordered product and option: the unit a channel
ships, claims and confirms as a whole) grouped under its order id. The sync reads what changed
from a cursor (:meth:`ChannelApi.changes`, oldest first, paged), reads the product orders in full
(:meth:`ChannelApi.details`) and pushes our decisions back: dispatch with a tracking number
(:meth:`ChannelApi.dispatch`, per-id results), a dispatch delay with the channel's reason code
(:meth:`ChannelApi.delay`), and claim decisions (:meth:`ChannelApi.claim`).

Times crossing the port are UTC ISO strings (``oms.domain.clock.iso``); an adapter converts to
and from the channel's own zone. Money is int KRW.

Failures:

- :class:`RateLimited`: the channel's rate limit (Naver: 429 ``GW.RATE_LIMIT``); retry after
  ``retry_after`` seconds;
- :class:`ChannelDown`: transport failure, 5xx, an unreadable answer; retried with back-off;
- :class:`ChannelRefused`: the channel refused the whole request with its own code and words
  (credentials, a request it finds invalid): not retried as is. A refusal of one id inside a
  batch is not an exception: it is that id's :class:`ItemResult`.
"""

from __future__ import annotations

from typing import Protocol

from oms.domain.channel_records import (
    DELAY_REASONS,
    Changed,
    ChangePage,
    ChannelClaim,
    ClaimAction,
    ClaimKind,
    Credentials,
    DispatchItem,
    ItemResult,
    ProductOrder,
)

__all__ = ["DELAY_REASONS", "ChangePage", "Changed", "ChannelApi", "ChannelClaim", "ChannelDown", "ChannelRefused",
           "ClaimAction", "ClaimKind", "Credentials", "DispatchItem", "ItemResult", "ProductOrder", "RateLimited"]


class ChannelDown(Exception):
    """The channel could not be reached or failed: try again later."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimited(Exception):
    """Called too fast: the channel allows the next call after ``retry_after`` seconds."""

    def __init__(self, retry_after: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {retry_after}s")
        self.retry_after, self.reason = retry_after, reason


class ChannelRefused(Exception):
    """The channel's own refusal of the request (its code and its words)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


class ChannelApi(Protocol):
    name: str
    #: most ids a details call takes / a dispatch call takes
    max_details: int
    max_dispatch: int

    def check(self, creds: Credentials) -> str:
        """Obtain a token (the connection test); answers a short description of the seller."""
        ...

    def changes(self, creds: Credentials, since: str, more_sequence: str | None = None,
                until: str | None = None) -> ChangePage:
        """Rows changed in ``[since, until]`` (until ≤ since + 24 h; None = since + 24 h), oldest first,
        at most one page."""
        ...

    def details(self, creds: Credentials, product_order_ids: list[str]) -> list[ProductOrder]: ...

    def dispatch(self, creds: Credentials, items: list[DispatchItem]) -> list[ItemResult]: ...

    def delay(self, creds: Credentials, product_order_id: str, due_at: str, reason: str,
              detail: str) -> ItemResult: ...

    def claim(self, creds: Credentials, product_order_id: str, kind: ClaimKind, action: ClaimAction, *,
              reason: str = "", detail: str = "", fee: int = 0) -> ItemResult: ...
