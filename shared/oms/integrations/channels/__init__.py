"""The sales-channel port (:mod:`.base`) and its adapter: the Naver Commerce API (:mod:`.naver`),
which serves both SmartStore orders and Naver Pay 주문형 orders (the same pay-order operations)."""

from __future__ import annotations

from functools import cache

from oms.integrations.channels.base import (
    Changed,
    ChangePage,
    ChannelApi,
    ChannelClaim,
    ChannelDown,
    ChannelRefused,
    Credentials,
    DispatchItem,
    ItemResult,
    ProductOrder,
    RateLimited,
)

CHANNELS = ("naver",)

__all__ = ["CHANNELS", "ChangePage", "Changed", "ChannelApi", "ChannelClaim", "ChannelDown", "ChannelRefused",
           "Credentials", "DispatchItem", "ItemResult", "ProductOrder", "RateLimited", "channel"]


@cache
def channel(name: str) -> ChannelApi:
    """The adapter of ``name``, one per container."""
    if name == "naver":
        from oms.integrations.channels.naver import NaverCommerce

        return NaverCommerce()
    raise LookupError(f"unknown channel {name!r} (one of {', '.join(CHANNELS)})")
