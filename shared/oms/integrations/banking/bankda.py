"""Per-account transaction query, shaped like Bankda's:

- ``POST /dtsvc/bank_tr.php`` (form ``datefrom``, ``dateto`` as KST ``YYYYMMDD``, ``accountnum``,
  ``bkcode`` the bank's code) with ``Authorization: Bearer <token>``;
- the answer is always HTTP 200: ``{"result": "ok", "last_scraping_at", "data": [rows]}``, or an
  error written in ``description`` (``{"result": "error", "description": "…"}``) — "계좌당 5분에
  한 번" when queried too soon, a token or account the provider does not know;
- a row: ``bkcode`` (the transaction id), ``bkdate`` (``YYYYMMDD``), ``bktime`` (``HHMMSS``, KST),
  ``bkjukyo`` (the depositor as the bank printed it), ``bkcontent``, ``bkinput`` (money in),
  ``bkoutput`` (money out), ``bkjango`` (balance).

The provider scrapes the bank about hourly, so a row can appear after rows timed later: the cursor is
the first KST day still read (yesterday, after a success), and every read covers it up to today.
One call per poll.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from oms.domain.clock import KST, iso, parse_iso
from oms.integrations.banking import config
from oms.integrations.banking.base import (
    Account,
    Deposit,
    FeedPage,
    ProviderDown,
    call,
    classify,
)

#: "계좌당 5분에 한 번"
MIN_INTERVAL = 300


def _kst_time(day: str, clock: str) -> str:
    try:
        dt = datetime.strptime(f"{day}{(clock or '000000').zfill(6)}", "%Y%m%d%H%M%S")
    except ValueError as exc:
        raise ProviderDown(f"unreadable row time {day} {clock}") from exc
    return iso(dt.replace(tzinfo=KST))


def _amount(value: Any) -> int:
    try:
        return int(str(value or "0").replace(",", "").strip() or 0)
    except ValueError as exc:
        raise ProviderDown(f"unreadable amount {value!r}") from exc


class Bankda:
    name = "bankda"
    min_interval = MIN_INTERVAL

    def __init__(self, base_url: str | None = None) -> None:
        self._base_url = base_url

    def _url(self, path: str) -> str:
        return (self._base_url or config.required("BANKDA_API_BASE")).rstrip("/") + path

    def fetch(self, account: Account, cursor: str | None, now: str) -> FeedPage:
        today = parse_iso(now).astimezone(KST).date()
        yesterday = (today - timedelta(days=1)).strftime("%Y%m%d")
        datefrom = cursor if cursor and cursor < yesterday else yesterday
        _, body = call("POST", self._url("/dtsvc/bank_tr.php"),
                       headers={"authorization": f"Bearer {config.required('BANKDA_API_TOKEN')}"},
                       data={"datefrom": datefrom, "dateto": today.strftime("%Y%m%d"),
                             "accountnum": account.number, "bkcode": account.bank_code})
        if not isinstance(body, dict):
            raise ProviderDown("unreadable answer")
        if body.get("result") != "ok" or body.get("description"):
            raise classify(str(body.get("description") or ""))
        deposits = []
        for row in body.get("data") or []:
            amount = _amount(row.get("bkinput"))
            if amount <= 0:
                continue  # money out
            deposits.append(Deposit(tx_id=str(row["bkcode"]), account=account.number, amount=amount,
                                    depositor=str(row.get("bkjukyo") or "").strip(),
                                    at=_kst_time(str(row.get("bkdate")), str(row.get("bktime") or "")),
                                    memo=str(row.get("bkcontent") or "")))
        return FeedPage(deposits=deposits, cursor=yesterday, calls=1)
