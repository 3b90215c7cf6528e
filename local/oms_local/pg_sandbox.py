"""A local PG sandbox: the parts of a Toss-Payments-style and a PortOne-V2-style API the OMS uses,
plus controls that make the PG call us back as a real one would.

PG API (what the adapters in ``oms.integrations.pg`` call):

- Toss style under ``/toss`` (``Authorization: Basic base64(<secret key>:)``): ``POST /v1/payments/confirm``,
  ``POST /v1/virtual-accounts`` (issue; answers the payment with its deposit-callback ``secret``),
  ``GET /v1/payments/{paymentKey}``, ``GET /v1/payments/orders/{orderId}``,
  ``POST /v1/payments/{paymentKey}/cancel`` (``cancelAmount`` omitted = full; virtual accounts: full
  only, ``refundReceiveAccount`` required), ``POST /v1/cash-receipts``, ``POST /v1/cash-receipts/{key}/cancel``.
- PortOne V2 style under ``/portone`` (``Authorization: PortOne <API secret>``):
  ``POST /payments/{paymentId}/instant`` (issue a virtual account), ``GET /payments/{paymentId}``,
  ``POST /payments/{paymentId}/cancel``, ``POST /cash-receipts``, ``POST /payments/{paymentId}/cash-receipt/cancel``.

Controls (``/_sandbox``, JSON):

- ``POST /_sandbox/deposit`` ``{"provider", "payment_key" | "order_id", "mode", "copies"}``: the buyer
  deposits; the sandbox sends the callback to the gateway (``/webhooks/<provider>``). ``mode``:
  ``genuine`` (default), ``forged`` (wrong secret / signature), ``stale`` (an old event: Toss
  ``createdAt`` a day back, PortOne timestamp 10 minutes back, correctly signed), ``replay`` (the last
  genuine callback again, byte for byte), ``duplicate`` (``copies`` identical genuine callbacks at once).
  Answers what the gateway answered to each.
- ``POST /_sandbox/deposit-error`` ``{"payment_key"}`` (Toss style): the bank takes the deposit back.
- ``POST /_sandbox/payments`` ``{"provider", "order_id", "amount", "method"}``: a completed card payment
  (what a checkout that confirmed its payment itself hands to the intake route).
- ``POST /_sandbox/authorize`` ``{"provider", "order_id", "amount"}``: the buyer approves a card payment
  in the PG's window; Toss style it is captured only by the merchant's confirm and lapses unconfirmed
  (``oms_local.pg_sandbox_cards``). ``POST /_sandbox/refuse-next-confirm`` ``{"code", "message"}`` and
  ``POST /_sandbox/fail-next-confirm`` (captured, then a 500 instead of the answer) script the next confirm.
- Deposits into a cancelled account or one past its due date are refused, as the bank refuses them.
- ``GET /_sandbox/payments``: every payment the sandbox holds.
- ``POST /_sandbox/refuse-next-cancel`` ``{"code", "message"}``: the next cancel (refund) is refused
  with that error, as a PG refuses one (e.g. ``NOT_CANCELABLE_PAYMENT``), to see failure reasons.

Cash receipts fail (as a PG would, with its reason) for identity numbers starting with ``000``.

POSTs that move money or issue documents (cancel, cash receipt) honour an ``Idempotency-Key``
header as the PGs do: the same key again answers the first result and does nothing more.
``calls`` records every such call as ``(provider, operation, idempotency key)`` and
``performed`` counts the ones that really happened, so tests can assert how often the PG acted.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from oms.integrations.pg import standard_webhooks
from oms_local.background import BackgroundServer
from oms_local.pg_sandbox_cards import DEFAULT_AUTH_TTL, CardAuthorisations
from oms_local.pg_sandbox_payment import (
    DEV_PORTONE_STORE_ID,
    PORTONE_STATUS,
    TOSS_STATUS,
    SandboxPayment,
    kst,
    kst_naive,
)
from oms_local.sandbox_http import serve_until_interrupted

DEV_TOSS_SECRET_KEY = "test_sk_oms_local_sandbox"
DEV_PORTONE_API_SECRET = "oms-local-portone-api-secret"
DEV_PORTONE_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"oms-local-portone-webhook-key-32").decode()
FORGED_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"not-the-secret-of-this-store-xx!").decode()


class SandboxError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class PgSandbox(CardAuthorisations, BackgroundServer):
    """The sandbox; ``start()`` serves in a background thread. Also usable in-process by tests."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, gateway_url: str | None = None,
                 toss_secret_key: str = DEV_TOSS_SECRET_KEY, portone_api_secret: str = DEV_PORTONE_API_SECRET,
                 portone_webhook_secret: str = DEV_PORTONE_WEBHOOK_SECRET, cancel_callback_delay: float = 0.3,
                 auth_ttl: float = DEFAULT_AUTH_TTL) -> None:
        self.host, self.port = host, port
        self.gateway_url = gateway_url
        self.toss_secret_key = toss_secret_key
        self.portone_api_secret = portone_api_secret
        self.portone_webhook_secret = portone_webhook_secret
        self.cancel_callback_delay = cancel_callback_delay
        self.auth_ttl = auth_ttl
        self.payments: dict[tuple[str, str], SandboxPayment] = {}
        self.by_order: dict[tuple[str, str], str] = {}
        self.last_callback: dict[str, tuple[dict[str, str], bytes]] = {}
        self.calls: list[tuple[str, str, str | None]] = []
        self.performed: Counter[tuple[str, str]] = Counter()
        self._idempotent: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.RLock()
        #: (code, message) the next cancel is refused with (``refuse_next_cancel``)
        self.next_cancel_refusal: tuple[str, str] | None = None
        BackgroundServer.__init__(self)
        self._account_seq = 0

    # ------------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        """What the functions need to talk to this sandbox (locally in place of SSM parameters)."""
        return {
            "TOSS_API_BASE": f"{self.url}/toss", "TOSS_SECRET_KEY": self.toss_secret_key,
            "PORTONE_API_BASE": f"{self.url}/portone", "PORTONE_API_SECRET": self.portone_api_secret,
            "PORTONE_WEBHOOK_SECRET": self.portone_webhook_secret, "PORTONE_STORE_ID": DEV_PORTONE_STORE_ID,
        }

    def start(self) -> PgSandbox:
        from oms_local.pg_sandbox_http import Handler

        handler = type("_BoundSandboxHandler", (Handler,), {"sandbox": self})
        self.serve(handler, "pg-sandbox")
        return self

    # ------------------------------------------------------------------ PG behaviour
    def once(self, provider: str, op: str, key: str | None, act: Callable[[], Any]) -> Any:
        """Run ``act`` unless the same idempotency key was seen for this operation: then its first answer."""
        with self._lock:
            self.calls.append((provider, op, key))
            if key is not None and (provider, op, key) in self._idempotent:
                return self._idempotent[(provider, op, key)]
            answer = act()
            self.performed[(provider, op)] += 1
            if key is not None:
                self._idempotent[(provider, op, key)] = answer
            return answer

    def _status_name(self, p: SandboxPayment, state: str) -> str:
        return (TOSS_STATUS if p.provider == "toss" else PORTONE_STATUS)[state]

    def _error(self, status: int, code: str, message: str) -> Exception:
        return SandboxError(status, code, message)

    def issue_virtual_account(self, provider: str, order_id: str, amount: int, *, order_name: str = "",
                              holder: str = "", valid_hours: int = 72) -> SandboxPayment:
        with self._lock:
            if (provider, order_id) in self.by_order:
                raise SandboxError(400, "DUPLICATED_ORDER_ID", "이미 사용된 주문번호입니다.")
            self._account_seq += 1
            key = order_id if provider == "portone" else "tviva" + uuid.uuid4().hex[:20]
            p = SandboxPayment(
                provider=provider, key=key, order_id=order_id, amount=amount, method="virtual_account",
                status="", order_name=order_name, secret=secrets.token_urlsafe(18),
                account_no=f"X{int(time.time()) % 100000:05d}{self._account_seq:07d}", holder=holder or "구매자",
                due_at=datetime.now(UTC) + timedelta(hours=valid_hours),
            )
            p.status = self._status_name(p, "waiting")
            self.payments[(provider, key)] = p
            self.by_order[(provider, order_id)] = key
            return p

    def create_paid(self, provider: str, order_id: str, amount: int, method: str = "card") -> SandboxPayment:
        with self._lock:
            key = order_id if provider == "portone" else "tpay" + uuid.uuid4().hex[:20]
            p = SandboxPayment(provider=provider, key=key, order_id=order_id, amount=amount, method=method,
                               status="", approved_at=datetime.now(UTC))
            p.status = self._status_name(p, "paid")
            self.payments[(provider, key)] = p
            self.by_order[(provider, order_id)] = key
            return p

    def find(self, provider: str, key: str | None = None, order_id: str | None = None) -> SandboxPayment:
        with self._lock:
            if key is None and order_id is not None:
                key = self.by_order.get((provider, order_id))
            p = self.payments.get((provider, key or ""))
        if p is None:
            raise SandboxError(404, "NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다.")
        self.lapse(p)
        return p

    def refuse_next_cancel(self, code: str = "NOT_CANCELABLE_PAYMENT",
                           message: str = "취소할 수 없는 결제입니다.") -> None:
        """The next cancel (refund) is refused with this error (then cancels work again)."""
        with self._lock:
            self.next_cancel_refusal = (code, message)

    def cancel(self, provider: str, key: str, amount: int | None, reason: str,
               refund_account: dict[str, Any] | None) -> SandboxPayment:
        with self._lock:
            if self.next_cancel_refusal is not None:
                code, message = self.next_cancel_refusal
                self.next_cancel_refusal = None
                raise SandboxError(400, code, message)
            p = self.find(provider, key)
            if not p.approved_at:
                if p.method == "virtual_account":  # cancel an unpaid account
                    p.status = self._status_name(p, "cancelled")
                    return p
                raise SandboxError(400, "NOT_CANCELABLE_PAYMENT", "취소할 수 없는 결제입니다.")
            remaining = p.amount - p.cancelled
            amount = remaining if amount is None else amount
            if amount <= 0 or amount > remaining:
                raise SandboxError(400, "NOT_CANCELABLE_AMOUNT", "취소할 수 없는 금액입니다.")
            if p.method == "virtual_account":
                if amount != p.amount:
                    raise SandboxError(400, "NOT_SUPPORTED_PARTIAL_CANCEL",
                                       "가상계좌 결제는 전체 취소만 가능합니다.")
                if not refund_account:
                    raise SandboxError(400, "INVALID_REFUND_ACCOUNT_INFO", "환불 계좌 정보가 필요합니다.")
            p.cancels.append({"key": f"cx-{uuid.uuid4().hex[:16]}", "amount": amount, "reason": reason,
                              "at": datetime.now(UTC)})
            p.status = self._status_name(p, "cancelled" if p.cancelled >= p.amount else "partial")
            return p

    def issue_receipt(self, provider: str, key: str | None, order_id: str | None, amount: int,
                      identity: str) -> dict[str, Any]:
        p = self.find(provider, key, order_id)
        if identity.replace("-", "").startswith("000"):
            raise SandboxError(400, "INVALID_CUSTOMER_IDENTITY_NUMBER", "현금영수증 발급 번호가 올바르지 않습니다.")
        if amount > p.amount - p.cancelled:
            raise SandboxError(400, "INVALID_AMOUNT", "발급 금액이 결제 금액보다 큽니다.")
        receipt: dict[str, Any] = {"receiptKey": "rcpt" + uuid.uuid4().hex[:16],
                                   "issueNumber": f"{secrets.randbelow(10**9):09d}", "issueStatus": "COMPLETED",
                                   "amount": amount, "requestedAt": kst(datetime.now(UTC))}
        with self._lock:
            p.receipts[receipt["receiptKey"]] = receipt
        return receipt

    def cancel_receipt(self, provider: str, receipt_key: str | None, payment_key: str | None) -> dict[str, Any]:
        with self._lock:
            for p in self.payments.values():
                if p.provider != provider:
                    continue
                for rk, r in p.receipts.items():
                    if rk == receipt_key or (payment_key and p.key == payment_key):
                        r["issueStatus"] = "CANCELED"
                        r["canceledAt"] = kst(datetime.now(UTC))
                        return r
        raise SandboxError(404, "NOT_FOUND_CASH_RECEIPT", "현금영수증을 찾을 수 없습니다.")

    # ------------------------------------------------------------------ callbacks
    def callback(self, provider: str, p: SandboxPayment, mode: str = "genuine", *,
                 status: str | None = None, now: datetime | None = None) -> tuple[dict[str, str], bytes]:
        """The HTTP headers and body of a callback about ``p`` (not sent)."""
        now = now or datetime.now(UTC)
        if provider == "toss":
            created = now - timedelta(days=1) if mode == "stale" else now
            st = status or p.status
            body = {"createdAt": kst_naive(created), "secret": p.secret if mode != "forged" else "forged-secret",
                    "status": st, "transactionKey": f"tx-{p.key}-{st.lower()}", "orderId": p.order_id}
            return {"content-type": "application/json"}, json.dumps(body).encode()
        typ = status or {"PAID": "Transaction.Paid", "CANCELLED": "Transaction.Cancelled",
                         "PARTIAL_CANCELLED": "Transaction.PartialCancelled"}.get(p.status,
                                                                                  "Transaction.VirtualAccountIssued")
        ts = int((now - timedelta(minutes=10)).timestamp()) if mode == "stale" else int(now.timestamp())
        data: dict[str, Any] = {"paymentId": p.key, "storeId": DEV_PORTONE_STORE_ID, "transactionId": f"tx-{p.key}"}
        if p.cancels and typ != "Transaction.Paid":
            data["cancellationId"] = p.cancels[-1]["key"]
        raw = json.dumps({"type": typ, "timestamp": datetime.fromtimestamp(ts, UTC).isoformat(), "data": data},
                         separators=(",", ":")).encode()
        msg_id = f"msg_{uuid.uuid4().hex}"
        secret = self.portone_webhook_secret if mode != "forged" else FORGED_WEBHOOK_SECRET
        headers = {"content-type": "application/json", "webhook-id": msg_id, "webhook-timestamp": str(ts),
                   "webhook-signature": standard_webhooks.sign(secret, msg_id, ts, raw)}
        return headers, raw

    def send(self, provider: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        if not self.gateway_url:
            raise SandboxError(409, "NO_GATEWAY", "callback target (gateway URL) is not configured")
        try:
            r = httpx.post(f"{self.gateway_url}/webhooks/{provider}", headers=headers, content=body, timeout=30)
        except httpx.HTTPError as exc:
            return {"status": 0, "error": str(exc)}
        try:
            answer = r.json()
        except ValueError:
            answer = r.text
        return {"status": r.status_code, "body": answer}

    def deposited(self, p: SandboxPayment) -> SandboxPayment:
        """The buyer paid into the account (the PG's state; no callback is sent). The bank refuses a
        deposit into an account that was cancelled or whose due date passed."""
        with self._lock:
            if p.method != "virtual_account":
                raise SandboxError(400, "NOT_VIRTUAL_ACCOUNT", "가상계좌 결제가 아닙니다.")
            if not p.approved_at and (p.status == self._status_name(p, "cancelled")
                                      or (p.due_at is not None and p.due_at < datetime.now(UTC))):
                raise SandboxError(400, "NOT_DEPOSITABLE_ACCOUNT",
                                   "입금할 수 없는 가상계좌입니다 (취소 또는 기한 만료).")
            if not p.approved_at:
                p.approved_at = datetime.now(UTC)
                p.status = self._status_name(p, "paid")
        return p

    def deposit(self, provider: str, key: str | None = None, order_id: str | None = None,
                mode: str = "genuine", copies: int = 1) -> dict[str, Any]:
        p = self.find(provider, key, order_id)
        if mode == "replay":
            if provider not in self.last_callback:
                raise SandboxError(409, "NOTHING_TO_REPLAY", "no genuine callback was sent yet")
            headers, body = self.last_callback[provider]
            return {"payment_key": p.key, "mode": mode, "sent": [self.send(provider, headers, body)]}
        if mode in ("genuine", "duplicate"):
            self.deposited(p)
        headers, body = self.callback(provider, p, mode if mode != "duplicate" else "genuine")
        if mode in ("genuine", "duplicate"):
            self.last_callback[provider] = (headers, body)
        n = max(1, copies) if mode == "duplicate" else 1
        with ThreadPoolExecutor(max_workers=min(n, 16)) as pool:
            sent = list(pool.map(lambda _: self.send(provider, headers, body), range(n)))
        return {"payment_key": p.key, "order_id": p.order_id, "mode": mode, "sent": sent}

    def deposit_error(self, key: str) -> dict[str, Any]:
        p = self.find("toss", key)
        with self._lock:
            p.approved_at = None
            p.status = "WAITING_FOR_DEPOSIT"
        headers, body = self.callback("toss", p, status="WAITING_FOR_DEPOSIT")
        return {"payment_key": p.key, "sent": [self.send("toss", headers, body)]}

    def _after_cancel(self, p: SandboxPayment) -> None:
        """Like a real PG, tell the merchant about the cancel, a little later and asynchronously."""
        if not self.gateway_url:
            return

        def later() -> None:
            time.sleep(self.cancel_callback_delay)
            if p.provider == "toss":
                body = json.dumps({"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": kst_naive(datetime.now(UTC)),
                                   "data": p.toss()}).encode()
                self.send("toss", {"content-type": "application/json"}, body)
            else:
                headers, raw = self.callback("portone", p)
                self.send("portone", headers, raw)

        threading.Thread(target=later, daemon=True).start()


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - manual use
    import argparse

    parser = argparse.ArgumentParser(prog="python -m oms_local.pg_sandbox")
    parser.add_argument("--port", type=int, default=3100)
    parser.add_argument("--gateway", default="http://127.0.0.1:3000")
    args = parser.parse_args(argv)
    sb = PgSandbox(port=args.port, gateway_url=args.gateway).start()
    print(f"PG sandbox on {sb.url} -> callbacks to {args.gateway}")
    return serve_until_interrupted(sb.stop)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
