"""The single-table store on DynamoDB Local: intake, versioned changes, races, stock, the list.

Every assertion reads the table back (items of the order partition, tab counts, the indexes), so a
write that was skipped or half-done shows up here.
"""

from __future__ import annotations

import copy
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest

from oms.domain.clock import kst_date, utcnow
from oms.domain.errors import DomainError
from oms.domain.moves import Move, apply_moves
from oms.domain.order import SYSTEM, Actor, Buyer, Event, Option, Recipient, Shipment
from oms.domain.pricing import LineInput, build_order
from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind, Status
from oms.schemas.orders import IntakeOrderIn, ListQuery, MoveIn
from oms.services import intake, listing
from oms.services import orders as svc
from oms.store import keys, stock
from oms.store import orders as store
from oms.store.table import query_all
from tests.support import as_guest, order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

ADMIN = Actor("admin", "admin-1", "관리자")
TEE_SKU = "TEE-01|색상=블랙|사이즈=L"
ORDER_NO = re.compile(r"^\d{8}-\d{6}$")


# ---- helpers --------------------------------------------------------------------------------


def create(site_id: str, body: dict[str, Any] | None = None, **over: Any) -> str:
    order_id, created = intake.create_order(IntakeOrderIn.model_validate(body or order_payload(site_id, **over)))
    assert created
    return order_id


def va_payload(site_id: str, **over: Any) -> dict[str, Any]:
    body = order_payload(site_id, **over)
    body["payment"]["method"] = "virtual_account"
    body["payment"]["virtual_account"] = {"bank": "국민은행", "account_no": "123-456-789012", "holder": "주식회사 샵",
                                          "due_at": "2030-01-01T00:00:00+09:00"}
    return body


def partition(site_id: str, order_id: str) -> list[dict[str, Any]]:
    return query_all(
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.order_pk(site_id, order_id)}},
    )


def header(site_id: str, order_id: str) -> dict[str, Any]:
    [item] = [i for i in partition(site_id, order_id) if i["SK"] == keys.HEADER_SK]
    return item


def table_lines(site_id: str, order_id: str) -> dict[str, tuple[str, int]]:
    return {d["line_id"]: (d["status"], int(d["quantity"]))
            for i in partition(site_id, order_id) if i["SK"].startswith(keys.LINES_PREFIX) for d in i["lines"]}


def table_tabs(site_id: str, order_id: str) -> set[str]:
    return {i["SK"].removeprefix("TAB#") for i in partition(site_id, order_id) if i["SK"].startswith("TAB#")}


def table_events(site_id: str, order_id: str, kind: str | None = None) -> list[dict[str, Any]]:
    """Every event on the order's timeline, oldest first (one item per change holds its events)."""
    items = [i for i in partition(site_id, order_id) if i["SK"].startswith(keys.TIMELINE_PREFIX)]
    return [e for i in items for e in i["events"] if kind is None or e["kind"] == kind]


def admin_moves(site_id: str, order_id: str) -> list[dict[str, Any]]:
    """The status changes an admin made (intake's own moves are the system's)."""
    return [e for e in table_events(site_id, order_id, "status_changed") if e["actor"]["kind"] == "admin"]


def change(site_id: str, order_id: str, *moves: tuple[str, str, int | None], **kw: Any) -> None:
    svc.change_status(site_id, order_id, [MoveIn(line_id=lid, to=Status(to), quantity=q) for lid, to, q in moves],
                      ADMIN, **kw)


def ids(result: dict[str, Any]) -> list[str]:
    return [row["order_id"] for row in result["orders"]]


def stock_of(site_id: str, sku: str) -> int | None:
    return {s["sku"]: s["quantity"] for s in stock.list_stock(site_id)}.get(sku)


# ---- intake ---------------------------------------------------------------------------------


def test_intake_writes_header_lines_tabs_lookups_counts_and_events(site_id: str) -> None:
    order_id = create(site_id)

    assert ORDER_NO.match(order_id)
    head = header(site_id, order_id)
    assert int(head["version"]) == 1
    assert int(head["order_amount"]) == 76700 and int(head["outstanding"]) == 0
    assert head["status_qty"] == {"preparing": 4}
    assert table_lines(site_id, order_id) == {"L001": ("preparing", 3), "L002": ("preparing", 1)}
    assert table_tabs(site_id, order_id) == {"preparing"}
    lookups = {i["SK"] for i in partition(site_id, order_id) if i["SK"].startswith("LK#")}
    assert {"LK#buyer_name#김민지", "LK#buyer_phone#01012345678", "LK#recipient_name#김민지",
            "LK#member#m-100"} <= lookups
    assert store.tab_counts(site_id) == {"all": 1, "preparing": 1}
    kinds = sorted(e["kind"] for e in table_events(site_id, order_id))
    assert kinds == ["order_created", "payment", "points_used", "status_changed", "status_changed"]

    order, _ = store.load_order(site_id, order_id)
    assert [(li.coupon_discount, li.points_used, li.paid_amount) for li in order.lines] == [
        (2421, 807, 59472), (579, 193, 14228)]
    assert order.line("L001").stock_keys == []  # no stock is kept for it on this site
    assert order.paid_total == 76700


def test_an_order_survives_the_round_trip_through_the_table(site_id: str) -> None:
    order = build_order(
        site_id=site_id, order_id="20240301-000777", created_at="2024-03-01T03:00:00.000000Z",
        channel=Channel.KAKAO_CHECKOUT, payment_method=PaymentMethod.EASY_PAY, scope=DeliveryScope.OVERSEAS,
        buyer=Buyer("Jane Doe", "+1 415 555 0100", "jane@example.com"),
        recipient=Recipient("Jane", "+1 415 555 0100", "94103", "1 Market St", "Apt 2", "문 앞"),
        lines=[LineInput("TEE-01", "오버핏 티셔츠", ProductKind.PHYSICAL, 2, 19900,
                         options=[Option("색상", "블랙"), Option("사이즈", "L", 1000)], combination=True,
                         product_discount=900),
               LineInput("VIP-30", "VIP 이용권", ProductKind.MEMBERSHIP_PASS, 1, 9900, membership_days=30)],
        shipping_fee=25000, shipping_fee_cod=True, coupon_total=1001, points_total=333, paid=True,
    )
    order.shipments["SH1"] = Shipment("SH1", "parcel", "ems", "EE123456789KR", created_at=order.created_at)
    order.line("L001").shipment_id = "SH1"
    store.create(order, [Event("order_created", SYSTEM, order.created_at, {"text_ko": "주문 접수"})])

    loaded, _ = store.load_order(site_id, order.order_id)
    assert loaded.as_dict() == order.as_dict()
    assert loaded.version == 1
    lookups = {i["SK"] for i in partition(site_id, order.order_id) if i["SK"].startswith("LK#")}
    assert "LK#tracking#EE123456789KR" in lookups
    assert "LK#buyer_name#janedoe" in lookups


def test_same_checkout_twice_gives_one_order(site_id: str) -> None:
    body = order_payload(site_id)
    first, created = intake.create_order(IntakeOrderIn.model_validate(body))
    again, created_again = intake.create_order(IntakeOrderIn.model_validate(body))
    assert (created, created_again) == (True, False)
    assert again == first
    assert ids(listing.list_orders(site_id, ListQuery())) == [first]
    assert store.tab_counts(site_id) == {"all": 1, "preparing": 1}


def test_concurrent_retries_of_one_checkout_create_one_order(site_id: str) -> None:
    body = IntakeOrderIn.model_validate(order_payload(site_id))
    barrier = threading.Barrier(6)

    def submit(_: int) -> tuple[str, bool]:
        barrier.wait()
        return intake.create_order(body)

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(submit, range(6)))
    assert len({order_id for order_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert len(ids(listing.list_orders(site_id, ListQuery()))) == 1
    assert store.tab_counts(site_id) == {"all": 1, "preparing": 1}


def test_order_numbers_are_unique_per_site_and_shaped_yyyymmdd_nnnnnn(site_id: str) -> None:
    days = {kst_date(utcnow()).strftime("%Y%m%d")}
    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(lambda _: create(site_id), range(12)))
    days.add(kst_date(utcnow()).strftime("%Y%m%d"))

    assert all(ORDER_NO.match(n) for n in numbers)
    assert len(set(numbers)) == 12
    assert {n[:8] for n in numbers} <= days
    if len(days) == 1:
        assert sorted(int(n[9:]) for n in numbers) == list(range(1, 13))
    # numbering is per site: another shop starts again at 1
    other = f"{site_id}-b"
    assert create(other)[9:] == "000001"


# ---- a status change ------------------------------------------------------------------------


def test_status_change_writes_version_lines_tabs_counts_and_timeline_together(site_id: str) -> None:
    order_id = create(site_id)

    change(site_id, order_id, ("L001", "ready_to_ship", 1))

    head = header(site_id, order_id)
    assert int(head["version"]) == 2
    assert head["status_qty"] == {"preparing": 3, "ready_to_ship": 1}
    assert table_lines(site_id, order_id) == {
        "L001": ("preparing", 2), "L002": ("preparing", 1), "L003": ("ready_to_ship", 1)}
    items = {i["SK"]: i for i in partition(site_id, order_id)}
    stored = {d["line_id"]: d for d in items[keys.lines_sk(0)]["lines"]}
    assert stored["L003"]["origin_line_id"] == "L001"
    assert int(stored["L003"]["coupon_discount"]) + int(stored["L001"]["coupon_discount"]) == 2421
    assert table_tabs(site_id, order_id) == {"preparing", "ready_to_ship"}
    assert items["TAB#ready_to_ship"]["status_qty"] == {"preparing": 3, "ready_to_ship": 1}
    assert items["TAB#preparing"]["version"] == 2
    assert store.tab_counts(site_id) == {"all": 1, "preparing": 1, "ready_to_ship": 1}
    [event] = admin_moves(site_id, order_id)
    assert event["data"]["from"] == "preparing" and event["data"]["to"] == "ready_to_ship"
    assert int(event["data"]["quantity"]) == 1 and event["data"]["split_to"] == "L003"
    assert event["actor"]["id"] == "admin-1"

    # the rest follows: the order leaves the preparing tab and its count
    change(site_id, order_id, ("L001", "ready_to_ship", None), ("L002", "ready_to_ship", None))
    assert int(header(site_id, order_id)["version"]) == 3
    assert table_tabs(site_id, order_id) == {"ready_to_ship"}
    assert store.tab_counts(site_id) == {"all": 1, "ready_to_ship": 1}
    assert ids(listing.list_orders(site_id, ListQuery(tab="ready_to_ship"))) == [order_id]
    assert ids(listing.list_orders(site_id, ListQuery(tab="preparing"))) == []
    assert listing.list_orders(site_id, ListQuery())["counts"] == {"all": 1, "ready_to_ship": 1}


def test_refused_change_is_recorded_on_the_timeline_and_changes_nothing(site_id: str) -> None:
    order_id = create(site_id)
    before = {i["SK"]: i for i in partition(site_id, order_id) if not i["SK"].startswith(keys.TIMELINE_PREFIX)}

    with pytest.raises(DomainError) as err:
        change(site_id, order_id, ("L001", "delivered", None))
    assert err.value.code == "STEP_SKIP_NOT_ALLOWED"

    after = {i["SK"]: i for i in partition(site_id, order_id) if not i["SK"].startswith(keys.TIMELINE_PREFIX)}
    assert after == before
    assert int(header(site_id, order_id)["version"]) == 1
    [refused] = table_events(site_id, order_id, "refused")
    assert refused["data"]["code"] == "STEP_SKIP_NOT_ALLOWED"
    assert refused["data"]["action"] == "status_change"
    assert refused["data"]["line_id"] == "L001"
    assert re.search(r"[가-힣]", refused["data"]["text_ko"])
    assert refused["actor"]["kind"] == "admin"
    assert store.tab_counts(site_id) == {"all": 1, "preparing": 1}


def test_stale_expected_version_is_a_conflict(site_id: str) -> None:
    order_id = create(site_id)
    change(site_id, order_id, ("L002", "ready_to_ship", None), expected_version=1)
    with pytest.raises(DomainError) as err:
        change(site_id, order_id, ("L001", "ready_to_ship", None), expected_version=1)
    assert (err.value.code, err.value.status) == ("VERSION_CONFLICT", 409)
    assert table_lines(site_id, order_id) == {"L001": ("preparing", 3), "L002": ("ready_to_ship", 1)}
    assert int(header(site_id, order_id)["version"]) == 2


def test_exchange_replacement_line_is_saved(site_id: str) -> None:
    order_id = create(site_id)
    for to in ("ready_to_ship", "shipping", "exchange_requested", "exchange_collecting", "exchanged"):
        change(site_id, order_id, ("L002", to, None))

    assert table_lines(site_id, order_id) == {
        "L001": ("preparing", 3), "L002": ("exchanged", 1), "L003": ("preparing", 1)}
    order, _ = store.load_order(site_id, order_id)
    assert order.line("L003").exchange_of == "L002"
    assert order.next_line_no == 4
    assert table_tabs(site_id, order_id) == {"preparing", "exchanged"}
    assert store.tab_counts(site_id) == {"all": 1, "preparing": 1, "exchanged": 1}
    # the replacement can be worked like any line
    change(site_id, order_id, ("L003", "ready_to_ship", None))
    assert table_lines(site_id, order_id)["L003"] == ("ready_to_ship", 1)


# ---- two writers ----------------------------------------------------------------------------


def test_two_writers_exactly_one_wins_and_nothing_of_the_loser_is_written(site_id: str) -> None:
    order_id = create(site_id)
    first, _ = store.load_order(site_id, order_id)
    second, _ = store.load_order(site_id, order_id)
    # both changes split L001 and so both create a line L003
    a = apply_moves(first, [Move("L001", Status.READY_TO_SHIP, 1)], ADMIN, "2030-01-01T00:00:01.000000Z")
    b = apply_moves(second, [Move("L001", Status.CANCEL_REQUESTED, 2), Move("L002", Status.CANCEL_REQUESTED)],
                    ADMIN, "2030-01-01T00:00:02.000000Z")

    store.save(first, a.order, a.events, a.touched_lines)
    with pytest.raises(DomainError) as err:
        store.save(second, b.order, b.events, b.touched_lines)
    assert (err.value.code, err.value.status) == ("VERSION_CONFLICT", 409)

    assert int(header(site_id, order_id)["version"]) == 2
    assert table_lines(site_id, order_id) == {
        "L001": ("preparing", 2), "L002": ("preparing", 1), "L003": ("ready_to_ship", 1)}
    assert table_tabs(site_id, order_id) == {"preparing", "ready_to_ship"}
    assert store.tab_counts(site_id) == {"all": 1, "preparing": 1, "ready_to_ship": 1}
    assert [e["data"]["to"] for e in admin_moves(site_id, order_id)] == ["ready_to_ship"]
    loaded, _ = store.load_order(site_id, order_id)
    assert loaded.as_dict() == {**a.order.as_dict(), "version": 2}


def test_racing_threads_on_one_version_exactly_one_save_succeeds(site_id: str) -> None:
    order_id = create(site_id)
    n = 8
    barrier = threading.Barrier(n)

    def attempt(i: int) -> str:
        before, _ = store.load_order(site_id, order_id)
        moved = apply_moves(before, [Move("L002", Status.READY_TO_SHIP)], ADMIN, f"2030-01-01T00:00:0{i}.000000Z")
        barrier.wait()  # every thread holds version 1 before anyone saves
        try:
            store.save(before, moved.order, moved.events, moved.touched_lines)
        except DomainError as exc:
            return exc.code
        return "saved"

    with ThreadPoolExecutor(max_workers=n) as pool:
        outcomes = list(pool.map(attempt, range(n)))
    assert sorted(outcomes) == ["VERSION_CONFLICT"] * (n - 1) + ["saved"]
    assert int(header(site_id, order_id)["version"]) == 2
    assert table_lines(site_id, order_id) == {"L001": ("preparing", 3), "L002": ("ready_to_ship", 1)}
    assert len(admin_moves(site_id, order_id)) == 1
    assert store.tab_counts(site_id) == {"all": 1, "preparing": 1, "ready_to_ship": 1}


def test_racing_admins_through_the_service_move_the_units_once(site_id: str) -> None:
    """Eight admins press the same button on the same version of the detail: one change happens."""
    order_id = create(site_id)
    n = 8
    barrier = threading.Barrier(n)

    def attempt(_: int) -> str:
        barrier.wait()
        try:
            change(site_id, order_id, ("L001", "ready_to_ship", 1), expected_version=1)
        except DomainError as exc:
            return exc.code
        return "done"

    with ThreadPoolExecutor(max_workers=n) as pool:
        outcomes = list(pool.map(attempt, range(n)))
    assert sorted(outcomes) == ["VERSION_CONFLICT"] * (n - 1) + ["done"]
    assert table_lines(site_id, order_id) == {
        "L001": ("preparing", 2), "L002": ("preparing", 1), "L003": ("ready_to_ship", 1)}
    assert int(header(site_id, order_id)["version"]) == 2
    assert len(admin_moves(site_id, order_id)) == 1


# ---- stock ----------------------------------------------------------------------------------


def test_stock_is_deducted_at_intake_refused_when_short_and_restored_on_cancel(site_id: str) -> None:
    stock.set_quantity(site_id, TEE_SKU, 2, "admin-1")
    body = order_payload(site_id)  # 3 × the combination SKU
    with pytest.raises(DomainError) as err:
        intake.create_order(IntakeOrderIn.model_validate(body))
    assert (err.value.code, err.value.status) == ("OUT_OF_STOCK", 409)
    assert err.value.extra["sku"] == TEE_SKU and err.value.extra["available"] == 2
    assert stock_of(site_id, TEE_SKU) == 2
    assert ids(listing.list_orders(site_id, ListQuery())) == []
    assert store.tab_counts(site_id) == {}

    lines = copy.deepcopy(body["lines"])
    lines[0]["quantity"] = 2
    order_id = create(site_id, order_payload(site_id, lines=lines))
    assert stock_of(site_id, TEE_SKU) == 0
    order, _ = store.load_order(site_id, order_id)
    assert order.line("L001").stock_keys == [TEE_SKU]
    assert order.line("L002").stock_keys == []  # the cap's stock is not kept

    # the refused checkout's guard was never written: it can be retried once stock arrives
    stock.set_quantity(site_id, TEE_SKU, 5, "admin-1")
    retried, created = intake.create_order(IntakeOrderIn.model_validate(body))
    assert created and retried != order_id
    assert stock_of(site_id, TEE_SKU) == 2

    change(site_id, order_id, ("L001", "cancel_requested", 1))
    assert stock_of(site_id, TEE_SKU) == 2  # a request gives nothing back yet
    change(site_id, order_id, ("L003", "cancelled", None))
    assert stock_of(site_id, TEE_SKU) == 3
    change(site_id, order_id, ("L001", "cancel_requested", None))
    change(site_id, order_id, ("L001", "cancelled", None))
    assert stock_of(site_id, TEE_SKU) == 4


def test_out_of_stock_on_a_second_line_refuses_the_whole_order(site_id: str) -> None:
    stock.set_quantity(site_id, TEE_SKU, 10, "admin-1")
    stock.set_quantity(site_id, "CAP-02", 0, "admin-1")
    with pytest.raises(DomainError) as err:
        create(site_id)
    assert err.value.code == "OUT_OF_STOCK" and err.value.extra["sku"] == "CAP-02"
    assert stock_of(site_id, TEE_SKU) == 10
    assert stock_of(site_id, "CAP-02") == 0
    assert store.tab_counts(site_id) == {}


# ---- the list -------------------------------------------------------------------------------


def test_pages_of_ten_walk_all_orders_newest_first(site_id: str) -> None:
    created = [create(site_id) for _ in range(25)]

    seen: list[str] = []
    cursor: str | None = None
    sizes = []
    for _ in range(3):
        page = listing.list_orders(site_id, ListQuery(limit=10, cursor=cursor))
        sizes.append(len(page["orders"]))
        seen += ids(page)
        cursor = page["next_cursor"]
    assert sizes == [10, 10, 5]
    assert cursor is None
    assert seen == list(reversed(created))
    assert len(set(seen)) == 25
    created_at = [row["created_at"] for row in listing.list_orders(site_id, ListQuery(limit=100))["orders"]]
    assert created_at == sorted(created_at, reverse=True)
    assert listing.list_orders(site_id, ListQuery(limit=100))["counts"] == {"all": 25, "preparing": 25}


def test_a_page_that_ends_exactly_at_the_last_order_has_no_cursor(site_id: str) -> None:
    for _ in range(4):
        create(site_id)
    page = listing.list_orders(site_id, ListQuery(limit=2))
    assert page["next_cursor"]
    last = listing.list_orders(site_id, ListQuery(limit=2, cursor=page["next_cursor"]))
    assert len(last["orders"]) == 2 and last["next_cursor"] is None


def test_list_filters_by_payment_method_channel_and_buyer_type(site_id: str) -> None:
    card = create(site_id)
    guest_body = va_payload(site_id)
    guest_body = as_guest(guest_body, guest_body["buyer"]["name"], guest_body["buyer"]["phone"])
    va_guest = create(site_id, guest_body)
    naver = create(site_id, channel="naverpay_order")

    def q(**kw: Any) -> list[str]:
        return ids(listing.list_orders(site_id, ListQuery(**kw)))

    assert q() == [naver, va_guest, card]
    assert q(payment_method="virtual_account") == [va_guest]
    assert q(payment_method="card") == [naver, card]
    assert q(channel="naverpay_order") == [naver]
    assert q(buyer_type="guest") == [va_guest]
    assert q(buyer_type="member") == [naver, card]
    assert q(payment_method="card", channel="store") == [card]
    assert q(tab="payment_pending") == [va_guest]
    assert q(tab="payment_pending", buyer_type="member") == []
    rows = {r["order_id"]: r for r in listing.list_orders(site_id, ListQuery())["orders"]}
    assert rows[va_guest]["buyer_type"] == "guest" and rows[va_guest]["status_qty"] == {"payment_pending": 4}
    assert [p["line_id"] for p in rows[card]["preview"]] == ["L001", "L002"]
    assert store.tab_counts(site_id) == {"all": 3, "preparing": 2, "payment_pending": 1}


def _stored_order(site_id: str, order_id: str, created_at: str) -> None:
    order = build_order(
        site_id=site_id, order_id=order_id, created_at=created_at, channel=Channel.STORE,
        payment_method=PaymentMethod.CARD, scope=DeliveryScope.DOMESTIC, buyer=Buyer("이서연", "010-2222-3333"),
        recipient=Recipient("이서연", "010-2222-3333", "06236", "서울특별시 강남구 테헤란로 1"),
        lines=[LineInput("CAP-02", "볼캡", ProductKind.PHYSICAL, 1, 15000)], shipping_fee=0,
        shipping_fee_cod=False, coupon_total=0, points_total=0, paid=True,
    )
    store.create(order, [Event("order_created", SYSTEM, created_at, {})])


def test_date_filters_are_kst_calendar_days(site_id: str) -> None:
    _stored_order(site_id, "A", "2024-03-01T14:59:59.999999Z")  # 03-01 23:59:59 KST
    _stored_order(site_id, "B", "2024-03-01T15:00:00.000000Z")  # 03-02 00:00:00 KST
    _stored_order(site_id, "C", "2024-03-02T14:59:59.999999Z")  # 03-02 23:59:59 KST
    _stored_order(site_id, "D", "2024-03-02T15:00:00.000000Z")  # 03-03 00:00:00 KST

    def q(**kw: Any) -> list[str]:
        return ids(listing.list_orders(site_id, ListQuery(**kw)))

    day = date(2024, 3, 2)
    assert q(date_from=day, date_to=day) == ["C", "B"]
    assert q(date_to=day - timedelta(days=1)) == ["A"]
    assert q(date_from=day + timedelta(days=1)) == ["D"]
    assert q(date_from=day - timedelta(days=1), date_to=day) == ["C", "B", "A"]
    assert q(date_from=day, date_to=day, buyer_name="이서연") == ["C", "B"]
    assert q(date_from=day, date_to=day, limit=1) == ["C"]


def test_lookups_by_buyer_recipient_phone_and_order_number(site_id: str) -> None:
    mine = create(site_id)
    other_body = as_guest(order_payload(site_id), "박 지훈", "010-9876-5432")
    other_body["recipient"]["name"] = "박지훈 부모님"
    other = create(site_id, other_body)
    elsewhere = f"{site_id}-x"
    create(elsewhere)  # the same buyer at another shop

    def q(**kw: Any) -> list[str]:
        return ids(listing.list_orders(site_id, ListQuery(**kw)))

    assert q(buyer_name="김민지") == [mine]
    assert q(buyer_name="박지훈") == [other]
    assert q(buyer_name=" 박 지훈 ") == [other]
    assert q(buyer_phone="01098765432") == [other]
    assert q(buyer_phone="010-9876-5432") == [other]
    assert q(buyer_phone="010-1234-5678") == [mine]
    assert q(recipient_name="박지훈부모님") == [other]
    assert q(recipient_name="김민지") == [mine]
    assert q(order_id=other) == [other]
    assert q(order_id=mine, payment_method="virtual_account") == []
    assert q(order_id="20000101-000001") == []
    assert q(buyer_name="홍길동") == []
    assert q(buyer_name="김민지", buyer_type="guest") == []


def test_list_rows_show_the_last_memo(site_id: str) -> None:
    order_id = create(site_id)
    svc.memo(site_id, order_id, "  고객 요청: 문 앞에 두기  ", ADMIN)
    svc.memo(site_id, order_id, "포장 두 번", ADMIN)
    [row] = listing.list_orders(site_id, ListQuery())["orders"]
    assert row["last_memo"]["text"] == "포장 두 번"
    assert row["memo_count"] == 2
    [tab_row] = listing.list_orders(site_id, ListQuery(tab="preparing"))["orders"]  # rows of a status tab too
    assert tab_row["last_memo"]["text"] == "포장 두 번" and tab_row["version"] == 3
    memos = [e["data"]["text"] for e in table_events(site_id, order_id, "memo")]
    assert sorted(memos) == ["고객 요청: 문 앞에 두기", "포장 두 번"]
    with pytest.raises(DomainError) as err:
        svc.memo(site_id, order_id, "   ", ADMIN)
    assert err.value.code == "MEMO_EMPTY"
    assert int(header(site_id, order_id)["version"]) == 3


def test_another_sites_order_is_not_found_and_not_changed(site_id: str) -> None:
    order_id = create(site_id)
    thief = f"{site_id}-other"
    for call in (
        lambda: svc.get_detail(thief, order_id),
        lambda: change(thief, order_id, ("L001", "ready_to_ship", None)),
        lambda: svc.timeline(thief, order_id, 10, None),
        lambda: svc.memo(thief, order_id, "메모", ADMIN),
    ):
        with pytest.raises(DomainError) as err:
            call()
        assert (err.value.code, err.value.status) == ("ORDER_NOT_FOUND", 404)
    assert int(header(site_id, order_id)["version"]) == 1
    assert table_events(site_id, order_id, "refused") == []
    assert listing.list_orders(thief, ListQuery(order_id=order_id))["orders"] == []


def test_checkout_ids_and_order_numbers_belong_to_one_site(site_id: str) -> None:
    checkout_id = uuid.uuid4().hex
    a = create(site_id, order_payload(site_id, checkout_id=checkout_id))
    b = create(f"{site_id}-b", order_payload(f"{site_id}-b", checkout_id=checkout_id))
    assert a.split("-")[1] == b.split("-")[1] == "000001"
    assert ids(listing.list_orders(site_id, ListQuery())) == [a]
