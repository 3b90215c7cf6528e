"""The public order events: each type's one constructor over a change's timeline events, stable ids,
no personal data, envelopes valid against the committed JSON Schemas (fresh from the code), the
endpoint URL rules, and our Standard Webhooks signer accepted by our verifier."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import pytest

from oms.domain import public_events as pe
from oms.domain import webhook_endpoints as rules
from oms.domain.errors import DomainError
from oms.integrations.pg import standard_webhooks
from oms.integrations.pg.base import WebhookRejected
from oms_local import event_schemas

AT = "2026-12-07T01:02:03.000000Z"
ADMIN = {"kind": "admin", "id": "a-1", "name": "관리자"}


def ev(kind: str, **data: Any) -> dict[str, Any]:
    return {"kind": kind, "actor": ADMIN, "at": AT, "data": data}


def moved(line: str, frm: str, to: str, qty: int = 1, split_to: str | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {"line_id": line, "product_name": "반팔 티셔츠", "quantity": qty, "from": frm, "to": to,
                         "text_ko": "반팔 티셔츠"}
    if split_to:
        d["split_to"] = split_to
    return ev("status_changed", **d)


def envelopes(events: list[dict[str, Any]], version: int | None = 3) -> list[dict[str, Any]]:
    return pe.envelopes("site-1", "20261207-0001", f"20261207-0001.v{version or 0}", version, AT, events)


CHANGES: dict[str, list[dict[str, Any]]] = {
    "placed and paid": [ev("order_created", channel="web", order_amount=30000, quantity=2, text_ko="접수"),
                        ev("payment", payment_id="P1", method="card", amount=30000, text_ko="결제 완료"),
                        moved("L001", "payment_pending", "preparing", 2)],
    "shipped": [moved("L001", "ready_to_ship", "shipping", 2), moved("L002", "ready_to_ship", "shipping")],
    "delivered": [moved("L001", "shipping", "delivered", 2)],
    "confirmed": [moved("L001", "delivered", "confirmed", 2), ev("points_accrued", member_id="m-1", amount=300)],
    "claim requested": [moved("L001", "preparing", "cancel_requested", 1, split_to="L003"),
                        ev("claim_requested", claim_id="C001", claim_type="cancel", step="requested",
                           reason="intent_changed", fault="buyer", items=[{"line_id": "L003", "quantity": 1}],
                           text_ko="취소 접수 C001: 박지우 님")],
    "claim completed": [moved("L003", "cancel_requested", "cancelled"),
                        ev("claim_completed", claim_id="C001", claim_type="cancel", step="completed",
                           exchange_lines=[], text_ko="완료")],
    "refunded": [ev("refund", payment_id="P1", amount=15000, refund_key="rk-1", refunded_at=AT,
                    reason="김민지 고객 요청", text_ko="환불 15,000원")],
    "refund forced": [ev("refund_forced", payment_id="P1", amount=5000, refund_key="manual-1", refunded_at=AT,
                         reason="강제완료", bank_note="김민지 계좌 이체", forced=True, text_ko="환불 강제완료")],
}


def test_each_change_maps_to_its_public_types() -> None:
    types = {name: [e["type"] for e in envelopes(events)] for name, events in CHANGES.items()}
    assert types == {
        "placed and paid": ["order.placed", "order.paid"],
        "shipped": ["order.shipped"],
        "delivered": ["order.delivered"],
        "confirmed": ["order.confirmed"],
        "claim requested": ["order.claim_requested"],
        "claim completed": ["order.cancelled", "order.claim_completed"],
        "refunded": ["order.refunded"],
        "refund forced": ["order.refunded"],
    }
    assert [e["data"]["forced"] for e in envelopes(CHANGES["refund forced"] + CHANGES["refunded"])] == [True, False]
    assert set(pe.TYPES) >= {t for ts in types.values() for t in ts}


def test_lines_are_grouped_per_change_and_a_split_names_the_moved_units() -> None:
    (shipped,) = envelopes(CHANGES["shipped"])
    assert shipped["data"] == {"lines": [{"line_id": "L001", "quantity": 2, "from": "ready_to_ship"},
                                         {"line_id": "L002", "quantity": 1, "from": "ready_to_ship"}], "quantity": 3}
    assert envelopes([moved("L001", "preparing", "cancelled", 1, split_to="L004")])[0]["data"]["lines"] == [
        {"line_id": "L004", "quantity": 1, "from": "preparing", "split_from": "L001"}]


def test_ids_are_stable_and_unique_per_change() -> None:
    first, again = envelopes(CHANGES["placed and paid"]), envelopes(CHANGES["placed and paid"])
    assert [e["id"] for e in first] == [e["id"] for e in again] == ["20261207-0001.v3.0", "20261207-0001.v3.1"]
    assert envelopes(CHANGES["placed and paid"], version=4)[0]["id"] == "20261207-0001.v4.0"


def test_a_timeline_note_that_is_not_a_change_has_no_public_event() -> None:
    assert envelopes(CHANGES["shipped"], version=None) == []
    assert envelopes([ev("memo", text="메모"), ev("delivery_failed", intent="sms")]) == []


def test_no_personal_data_and_no_free_text_in_data() -> None:
    text = json.dumps([envelopes(events) for events in CHANGES.values()], ensure_ascii=False)
    for personal in ("박지우", "김민지", "반팔", "text_ko", "고객 요청", "member_id", "m-1"):
        assert personal not in text, personal


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_envelope_validates_against_its_committed_schema(change: str) -> None:
    for e in envelopes(CHANGES[change]):
        schema = json.loads((event_schemas.EVENTS_DIR / f"{e['type']}.schema.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(e)


def test_a_schema_refuses_personal_fields_and_a_wrong_type() -> None:
    e = envelopes(CHANGES["placed and paid"])[1]
    schema = pe.json_schema("order.paid")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**e, "data": {**e["data"], "buyer_name": "박지우"}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**e, "type": "order.shipped"}, schema)


def test_the_committed_schema_files_are_fresh() -> None:
    assert event_schemas.stale() == [], "run python -m oms_local.event_schemas --write"
    assert sorted(p.name for p in event_schemas.EVENTS_DIR.glob("*.schema.json")) == sorted(
        f"{t}.schema.json" for t in pe.TYPES)


def test_the_openapi_section_links_every_type() -> None:
    section = event_schemas.openapi_section()
    assert set(section["webhooks"]) == set(pe.TYPES) == set(section["x-events"]["types"])
    assert section["x-events"]["types"]["order.shipped"]["schema"] == "docs/events/order.shipped.schema.json"


# ---- signing ----------------------------------------------------------------------------------------


def test_our_verifier_accepts_what_our_signer_makes() -> None:
    secret = standard_webhooks.new_secret()
    assert secret.startswith("whsec_") and len(secret) > 40
    body = json.dumps({"events": envelopes(CHANGES["shipped"])}).encode()
    now = datetime(2026, 12, 7, 1, 2, 3, tzinfo=UTC)
    h = standard_webhooks.headers([secret], "oms-20261207-0001.v3-webhook-E1", int(now.timestamp()), body)
    assert h["webhook-signature"].startswith("v1,")
    assert standard_webhooks.verify([secret], h, body, now) == ("oms-20261207-0001.v3-webhook-E1",
                                                                 int(now.timestamp()))
    with pytest.raises(WebhookRejected):
        standard_webhooks.verify([secret], h, body + b" ", now)
    with pytest.raises(WebhookRejected):
        standard_webhooks.verify([standard_webhooks.new_secret()], h, body, now)
    with pytest.raises(WebhookRejected):
        standard_webhooks.verify([secret], h, body, now + timedelta(minutes=6))


def test_during_a_rotation_both_secrets_sign() -> None:
    old, new = standard_webhooks.new_secret(), standard_webhooks.new_secret()
    now = datetime(2026, 12, 7, tzinfo=UTC)
    h = standard_webhooks.headers([new, old], "m1", int(now.timestamp()), b"{}")
    assert len(h["webhook-signature"].split()) == 2
    for receiver_has in (old, new):
        standard_webhooks.verify([receiver_has], h, b"{}", now)


# ---- endpoint rules --------------------------------------------------------------------------------


@pytest.mark.parametrize("url,code", [
    ("http://erp.example.com/hook", "WEBHOOK_URL_NOT_HTTPS"),
    ("ftp://erp.example.com/hook", "WEBHOOK_URL_NOT_HTTPS"),
    ("https://127.0.0.1/hook", "WEBHOOK_URL_PRIVATE_HOST"),
    ("https://10.1.2.3/hook", "WEBHOOK_URL_PRIVATE_HOST"),
    ("https://169.254.169.254/latest/meta-data", "WEBHOOK_URL_PRIVATE_HOST"),
    ("https://[::1]/hook", "WEBHOOK_URL_PRIVATE_HOST"),
    ("https://[::ffff:192.168.0.1]/hook", "WEBHOOK_URL_PRIVATE_HOST"),
    ("https://localhost/hook", "WEBHOOK_URL_PRIVATE_HOST"),
    ("https://intranet/hook", "WEBHOOK_URL_PRIVATE_HOST"),
    ("https://db.internal/hook", "WEBHOOK_URL_PRIVATE_HOST"),
    ("https://user:pw@erp.example.com/hook", "WEBHOOK_URL_INVALID"),
    ("https://", "WEBHOOK_URL_INVALID"),
])
def test_an_endpoint_url_must_be_https_on_the_public_internet(url: str, code: str) -> None:
    with pytest.raises(DomainError) as err:
        rules.check_url(url)
    assert err.value.code == code and err.value.field == "url" and err.value.status == 422


def test_public_urls_pass_and_the_local_allow_list_opens_only_its_hosts() -> None:
    assert rules.check_url(" https://erp.example.com:8443/hooks/oms ") == "https://erp.example.com:8443/hooks/oms"
    assert rules.check_url("https://8.8.8.8/x") == "https://8.8.8.8/x"
    assert rules.check_url("http://127.0.0.1:3300/hooks/a", ["127.0.0.1"]) == "http://127.0.0.1:3300/hooks/a"
    with pytest.raises(DomainError):
        rules.check_url("http://10.0.0.1/hooks/a", ["127.0.0.1"])


def test_event_types_are_checked_and_ordered() -> None:
    assert rules.check_event_types(["order.shipped", "order.placed", "order.shipped"]) == ["order.placed",
                                                                                          "order.shipped"]
    with pytest.raises(DomainError) as err:
        rules.check_event_types(["order.teleported"])
    assert err.value.code == "WEBHOOK_EVENT_TYPE_UNKNOWN"


@pytest.mark.parametrize("status,outcome", [(200, "delivered"), (204, "delivered"), (500, "retry"),
                                            (503, "retry"), (408, "retry"), (429, "retry"), (400, "failed"),
                                            (404, "failed"), (410, "failed"), (301, "failed")])
def test_how_an_answer_is_taken(status: int, outcome: str) -> None:
    assert rules.outcome_of_status(status) == outcome
