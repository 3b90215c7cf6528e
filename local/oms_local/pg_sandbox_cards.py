"""Card payments in the PG sandbox as the real PGs take them: the buyer authorises in the PG's
window, and the money is captured only when the merchant confirms it.

- Toss style: an authorisation is ``IN_PROGRESS`` until ``POST /v1/payments/confirm`` with the
  payment key, our order id and the amount (a different amount or order id is refused); confirming
  again answers ``ALREADY_PROCESSED_PAYMENT``; an authorisation nobody confirms lapses after
  ``auth_ttl`` seconds (``EXPIRED``; confirming it then answers ``NOT_FOUND_PAYMENT_SESSION``).
- PortOne style: the payment is ``PAID`` when the buyer finishes the window; the merchant verifies
  it by id (``GET /payments/{paymentId}``) and cancels what it cannot record.

Controls make the PG misbehave at confirmation, as tests need: refuse the next confirm with a card
company's error (nothing captured), or capture it and then fail to answer (``5xx`` after capture: a
timeout as the merchant sees it).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from oms_local.pg_sandbox_payment import SandboxPayment

#: Toss lets the merchant confirm within 10 minutes of the buyer's approval
DEFAULT_AUTH_TTL = 600.0


class CardAuthorisations:
    """Mixed into :class:`oms_local.pg_sandbox.PgSandbox` (which provides the lock, the payments and
    ``SandboxError``)."""

    payments: dict[tuple[str, str], SandboxPayment]
    by_order: dict[tuple[str, str], str]
    auth_ttl: float = DEFAULT_AUTH_TTL
    #: what the next confirm does instead of answering: ("refuse", code, message) or ("fail_after_capture", …)
    next_confirm: tuple[str, str, str] | None = None

    def _status_name(self, p: SandboxPayment, state: str) -> str:
        raise NotImplementedError

    def _error(self, status: int, code: str, message: str) -> Exception:
        raise NotImplementedError

    def authorise(self, provider: str, order_id: str, amount: int) -> SandboxPayment:
        """The buyer approved ``amount`` for ``order_id`` in the card window (Toss: not captured yet)."""
        with self._lock:  # type: ignore[attr-defined]
            earlier = self.payments.get((provider, self.by_order.get((provider, order_id), "")))
            if earlier is not None:
                self.lapse(earlier)
                if earlier.approved_at or earlier.status == self._status_name(earlier, "authorised") \
                        or earlier.method != "card":  # an order id is used once, unless its attempt failed
                    raise self._error(400, "DUPLICATED_ORDER_ID", "이미 사용된 주문번호입니다.")
            key = order_id if provider == "portone" else "tauth" + uuid.uuid4().hex[:20]
            if earlier is not None:
                del self.payments[(provider, earlier.key)]
            now = datetime.now(UTC)
            p = SandboxPayment(provider=provider, key=key, order_id=order_id, amount=amount, method="card", status="")
            if provider == "portone":  # captured when the window completes; the merchant verifies by id
                p.approved_at = now
                p.status = self._status_name(p, "paid")
            else:
                p.status = self._status_name(p, "authorised")
                p.auth_expires_at = now + timedelta(seconds=self.auth_ttl)
            self.payments[(provider, key)] = p
            self.by_order[(provider, order_id)] = key
            return p

    def lapse(self, p: SandboxPayment, now: datetime | None = None) -> None:
        """An authorisation past its confirmation window expires (called on every look-up)."""
        if p.method == "card" and not p.approved_at and p.auth_expires_at is not None \
                and (now or datetime.now(UTC)) >= p.auth_expires_at and p.status == self._status_name(p, "authorised"):
            p.status = self._status_name(p, "expired")

    def refuse_next_confirm(self, code: str = "REJECT_CARD_PAYMENT",
                            message: str = "한도초과 혹은 잔액부족으로 결제에 실패했습니다.") -> None:
        with self._lock:  # type: ignore[attr-defined]
            self.next_confirm = ("refuse", code, message)

    def fail_next_confirm_after_capture(self) -> None:
        with self._lock:  # type: ignore[attr-defined]
            self.next_confirm = ("fail_after_capture", "FAILED_INTERNAL_SYSTEM_PROCESSING",
                                 "내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요.")

    def confirm(self, provider: str, key: str, order_id: str, amount: int) -> SandboxPayment:
        """Toss ``POST /v1/payments/confirm``: capture the authorisation for exactly ``amount``."""
        with self._lock:  # type: ignore[attr-defined]
            p = self.payments.get((provider, key))
            if p is None or p.method != "card":
                raise self._error(404, "NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다.")
            self.lapse(p)
            if p.approved_at:
                raise self._error(400, "ALREADY_PROCESSED_PAYMENT", "이미 처리된 결제 입니다.")
            if p.status != self._status_name(p, "authorised"):
                raise self._error(404, "NOT_FOUND_PAYMENT_SESSION",
                                  "결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다.")
            if order_id != p.order_id or amount != p.amount:
                raise self._error(400, "INVALID_REQUEST", "주문번호 또는 결제 금액이 결제 요청과 다릅니다.")
            planned, self.next_confirm = self.next_confirm, None
            if planned is not None and planned[0] == "refuse":
                p.status = self._status_name(p, "expired")
                raise self._error(403, planned[1], planned[2])
            p.approved_at = datetime.now(UTC)
            p.status = self._status_name(p, "paid")
            if planned is not None:  # captured, but the answer never reaches the merchant
                raise self._error(500, planned[1], planned[2])
            return p

    def captured(self, provider: str, order_ids: set[str] | None = None) -> int:
        """Money the PG holds now: captured minus cancelled (optionally for some of our order ids)."""
        with self._lock:  # type: ignore[attr-defined]
            return sum(p.amount - p.cancelled for (prov, _), p in self.payments.items()
                       if prov == provider and p.approved_at and (order_ids is None or p.order_id in order_ids))
