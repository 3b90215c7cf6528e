"""A refused request body, query or path answered in Korean an operator can act on.

Each pydantic error becomes one entry: ``field`` (the path, ``lines.0.quantity``), ``rule`` (pydantic's
error type or one of ours, stable for programs), the limit it broke (``limit``), the values allowed
(``allowed``) or an example (``example``) where there are some, and ``message_ko``: one Korean sentence
naming the field by its label (``oms.schemas.labels``) and the limit, never the parser's own words.
The problem's ``message_ko``, ``field``, ``rule`` and ``limit`` are the first entry's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from oms.domain.bulk_moves import too_many_orders_ko
from oms.domain.josa import josa
from oms.schemas.common import RULES_KO
from oms.schemas.labels import EXAMPLES, FIELD_KO, ROUTE_FIELD_KO, VALUE_KO

_WHERE = ("body", "query", "path", "header")
_LIMITS = ("max_length", "min_length", "ge", "gt", "le", "lt", "limit")
#: list fields counted in 건 (orders and their lines); other lists count 개
_COUNTED_IN_GEON = frozenset({"order_ids", "orders", "moves", "items", "line_ids", "lines"})
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
_PY_TYPES = frozenset({"str", "int", "float", "bool", "list", "dict", "none", "decimal"})
UNKNOWN_LABEL = "입력값"


def _segments(loc: Sequence[Any]) -> list[str | int]:
    """The field's path without where it came from (``body``, ``query`` — also the name of a route's query
    model parameter) and without pydantic's union tags (``enum[Status]``)."""
    out: list[str | int] = []
    for part in loc:
        if part in _WHERE:
            continue
        if isinstance(part, int):
            out.append(part)
        elif isinstance(part, str) and "[" not in part and part not in _PY_TYPES:
            out.append(part)
    return out


def field_path(loc: Sequence[Any]) -> str:
    parts = _segments(loc)
    return ".".join(str(p) for p in parts) if parts else "body"


def field_label(loc: Sequence[Any], names: Mapping[str, str] | None = None) -> str:
    """``("body", "lines", 0, "quantity")`` -> "품목 1번째 수량"; a field the catalogue lacks is "입력값".
    ``names`` are the route's own names by field path (``ROUTE_FIELD_KO``)."""
    if names and field_path(loc) in names:
        return names[field_path(loc)]
    words: list[str] = []
    for part in _segments(loc):
        if isinstance(part, int):
            words.append(f"{part + 1}번째")
        else:
            words.append(FIELD_KO.get(part, UNKNOWN_LABEL))
    return " ".join(words) if words else "요청 본문"


def _name(loc: Sequence[Any]) -> str | None:
    """The last field name of the path (what a list item or a value belongs to)."""
    names = [p for p in _segments(loc) if isinstance(p, str)]
    return names[-1] if names else None


def _is_list_item(loc: Sequence[Any]) -> bool:
    parts = _segments(loc)
    return bool(parts) and isinstance(parts[-1], int)


def allowed_values(ctx: Mapping[str, Any]) -> list[str]:
    """The values a literal or enum error allows, as pydantic quotes them in ``expected``."""
    return [m.replace("\\'", "'") for m in _QUOTED.findall(str(ctx.get("expected", "")))]


def value_ko(value: str) -> str:
    return VALUE_KO.get(value, f"'{value}'")


def _number(n: Any) -> str:
    return f"{n:,}" if isinstance(n, int) and not isinstance(n, bool) else str(n)


def _unit(name: str | None) -> str:
    return "건" if name in _COUNTED_IN_GEON else "개"


def _text_too_long(label: str, ctx: Mapping[str, Any], name: str | None) -> str:
    return f"{josa(label, '은/는')} 최대 {_number(ctx.get('max_length'))}자까지 입력할 수 있습니다."


def _text_too_short(label: str, ctx: Mapping[str, Any], name: str | None) -> str:
    n = ctx.get("min_length")
    if n == 1:
        return f"{josa(label, '을/를')} 입력하세요."
    return f"{josa(label, '은/는')} {_number(n)}자 이상 입력하세요."


def _list_too_long(label: str, ctx: Mapping[str, Any], name: str | None) -> str:
    n = ctx.get("max_length")
    if name == "order_ids" and isinstance(n, int):
        return too_many_orders_ko(n)
    return f"{josa(label, '은/는')} 한 번에 최대 {_number(n)}{_unit(name)}까지 보낼 수 있습니다."


def _list_too_short(label: str, ctx: Mapping[str, Any], name: str | None) -> str:
    n = ctx.get("min_length")
    if n == 1:
        return f"{josa(label, '을/를')} 하나 이상 지정하세요."
    return f"{josa(label, '은/는')} {_number(n)}{_unit(name)} 이상 지정하세요."


def _bound(key: str, after: str) -> Callable[[str, Mapping[str, Any], str | None], str]:
    """A number's bound: ``_bound("ge", " 이상이어야")`` -> "수량은 1 이상이어야 합니다."."""

    def say(label: str, ctx: Mapping[str, Any], name: str | None) -> str:
        return f"{josa(label, '은/는')} {_number(ctx.get(key))}{after} 합니다."

    return say


def _fixed(sentence: str) -> Callable[[str, Mapping[str, Any], str | None], str]:
    """A sentence after the label: ``"{은/는} 숫자로 입력하세요."`` fills the particle that agrees with it."""
    forms, rest = sentence[1:].split("}", 1)

    def say(label: str, ctx: Mapping[str, Any], name: str | None) -> str:
        return f"{josa(label, forms)}{rest}"

    return say


_SENTENCES: dict[str, Callable[[str, Mapping[str, Any], str | None], str]] = {
    "missing": _fixed("{을/를} 입력하세요."),
    "string_too_long": _text_too_long,
    "string_too_short": _text_too_short,
    "too_long": _list_too_long,
    "too_short": _list_too_short,
    "greater_than_equal": _bound("ge", " 이상이어야"),
    "greater_than": _bound("gt", "보다 커야"),
    "less_than_equal": _bound("le", " 이하여야"),
    "less_than": _bound("lt", "보다 작아야"),
    "int_parsing": _fixed("{은/는} 숫자로 입력하세요."),
    "int_type": _fixed("{은/는} 숫자로 입력하세요."),
    "int_from_float": _fixed("{은/는} 소수점 없는 정수로 입력하세요."),
    "float_parsing": _fixed("{은/는} 숫자로 입력하세요."),
    "float_type": _fixed("{은/는} 숫자로 입력하세요."),
    "string_type": _fixed("{은/는} 숫자가 아닌 글자로 입력하세요."),
    "bool_type": _fixed("{은/는} 예 또는 아니요로만 지정할 수 있습니다."),
    "bool_parsing": _fixed("{은/는} 예 또는 아니요로만 지정할 수 있습니다."),
    "list_type": _fixed("{은/는} 여러 값을 담은 목록으로 보내세요."),
    "dict_type": _fixed("{은/는} 항목을 묶은 형태로 보내세요."),
    "model_type": _fixed("{은/는} 항목을 묶은 형태로 보내세요."),
    "model_attributes_type": _fixed("{은/는} 항목을 묶은 형태로 보내세요."),
    "datetime_type": _fixed("{은/는} '2026-12-24T10:00:00+09:00'처럼 날짜와 시각으로 입력하세요."),
    "datetime_parsing": _fixed("{은/는} '2026-12-24T10:00:00+09:00'처럼 날짜와 시각으로 입력하세요."),
    "datetime_from_date_parsing": _fixed("{은/는} '2026-12-24T10:00:00+09:00'처럼 날짜와 시각으로 입력하세요."),
    "timezone_aware": _fixed("{은/는} 시간대를 붙여 '2026-12-24T10:00:00+09:00'처럼 입력하세요."),
    "date_type": _fixed("{은/는} 2026-12-24처럼 연-월-일로 입력하세요."),
    "date_parsing": _fixed("{은/는} 2026-12-24처럼 연-월-일로 입력하세요."),
    "extra_forbidden": _fixed("{은/는} 알 수 없는 항목입니다. 빼고 다시 보내세요."),
}
#: every sentence above, and the rules with a sentence of their own (choices, patterns, ours)
RULES = frozenset({*_SENTENCES, "literal_error", "enum", "string_pattern_mismatch", *RULES_KO})


def _choice(label: str, values: Sequence[str]) -> str:
    shown = ", ".join(value_ko(v) for v in values)
    return f"{label}의 값이 올바르지 않습니다. 허용된 값: {shown}."


def describe(error: Mapping[str, Any], names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One pydantic error as the answer's entry (see the module's docstring)."""
    loc = tuple(error.get("loc", ()))
    rule = str(error.get("type", "value_error"))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    name = _name(loc)
    if rule == "extra_forbidden":
        parent, unknown = loc[:-1], str(loc[-1]) if loc else "?"
        label = f"{field_label(parent, names)}의 '{unknown}'" if _segments(parent) else f"'{unknown}'"
    else:
        label = field_label(loc, names)
    entry: dict[str, Any] = {"field": field_path(loc), "rule": rule}
    for key in _LIMITS:
        if key in ctx and isinstance(ctx[key], int | float) and not isinstance(ctx[key], bool):
            entry["limit"] = ctx[key]
            break
    if rule in ("literal_error", "enum"):
        entry["allowed"] = allowed_values(ctx)
        entry["message_ko"] = _choice(label, entry["allowed"])
    elif rule == "string_pattern_mismatch":
        example = EXAMPLES.get(name or "") or (EXAMPLES.get((name or "").removesuffix("s")) if _is_list_item(loc)
                                              else None)
        if name == "order_ids":
            example = EXAMPLES["order_id"]
        entry["message_ko"] = f"{label}의 형식이 올바르지 않습니다." + (f" 예: '{example}'" if example else "")
        if example:
            entry["example"] = example
    elif rule in RULES_KO:
        try:
            sentence = RULES_KO[rule].format(**ctx)
        except (KeyError, IndexError, ValueError):
            sentence = RULES_KO[rule]
        # a rule of the whole body (one field needs another) speaks for itself
        entry["message_ko"] = f"{label}: {sentence}" if _segments(loc) else sentence
    elif rule in _SENTENCES:
        entry["message_ko"] = _SENTENCES[rule](label, ctx, name)
    else:
        entry["message_ko"] = f"{label}의 값이 올바르지 않습니다."
    return entry


def _merge_choices(first: dict[str, Any], rest: Sequence[dict[str, Any]], loc: Sequence[Any],
                   names: Mapping[str, str] | None) -> dict[str, Any]:
    """A field typed as a union of choices (a status or ``all``) fails once per member: one sentence
    with every value allowed."""
    if first["rule"] not in ("literal_error", "enum"):
        return first
    values = list(first["allowed"])
    for other in rest:
        if other["field"] == first["field"] and other["rule"] in ("literal_error", "enum"):
            values += [v for v in other["allowed"] if v not in values]
    return {**first, "allowed": values, "message_ko": _choice(field_label(loc, names), values)}


def answer(errors: Sequence[Mapping[str, Any]], route: str | None = None) -> tuple[str, str, dict[str, Any]]:
    """(message_ko, detail, extension members) of a VALIDATION_FAILED problem; ``route``
    (``POST /admin/orders/{order_id}/memos``) picks the route's own field names."""
    names = ROUTE_FIELD_KO.get(route or "")
    entries = [describe(e, names) for e in errors]
    if not entries:
        entries = [{"field": "body", "rule": "invalid", "message_ko": "요청 내용이 올바르지 않습니다."}]
    else:
        entries[0] = _merge_choices(entries[0], entries[1:], tuple(errors[0].get("loc", ())), names)
    first = entries[0]
    extra: dict[str, Any] = {"field": first["field"], "rule": first["rule"], "errors": entries}
    if "limit" in first:
        extra["limit"] = first["limit"]
    detail = f"{len(entries)} invalid field(s); first: {first['field']} violates {first['rule']}"
    return first["message_ko"], detail, extra
