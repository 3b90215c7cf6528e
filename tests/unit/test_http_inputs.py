"""The request-body reader, the problem builder and cursors, without a table."""

from __future__ import annotations

import json

import pytest

from oms import json_body as body
from oms.domain.errors import DomainError
from oms.http import problem
from oms.store import cursors


def test_brackets_inside_strings_do_not_count() -> None:
    memo = "[" * 500 + '\\"{' * 50
    assert body.loads(json.dumps({"memo": memo})) == {"memo": memo}


def test_unterminated_strings_of_escaped_quotes_are_read_in_linear_time() -> None:
    assert body.check_json_bytes(b'"' + b'\\"' * 1_000_000) is None  # malformed: the caller's to refuse


@pytest.mark.parametrize(("text", "code"), [
    ("[" * 33 + "]" * 33, "JSON_TOO_DEEP"),
    ("[" * 100_000 + "]" * 100_000, "JSON_TOO_DEEP"),
    ('{"a": "\\udc80"}', "BODY_NOT_UTF8"),
    ('{"\\ud800": 1}', "BODY_NOT_UTF8"),
    ('{"a": ', "MALFORMED_JSON"),
])
def test_loads_refuses_with_a_code(text: str, code: str) -> None:
    with pytest.raises(DomainError) as err:
        body.loads(text)
    assert err.value.code == code and err.value.status == 400 and err.value.field == "body"


def test_loads_keeps_32_levels_and_surrogate_pairs() -> None:
    assert body.loads("[" * 32 + "]" * 32) is not None
    assert body.loads('{"a": "\\ud83d\\ude00"}') == {"a": "😀"}


def test_check_json_bytes_leaves_malformed_json_to_the_caller() -> None:
    assert body.check_json_bytes(b"not json") is None
    assert body.check_json_bytes(b"\xff") is not None and body.check_json_bytes(b"\xff").code == "BODY_NOT_UTF8"


def test_problem_extensions_never_replace_standard_members() -> None:
    resp = problem(422, "CONFIRM_ONLY_DELIVERED", "배송완료 상태의 품목만", None,
                   {"line_id": "L001", "status": "shipping", "code": "x", "extra": 1})
    doc = json.loads(resp.body)
    assert doc["status"] == 422 and doc["code"] == "CONFIRM_ONLY_DELIVERED" and doc["line_id"] == "L001"
    assert doc["extra"] == {"status": "shipping", "code": "x", "extra": 1}


def test_cursors_round_trip_and_refuse_tampering(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CURSOR_KEY", "k1")
    key = {"PK": {"S": "S#a#O#1"}, "SK": {"S": "TL#2026"}}
    c = cursors.encode_cursor(key)
    assert cursors.decode_cursor(c, {"PK": "S#a#O#1"}) == key
    body_part, sig = c.split(".")
    for bad in (c + "x", body_part + ".AAAA", "." + sig, c.replace(".", ".."), "",
                cursors.encode_cursor({"PK": {"S": "S#b#O#1"}, "SK": {"S": "TL#"}})):
        with pytest.raises(DomainError) as err:
            cursors.decode_cursor(bad, {"PK": "S#a#O#1"})
        assert err.value.code == "INVALID_CURSOR" and err.value.status == 400
    monkeypatch.setenv("CURSOR_KEY", "k2")  # another key: every cursor of the old one is refused
    with pytest.raises(DomainError):
        cursors.decode_cursor(c, {"PK": "S#a#O#1"})


def test_no_dev_cursor_key_on_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CURSOR_KEY", raising=False)
    monkeypatch.delenv("CURSOR_KEY_PARAM", raising=False)
    monkeypatch.setenv("AWS_EXECUTION_ENV", "AWS_Lambda_python3.11")
    with pytest.raises(RuntimeError):
        cursors.encode_cursor({"PK": {"S": "x"}})
