"""A refused request names the field by its Korean label and the limit it broke, in one Korean
sentence per rule (oms.schemas.validation), and keeps the field, rule and limit for programs."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

import oms.schemas
from oms.domain.bulk_moves import MAX_BULK_ORDERS
from oms.schemas import validation
from oms.schemas.answers import Answer
from oms.schemas.common import RULES_KO
from oms.schemas.exports import ExportIn, SheetsIn
from oms.schemas.labels import EXAMPLES, FIELD_KO
from oms.schemas.orders import BulkStatusIn, IntakeOrderIn, ListQuery, MemoIn, MoveIn, StatusChangeIn
from oms.schemas.shipping import BulkOrdersIn
from tests.code_sites import ROOT
from tests.korean_text import problems
from tests.support import order_payload

BULK_KO = "주문은 한 번에 50건까지 처리할 수 있습니다. 더 많으면 검색 결과 전체 선택을 사용하세요."
MEMO_ROUTE = "POST /admin/orders/{order_id}/memos"


def request_models() -> list[type[BaseModel]]:
    """Every model of oms.schemas a request is read into (answers are not requests)."""
    found: dict[str, type[BaseModel]] = {}
    for info in pkgutil.iter_modules(oms.schemas.__path__):
        module = importlib.import_module(f"oms.schemas.{info.name}")
        for name, cls in vars(module).items():
            if (inspect.isclass(cls) and issubclass(cls, BaseModel) and cls.__module__ == module.__name__
                    and not issubclass(cls, Answer) and not name.endswith("Answer") and name != "BulkResult"):
                found[f"{module.__name__}.{name}"] = cls
    return list(found.values())


def refused(model: type[BaseModel], body: Any, route: str | None = None) -> tuple[str, dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    errors = [{**e, "loc": ("body", *e["loc"])} for e in caught.value.errors()]
    message_ko, _, extra = validation.answer(errors, route)
    return message_ko, extra


def test_every_field_of_every_request_model_has_a_korean_label() -> None:
    models = request_models()
    assert len(models) > 80
    missing = sorted({f"{m.__name__}.{f}" for m in models for f in m.model_fields if f not in FIELD_KO})
    assert missing == []


def test_every_path_and_query_parameter_of_the_apis_has_a_korean_label() -> None:
    document = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    names = {p["name"] for ops in document["paths"].values() for op in ops.values() if isinstance(op, dict)
             for p in op.get("parameters", []) if p.get("in") in ("path", "query")}
    assert {"order_id", "limit", "cursor", "tab"} <= names
    assert sorted(names - set(FIELD_KO)) == []


@pytest.mark.parametrize("model", [BulkStatusIn, BulkOrdersIn, ExportIn, SheetsIn])
def test_more_than_fifty_orders_points_to_selecting_the_whole_search(model: type[BaseModel]) -> None:
    body: dict[str, Any] = {"order_ids": [f"O{i}" for i in range(MAX_BULK_ORDERS + 1)], "to": "preparing",
                            "template_id": "basic"}
    body = {k: v for k, v in body.items() if k in model.model_fields}
    message_ko, extra = refused(model, body)
    assert message_ko == BULK_KO
    assert (extra["field"], extra["rule"], extra["limit"]) == ("order_ids", "too_long", 50)


@pytest.mark.parametrize(("model", "body", "route", "expected", "field", "rule", "limit"), [
    (MemoIn, {"text": "가" * 2001}, MEMO_ROUTE, "메모는 최대 2,000자까지 입력할 수 있습니다.", "text",
     "string_too_long", 2000),
    (MemoIn, {"text": ""}, MEMO_ROUTE, "메모를 입력하세요.", "text", "string_too_short", 1),
    (MemoIn, {}, MEMO_ROUTE, "메모를 입력하세요.", "text", "missing", None),
    (MemoIn, {"text": 12}, MEMO_ROUTE, "메모는 숫자가 아닌 글자로 입력하세요.", "text", "string_type", None),
    (MemoIn, {"text": "가", "colour": 1}, None, "'colour'은 알 수 없는 항목입니다. 빼고 다시 보내세요.", "colour",
     "extra_forbidden", None),
    (MoveIn, {"line_id": "L001", "to": "preparing", "quantity": 0}, None, "수량은 1 이상이어야 합니다.", "quantity",
     "greater_than_equal", 1),
    (MoveIn, {"line_id": "L001", "to": "preparing", "quantity": 10_000}, None, "수량은 9,999 이하여야 합니다.",
     "quantity", "less_than_equal", 9999),
    (MoveIn, {"line_id": "L001", "to": "preparing", "quantity": "3"}, None, "수량은 숫자로 입력하세요.", "quantity",
     "int_type", None),
    (MoveIn, {"line_id": "L 1", "to": "preparing"}, None, "품목번호의 형식이 올바르지 않습니다. 예: 'L001'", "line_id",
     "string_pattern_mismatch", None),
    (StatusChangeIn, {"moves": []}, None, "상태 변경을 하나 이상 지정하세요.", "moves", "too_short", 1),
    (StatusChangeIn, {"moves": [{"line_id": "L001", "to": "preparing", "quantity": 0}]}, None,
     "상태 변경 1번째 수량은 1 이상이어야 합니다.", "moves.0.quantity", "greater_than_equal", 1),
])
def test_one_korean_sentence_names_the_label_and_the_limit(model: type[BaseModel], body: dict[str, Any],
                                                          route: str | None, expected: str, field: str, rule: str,
                                                          limit: int | None) -> None:
    message_ko, extra = refused(model, body, route)
    assert message_ko == expected
    assert (extra["field"], extra["rule"], extra.get("limit")) == (field, rule, limit)
    assert extra["errors"][0]["message_ko"] == expected and "message" not in extra["errors"][0]


def test_a_choice_names_its_allowed_values_in_korean() -> None:
    message_ko, extra = refused(MoveIn, {"line_id": "L001", "to": "flying"})
    assert message_ko.startswith("변경할 상태의 값이 올바르지 않습니다. 허용된 값: 입금대기, 상품준비, 배송대기,")
    assert extra["rule"] == "enum" and "preparing" in extra["errors"][0]["allowed"]
    message_ko, extra = refused(ListQuery, {"tab": "x"})  # a union: one sentence with every value
    assert message_ko.startswith("상태 탭의 값이 올바르지 않습니다. 허용된 값: 전체, 배송 이상, 입금대기,")
    assert extra["field"] == "tab" and {"all", "delivery_issue", "exchanged"} <= set(extra["errors"][0]["allowed"])


def test_nested_fields_are_named_along_their_path_and_body_rules_speak_for_themselves() -> None:
    body = order_payload("shop-1")
    body["buyer"]["phone"] = "전화없음"
    message_ko, extra = refused(IntakeOrderIn, body)
    assert message_ko == "구매자 전화번호의 형식이 올바르지 않습니다. 예: '010-1234-5678'"
    assert extra["field"] == "buyer.phone" and extra["errors"][0]["example"] == "010-1234-5678"
    body = order_payload("shop-1")
    body["payment"] = {"method": "virtual_account", "amount": 1000}
    message_ko, _ = refused(IntakeOrderIn, body)
    assert message_ko.startswith("결제: 결제 방법이 가상계좌이면 가상계좌 정보")


@pytest.mark.parametrize("rule", sorted(validation.RULES))
def test_every_rule_has_a_korean_sentence_with_the_label(rule: str) -> None:
    ctx = {"max_length": 50, "min_length": 2, "ge": 1, "gt": 0, "le": 100, "lt": 101, "limit": 200, "chars": 66,
           "expected": "'preparing' or 'ready_to_ship'"}
    for loc in [("body", "tracking_no"), ("body", "lines", 0, "quantity"), ("query", "limit"), ("body", "order_ids")]:
        entry = validation.describe({"type": rule, "loc": loc, "ctx": ctx, "msg": "parser words", "input": 1})
        assert problems(entry["message_ko"]) == [], (rule, entry)
        assert "parser words" not in entry["message_ko"]
        if rule != "extra_forbidden" and not (rule == "too_long" and loc[-1] == "order_ids"):
            assert validation.field_label(loc) in entry["message_ko"], (rule, entry)


def test_an_unknown_rule_still_answers_korean_and_never_the_parser() -> None:
    entry = validation.describe({"type": "uuid_parsing", "loc": ("body", "memo"), "msg": "Input should be a UUID"})
    assert entry["message_ko"] == "메모의 값이 올바르지 않습니다." and entry["rule"] == "uuid_parsing"


def test_every_request_model_refuses_wrong_values_in_korean() -> None:
    """Every field of every request model given a wrong type, an empty body, and over-long text: each
    sentence is Korean with no field code in it."""
    seen = 0
    for model in request_models():
        for body in ({}, {f: {"x": 1} for f in model.model_fields}, {f: 12345 for f in model.model_fields},
                     {f: "가" * 9000 for f in model.model_fields}, {f: [] for f in model.model_fields}):
            try:
                model.model_validate(body)
            except ValidationError as exc:
                for error in exc.errors():
                    entry = validation.describe({**error, "loc": ("body", *error["loc"])})
                    seen += 1
                    assert problems(entry["message_ko"]) == [], (model.__name__, error["type"], entry)
                    assert "입력값" not in entry["message_ko"], (model.__name__, entry)  # a label was missing
    assert seen > 1000


def test_rules_and_examples_are_filled_in() -> None:
    too_long = RULES_KO["text_too_many_bytes"].format(limit=900, chars=300)
    assert too_long == "너무 깁니다 (한글 기준 약 300자, 최대 900바이트)."
    assert set(EXAMPLES) <= set(FIELD_KO)
