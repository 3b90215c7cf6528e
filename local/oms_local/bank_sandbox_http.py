"""HTTP side of the bank sandbox (:mod:`oms_local.bank_sandbox`): the two provider APIs, the page
and the ``/_sandbox`` controls."""

from __future__ import annotations

import json
import math
import urllib.parse
import uuid
from dataclasses import asdict
from typing import Any

from oms_local.bank_sandbox import DEV_BANKDA_TOKEN, DEV_POPBILL_KEY, BankSandbox
from oms_local.sandbox_http import SandboxHandler


class Handler(SandboxHandler):
    sandbox: BankSandbox

    def _read(self) -> dict[str, Any]:
        n = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(n) if n else b""
        if "json" in (self.headers.get("content-type") or ""):
            data = json.loads(raw or b"{}")
            return data if isinstance(data, dict) else {}
        return {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}

    def _handle(self) -> None:
        sb = self.sandbox
        split = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(split.query).items()}
        parts = [urllib.parse.unquote(p) for p in split.path.strip("/").split("/") if p]
        try:
            body = self._read() if self.command == "POST" else {}
            if not parts:
                self._send(200, sb.page().encode(), "text/html; charset=utf-8")
            elif parts[0] == "_sandbox":
                self._control(sb, parts[1:], body)
            elif parts[0] in ("bankda", "popbill") and sb.take_outage():
                self._json(503, {"message": "sandbox outage"})
            elif parts == ["bankda", "dtsvc", "bank_tr.php"]:
                self._bankda(sb, body)
            elif parts[:3] == ["popbill", "EasyFin", "Bank"]:
                self._popbill(sb, parts[3:], query)
            else:
                self._json(404, {"message": "no such path"})
        except (ValueError, KeyError, TypeError) as exc:
            self._json(400, {"message": str(exc)})

    def _control(self, sb: BankSandbox, parts: list[str], body: dict[str, Any]) -> None:
        if self.command == "GET" and parts == ["deposits"]:
            self._json(200, [asdict(r) for r in sb.rows])
        elif self.command == "GET" and parts == ["calls"]:
            self._json(200, sb.calls)
        elif parts == ["accounts"]:
            self._json(200, sb.add_account(str(body["number"]), str(body.get("bank_code") or "020"),
                                           str(body.get("holder") or "")))
        elif parts == ["deposit"]:
            row = sb.deposit(str(body["name"]), int(body["amount"]), body.get("account") or None,
                             body.get("at") or None, int(body.get("lag") or 0))
            if "json" in (self.headers.get("content-type") or ""):
                self._json(200, row)
            else:  # the page's form
                self.send_response(303)
                self.send_header("location", "/")
                self.send_header("content-length", "0")
                self.end_headers()
        elif parts == ["feed"]:
            self._json(200, sb.feed(body))
        elif parts == ["outage"]:
            sb.outage = int(body.get("count", -1))
            self._json(200, {"outage": sb.outage})
        elif parts == ["reset"]:
            sb.reset()
            self._json(200, {"reset": True})
        else:
            self._json(404, {"message": "unknown control"})

    # ---- per-account query (errors inside 200) ------------------------------------------------------
    def _bankda(self, sb: BankSandbox, body: dict[str, Any]) -> None:
        if self.headers.get("authorization") != f"Bearer {DEV_BANKDA_TOKEN}":
            self._json(200, {"result": "error", "description": "인증 토큰이 올바르지 않습니다."})
            return
        error, rows = sb.query("bankda", str(body.get("accountnum") or ""), str(body.get("datefrom") or ""),
                               str(body.get("dateto") or ""))
        if error:
            self._json(200, {"result": "error", "description": error})
            return
        self._json(200, {"result": "ok", "description": "", "last_scraping_at": "", "data": [
            {"bkcode": r.tx_id, "bkdate": f"{r.kst():%Y%m%d}", "bktime": f"{r.kst():%H%M%S}", "bkjukyo": r.name,
             "bkcontent": "", "bkinput": str(r.amount), "bkoutput": "0", "bkjango": "0"} for r in rows]})

    # ---- collection job -----------------------------------------------------------------------------
    def _popbill(self, sb: BankSandbox, parts: list[str], query: dict[str, str]) -> None:
        if self.headers.get("authorization") != f"Bearer {DEV_POPBILL_KEY}":
            self._json(401, {"code": -10001000, "message": "인증 정보가 올바르지 않습니다."})
            return
        if self.command == "POST" and parts == ["BankAccount"]:
            job = uuid.uuid4().hex[:18]
            sb.jobs[job] = (str(query.get("AccountNumber") or ""), str(query.get("SDate") or ""),
                            str(query.get("EDate") or ""))
            self._json(200, {"jobID": job})
            return
        if not parts or parts[0] not in sb.jobs:
            self._json(404, {"code": -14000010, "message": "수집 작업을 찾을 수 없습니다."})
            return
        account, sdate, edate = sb.jobs[parts[0]]
        if parts[1:] == ["State"]:
            error, found = sb.query("popbill", account, sdate, edate)
            sb.job_rows[parts[0]] = found  # the job collected these rows (ordered and repeated as the feed is)
            self._json(200, {"jobID": parts[0], "jobState": 3, "errorCode": -1 if error else 0,
                             "errorReason": error})
            return
        rows = sb.job_rows.get(parts[0], [])
        per, page = max(1, min(1000, int(query.get("PerPage") or 1000))), max(1, int(query.get("Page") or 1))
        chunk = rows[(page - 1) * per: page * per]
        self._json(200, {"total": len(rows), "perPage": per, "pageNum": page,
                         "pageCount": max(1, math.ceil(len(rows) / per)), "list": [
                             {"tid": r.tx_id, "trdate": f"{r.kst():%Y%m%d}", "trdt": f"{r.kst():%Y%m%d%H%M%S}",
                              "accIn": str(r.amount), "accOut": "0", "balance": "0", "remark1": r.name,
                              "remark2": "", "memo": ""} for r in chunk]})
