"""Idempotency-Key on ExportsFunction's writes, as on the admin API: a retry answers the first result
(``Idempotent-Replayed``) and writes nothing more; another body with the key is 422, a bad key 400,
a retry while the first runs 409; order sheets (documents) are answered, never stored."""

from __future__ import annotations

from typing import Any

import pytest

from tests.exports_support import exports_call
from tests.shipping_support import api_order

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

TEMPLATE = {"name": "택배 업로드", "row_grain": "line", "address": "split",
            "columns": [{"field": "order_id"}, {"field": "recipient_name", "header": "받는분"}]}


def exp(method: str, path: str, site_id: str, body: Any = None, key: str | None = None
        ) -> tuple[int, Any, dict[str, Any]]:
    return exports_call(method, path, site_id, body, headers={"Idempotency-Key": key} if key is not None else None)


def site_templates(site_id: str) -> list[str]:
    status, body, _ = exp("GET", "/admin/exports/templates", site_id)
    assert status == 200
    return [t["template_id"] for t in body["templates"] if not t["builtin"]]


def test_the_same_key_twice_creates_one_template_and_replays_the_first_answer(site_id: str) -> None:
    first = exp("POST", "/admin/exports/templates", site_id, TEMPLATE, "tpl-1")
    again = exp("POST", "/admin/exports/templates", site_id, TEMPLATE, "tpl-1")
    assert first[0] == again[0] == 201, first
    assert again[1] == first[1]
    assert again[2].get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first[2]
    assert site_templates(site_id) == [first[1]["template_id"]]
    # a PUT retried with its key is applied once too (the same answer, version and all)
    path = f"/admin/exports/templates/{first[1]['template_id']}"
    put = exp("PUT", path, site_id, {**TEMPLATE, "name": "바뀐 양식"}, "put-1")
    assert put[0] == 200 and exp("PUT", path, site_id, {**TEMPLATE, "name": "바뀐 양식"}, "put-1")[1] == put[1]


def test_the_same_key_with_another_body_is_refused(site_id: str) -> None:
    assert exp("POST", "/admin/exports/templates", site_id, TEMPLATE, "tpl-2")[0] == 201
    status, body, _ = exp("POST", "/admin/exports/templates", site_id, {**TEMPLATE, "name": "다른 양식"}, "tpl-2")
    assert status == 422 and body["code"] == "IDEMPOTENCY_KEY_REUSED" and body["message_ko"]
    assert len(site_templates(site_id)) == 1
    # a new key is a new request; keys are per site
    assert exp("POST", "/admin/exports/templates", site_id, {**TEMPLATE, "name": "다른 양식"}, "tpl-3")[0] == 201
    assert exp("POST", "/admin/exports/templates", site_id + "-b", TEMPLATE, "tpl-2")[0] == 201
    assert len(site_templates(site_id)) == 2


@pytest.mark.parametrize("key", ["k" * 256, "", "키-한글", "tab\tkey"])
def test_a_key_out_of_bounds_is_400_and_writes_nothing(site_id: str, key: str) -> None:
    status, body, _ = exp("POST", "/admin/exports/templates", site_id, TEMPLATE, key)
    assert status == 400 and body["code"] == "IDEMPOTENCY_KEY_INVALID", body
    assert site_templates(site_id) == []
    assert exp("POST", "/admin/exports/templates", site_id, TEMPLATE, "k" * 255)[0] == 201


def test_a_retry_while_the_first_runs_is_409(site_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from exports_fn import app as exports_app

    real = exports_app.svc.create_template
    inner: list[tuple[int, Any, dict[str, str]]] = []

    def slow(*args: Any) -> dict[str, Any]:
        if not inner:  # the client's retry arrives while this request still runs
            inner.append(exp("POST", "/admin/exports/templates", site_id, TEMPLATE, "tpl-busy"))
        return real(*args)

    monkeypatch.setattr(exports_app.svc, "create_template", slow)
    assert exp("POST", "/admin/exports/templates", site_id, TEMPLATE, "tpl-busy")[0] == 201
    assert inner[0][0] == 409 and inner[0][1]["code"] == "IDEMPOTENCY_IN_PROGRESS"
    assert len(site_templates(site_id)) == 1


def test_order_sheets_with_a_key_answer_the_document_each_time(site_id: str) -> None:
    oid = api_order(site_id)
    for _ in range(2):
        status, pdf, headers = exp("POST", "/admin/orders/sheets", site_id, {"order_ids": [oid], "format": "pdf"},
                                   "sheets-1")
        assert status == 200 and headers["Content-Type"] == "application/pdf" and pdf[:5] == b"%PDF-"
        assert "Idempotent-Replayed" not in headers
    status, html, headers = exp("POST", "/admin/orders/sheets", site_id, {"order_ids": [oid]}, "sheets-1")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and oid in html
