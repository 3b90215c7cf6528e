"""The deposit-feed port: what automatic deposit matching needs from a bank-transaction provider.

An adapter reads the deposits of one of the site's bank accounts from a cursor
(:meth:`DepositFeed.fetch`) and answers a :class:`FeedPage`: the deposits it saw (money in only,
each with the provider's own transaction id, the depositor's name as the bank printed it, the
amount in KRW and the time in UTC) and the cursor to read from next time. Feeds repeat rows,
reorder them and show them late: the caller deduplicates on :attr:`Deposit.tx_id`, never on
position, and an adapter re-reads a short overlap window rather than trusting the last row.

Failures:

- :class:`RateLimited`: the provider allows one query per account per ``retry_after`` seconds;
- :class:`ProviderRefused`: the provider answered with its own error (often inside an HTTP 200):
  credentials, an unknown account; not retried until the settings change;
- :class:`ProviderDown`: transport failure, 5xx, an unreadable answer; retried with back-off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class ProviderDown(Exception):
    """The provider could not be reached or failed: try again later."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimited(Exception):
    """Queried too soon: the provider allows the next query after ``retry_after`` seconds."""

    def __init__(self, retry_after: int, reason: str = "") -> None:
        super().__init__(reason or f"retry after {retry_after}s")
        self.retry_after, self.reason = retry_after, reason


class ProviderRefused(Exception):
    """The provider's own error (its code and words): settings to fix, not a moment to wait."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class Account:
    """One of the site's bank accounts as the provider knows it."""

    number: str  # digits only
    bank_code: str = ""


@dataclass(frozen=True)
class Deposit:
    tx_id: str  # the provider's transaction id: the deduplication key
    account: str
    amount: int  # KRW in
    depositor: str  # the name (or memo) the bank printed
    at: str  # UTC ISO
    memo: str = ""


@dataclass
class FeedPage:
    deposits: list[Deposit] = field(default_factory=list)
    cursor: str = ""
    calls: int = 0  # provider calls this read took


class DepositFeed(Protocol):
    name: str
    #: the shortest time between two queries of one account (seconds)
    min_interval: int

    def fetch(self, account: Account, cursor: str | None, now: str) -> FeedPage: ...


def classify(description: str, retry_after: int = 300) -> Exception:
    """An error written inside a 200 answer, as the port's exceptions."""
    if "5분" in description or "too frequent" in description.lower():
        return RateLimited(retry_after, description)
    if "인증" in description or "token" in description.lower():
        return ProviderRefused("AUTH", description)
    if "계좌" in description:
        return ProviderRefused("ACCOUNT", description)
    return ProviderDown(description or "error without a description")


def call(method: str, url: str, *, headers: dict[str, str], data: dict[str, str] | None = None,
         params: dict[str, str] | None = None) -> tuple[int, Any]:
    """One call on the pooled client; a transport failure, a 5xx or a 429 raises :class:`ProviderDown`."""
    import httpx  # with the call: the cold start does not import the HTTP client

    from oms.integrations.pg.http import client  # one pooled httpx client per container

    try:
        resp = client().request(method, url, headers=headers, data=data, params=params)
    except httpx.HTTPError as exc:
        raise ProviderDown(f"transport: {type(exc).__name__}") from exc
    if resp.status_code >= 500 or resp.status_code == 429:
        raise ProviderDown(f"HTTP {resp.status_code}")
    try:
        body = resp.json() if resp.content else {}
    except ValueError as exc:
        raise ProviderDown("unreadable answer") from exc
    return resp.status_code, body
