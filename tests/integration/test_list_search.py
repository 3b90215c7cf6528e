"""통합검색 (`q`) on the order list, on DynamoDB Local: name prefixes and given names, a phone's last
4 digits, the order number's tail, tracking numbers, product codes; a recipient change taking its old
tokens away; the result count and the search's own tab counts; too-short terms; tenancy."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest

from oms.services import listing
from oms.store import keys
from tests.shipping_support import admin, api_order
from tests.support import as_guest, call, http_event, order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")


def order(site_id: str, buyer: tuple[str, str] = ("김민지", "010-1234-5678"),
          recipient: tuple[str, str] | None = None, lines: list[dict[str, Any]] | None = None) -> str:
    from admin_api.app import lambda_handler

    body = as_guest(order_payload(site_id, **({"lines": lines} if lines else {})), *buyer)
    if recipient:
        body["recipient"] |= {"name": recipient[0], "phone": recipient[1]}
    if lines:  # the amount of the given lines (as_guest added the points to the default lines' amount)
        body["payment"]["amount"] = sum(li["unit_price"] * li["quantity"] for li in lines) \
            - body["coupon_discount"] + body["shipping_fee"]
    status, answer, _ = call(lambda_handler, http_event("POST", "/intake/orders", body, iam=True))
    assert status == 201, answer
    return str(answer["order_id"])


def search(site_id: str, **query: Any) -> dict[str, Any]:
    status, body = admin("GET", "/admin/orders", site_id, query=query)
    assert status == 200, body
    return dict(body)


def found(site_id: str, term: str, **query: Any) -> list[str]:
    return [o["order_id"] for o in search(site_id, q=term, **query)["orders"]]


def test_a_name_is_found_by_its_start_and_by_its_given_name(site_id: str) -> None:
    jimin = order(site_id, ("김지민", "010-1111-2222"))
    seojun = order(site_id, ("이지은", "010-3333-4444"), recipient=("박서준", "010-5555-6666"))

    assert found(site_id, "김지") == [jimin]
    assert found(site_id, "김지민") == [jimin]
    assert found(site_id, "지민") == [jimin]  # the given name
    assert found(site_id, "김 지 민") == [jimin]  # spaces do not count
    assert found(site_id, "박서") == [seojun]  # the recipient's name
    assert found(site_id, "서준") == [seojun]
    assert found(site_id, "지은") == [seojun]  # the buyer's given name
    assert found(site_id, "지민이") == []
    # found orders are listed masked like any row
    assert search(site_id, q="지민")["orders"][0]["buyer_name"] == "김*민"


def test_a_phone_is_found_by_its_last_4_digits_and_by_the_whole_number(site_id: str) -> None:
    mine = order(site_id, ("김지민", "010-2468-7788"), recipient=("김지민", "010-9753-1357"))
    order(site_id, ("최유나", "010-1111-2222"))

    assert found(site_id, "7788") == [mine]
    assert found(site_id, "1357") == [mine]  # the recipient's
    assert found(site_id, "010-2468-7788") == [mine]
    assert found(site_id, "01097531357") == [mine]
    assert found(site_id, "9999") == []


def test_an_order_number_is_found_by_its_tail_and_whole(site_id: str) -> None:
    first = order(site_id, ("김지민", "010-1111-2222"))
    second = order(site_id, ("최유나", "010-3333-4444"))
    assert first[-6:] != second[-6:]

    assert found(site_id, first[-4:]) == [first]
    assert found(site_id, second[-6:]) == [second]
    assert found(site_id, second) == [second]


def test_a_tracking_number_and_a_product_code_find_their_orders(site_id: str) -> None:
    shipped = api_order(site_id)
    status, body = admin("POST", f"/admin/orders/{shipped}/tracking", site_id,
                         {"line_ids": ["L001"], "courier": "CJ", "tracking_no": "6312-3456-7890"})
    assert status == 200, body
    mug = order(site_id, ("최유나", "010-3333-4444"),
                lines=[{"product_code": "MUG-77", "product_name": "머그컵", "quantity": 1, "unit_price": 12000}])

    assert found(site_id, "631234567890") == [shipped]
    assert found(site_id, "6312 3456 7890") == [shipped]
    assert found(site_id, "MUG-77") == [mug]
    assert found(site_id, "mug77") == [mug]
    assert found(site_id, "CAP-02") == [shipped]  # the default order's second line


def test_a_recipient_change_takes_the_old_tokens_away(site_id: str, table_name: str) -> None:
    oid = order(site_id, ("김민지", "010-1234-5678"), recipient=("박서준", "010-5555-6666"))
    assert found(site_id, "서준") == [oid] and found(site_id, "6666") == [oid]

    status, body = admin("PATCH", f"/admin/orders/{oid}/recipient", site_id,
                         {"name": "정하늘", "phone": "010-7777-8888", "postal_code": "04524",
                          "address1": "서울특별시 중구 세종대로 110"})
    assert status == 200, body

    assert found(site_id, "서준") == [] and found(site_id, "박서") == [] and found(site_id, "6666") == []
    assert found(site_id, "하늘") == [oid] and found(site_id, "정하") == [oid] and found(site_id, "8888") == [oid]
    assert found(site_id, "민지") == [oid]  # the buyer's stay
    items = boto3.client("dynamodb").query(
        TableName=table_name, KeyConditionExpression="PK = :pk AND begins_with(SK, :s)",
        ExpressionAttributeValues={":pk": {"S": keys.order_pk(site_id, oid)}, ":s": {"S": "LK#q#"}})["Items"]
    tokens = {i["SK"]["S"].removeprefix("LK#q#") for i in items}
    assert {"하늘", "정하늘", "8888", "민지"} <= tokens
    assert not tokens & {"서준", "박서", "박서준", "6666"}


def test_the_answer_counts_the_search_and_its_tabs(site_id: str) -> None:
    a, b, c = (order(site_id, ("김지민", f"010-1111-000{i}")) for i in range(3))
    other = order(site_id, ("최유나", "010-3333-4444"))
    status, body = admin("POST", "/admin/orders/bulk/status", site_id, {"order_ids": [c], "to": "ready_to_ship"})
    assert status == 200 and body["done"] == 1

    page = search(site_id, q="지민")
    assert [o["order_id"] for o in page["orders"]] == [c, b, a]
    assert page["total"] == 3 and page["total_capped"] is False
    assert page["counts_scope"] == "search"
    assert page["counts"] == {"all": 3, "preparing": 2, "ready_to_ship": 1}

    tab = search(site_id, q="지민", tab="ready_to_ship")
    assert [o["order_id"] for o in tab["orders"]] == [c] and tab["total"] == 3

    first = search(site_id, q="지민", limit=2)
    assert [o["order_id"] for o in first["orders"]] == [c, b] and first["next_cursor"]
    rest = search(site_id, q="지민", limit=2, cursor=first["next_cursor"])
    assert [o["order_id"] for o in rest["orders"]] == [a] and rest["next_cursor"] is None
    status, refused = admin("GET", "/admin/orders", site_id, query={"q": "김지", "cursor": first["next_cursor"]})
    assert status == 400 and refused["code"] == "INVALID_CURSOR"  # a cursor of another search

    plain = search(site_id)
    assert plain["counts_scope"] == "site" and plain["counts"]["all"] == 4 and "total" not in plain
    assert other in [o["order_id"] for o in plain["orders"]]


def test_a_large_search_is_counted_up_to_its_cap_with_the_shops_tab_counts(
        site_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [order(site_id, ("김지민", "010-1111-2222")) for _ in range(3)]
    monkeypatch.setattr(listing, "SEARCH_COUNTS_MAX", 2)
    page = search(site_id, q="지민")
    assert page["total"] == 3 and page["total_capped"] is False
    assert page["counts_scope"] == "site" and page["counts"]["all"] == 3

    monkeypatch.setattr(listing, "TOTAL_CAP", 2)
    page = search(site_id, q="2222")
    assert page["total"] == 2 and page["total_capped"] is True and page["counts_scope"] == "site"
    assert [o["order_id"] for o in page["orders"]] == ids[::-1]  # the rows are not capped


@pytest.mark.parametrize("term", ["지", "a", "7", "123", "- -"])
def test_a_term_too_short_to_search_is_refused_in_korean(site_id: str, term: str) -> None:
    status, body = admin("GET", "/admin/orders", site_id, query={"q": term})
    assert status == 400, body
    assert body["code"] == "SEARCH_TERM_TOO_SHORT" and body["field"] == "q"
    assert "검색어가 너무 짧습니다" in body["message_ko"]


def test_another_sites_orders_are_never_found(site_id: str) -> None:
    other_site = f"t-{uuid.uuid4().hex[:10]}"
    theirs = order(other_site, ("김지민", "010-2468-7788"))
    assert found(other_site, "지민") == [theirs]

    assert found(site_id, "지민") == []
    assert found(site_id, "7788") == []
    assert found(site_id, theirs) == []
    assert found(site_id, theirs[-6:]) == []
    assert search(site_id, q="지민")["total"] == 0


def test_the_largest_intake_with_every_search_token_stays_one_transaction_of_at_most_100_actions(
        site_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """500 lines, 30 stocked SKUs, points used, a PG reference and a cash-receipt request, two long
    different names, two phones and more product codes than are tokenised: the intake's transaction
    holds every token (``search_terms.MAX_TOKENS``) and stays within DynamoDB's 100 actions."""
    from oms.domain import search_terms
    from oms.store import orders as order_store
    from oms.store import stock

    sizes: list[int] = []
    real = order_store.transact
    monkeypatch.setattr(order_store, "transact", lambda actions: (sizes.append(len(actions)), real(actions))[1])
    for i in range(30):
        stock.set_quantity(site_id, f"P{i:04d}", 1000, "admin")
    body = order_payload(site_id)
    body["buyer"] |= {"name": "남궁가나다라마바", "phone": "010-1111-2222"}
    body["recipient"] |= {"name": "제갈사아자차카타", "phone": "010-3333-4444"}
    body["lines"] = [{"product_code": f"P{i:04d}", "product_name": f"상품 {i}", "quantity": 1, "unit_price": 1000}
                     for i in range(500)]
    body["coupon_discount"] = 0
    body["payment"] = {"method": "card", "provider": "toss", "amount": 500 * 1000 + 3000 - body["points_used"],
                       "pg_order_id": f"pg-{uuid.uuid4().hex[:12]}",
                       "cash_receipt": {"type": "소득공제", "identity_number": "010-1111-2222"}}
    from admin_api.app import lambda_handler

    status, answer, _ = call(lambda_handler, http_event("POST", "/intake/orders", body, iam=True))
    assert status == 201, answer
    oid = answer["order_id"]
    items = boto3.client("dynamodb").query(
        TableName="oms-test", KeyConditionExpression="PK = :pk AND begins_with(SK, :s)",
        ExpressionAttributeValues={":pk": {"S": keys.order_pk(site_id, oid)}, ":s": {"S": "LK#q#"}})["Items"]
    assert len(items) == search_terms.MAX_TOKENS  # every name, phone, tail and product-code token
    assert sizes and max(sizes) <= 100, sizes
    assert found(site_id, "가나") == [oid] and found(site_id, "P0007") == [oid] and found(site_id, "P0008") == []

    # the largest change of the tokens: a new recipient whose every token differs
    status, detail = admin("PATCH", f"/admin/orders/{oid}/recipient", site_id,
                           {"name": "황보하파타카차자", "phone": "010-5555-6666", "postal_code": "04524",
                            "address1": "서울특별시 중구 세종대로 110"})
    assert status == 200, detail
    assert max(sizes[1:]) <= 100
    assert found(site_id, "사아") == [] and found(site_id, "하파") == [oid]  # 황보 is a family name


def test_a_term_that_grows_under_nfkc_or_matches_nothing_answers_an_empty_list(site_id: str) -> None:
    order(site_id, ("김지민", "010-1111-2222"))
    page = search(site_id, q="\ufdfa" * 100)  # one character, eighteen after NFKC
    assert page["orders"] == [] and page["total"] == 0
    assert found(site_id, "x" * 100) == []


def test_an_order_written_before_the_tokens_existed_is_found_after_a_reindex(site_id: str, table_name: str) -> None:
    from oms.store import search as search_store

    old, new = order(site_id, ("김지민", "010-2468-7788")), order(site_id, ("박지민", "010-1357-2468"))
    ddb = boto3.client("dynamodb")
    for oid in (old, new):  # as written before 통합검색: no token items
        tokens = ddb.query(TableName=table_name, KeyConditionExpression="PK = :pk AND begins_with(SK, :s)",
                           ExpressionAttributeValues={":pk": {"S": keys.order_pk(site_id, oid)},
                                                      ":s": {"S": "LK#q#"}})["Items"]
        for t in tokens:
            ddb.delete_item(TableName=table_name, Key={"PK": t["PK"], "SK": t["SK"]})
    assert found(site_id, "지민") == [] and found(site_id, "7788") == []
    assert [o["order_id"] for o in search(site_id, buyer_name="김지민")["orders"]] == [old]  # exact lookups stay

    assert search_store.reindex_site(site_id) == 2
    assert found(site_id, "지민") == [new, old]
    assert found(site_id, "7788") == [old] and found(site_id, old[-4:]) == [old]
    assert search_store.reindex_site(site_id) == 2  # idempotent
    assert search(site_id, q="지민")["total"] == 2


def test_a_reindex_that_read_an_older_version_reads_again(site_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from oms.store import search as search_store

    oid = order(site_id, ("김지민", "010-2468-7788"))
    real = search_store.load_order
    reads: list[int] = []

    def stale_first(site: str, order_id: str) -> Any:
        loaded = real(site, order_id)
        if not reads:
            loaded.version -= 1  # a change committed between this read and the write
        reads.append(loaded.version)
        return loaded

    monkeypatch.setattr(search_store, "load_order", stale_first)
    assert search_store.reindex_order(site_id, oid) > 0
    assert len(reads) == 2 and reads[0] < reads[1]

    def always_stale(site: str, order_id: str) -> Any:
        loaded = real(site, order_id)
        loaded.version = 0
        return loaded

    monkeypatch.setattr(search_store, "load_order", always_stale)
    assert search_store.reindex_order(site_id, oid) == 0  # every attempt lost: nothing written, said so
