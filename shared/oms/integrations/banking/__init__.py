"""The deposit-feed port (:class:`DepositFeed`) and its adapters, chosen by the site's provider
(setting ``payments.deposit_feed.provider``): a per-account transaction query (:mod:`.bankda`)
and a collection-job API (:mod:`.popbill`)."""

from __future__ import annotations

from functools import cache

from oms.integrations.banking.base import (
    Account,
    Deposit,
    DepositFeed,
    FeedPage,
    ProviderDown,
    ProviderRefused,
    RateLimited,
)

PROVIDERS = ("bankda", "popbill")

__all__ = ["PROVIDERS", "Account", "Deposit", "DepositFeed", "FeedPage", "ProviderDown", "ProviderRefused",
           "RateLimited", "feed"]


@cache
def feed(name: str) -> DepositFeed:
    """The adapter of ``name``, one per container."""
    if name == "bankda":
        from oms.integrations.banking.bankda import Bankda

        return Bankda()
    if name == "popbill":
        from oms.integrations.banking.popbill import Popbill

        return Popbill()
    raise LookupError(f"unknown deposit feed provider {name!r} (one of {', '.join(PROVIDERS)})")
