"""Collection-job API, shaped like Popbill EasyFinBank's:

- ``POST /EasyFin/Bank/BankAccount?BankCode=&AccountNumber=&SDate=&EDate=`` (KST ``YYYYMMDD``)
  requests a collection job and answers ``{"jobID"}``;
- ``GET /EasyFin/Bank/{jobID}/State`` answers ``{"jobState": 1|2|3, "errorCode", "errorReason"}``
  (3: done; a done job with an ``errorCode`` failed);
- ``GET /EasyFin/Bank/{jobID}?TradeType=I&PerPage=1000&Page=n`` answers ``{"total", "pageCount",
  "list": [{"tid", "trdt" (KST ``YYYYMMDDHHMMSS``), "accIn", "accOut", "balance", "remark1" (the
  depositor), "remark2", "memo"}]}``;
- errors are HTTP 4xx with ``{"code": <negative>, "message"}``; -99999998 is "too frequent".

Authentication: ``Authorization: Bearer <key>``. A poll is one job request, one state read and one
page per thousand rows; the cursor is the first KST day still read, as for the per-account query.
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
    ProviderRefused,
    RateLimited,
    call,
    classify,
)

PER_PAGE = 1000
MAX_PAGES = 10
TOO_FREQUENT = -99999998
MIN_INTERVAL = 300


class Popbill:
    name = "popbill"
    min_interval = MIN_INTERVAL

    def __init__(self, base_url: str | None = None) -> None:
        self._base_url = base_url

    def _call(self, method: str, path: str, params: dict[str, str]) -> dict[str, Any]:
        base = (self._base_url or config.required("POPBILL_API_BASE")).rstrip("/")
        status, body = call(method, base + path, params=params,
                            headers={"authorization": f"Bearer {config.required('POPBILL_API_KEY')}"})
        if not isinstance(body, dict):
            raise ProviderDown("unreadable answer")
        if status >= 400:
            code = int(body.get("code") or 0)
            if code == TOO_FREQUENT:
                raise RateLimited(MIN_INTERVAL, str(body.get("message") or ""))
            raise ProviderRefused(str(code), str(body.get("message") or f"HTTP {status}"))
        return body

    def fetch(self, account: Account, cursor: str | None, now: str) -> FeedPage:
        today = parse_iso(now).astimezone(KST).date()
        yesterday = (today - timedelta(days=1)).strftime("%Y%m%d")
        sdate = cursor if cursor and cursor < yesterday else yesterday
        job = self._call("POST", "/EasyFin/Bank/BankAccount", {
            "BankCode": account.bank_code, "AccountNumber": account.number, "SDate": sdate,
            "EDate": today.strftime("%Y%m%d")})
        job_id = str(job.get("jobID") or "")
        state = self._call("GET", f"/EasyFin/Bank/{job_id}/State", {})
        calls = 2
        if int(state.get("jobState") or 0) != 3:
            raise ProviderDown(f"collection job {job_id} not done yet")
        if state.get("errorCode"):
            raise classify(str(state.get("errorReason") or state["errorCode"]), MIN_INTERVAL)
        deposits: list[Deposit] = []
        page, pages = 1, 1
        while page <= min(pages, MAX_PAGES):
            got = self._call("GET", f"/EasyFin/Bank/{job_id}", {"TradeType": "I", "PerPage": str(PER_PAGE),
                                                                 "Page": str(page)})
            calls += 1
            pages = int(got.get("pageCount") or 1)
            for row in got.get("list") or []:
                amount = int(str(row.get("accIn") or "0").replace(",", "") or 0)
                if amount <= 0:
                    continue
                try:
                    at = datetime.strptime(str(row.get("trdt"))[:14], "%Y%m%d%H%M%S").replace(tzinfo=KST)
                except ValueError as exc:
                    raise ProviderDown(f"unreadable row time {row.get('trdt')}") from exc
                deposits.append(Deposit(tx_id=str(row["tid"]), account=account.number, amount=amount,
                                        depositor=str(row.get("remark1") or "").strip(), at=iso(at),
                                        memo=str(row.get("memo") or row.get("remark2") or "")))
            page += 1
        return FeedPage(deposits=deposits, cursor=yesterday, calls=calls)
