"""The PG adapters' webhook checks (no network): Standard Webhooks signatures, Toss-style bodies."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from oms.integrations.pg import Notification, PgPayment, WebhookRejected, standard_webhooks
from oms.integrations.pg.portone import PortOne
from oms.integrations.pg.toss import TossPayments

SECRET = "whsec_" + base64.b64encode(b"unit-test-webhook-secret-32bytes").decode()
OLD = "whsec_" + base64.b64encode(b"the-previous-secret-being-rotate").decode()
NOW = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)


def signed(secret: str, body: bytes, at: datetime = NOW, msg_id: str = "msg_1") -> dict[str, str]:
    ts = int(at.timestamp())
    return {"Webhook-Id": msg_id, "Webhook-Timestamp": str(ts),
            "Webhook-Signature": standard_webhooks.sign(secret, msg_id, ts, body)}


def _read(pg: PortOne | TossPayments, headers: dict[str, str], body: bytes) -> Notification:
    """Parse (authentication data only), then read the body by its model, as the service does."""
    return pg.read(pg.parse_webhook(headers, body, NOW))


BODY = json.dumps({"type": "Transaction.Paid", "timestamp": "2026-03-01T03:00:00Z",
                   "data": {"paymentId": "pay-0001", "storeId": "s", "transactionId": "tx-1"}}).encode()


def test_standard_webhooks_signature_matches_the_spec_example() -> None:
    # the example of the Standard Webhooks specification
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert standard_webhooks.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == \
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_portone_genuine_paid_webhook() -> None:
    note = _read(PortOne(webhook_secrets=[SECRET]), signed(SECRET, BODY), BODY)
    assert (note.kind, note.status, note.pg_order_id, note.identity) == ("status", "paid", "pay-0001",
                                                                          "portone:msg_1")
    assert note.needs_lookup is True


def test_portone_forged_signature_is_rejected() -> None:
    with pytest.raises(WebhookRejected) as exc:
        PortOne(webhook_secrets=[SECRET]).parse_webhook(signed(OLD, BODY), BODY, NOW)
    assert exc.value.reason == "SIGNATURE_INVALID"


def test_portone_tampered_body_is_rejected() -> None:
    headers = signed(SECRET, BODY)
    tampered = BODY.replace(b"pay-0001", b"pay-0002")
    with pytest.raises(WebhookRejected) as exc:
        PortOne(webhook_secrets=[SECRET]).parse_webhook(headers, tampered, NOW)
    assert exc.value.reason == "SIGNATURE_INVALID"


@pytest.mark.parametrize("skew", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_portone_stale_or_future_timestamp_is_rejected(skew: timedelta) -> None:
    with pytest.raises(WebhookRejected) as exc:
        PortOne(webhook_secrets=[SECRET]).parse_webhook(signed(SECRET, BODY, NOW + skew), BODY, NOW)
    assert exc.value.reason == "TIMESTAMP_OUT_OF_TOLERANCE"


def test_portone_within_tolerance_and_rotation_accepts_either_secret() -> None:
    pg = PortOne(webhook_secrets=[SECRET, OLD])
    assert _read(pg, signed(OLD, BODY, NOW - timedelta(minutes=4)), BODY).status == "paid"
    assert _read(pg, signed(SECRET, BODY), BODY).status == "paid"
    # after the rotation ends the old secret no longer works
    with pytest.raises(WebhookRejected):
        PortOne(webhook_secrets=[SECRET]).parse_webhook(signed(OLD, BODY), BODY, NOW)


def test_portone_missing_headers_are_rejected() -> None:
    with pytest.raises(WebhookRejected) as exc:
        PortOne(webhook_secrets=[SECRET]).parse_webhook({}, BODY, NOW)
    assert exc.value.reason == "SIGNATURE_MISSING"


def test_portone_event_types() -> None:
    pg = PortOne(webhook_secrets=[SECRET])
    for typ, kind, status in [("Transaction.VirtualAccountIssued", "va_issued", "waiting"),
                              ("Transaction.Cancelled", "status", "cancelled"),
                              ("Transaction.PartialCancelled", "status", "partial_cancelled"),
                              ("Transaction.Ready", "other", "unknown")]:
        body = json.dumps({"type": typ, "timestamp": "2026-03-01T03:00:00Z", "data": {"paymentId": "p-1"}}).encode()
        note = _read(pg, signed(SECRET, body), body)
        assert (note.kind, note.status) == (kind, status), typ


def test_toss_deposit_callback_identity_status_and_kst_time() -> None:
    body = json.dumps({"createdAt": "2026-03-01T12:30:00.000000", "secret": "s3cr3t-value", "status": "DONE",
                       "transactionKey": "tx-9", "orderId": "ord-000001"}).encode()
    assert TossPayments().parse_webhook({}, body, NOW).read is False  # nothing read before authentication
    note = _read(TossPayments(), {}, body)
    assert note.kind == "deposit"
    assert note.identity == "toss:deposit:ord-000001:tx-9:DONE"
    assert note.status == "paid"
    assert note.presented_secret == "s3cr3t-value"
    assert note.occurred_at == "2026-03-01T03:30:00.000000Z"  # 12:30 KST
    assert "secret" not in note.raw
    error = json.loads(body) | {"status": "WAITING_FOR_DEPOSIT"}
    assert _read(TossPayments(), {}, json.dumps(error).encode()).status == "waiting"
    cancelled = json.loads(body) | {"status": "CANCELED"}
    assert _read(TossPayments(), {}, json.dumps(cancelled).encode()).status == "cancelled"


def test_toss_payment_status_changed_needs_a_lookup() -> None:
    body = json.dumps({"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": "2026-03-01T12:30:00.000000",
                       "data": {"paymentKey": "pk-1", "orderId": "ord-000001", "status": "CANCELED",
                                "lastTransactionKey": "cx-1", "totalAmount": 1000}}).encode()
    note = _read(TossPayments(), {}, body)
    assert (note.kind, note.needs_lookup, note.status, note.payment_key) == ("status", True, "cancelled", "pk-1")
    assert note.identity == "toss:psc:pk-1:CANCELED:cx-1"


def test_an_unsigned_toss_notice_must_agree_with_the_pg_a_signed_portone_one_is_not_compared() -> None:
    body = json.dumps({"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": "2026-03-01T12:30:00.000000",
                       "data": {"paymentKey": "pk-1", "orderId": "ord-000001", "status": "CANCELED",
                                "lastTransactionKey": "cx-1", "totalAmount": 1000}}).encode()
    toss = TossPayments()
    note = _read(toss, {}, body)
    pg = PgPayment(provider="toss", payment_key="pk-1", pg_order_id="ord-000001", status="cancelled", amount=1000)
    assert toss.disagreement(note, pg) is None
    assert toss.disagreement(note, replace(pg, amount=900)) == "body cancelled/1000, PG cancelled/900"
    assert toss.disagreement(note, replace(pg, status="paid")) is not None
    portone = PortOne(webhook_secrets=[SECRET])
    assert portone.disagreement(_read(portone, signed(SECRET, BODY), BODY), replace(pg, status="paid")) is None


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"orderId": "x"}'])
def test_toss_malformed_bodies_are_rejected(body: bytes) -> None:
    with pytest.raises(WebhookRejected):
        TossPayments().parse_webhook({}, body, NOW)
