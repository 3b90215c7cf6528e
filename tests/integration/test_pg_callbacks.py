"""PG callbacks through the webhooks handler on DynamoDB Local: genuine, forged, stale, replayed,
duplicated (100 at once), racing a manual confirmation; unknown orders and settled payments."""

from __future__ import annotations

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from oms.domain.clock import parse_iso
from oms.domain.order import Actor
from oms.domain.statuses import Status
from oms.services import payments
from oms.store import orders as store
from oms.store import payments as pay_store
from oms.store import stock
from oms_local.pg_sandbox import PgSandbox
from tests.integration.payments_support import deliver, sandbox_fixture, snapshot, va_order  # noqa: F401

ADMIN = Actor("admin", "admin-1", "관리자")


def _paid(snap: dict, amount: int) -> None:
    assert snap["statuses"] == ["preparing"]
    assert snap["paid_total"] == amount
    assert [p["status"] for p in snap["payments"]] == ["paid"]


# ---- Toss style: deposit callback authenticated by the account's secret --------------------------


def test_toss_genuine_deposit_moves_units_and_records_payment_time(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id)
    pg.approved_at = datetime.now(UTC)
    pg.status = "DONE"
    headers, body = sandbox.callback("toss", pg)
    status, answer = deliver("toss", headers, body)
    assert (status, answer["result"], answer["action"]) == (200, "applied", "deposit")
    snap = snapshot(site_id, order_id)
    _paid(snap, 10000)
    pay = snap["payments"][0]
    # the payment time is the PG's own (looked up), to the second as the PG gives it; not the body's
    assert parse_iso(pay["paid_at"]) == pg.approved_at.replace(microsecond=0)
    assert pay["deposit_source"] == "pg"
    assert pay["confirmed_by"]["kind"] == "pg"
    assert "deposit_secret" not in pay and "secret" not in json.dumps(pay)
    assert snap["events"].count("payment") == 1 and snap["events"].count("status_changed") == 1
    header = store.get_header(site_id, order_id)
    assert "GSI3PK" not in header  # no longer waiting: out of the expiry index


def test_toss_forged_secret_is_401_and_changes_nothing(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id)
    before = snapshot(site_id, order_id)
    headers, body = sandbox.callback("toss", pg, "forged", status="DONE")
    status, answer = deliver("toss", headers, body)
    assert status == 401 and answer["reason"] == "SECRET_MISMATCH"
    assert snapshot(site_id, order_id) == before


def test_toss_stale_deposit_is_401(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id)
    before = snapshot(site_id, order_id)
    headers, body = sandbox.callback("toss", pg, "stale", status="DONE")
    status, answer = deliver("toss", headers, body)
    assert status == 401 and answer["reason"] == "STALE"
    assert snapshot(site_id, order_id) == before


def test_toss_replayed_callback_changes_nothing_the_second_time(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id)
    headers, body = sandbox.callback("toss", sandbox.deposited(pg), status="DONE")
    first = deliver("toss", headers, body)
    after_first = snapshot(site_id, order_id)
    second = deliver("toss", headers, body)
    assert first == second == (200, {"result": "applied", "order_id": order_id, "action": "deposit"})
    assert snapshot(site_id, order_id) == after_first


def test_toss_payment_status_changed_is_checked_against_the_pg(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id)
    before = snapshot(site_id, order_id)
    # the body claims DONE, the PG says the account is still waiting: refused, nothing changes
    forged = {"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": "2026-03-01T12:00:00.000000",
              "data": {**pg.toss(), "status": "DONE"}}
    status, answer = deliver("toss", {"content-type": "application/json"}, json.dumps(forged).encode())
    assert status == 401 and answer["reason"] == "DISAGREES_WITH_PG"
    unknown = {"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": "2026-03-01T12:00:00.000000",
               "data": {**pg.toss(), "paymentKey": "no-such-payment", "status": "DONE"}}
    assert deliver("toss", {}, json.dumps(unknown).encode())[0] == 401
    assert snapshot(site_id, order_id) == before
    # once the PG agrees, the same kind of event applies
    sandbox.find("toss", pg.key).approved_at = datetime.now(UTC)
    sandbox.find("toss", pg.key).status = "DONE"
    genuine = {"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": "2026-03-01T12:00:00.000000",
               "data": sandbox.find("toss", pg.key).toss()}
    status, answer = deliver("toss", {}, json.dumps(genuine).encode())
    assert (status, answer["result"]) == (200, "applied")
    _paid(snapshot(site_id, order_id), 10000)


def test_toss_deposit_error_returns_units_to_payment_pending(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id)
    assert deliver("toss", *sandbox.callback("toss", sandbox.deposited(pg), status="DONE"))[0] == 200
    pg.approved_at, pg.status = None, "WAITING_FOR_DEPOSIT"  # the bank took the deposit back
    status, answer = deliver("toss", *sandbox.callback("toss", pg, status="WAITING_FOR_DEPOSIT"))
    assert (status, answer["action"]) == (200, "deposit_reversed")
    snap = snapshot(site_id, order_id)
    assert snap["statuses"] == ["payment_pending"] and snap["paid_total"] == 0
    assert snap["payments"][0]["status"] == "pending"
    assert "GSI3PK" in store.get_header(site_id, order_id)  # waiting again: back in the expiry index


# ---- PortOne style: Standard Webhooks ------------------------------------------------------------


def test_portone_genuine_forged_stale_and_replayed(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id, "portone", quantity=2, unit_price=15000)
    before = snapshot(site_id, order_id)
    pg.approved_at = datetime(2026, 3, 1, 1, 2, 3, tzinfo=UTC)
    pg.status = "PAID"
    assert deliver("portone", *sandbox.callback("portone", pg, "forged"))[0] == 401
    stale = deliver("portone", *sandbox.callback("portone", pg, "stale"))
    assert stale[0] == 401 and stale[1]["reason"] == "TIMESTAMP_OUT_OF_TOLERANCE"
    assert snapshot(site_id, order_id) == before

    genuine = sandbox.callback("portone", pg)
    status, answer = deliver("portone", *genuine)
    assert (status, answer["result"]) == (200, "applied")
    snap = snapshot(site_id, order_id)
    _paid(snap, 30000)
    assert snap["payments"][0]["paid_at"] == "2026-03-01T01:02:03.000000Z"  # the PG's payment time
    # the same message again (same webhook-id): the first result, nothing more
    assert deliver("portone", *genuine) == (status, answer)
    # a new delivery id of the same fact: settled, answered 200, noted on the order's timeline
    again = deliver("portone", *sandbox.callback("portone", pg))
    assert again[0] == 200 and again[1]["result"] == "settled"
    after = snapshot(site_id, order_id)
    assert after["version"] == snap["version"] and after["paid_total"] == 30000
    assert after["events"].count("payment") == 1
    assert after["events"].count("pg_callback_ignored") == 1
    # ... and not in the operator's callback log: nothing there needs a person
    assert not [i for i in _log("portone") if i["detail"].get("order_id") == order_id]


def test_portone_amount_mismatch_is_refused_and_recorded(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id, "portone")
    pg.amount = 9000  # the PG says less arrived than the order's amount
    pg.approved_at = datetime.now(UTC)
    pg.status = "PAID"
    status, answer = deliver("portone", *sandbox.callback("portone", pg))
    assert (status, answer["result"], answer["code"]) == (200, "refused", "DEPOSIT_AMOUNT_MISMATCH")
    snap = snapshot(site_id, order_id)
    assert snap["statuses"] == ["payment_pending"] and snap["paid_total"] == 0
    assert "refused" in snap["events"]
    (logged,) = [i for i in _log("portone") if i["detail"].get("order_id") == order_id]  # for a person
    assert (logged["outcome"], logged["detail"]["code"]) == ("refused", "DEPOSIT_AMOUNT_MISMATCH")
    assert logged["PK"].startswith("PGLOG#portone#") and logged["PK"].rsplit("#", 1)[1] in {"0", "1", "2", "3"}


def _log(provider: str) -> list[dict[str, Any]]:
    from oms.domain.clock import kst_date, utcnow

    return pay_store.callback_log(provider, kst_date(utcnow()).strftime("%Y%m%d"))


def test_unknown_order_is_answered_200_and_logged(sandbox: PgSandbox, site_id: str) -> None:
    pg = sandbox.issue_virtual_account("portone", f"{site_id}-nowhere", 5000)
    pg.approved_at = datetime.now(UTC)
    pg.status = "PAID"
    status, answer = deliver("portone", *sandbox.callback("portone", pg))
    assert (status, answer["result"]) == (200, "unknown_order")
    log = _log("portone")
    assert any(i["detail"].get("pg_order_id") == pg.key and i["outcome"] == "unknown_order" for i in log)


def test_unknown_provider_is_404(sandbox: PgSandbox) -> None:
    assert deliver("kakaopay", {}, b"{}")[0] == 404


# ---- exactly once under concurrency --------------------------------------------------------------


def test_same_callback_100_times_concurrently_counts_once(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id)
    before = snapshot(site_id, order_id)
    headers, body = sandbox.callback("toss", sandbox.deposited(pg), status="DONE")
    start = threading.Barrier(100)

    def one(_: int) -> tuple[int, str]:
        start.wait()
        status, answer = deliver("toss", headers, body)
        return status, str(answer.get("result") or answer.get("code"))

    with ThreadPoolExecutor(max_workers=100) as pool:
        answers = Counter(pool.map(one, range(100)))
    snap = snapshot(site_id, order_id)
    payment_events = snap["events"].count("payment")
    status_events = snap["events"].count("status_changed")
    new_events = len(snap["events"]) - len(before["events"])
    print(f"\n100 concurrent identical callbacks: answers={dict(answers)} payments_paid="
          f"{sum(p['status'] == 'paid' for p in snap['payments'])} payment_events={payment_events} "
          f"status_changes={status_events} new_timeline_entries={new_events} "
          f"version {before['version']}->{snap['version']}")
    assert sum(n for (s, _), n in answers.items() if s == 200) >= 1
    assert all(s in (200, 409) for s, _ in answers)
    assert answers.get((200, "settled"), 0) == 0  # no duplicate got past the idempotency layer
    _paid(snap, 10000)
    assert payment_events == 1
    assert status_events == 1
    assert new_events == 2  # the payment and its one status change
    assert snap["version"] == before["version"] + 1


def _race_once(sandbox: PgSandbox, site_id: str) -> None:
    order_id, payment_id, pg = va_order(sandbox, site_id)
    headers, body = sandbox.callback("toss", sandbox.deposited(pg), status="DONE")
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def callback() -> None:
        start.wait()
        results["callback"] = deliver("toss", headers, body)

    def manual() -> None:
        start.wait()
        try:
            payments.confirm_manual_deposit(site_id, order_id, payment_id, ADMIN)
            results["manual"] = "done"
        except Exception as exc:
            results["manual"] = getattr(exc, "code", repr(exc))

    threads = [threading.Thread(target=callback), threading.Thread(target=manual)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    snap = snapshot(site_id, order_id)
    _paid(snap, 10000)
    assert snap["events"].count("payment") == 1
    cb_status, cb_answer = results["callback"]  # type: ignore[misc]
    assert cb_status == 200
    if results["manual"] == "done":
        assert cb_answer["result"] == "settled"
    else:
        assert results["manual"] in ("PAYMENT_ALREADY_PAID", "PAYMENT_CHANGED", "VERSION_CONFLICT")
        assert cb_answer["result"] == "applied"


def test_callback_racing_manual_confirmation_counts_one_payment(sandbox: PgSandbox, site_id: str) -> None:
    for _ in range(3):
        _race_once(sandbox, site_id)


def test_manual_confirmation_after_the_callback_is_refused(sandbox: PgSandbox, site_id: str) -> None:
    order_id, payment_id, pg = va_order(sandbox, site_id)
    assert deliver("toss", *sandbox.callback("toss", sandbox.deposited(pg), status="DONE"))[0] == 200
    try:
        payments.confirm_manual_deposit(site_id, order_id, payment_id, ADMIN)
        raise AssertionError("a second deposit was accepted")
    except Exception as exc:
        assert getattr(exc, "code", None) == "PAYMENT_ALREADY_PAID"
    snap = snapshot(site_id, order_id)
    assert snap["paid_total"] == 10000 and snap["events"].count("payment") == 1
    assert "refused" in snap["events"]


# ---- cancellations and refunds --------------------------------------------------------------------


def test_pg_cancel_before_deposit_cancels_units_and_releases_stock(sandbox: PgSandbox, site_id: str) -> None:
    stock.set_quantity(site_id, "MUG-01", 10, "test")
    order_id, _, pg = va_order(sandbox, site_id, quantity=2, stock_sku="MUG-01")
    assert stock.tracked(site_id, ["MUG-01"]) == {"MUG-01": 8}
    sandbox.cancel("toss", pg.key, None, "구매자 요청", None)  # the account is cancelled at the PG
    status, answer = deliver("toss", *sandbox.callback("toss", pg, status="CANCELED"))
    assert (status, answer["action"]) == (200, "unpaid_cancelled")
    snap = snapshot(site_id, order_id)
    assert snap["statuses"] == ["cancelled"] and snap["closed"] is True
    assert snap["payments"][0]["status"] == "cancelled"
    assert stock.tracked(site_id, ["MUG-01"]) == {"MUG-01": 10}


def test_digital_goods_deposit_confirms_and_closes(sandbox: PgSandbox, site_id: str) -> None:
    order_id, _, pg = va_order(sandbox, site_id, kind="digital")
    assert deliver("toss", *sandbox.callback("toss", sandbox.deposited(pg), status="DONE"))[0] == 200
    order, _ = store.load_order(site_id, order_id)
    assert [line.status for line in order.lines] == [Status.CONFIRMED]
    assert order.closed is True
