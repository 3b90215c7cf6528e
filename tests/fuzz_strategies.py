"""Hypothesis strategies from the OpenAPI document: values that fit a JSON schema (so calls get past
validation and reach the rules), values that almost fit (one field wrong), and hostile ones (wrong
types, huge or odd text, deep or broken JSON, bytes that are not UTF-8)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

# Text a caller may type or an attacker may send: Korean, separators our keys use, controls, emoji
ODD_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from("가나다라마바사아자차카타파하#|=/%.-_ \t\n\x00😀"), max_size=60),
    st.sampled_from(["", " ", "#", "S#other#O#1", "../admin", "%00", "null", "true", "0", "-1", "1e309",
                     "20261126-000001", "L001", "m-100", "TEE-01", "x" * 3000, "가" * 1000, "\u202e", "'; --",
                     "\ud800", "a\udfffb"]),
)

JSON_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                        st.floats(allow_nan=False, allow_infinity=False), ODD_TEXT)
ANY_JSON = st.recursive(JSON_SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                              st.dictionaries(st.text(max_size=10), inner,
                                                                              max_size=4)),
                        max_leaves=12)

RAW_BODIES = st.one_of(
    st.sampled_from(['{"a": ', "[" * 3000 + "]" * 3000, '{"x": "\\ud800"}', "not json", "[]", "null", "0",
                     '"text"', "{" * 40 + "}" * 40, '{"a":1,"a":2}']),
    st.text(max_size=40),
)
CONTENT_TYPES = st.one_of(
    st.just("application/json"), st.just("application/json"), st.just("application/json"),
    st.sampled_from(["application/json; charset=utf-8", "", "text/plain", "application/x-www-form-urlencoded",
                     "multipart/form-data; boundary=x", "multipart/form-data", "application/xml", "APPLICATION/JSON"]),
)
NOT_UTF8 = st.binary(min_size=1, max_size=40).filter(lambda b: not _utf8(b))


def _utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def fitting(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values valid for ``schema`` as far as JSON schema says (model validators may still refuse)."""
    schema = resolve(schema, components)
    if depth > 6:
        return st.none()
    for combo in ("anyOf", "oneOf"):
        if combo in schema:
            return st.one_of([fitting(s, components, depth + 1) for s in schema[combo]])
    if "allOf" in schema:
        return fitting(schema["allOf"][0], components, depth + 1)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        req = {k: fitting(v, components, depth + 1) for k, v in props.items() if k in required}
        opt = {k: fitting(v, components, depth + 1) for k, v in props.items() if k not in required}
        return st.fixed_dictionaries(req, optional=opt)
    if kind == "array":
        lo = schema.get("minItems", 0)
        hi = min(schema.get("maxItems", lo + 3), lo + 3)
        return st.lists(fitting(schema.get("items", {}), components, depth + 1), min_size=lo, max_size=hi)
    if kind == "integer":
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if "exclusiveMinimum" in schema:
            lo = schema["exclusiveMinimum"] + 1
        return st.integers(min_value=lo, max_value=hi)
    if kind == "number":
        return st.floats(min_value=schema.get("minimum"), max_value=schema.get("maximum"), allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date-time":
            return st.one_of(st.sampled_from(["2026-11-26T10:00:00+09:00", "2026-11-26T01:00:00Z",
                                              "2026-11-26T10:00:00", "0001-01-01T00:00:00Z"]),
                             st.datetimes().map(lambda d: d.isoformat()))
        if fmt == "date":
            return st.dates().map(lambda d: d.isoformat())
        lo = schema.get("minLength", 0)
        hi = schema.get("maxLength", max(lo, 30))
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(lambda s: lo <= len(s) <= hi)
        return st.text(min_size=lo, max_size=min(hi, lo + 40))
    return ANY_JSON


def almost(schema: dict[str, Any], components: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A fitting object with one member replaced by anything, or an unknown member added."""
    schema = resolve(schema, components)
    base = fitting(schema, components)
    if schema.get("type") != "object" and "properties" not in schema:
        return ANY_JSON
    names = list(schema.get("properties", {})) or ["x"]

    @st.composite
    def mutate(draw: st.DrawFn) -> Any:
        value = draw(base)
        if not isinstance(value, dict):
            return value
        name = draw(st.sampled_from([*names, "unexpected"]))
        value[name] = draw(ANY_JSON)
        return value

    return mutate()


def body_text(schema: dict[str, Any] | None, components: dict[str, Any]) -> st.SearchStrategy[tuple[str | None, bool]]:
    """(body, is_base64) as API Gateway passes it."""
    import base64

    as_json = st.one_of(fitting(schema, components), fitting(schema, components), almost(schema, components),
                        ANY_JSON) if schema else st.one_of(st.none(), ANY_JSON)
    return st.one_of(
        as_json.map(lambda v: (None if v is None else json.dumps(v, ensure_ascii=False), False)),
        RAW_BODIES.map(lambda t: (t, False)),
        NOT_UTF8.map(lambda b: (base64.b64encode(b).decode(), True)),
    )
