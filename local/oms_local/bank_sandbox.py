"""A local bank-transaction provider sandbox: the parts of a Bankda-style per-account query and a
Popbill-EasyFinBank-style collection-job API the OMS uses, the site's accounts, deposits added from
its page or controls, and feeds that misbehave the way real ones do.

Provider API (what ``oms.integrations.banking`` calls):

- ``POST /bankda/dtsvc/bank_tr.php`` (form; ``Authorization: Bearer <token>``): always HTTP 200,
  errors written in ``description``; one query per account per ``limit_seconds`` (300 by default:
  "계좌당 5분에 한 번");
- ``POST /popbill/EasyFin/Bank/BankAccount`` (a job), ``GET /popbill/EasyFin/Bank/{job}/State``,
  ``GET /popbill/EasyFin/Bank/{job}?TradeType=I&PerPage=&Page=``; errors are 4xx
  ``{code, message}``.

Page and controls:

- ``GET /``: accounts and deposits, a form to add a deposit; ``GET /_sandbox/deposits``,
  ``GET /_sandbox/calls`` as JSON.
- ``POST /_sandbox/accounts`` ``{"number", "bank_code"?, "holder"?}``;
- ``POST /_sandbox/deposit`` ``{"name", "amount", "account"?, "at"?, "lag"?}`` (``lag``: hidden
  from the next ``lag`` queries of its account, as a bank scraped late shows it);
- ``POST /_sandbox/feed`` ``{"repeat"?, "reorder"?, "errors"?, "limit_seconds"?}``: every row
  answered twice, rows answered newest first, the next ``errors`` queries answer an error inside a
  200, the query limit;
- ``POST /_sandbox/outage`` ``{"count"}`` (503s); ``POST /_sandbox/reset``.
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from oms_local.background import BackgroundServer
from oms_local.sandbox_http import serve_until_interrupted

DEV_BANKDA_TOKEN = "oms-local-bankda-token"
DEV_POPBILL_KEY = "oms-local-popbill-key"
DEMO_ACCOUNT = "1002123456789"
DEMO_BANK = "020"
KST = timedelta(hours=9)
LIMIT_SECONDS = 300


@dataclass
class Row:
    tx_id: str
    account: str
    name: str
    amount: int
    at: str  # UTC ISO
    hidden_for: int = 0

    def kst(self) -> datetime:
        return datetime.fromisoformat(self.at.replace("Z", "+00:00")).astimezone(UTC) + KST


class BankSandbox(BackgroundServer):
    def __init__(self, host: str = "127.0.0.1", port: int = 0, limit_seconds: int = LIMIT_SECONDS) -> None:
        self.host, self.port = host, port
        self.default_limit = limit_seconds
        self._lock = threading.RLock()
        self.reset()
        BackgroundServer.__init__(self)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        """What the functions use to reach this sandbox (base URLs; secrets are SSM parameters)."""
        return {"BANKDA_API_BASE": f"{self.url}/bankda", "POPBILL_API_BASE": f"{self.url}/popbill"}

    def start(self) -> BankSandbox:
        from oms_local.bank_sandbox_http import Handler

        handler = type("_BoundBankHandler", (Handler,), {"sandbox": self})
        self.serve(handler, "bank-sandbox")
        return self

    def reset(self) -> None:
        with self._lock:
            self.accounts: dict[str, dict[str, str]] = {DEMO_ACCOUNT: {"bank_code": DEMO_BANK, "holder": "데모샵"}}
            self.rows: list[Row] = []
            self.repeat = self.reorder = False
            self.errors = 0
            self.outage = 0
            self.limit_seconds = self.default_limit
            self.last_query: dict[str, float] = {}
            self.calls: list[dict[str, Any]] = []
            self.jobs: dict[str, tuple[str, str, str]] = {}
            self.job_rows: dict[str, list[Row]] = {}
            self._seq = 0

    # ------------------------------------------------------------------ controls
    def add_account(self, number: str, bank_code: str = DEMO_BANK, holder: str = "") -> dict[str, Any]:
        digits = "".join(c for c in number if c.isdigit())
        if not digits:
            raise ValueError("number must have digits")
        with self._lock:
            self.accounts[digits] = {"bank_code": bank_code, "holder": holder}
        return {"number": digits, "bank_code": bank_code, "holder": holder}

    def deposit(self, name: str, amount: int, account: str | None = None, at: str | None = None,
                lag: int = 0) -> dict[str, Any]:
        if int(amount) <= 0:
            raise ValueError("amount must be positive")
        with self._lock:
            acct = "".join(c for c in (account or DEMO_ACCOUNT) if c.isdigit())
            if acct not in self.accounts:
                raise ValueError(f"unknown account {acct}")
            self._seq += 1
            row = Row(f"BK{int(time.time())}{self._seq:05d}", acct, str(name), int(amount),
                      at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), int(lag))
            self.rows.append(row)
            return asdict(row)

    def feed(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if "repeat" in body:
                self.repeat = bool(body["repeat"])
            if "reorder" in body:
                self.reorder = bool(body["reorder"])
            if "errors" in body:
                self.errors = int(body["errors"])
            if "limit_seconds" in body:
                self.limit_seconds = int(body["limit_seconds"])
            return {"repeat": self.repeat, "reorder": self.reorder, "errors": self.errors,
                    "limit_seconds": self.limit_seconds}

    # ------------------------------------------------------------------ provider behaviour
    def take_outage(self) -> bool:
        with self._lock:
            if self.outage == 0:
                return False
            if self.outage > 0:
                self.outage -= 1
            return True

    def query(self, provider: str, account: str, datefrom: str, dateto: str) -> tuple[str, list[Row]]:
        """``("", rows)`` or ``(error words, [])``: the limit, a scripted error, an unknown account."""
        with self._lock:
            self.calls.append({"provider": provider, "account": account, "from": datefrom, "to": dateto})
            if self.errors:
                self.errors -= 1
                return "일시적인 오류입니다. 잠시 후 다시 조회하세요.", []
            if account not in self.accounts:
                return "등록되지 않은 계좌입니다.", []
            now = time.monotonic()
            last = self.last_query.get(account)
            if last is not None and now - last < self.limit_seconds:
                return "계좌당 5분에 한 번만 조회할 수 있습니다.", []
            self.last_query[account] = now
            rows = []
            for r in self.rows:
                if r.account != account:
                    continue
                if r.hidden_for > 0:
                    r.hidden_for -= 1
                    continue
                if datefrom <= r.kst().strftime("%Y%m%d") <= dateto:
                    rows.append(r)
            rows.sort(key=lambda r: r.at, reverse=self.reorder)
            if self.repeat:
                rows = [r for r in rows for _ in (0, 1)]
            return "", rows

    def page(self) -> str:
        with self._lock:
            accounts = dict(self.accounts)
            rows = list(self.rows)
        parts = ["<!doctype html><meta charset='utf-8'><title>Bank sandbox</title>",
                 "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px}"
                 "table{border-collapse:collapse;margin-bottom:2em}</style>",
                 f"<h1>Bank sandbox: {len(accounts)} account(s), {len(rows)} deposit(s)</h1>",
                 "<form method='post' action='/_sandbox/deposit'><label>입금자명 <input name='name' required>"
                 "</label> <label>금액 <input name='amount' type='number' required></label> <label>계좌 "
                 "<select name='account'>"]
        parts += [f"<option>{html.escape(n)}</option>" for n in accounts]
        parts.append("</select></label> <button>입금</button></form>"
                     "<h2>Deposits</h2><table><tr><th>id</th><th>account</th><th>at (KST)</th><th>name</th>"
                     "<th>amount</th></tr>")
        for r in rows:
            parts.append(f"<tr><td>{r.tx_id}</td><td>{r.account}</td><td>{r.kst():%Y-%m-%d %H:%M:%S}</td>"
                         f"<td>{html.escape(r.name)}</td><td>{r.amount:,}</td></tr>")
        parts.append("</table>")
        return "".join(parts)


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - manual use
    import argparse

    parser = argparse.ArgumentParser(prog="python -m oms_local.bank_sandbox")
    parser.add_argument("--port", type=int, default=3600)
    args = parser.parse_args(argv)
    sb = BankSandbox(port=args.port).start()
    print(f"Bank sandbox on {sb.url}")
    return serve_until_interrupted(sb.stop)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
