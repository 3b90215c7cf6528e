"""Collecting one bank account's deposits and matching them (docs/domain.md, "Bank transfers
matched automatically").

:func:`collect_account` is what the per-account worker runs: one read of the account's item (its
cursor, when it may be read again, the rows already seen in the window the feed re-reads); nothing
more when it is not due. Otherwise one read of the feed through the site's adapter; each new row is
matched (:mod:`oms.domain.deposit_matching`) against the site's orders waiting for a bank transfer,
then either confirmed through the manual-deposit rules (:func:`oms.services.payments.apply` with
:func:`oms.domain.deposits.confirm_deposit`, actor 자동 입금확인) in one transaction with the deposit's
conditional put, or recorded as 미확인 입금 with its reason. The conditional put on (site, account,
provider transaction id) is what makes a deposit count once, whatever the feed repeats and however
many workers read it at once.

The provider's limit and errors decide when the account is read again: its minimum interval after a
read, the time it asks for when queried too soon, a doubling back-off (up to an hour) when it is
down, an hour when it refuses (credentials, an unknown account: the settings must change).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from oms.domain.clock import iso, later, utcnow
from oms.domain.deposit_matching import DEFAULT_RULE, Candidate, Outcome, Rule, match
from oms.domain.deposits import confirm_deposit
from oms.domain.errors import DomainError
from oms.domain.order import Actor
from oms.integrations.banking import Account, Deposit, DepositFeed, ProviderDown, ProviderRefused, RateLimited, feed
from oms.schemas.settings import DepositFeedSettings
from oms.services import payments
from oms.store import deposits as store
from oms.store.table import TransactionFailed, transact

logger = logging.getLogger(__name__)
AUTO = Actor("system", "deposit_feed", "자동 입금확인")
MAX_BACKOFF = 3600
#: refusals after which the deposit is kept as 미확인 instead of confirming (someone was quicker)
_LOST = frozenset({"PAYMENT_ALREADY_PAID", "PAYMENT_NOT_PENDING", "DEPOSIT_UNDERPAID"})


@dataclass
class Polled:
    """What one poll of one account did (the bench and the logs read it)."""

    status: str = "read"  # read | not_due | rate_limited | down | refused
    provider_calls: int = 0
    rows: int = 0
    new: int = 0
    confirmed: list[str] = field(default_factory=list)
    unmatched: int = 0
    duplicates: int = 0


def candidates(site_id: str) -> list[Candidate]:
    return [Candidate(order_id=str(r["order_id"]), amount=int(r.get("outstanding") or 0),
                      names=tuple(n for n in (str(r.get("buyer_name") or ""),) if n),
                      created_at=str(r.get("created_at") or ""))
            for r in store.open_transfer_orders(site_id)]


def _record(d: Deposit, provider: str, out: Outcome, at: str) -> dict[str, Any]:
    rec: dict[str, Any] = {"account": d.account, "tx_id": d.tx_id, "amount": d.amount, "depositor": d.depositor,
                           "at": d.at, "memo": d.memo, "provider": provider, "recorded_at": at}
    if out.kind == "confirm" and out.candidate:
        rec.update(status="matched", order_id=out.candidate.order_id, matched_by=AUTO.as_dict(),
                   **({"surplus": out.surplus} if out.surplus else {}))
    else:
        rec.update(status="unmatched", reason=out.reason, reason_ko=out.reason_ko(), gap=out.gap,
                   suggested=[c.order_id for c in out.suggested[:5]])
    return rec


def record_deposit(site_id: str, d: Deposit, provider: str, rule: Rule, found: list[Candidate]) -> tuple[str, str]:
    """Match and record one deposit: (``confirmed`` | ``unmatched`` | ``duplicate``, the order confirmed)."""
    at = iso(utcnow())
    out = match(d.depositor, d.amount, found, rule)
    if out.kind == "confirm" and out.candidate:
        rec = _record(d, provider, out, at)
        deposit = {"reference": f"{provider}:{d.tx_id}", "depositor": d.depositor, "amount": d.amount,
                   "account": d.account}
        try:
            payments.apply(site_id, out.candidate.order_id, out.candidate.payment_id,
                           lambda ld, now: confirm_deposit(ld.order, ld.payment, paid_at=d.at, actor=AUTO, at=now,
                                                           source="auto", deposit=deposit),
                           action="auto_deposit", also=[(store.put_deposit_action(site_id, rec),
                                                         store.already_recorded())])
            return "confirmed", out.candidate.order_id
        except DomainError as exc:
            if exc.code == "DEPOSIT_ALREADY_RECORDED":
                return "duplicate", ""
            if exc.code not in _LOST:
                raise
            if store.get_deposit(site_id, d.account, d.tx_id) is not None:
                return "duplicate", ""  # another worker confirmed this very row
            out = Outcome("unmatched", reason="no_candidate", suggested=(out.candidate,))
    try:
        transact(store.new_deposit_actions(site_id, _record(d, provider, out, at)))
    except TransactionFailed as exc:
        if "ConditionalCheckFailed" in exc.reasons:
            return "duplicate", ""
        raise
    return "unmatched", ""


def collect_account(site_id: str, account: Account, *, provider: str, rule: Rule = DEFAULT_RULE,
                    now: str | None = None, adapter: DepositFeed | None = None) -> Polled:
    """One poll of one account (see the module)."""
    now = now or iso(utcnow())
    polled = Polled()
    state = store.get_account(site_id, account.number)
    if state.get("next_at") and str(state["next_at"]) > now:
        polled.status = "not_due"
        return polled
    src = adapter or feed(provider)
    failures = int(state.get("failures") or 0)
    try:
        page = src.fetch(account, state.get("cursor"), now)
    except (RateLimited, ProviderDown, ProviderRefused) as exc:
        polled.provider_calls = 1
        if isinstance(exc, RateLimited):
            polled.status, wait = "rate_limited", exc.retry_after
        elif isinstance(exc, ProviderDown):
            polled.status, wait = "down", min(MAX_BACKOFF, src.min_interval * 2 ** failures)
            failures += 1
        else:
            polled.status, wait = "refused", MAX_BACKOFF
        logger.warning("deposit feed %s for %s/%s: %s", polled.status, site_id, account.number, exc)
        store.save_account(site_id, account.number, {**state, "next_at": later(now, timedelta(seconds=wait)),
                                                     "failures": failures, "last_error": str(exc)[:200],
                                                     "last_error_at": now})
        return polled
    polled.provider_calls, polled.rows = page.calls, len(page.deposits)
    seen = set(state.get("seen") or [])
    fresh: dict[str, Deposit] = {}
    for d in page.deposits:
        if d.tx_id not in seen:
            fresh.setdefault(d.tx_id, d)
    found = candidates(site_id) if fresh else []
    for d in sorted(fresh.values(), key=lambda x: x.at):
        polled.new += 1
        what, order_id = record_deposit(site_id, d, provider, rule, found)
        if what == "confirmed":
            polled.confirmed.append(d.tx_id)
            found = [c for c in found if c.order_id != order_id]  # paid now: no longer waiting
        elif what == "unmatched":
            polled.unmatched += 1
        else:
            polled.duplicates += 1
    window = sorted({d.tx_id for d in page.deposits})
    store.save_account(site_id, account.number, {**state, "cursor": page.cursor, "seen": window, "failures": 0,
                                                 "next_at": later(now, timedelta(seconds=src.min_interval)),
                                                 "read_at": now})
    return polled


# ---- the site's accounts and the fan-out ----------------------------------------------------------


def register_accounts(site_id: str, cfg: DepositFeedSettings, now: str | None = None) -> list[str]:
    """After the settings are saved: every configured account is read (due now if it never was, its
    cursor kept), with the site's provider and rule; an account no longer configured (or no provider)
    leaves the due index. Returns the accounts read."""
    now = now or iso(utcnow())
    wanted = {a.number: a for a in cfg.accounts} if cfg.provider else {}
    for item in store.list_accounts(site_id):
        if item["account"] not in wanted and item.get("enabled"):
            store.save_account(site_id, item["account"], {**item, "enabled": False})
    existing = {i["account"]: i for i in store.list_accounts(site_id)}
    for number, acct in wanted.items():
        state = existing.get(number, {})
        store.save_account(site_id, number, {**state, "enabled": True, "provider": cfg.provider, "rule": cfg.rule,
                                             "bank_code": acct.bank_code,
                                             "next_at": (state.get("next_at") or now) if state.get("enabled") else now})
    return sorted(wanted)


def poll_messages(now: str | None = None) -> list[dict[str, Any]]:
    """The fan-out: one message per account due (site, account, bank code, provider, rule)."""
    now = now or iso(utcnow())
    return [{"site_id": i["site_id"], "account": i["account"], "bank_code": i.get("bank_code") or "",
             "provider": i["provider"], "rule": i.get("rule") or DEFAULT_RULE}
            for i in store.due_accounts(now) if i.get("enabled") and i.get("provider")]


def collect_message(body: dict[str, Any], now: str | None = None) -> Polled:
    """The worker's part for one fan-out message."""
    return collect_account(str(body["site_id"]), Account(str(body["account"]), str(body.get("bank_code") or "")),
                           provider=str(body["provider"]), rule=body.get("rule") or DEFAULT_RULE, now=now)
