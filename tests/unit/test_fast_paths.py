"""Hot-path replacements stay exact: ``Order.clone`` against ``copy.deepcopy``, the item
(de)serialiser against boto3's TypeSerializer/TypeDeserializer."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer

from oms.domain.balance import Charge
from oms.domain.claims import Claim, ClaimItem, Collection, Hold, Reason
from oms.domain.moves import Move, apply_moves
from oms.domain.order import Memo, Order, Shipment
from oms.domain.statuses import Status
from oms.store.table import dump, load
from tests.unit.test_domain_order import ADMIN, AT, make_order, tee

IMMUTABLE = (str, int, bool, type(None), Enum, Decimal, tuple)


def rich_order() -> Order:
    order = make_order(tee(3), tee(2))
    order.shipments["SH001"] = Shipment("SH001", "parcel", courier="CJGLS", tracking_no="1234", created_at=AT)
    order.lines[0].shipment_id = "SH001"
    order.lines[0].stock_keys = ["TEE-01|색상=블랙|사이즈=L"]
    order.last_memo = Memo("메모", "관리자", AT)
    order.claims["C001"] = Claim(
        "C001", "return", [ClaimItem("L002", 2)], Reason.BROKEN, "shop", ADMIN, AT, "on_hold",
        collection=Collection("courier", "CJ", "1"), hold=Hold(1000, "확인"), exchange_lines=["L009"],
        history=[{"step": "requested", "at": AT, "by": "admin-1"}],
    )
    order.charges.append(Charge("F001", "remote_area", 3000, "제주", "remote_area.address_change", None, AT, "a"))
    return order


def mutable_parts(obj: Any, path: str = "order") -> list[tuple[str, Any]]:
    """Every mutable object reachable from ``obj`` (dataclasses, lists, dicts), with its path."""
    if isinstance(obj, IMMUTABLE):
        return []
    if dataclasses.is_dataclass(obj) and obj.__dataclass_params__.frozen:  # type: ignore[union-attr]
        inner = [x for f in dataclasses.fields(obj) for x in mutable_parts(getattr(obj, f.name), f"{path}.{f.name}")]
        assert inner == [], f"{path}: a frozen dataclass holding mutable parts"
        return []  # frozen and made of immutable values: safe to share
    out: list[tuple[str, Any]] = [(path, obj)]
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            out += mutable_parts(getattr(obj, f.name), f"{path}.{f.name}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += mutable_parts(v, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            out += mutable_parts(v, f"{path}[{k!r}]")
    else:
        raise AssertionError(f"{path}: unexpected type {type(obj)} (teach Order.clone about it)")
    return out


def test_clone_equals_a_deep_copy_and_shares_nothing_mutable() -> None:
    order = rich_order()
    clone = order.clone()
    assert clone == copy.deepcopy(order)
    mine = {path: id(obj) for path, obj in mutable_parts(order)}
    theirs = {path: id(obj) for path, obj in mutable_parts(clone)}
    assert mine.keys() == theirs.keys() and len(mine) > 10
    shared = [p for p in mine if mine[p] == theirs[p]]
    assert shared == []


def test_clone_then_change_leaves_the_original_untouched() -> None:
    order = rich_order()
    before = copy.deepcopy(order)
    clone = order.clone()
    clone.lines[0].options[0].value = "화이트"
    clone.lines[0].stock_keys.append("X")
    clone.shipments["SH001"].tracking_no = "9999"
    clone.buyer.name = "다른 사람"
    assert clone.last_memo is not None
    clone.last_memo.text = "바뀜"
    clone.lines.pop()
    clone.claims["C001"].history.append({"step": "collected"})
    clone.claims["C001"].exchange_lines.append("L010")
    clone.charges[0].amount = 0
    assert order == before
    moved = apply_moves(order, [Move("L001", Status.READY_TO_SHIP)], ADMIN, AT).order
    assert order == before and moved.lines[0].status is Status.READY_TO_SHIP


VALUES: list[Any] = [
    "", "주문", 0, -7, 10**37, True, False, None, [], {}, (1, "a"), Decimal("1.5"), Decimal("-0.01"),
    {"a": [1, "b", None, {"c": True, "d": Decimal("2")}]}, {"s", "t"}, {1, 2}, b"\x00\x01", Binary(b"x"),
    Status.SHIPPING, 10**38 - 1, -(10**38) + 1,
]


@pytest.mark.parametrize("value", VALUES, ids=[f"v{i}" for i in range(len(VALUES))])
def test_dump_and_load_match_boto3(value: Any) -> None:
    expected = TypeSerializer().serialize(value)
    assert dump({"v": value}) == {"v": expected} if value is not None else dump({"v": value}) == {}
    back = load({"v": expected})["v"]
    want = TypeDeserializer().deserialize(expected)
    assert back == want and type(back) is type(want)


@pytest.mark.parametrize("value", [1.5, 10**38, 10**40])
def test_dump_refuses_what_boto3_refuses(value: Any) -> None:
    with pytest.raises(Exception) as ours:
        dump({"v": value})
    with pytest.raises(Exception) as theirs:
        TypeSerializer().serialize(value)
    assert type(ours.value) is type(theirs.value)


def test_read_only_sheet_size_is_read_without_parsing_the_rows(tmp_path: Any) -> None:
    import openpyxl

    from oms.excel import invoices as xl

    normal, streamed = tmp_path / "normal.xlsx", tmp_path / "streamed.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in range(5):
        ws.append([r, "x", None, "y"])
    wb.save(normal)
    wo = openpyxl.Workbook(write_only=True)
    sheet = wo.create_sheet()
    for r in range(5):
        sheet.append([r, "x", None, "y"])
    wo.save(streamed)
    assert xl.ReadOnlyWorksheet._get_size is xl._sheet_size_before_data
    with_dim = openpyxl.load_workbook(normal, read_only=True).worksheets[0]
    assert (with_dim.min_row, with_dim.max_row, with_dim.min_column, with_dim.max_column) == (1, 5, 1, 4)
    without = openpyxl.load_workbook(streamed, read_only=True).worksheets[0]
    assert without.max_row is None and without.max_column is None  # as before: no <dimension>
    assert [list(r) for r in without.iter_rows(values_only=True)] == [[r, "x", None, "y"] for r in range(5)]
