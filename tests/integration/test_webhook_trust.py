"""PG callbacks trusted no further than needed, through the webhooks handler on DynamoDB Local:

- the body is read by its model only after the secret / signature was checked: any body, however
  malformed, answers 4xx problem+json (401 without valid authentication data), never a crash;
- what moves money out (Toss ``CANCELED``, PortOne ``Cancelled``) and the payment time are taken
  from the PG's own record of the payment (looked up), never from the callback's body;
- a payment time more than a few minutes in the future is refused, never stored.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oms.domain.clock import parse_iso
from oms_local.pg_sandbox import PgSandbox
from tests.integration.payments_support import (  # noqa: F401
    deliver,
    sandbox_fixture,
    snapshot,
    va_order,
    webhook_event,
)
from tests.support import FakeContext

BAD_CREATED_AT: list[Any] = [1772000000, 1.5, {"nested": {"deeper": [1, 2]}}, ["2026-03-01"], "garbage",
                             "2026-13-45T99:99:99", "", None, True]


def _deposit_body(pg: Any, *, secret: str | None = None, status: str = "DONE", **over: Any) -> bytes:
    body = {"createdAt": (datetime.now(UTC) + timedelta(hours=9)).replace(tzinfo=None).isoformat(),
            "secret": pg.secret if secret is None else secret, "status": status,
            "transactionKey": f"tx-{pg.key}-{status.lower()}", "orderId": pg.order_id}
    body.update(over)
    return json.dumps(body).encode()


def _raw(provider: str, body: bytes, *, b64: bool = False) -> tuple[int, dict[str, Any]]:
    from webhooks_api.app import lambda_handler

    event = webhook_event(provider, {"content-type": "application/json"}, b"")
    if b64:
        event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    else:
        event["body"] = body.decode("utf-8", errors="surrogateescape")
    resp = lambda_handler(event, FakeContext())
    return resp["statusCode"], {"content-type": resp["headers"]["content-type"], **json.loads(resp["body"])}


def _is_problem(answer: dict[str, Any], status: int) -> None:
    assert answer["content-type"] == "application/problem+json"
    assert answer["status"] == status and answer["code"] and answer["message_ko"]


# ---- no body crashes the function; unauthenticated callers only ever get 401/4xx -----------------


@pytest.mark.parametrize("created_at", BAD_CREATED_AT)
def test_bad_created_at_without_the_secret_is_401_never_a_crash(sandbox: PgSandbox, site_id: str,
                                                                created_at: Any) -> None:
    order_id, _, pg = va_order(sandbox, site_id)
    before = snapshot(site_id, order_id)
    status, answer = _raw("toss", _deposit_body(pg, secret="not-the-secret", createdAt=created_at))
    assert status == 401
    _is_problem(answer, 401)
    # and for an order id nobody knows
    status, answer = _raw("toss", _deposit_body(pg, secret="x", createdAt=created_at, orderId="no-such-order"))
    assert status == 401
    assert snapshot(site_id, order_id) == before


@pytest.mark.parametrize("created_at", BAD_CREATED_AT)
def test_bad_created_at_with_the_secret_is_a_422_problem_after_auth(sandbox: PgSandbox, site_id: str,
                                                                   created_at: Any) -> None:
    order_id, _, pg = va_order(sandbox, site_id)
    sandbox.deposited(pg)
    before = snapshot(site_id, order_id)
    status, answer = _raw("toss", _deposit_body(pg, createdAt=created_at))
    assert status == 422
    _is_problem(answer, 422)
    assert answer["code"] == "WEBHOOK_BODY_INVALID" and answer["field"] == "createdAt"
    assert snapshot(site_id, order_id) == before


@pytest.mark.parametrize("body", [
    b"\xff\xfe\xfa not utf-8",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b"[]", b"null", b"12", b'"text"',
    b'{"orderId": {"x": 1}, "secret": "s", "status": "DONE"}',
    b'{"orderId": "o", "secret": 12, "status": "DONE"}',
    b'{"eventType": "PAYMENT_STATUS_CHANGED", "data": {"paymentKey": ["x"], "status": "DONE"}}',
    b'{"eventType": "PAYMENT_STATUS_CHANGED", "data": "nope"}',
    b'{"eventType": 12}',
])
@pytest.mark.parametrize("provider", ["toss", "portone"])
def test_any_body_is_a_4xx_problem(provider: str, body: bytes) -> None:
    for b64 in (False, True):
        status, answer = _raw(provider, body, b64=b64)
        assert 400 <= status < 500, (status, answer)
        _is_problem(answer, status)


def test_body_that_is_not_base64_is_a_4xx(sandbox: PgSandbox) -> None:
    from webhooks_api.app import lambda_handler

    event = webhook_event("toss", {}, b"")
    event["body"], event["isBase64Encoded"] = "***not base64***", True
    resp = lambda_handler(event, FakeContext())
    assert resp["statusCode"] == 400


def test_portone_signed_body_with_bad_fields_is_a_422(sandbox: PgSandbox, site_id: str) -> None:
    from oms.integrations.pg import standard_webhooks
    from oms_local.pg_sandbox import DEV_PORTONE_WEBHOOK_SECRET

    now = int(datetime.now(UTC).timestamp())
    for data in ({"type": "Transaction.Paid", "timestamp": {"a": 1}, "data": {"paymentId": "p-1"}},
                 {"type": "Transaction.Paid", "timestamp": "2026-03-01T00:00:00Z", "data": {"paymentId": 12}},
                 {"type": "Transaction.Paid", "timestamp": 12, "data": {"paymentId": "p"}}):
        raw = json.dumps(data).encode()
        headers = {"webhook-id": "msg_x", "webhook-timestamp": str(now),
                   "webhook-signature": standard_webhooks.sign(DEV_PORTONE_WEBHOOK_SECRET, "msg_x", now, raw)}
        status, answer = deliver("portone", headers, raw)
        assert status == 422, answer
        assert answer["code"] == "WEBHOOK_BODY_INVALID"


# ---- money out and payment times come from the PG ------------------------------------------------


def test_toss_canceled_with_the_right_secret_records_no_refund_the_pg_did_not_make(
        sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id)
    assert deliver("toss", *sandbox.callback("toss", sandbox.deposited(pg), status="DONE"))[0] == 200
    status, answer = deliver("toss", *sandbox.callback("toss", pg, status="CANCELED"))
    assert status in (200, 401), answer
    snap = snapshot(site_id, order_id)
    assert snap["refunded_total"] == 0
    assert snap["payments"][0]["status"] == "paid"
    assert snap["statuses"] == ["preparing"]


def test_toss_canceled_confirmed_by_the_pg_records_the_pgs_refund(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id)
    assert deliver("toss", *sandbox.callback("toss", sandbox.deposited(pg), status="DONE"))[0] == 200
    sandbox.cancel("toss", pg.key, None, "PG 관리자 취소", {"bank": "국민", "accountNumber": "1", "holderName": "김"})
    status, answer = deliver("toss", *sandbox.callback("toss", pg, status="CANCELED"))
    assert (status, answer["action"]) == (200, "refund_recorded")
    snap = snapshot(site_id, order_id)
    assert snap["refunded_total"] == 10000
    assert list(snap["payments"][0]["refunds"]) == [pg.cancels[0]["key"]]  # the PG's id of its refund


def test_toss_created_at_in_2099_is_never_the_payment_time(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id)
    sandbox.deposited(pg)
    status, answer = deliver("toss", {}, _deposit_body(pg, createdAt="2099-01-01T00:00:00.000000"))
    assert status == 422 and answer["code"] in ("CALLBACK_TIME_IN_FUTURE", "WEBHOOK_BODY_INVALID")
    snap = snapshot(site_id, order_id)
    assert snap["statuses"] == ["payment_pending"]
    assert "paid_at" not in snap["payments"][0]


def test_toss_deposit_time_is_the_pgs_approval_time(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id)
    sandbox.deposited(pg).approved_at = datetime(2026, 3, 1, 1, 2, 3, tzinfo=UTC)
    # the body claims another (past, plausible) time: the PG's own record wins
    created = (datetime.now(UTC) + timedelta(hours=9)).replace(tzinfo=None).isoformat()
    status, answer = deliver("toss", {}, _deposit_body(pg, createdAt=created))
    assert (status, answer["action"]) == (200, "deposit"), answer
    pay = snapshot(site_id, order_id)["payments"][0]
    assert parse_iso(pay["paid_at"]) == datetime(2026, 3, 1, 1, 2, 3, tzinfo=UTC)


def test_a_pg_payment_time_in_the_future_is_refused(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id, "portone")
    sandbox.deposited(pg).approved_at = datetime(2099, 1, 1, tzinfo=UTC)
    status, answer = deliver("portone", *sandbox.callback("portone", pg))
    assert 400 <= status < 500 and answer["code"] == "PAID_AT_IN_FUTURE", answer
    snap = snapshot(site_id, order_id)
    assert snap["statuses"] == ["payment_pending"] and "paid_at" not in snap["payments"][0]


def test_portone_cancelled_is_taken_from_the_pg(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id, "portone")
    assert deliver("portone", *sandbox.callback("portone", sandbox.deposited(pg)))[0] == 200
    # a correctly signed "Cancelled" for a payment the PG still holds as paid moves no money
    status, _ = deliver("portone", *sandbox.callback("portone", pg, status="Transaction.Cancelled"))
    assert status == 200
    snap = snapshot(site_id, order_id)
    assert snap["refunded_total"] == 0 and snap["payments"][0]["status"] == "paid"


def test_a_deposit_the_pg_does_not_show_yet_is_retried_not_applied(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id)  # still waiting at the PG
    before = snapshot(site_id, order_id)
    status, answer = deliver("toss", {}, _deposit_body(pg))
    assert (status, answer["code"]) == (503, "PG_NOT_CONFIRMED")  # the PG retries later
    assert snapshot(site_id, order_id) == before
    sandbox.deposited(pg)
    status, answer = deliver("toss", {}, _deposit_body(pg))
    assert (status, answer["action"]) == (200, "deposit")


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                                max_size=4), max_leaves=12)
FIELDS = st.sampled_from(["orderId", "secret", "status", "createdAt", "transactionKey", "eventType", "data",
                          "type", "timestamp", "paymentKey", "totalAmount"])
BODIES = st.one_of(JSON, st.dictionaries(FIELDS, JSON, max_size=6),
                   st.builds(lambda d, e: {**d, "eventType": "PAYMENT_STATUS_CHANGED", "data": e},
                             st.dictionaries(FIELDS, JSON, max_size=3), st.dictionaries(FIELDS, JSON, max_size=4)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES, provider=st.sampled_from(["toss", "portone"]))
def test_generated_unauthenticated_bodies_never_fail_the_function(sandbox: PgSandbox, body: Any,
                                                                  provider: str) -> None:
    status, answer = _raw(provider, json.dumps(body).encode())
    assert status < 500, (status, answer)
    if status >= 400:
        _is_problem(answer, status)
    else:  # an event type nothing is done with: noted, nothing applied
        assert answer.get("result") == "noted", answer
