"""Request bodies read once, the same way, by every function: UTF-8 text, JSON no deeper than
DynamoDB stores (32 levels), no unpaired surrogates (``"\\ud800"`` escapes that no UTF-8 encoder
can write back). Anything else is refused with a 400 problem before a route sees it.

The resolvers get :func:`loads` as their ``json_body_deserializer`` (see :func:`oms.http.resolver`);
the webhook function, a plain handler, calls :func:`check_json_bytes` on the raw bytes.
"""

from __future__ import annotations

import json
from typing import Any

from oms.domain.errors import DomainError

#: DynamoDB refuses documents nested deeper than 32 levels; no API model comes close
MAX_DEPTH = 32

MALFORMED_KO = "요청 본문의 형식이 올바르지 않습니다. 괄호, 따옴표, 쉼표가 맞는지 확인하세요."


def not_utf8() -> DomainError:
    return DomainError("BODY_NOT_UTF8", "요청 본문에 읽을 수 없는 글자가 있습니다. 유니코드 텍스트로 보내세요.",
                       detail="the body is not valid UTF-8", status=400, field="body")


def too_deep() -> DomainError:
    return DomainError("JSON_TOO_DEEP", f"요청 본문의 중첩이 너무 깊습니다 (최대 {MAX_DEPTH}단계).",
                       detail=f"JSON nested deeper than {MAX_DEPTH} levels", status=400, field="body")


def malformed(detail: str) -> DomainError:
    return DomainError("MALFORMED_JSON", MALFORMED_KO, detail=detail, status=400, field="body")


def _check(value: Any) -> None:
    """One pass over a parsed body: nesting depth and text that UTF-8 can encode."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        v, level = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                raise not_utf8() from None
        elif isinstance(v, dict | list):
            if level + 1 > MAX_DEPTH:
                raise too_deep()
            children = [*v.keys(), *v.values()] if isinstance(v, dict) else v
            stack.extend((c, level + 1) for c in children)


def loads(text: str) -> Any:
    """``json.loads`` for request bodies; raises a 400 :class:`DomainError` instead of crashing."""
    try:
        value = json.loads(text)
    except RecursionError as exc:  # deeper than the interpreter's limit (about 1,000 levels)
        raise too_deep() from exc
    except json.JSONDecodeError as exc:
        raise malformed(str(exc)) from exc
    _check(value)
    return value


def check_json_bytes(raw: bytes) -> DomainError | None:
    """The refusal for a raw body that is not UTF-8, nested too deep or holds unpaired surrogates;
    None otherwise (whether it is the JSON a caller expects is for the caller to say)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return not_utf8()
    try:
        loads(text)
    except DomainError as exc:
        return None if exc.code == "MALFORMED_JSON" else exc
    return None
