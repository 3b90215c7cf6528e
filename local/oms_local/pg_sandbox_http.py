"""HTTP side of the PG sandbox (:mod:`oms_local.pg_sandbox`): the Toss-style and PortOne-style
endpoints and the ``/_sandbox`` controls."""

from __future__ import annotations

import base64
import urllib.parse
from datetime import UTC, datetime
from typing import Any

from oms_local.pg_sandbox import PgSandbox, SandboxError
from oms_local.sandbox_http import SandboxHandler


def _unquote(value: str | None) -> str | None:
    """PortOne sends the idempotency key as a quoted string (``"key"``)."""
    return value.strip('"') if value else value


class Handler(SandboxHandler):
    sandbox: PgSandbox

    def _handle(self) -> None:
        sb = self.sandbox
        path = urllib.parse.urlsplit(self.path).path
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        try:
            body = self._body() if self.command == "POST" else {}
            if parts[0] == "_sandbox":
                self._json(200, self._control(sb, parts[1:], body))
            elif parts[0] == "toss":
                self._auth(f"Basic {base64.b64encode(f'{sb.toss_secret_key}:'.encode()).decode()}")
                self._json(200, self._toss(sb, parts[1:], body))
            elif parts[0] == "portone":
                self._auth(f"PortOne {sb.portone_api_secret}")
                self._json(200, self._portone(sb, parts[1:], body))
            else:
                raise SandboxError(404, "NOT_FOUND", "no such path")
        except SandboxError as exc:
            key = "code" if parts[:1] != ["portone"] else "type"
            self._json(exc.status, {key: exc.code, "message": exc.message})
        except (ValueError, KeyError, TypeError) as exc:
            self._json(400, {"code": "INVALID_REQUEST", "message": str(exc)})

    def _auth(self, expected: str) -> None:
        if self.headers.get("authorization") != expected:
            raise SandboxError(401, "UNAUTHORIZED_KEY", "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.")

    def _control(self, sb: PgSandbox, parts: list[str], body: dict[str, Any]) -> Any:
        if parts == ["deposit"] and self.command == "POST":
            return sb.deposit(str(body.get("provider", "toss")), body.get("payment_key"), body.get("order_id"),
                              str(body.get("mode", "genuine")), int(body.get("copies", 1)))
        if parts == ["deposit-error"] and self.command == "POST":
            return sb.deposit_error(str(body["payment_key"]))
        if parts == ["payments"] and self.command == "POST":
            p = sb.create_paid(str(body.get("provider", "toss")), str(body["order_id"]), int(body["amount"]),
                               str(body.get("method", "card")))
            return p.toss() if p.provider == "toss" else p.portone()
        if parts == ["authorize"] and self.command == "POST":
            p = sb.authorise(str(body.get("provider", "toss")), str(body["order_id"]), int(body["amount"]))
            return p.toss() if p.provider == "toss" else p.portone()
        if parts == ["refuse-next-confirm"] and self.command == "POST":
            sb.refuse_next_confirm(str(body.get("code") or "REJECT_CARD_PAYMENT"),
                                   str(body.get("message") or "한도초과 혹은 잔액부족으로 결제에 실패했습니다."))
            return {"next_confirm": sb.next_confirm}
        if parts == ["fail-next-confirm"] and self.command == "POST":
            sb.fail_next_confirm_after_capture()
            return {"next_confirm": sb.next_confirm}
        if parts == ["payments"]:
            return [p.toss() if p.provider == "toss" else p.portone() for p in sb.payments.values()]
        if parts == ["refuse-next-cancel"] and self.command == "POST":
            sb.refuse_next_cancel(str(body.get("code") or "NOT_CANCELABLE_PAYMENT"),
                                  str(body.get("message") or "취소할 수 없는 결제입니다."))
            return {"refuse_next_cancel": sb.next_cancel_refusal}
        raise SandboxError(404, "NOT_FOUND", "no such control")

    def _toss(self, sb: PgSandbox, parts: list[str], body: dict[str, Any]) -> Any:
        post = self.command == "POST"
        if parts == ["v1", "virtual-accounts"] and post:
            return sb.issue_virtual_account("toss", str(body["orderId"]), int(body["amount"]),
                                            order_name=str(body.get("orderName", "")),
                                            holder=str(body.get("customerName", "")),
                                            valid_hours=int(body.get("validHours", 72))).toss()
        if parts == ["v1", "payments", "confirm"] and post:
            return sb.once("toss", "confirm", self.headers.get("idempotency-key"), lambda: sb.confirm(
                "toss", str(body["paymentKey"]), str(body["orderId"]), int(body["amount"])).toss())
        if parts[:2] == ["v1", "payments"] and len(parts) == 4 and parts[2] == "orders" and not post:
            return sb.find("toss", order_id=parts[3]).toss()
        if parts[:2] == ["v1", "payments"] and len(parts) == 3 and not post:
            return sb.find("toss", parts[2]).toss()
        if parts[:2] == ["v1", "payments"] and len(parts) == 4 and parts[3] == "cancel" and post:
            amount = body.get("cancelAmount")

            def cancel() -> Any:
                p = sb.cancel("toss", parts[2], int(amount) if amount is not None else None,
                              str(body.get("cancelReason", "")), body.get("refundReceiveAccount"))
                sb._after_cancel(p)
                return p.toss()

            return sb.once("toss", "cancel", self.headers.get("idempotency-key"), cancel)
        if parts == ["v1", "cash-receipts"] and post:
            return sb.once("toss", "cash_receipt", self.headers.get("idempotency-key"), lambda: sb.issue_receipt(
                "toss", None, str(body["orderId"]), int(body["amount"]), str(body["customerIdentityNumber"])))
        if parts[:2] == ["v1", "cash-receipts"] and len(parts) == 4 and parts[3] == "cancel" and post:
            return sb.cancel_receipt("toss", parts[2], None)
        raise SandboxError(404, "NOT_FOUND", "no such Toss-style endpoint")

    def _portone(self, sb: PgSandbox, parts: list[str], body: dict[str, Any]) -> Any:
        post = self.command == "POST"
        if parts[:1] == ["payments"] and len(parts) == 3 and parts[2] == "instant" and post:
            amount = body.get("amount")
            total = int(amount["total"] if isinstance(amount, dict) else amount or 0)
            p = sb.issue_virtual_account("portone", parts[1], total, order_name=str(body.get("orderName", "")),
                                         holder=str((body.get("customer") or {}).get("name", "")))
            return {"payment": {"transactionId": f"tx-{p.key}", "paymentId": p.key}, **p.portone()}
        if parts[:1] == ["payments"] and len(parts) == 2 and not post:
            return sb.find("portone", parts[1]).portone()
        if parts[:1] == ["payments"] and len(parts) == 3 and parts[2] == "cancel" and post:
            amount = body.get("amount")

            def cancel() -> Any:
                p = sb.cancel("portone", parts[1], int(amount) if amount is not None else None,
                              str(body.get("reason", "")), body.get("refundAccount"))
                sb._after_cancel(p)
                c = p.cancels[-1] if p.cancels else {}
                return {"cancellation": {"status": "SUCCEEDED", "id": c.get("key"), "totalAmount": c.get("amount")}}

            return sb.once("portone", "cancel", _unquote(self.headers.get("idempotency-key")), cancel)
        if parts == ["cash-receipts"] and post:
            def issue() -> Any:
                r = sb.issue_receipt("portone", str(body["paymentId"]), None, int(body["amount"]["total"]),
                                     str((body.get("customer") or {}).get("identityNumber", "")))
                return {"cashReceipt": {"issueNumber": r["issueNumber"], "issuedAt": datetime.now(UTC).isoformat()}}

            return sb.once("portone", "cash_receipt", _unquote(self.headers.get("idempotency-key")), issue)
        if parts[:1] == ["payments"] and parts[2:] == ["cash-receipt", "cancel"] and post:
            sb.cancel_receipt("portone", None, parts[1])
            return {"cancelledAt": datetime.now(UTC).isoformat()}
        raise SandboxError(404, "NOT_FOUND", "no such PortOne-style endpoint")
