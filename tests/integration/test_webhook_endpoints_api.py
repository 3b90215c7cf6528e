"""The webhook endpoint routes of the admin API on DynamoDB Local: URL rules as problem+json with a
field, at most N endpoints per site whatever the order of registrations and removals, the signing
secret answered once, changes and removal."""

from __future__ import annotations

from typing import Any

from oms.domain.webhook_endpoints import MAX_ENDPOINTS
from oms.store import keys, keys_webhooks
from oms.store.table import client, table_name
from tests.shipping_support import admin

URL = "https://erp.example.com/hooks/oms"


def register(site_id: str, **body: Any) -> tuple[int, Any]:
    return admin("POST", "/admin/webhooks/endpoints", site_id, {"url": URL, "event_types": ["order.placed"], **body})


def test_the_url_must_be_https_on_a_public_host(site_id: str) -> None:
    for url, code in (("http://erp.example.com/h", "WEBHOOK_URL_NOT_HTTPS"),
                      ("https://127.0.0.1:3300/hooks/a", "WEBHOOK_URL_PRIVATE_HOST"),
                      ("https://169.254.169.254/latest", "WEBHOOK_URL_PRIVATE_HOST")):
        status, problem = register(site_id, url=url)
        assert status == 422, problem
        assert (problem["code"], problem["field"]) == (code, "url") and problem["message_ko"]
    status, problem = register(site_id, event_types=["order.teleported"])
    assert status == 422 and problem["code"] == "WEBHOOK_EVENT_TYPE_UNKNOWN" and problem["field"] == "event_types"
    status, problem = register(site_id, event_types=[])
    assert status == 400 and problem["code"] == "VALIDATION_FAILED"
    status, listed = admin("GET", "/admin/webhooks/endpoints", site_id)
    assert status == 200 and listed["endpoints"] == []


def test_the_secret_is_answered_once(site_id: str) -> None:
    status, ep = register(site_id, description="물류 시스템")
    assert status == 201 and ep["secret"].startswith("whsec_") and ep["enabled"] is True
    assert ep["secret_hint"].endswith(ep["secret"][-4:])
    status, listed = admin("GET", "/admin/webhooks/endpoints", site_id)
    assert status == 200 and [e["endpoint_id"] for e in listed["endpoints"]] == [ep["endpoint_id"]]
    assert {t["type"] for t in listed["event_types"]} >= {"order.placed", "order.refunded"}
    status, one = admin("GET", f"/admin/webhooks/endpoints/{ep['endpoint_id']}", site_id)
    assert status == 200 and one["description"] == "물류 시스템"
    for answer in (listed, one):
        assert ep["secret"] not in str(answer) and "previous_secret" not in str(answer)
    status, rotated = admin("POST", f"/admin/webhooks/endpoints/{ep['endpoint_id']}/rotate-secret", site_id)
    assert status == 200 and rotated["secret"] != ep["secret"]
    status, one = admin("GET", f"/admin/webhooks/endpoints/{ep['endpoint_id']}", site_id)
    assert rotated["secret"] not in str(one) and ep["secret"] not in str(one) and one["previous_secret_until"]


def test_at_most_n_endpoints_per_site(site_id: str) -> None:
    made = []
    for n in range(MAX_ENDPOINTS):
        status, ep = register(site_id, url=f"{URL}/{n}")
        assert status == 201, ep
        made.append(ep["endpoint_id"])
    status, problem = register(site_id)
    assert status == 409 and problem["code"] == "WEBHOOK_ENDPOINT_LIMIT"
    status, gone = admin("DELETE", f"/admin/webhooks/endpoints/{made[0]}", site_id)
    assert status == 200 and gone == {"endpoint_id": made[0], "deleted": True}
    status, problem = admin("DELETE", f"/admin/webhooks/endpoints/{made[0]}", site_id)
    assert status == 404 and problem["code"] == "WEBHOOK_ENDPOINT_NOT_FOUND"
    assert register(site_id)[0] == 201  # the removed one's place
    assert register(site_id)[0] == 409
    counter = client().get_item(TableName=table_name(), Key={"PK": {"S": keys.site_pk(site_id)},
                                                             "SK": {"S": keys_webhooks.WEBHOOK_CONFIG_SK}})["Item"]
    assert counter["endpoints"]["N"] == str(MAX_ENDPOINTS)


def test_change_and_disable(site_id: str) -> None:
    _, ep = register(site_id)
    path = f"/admin/webhooks/endpoints/{ep['endpoint_id']}"
    status, changed = admin("PATCH", path, site_id, {"event_types": ["order.shipped", "order.placed"],
                                                     "enabled": False, "description": None})
    assert status == 200 and changed["event_types"] == ["order.placed", "order.shipped"]
    assert changed["enabled"] is False and "description" not in changed
    status, problem = admin("PATCH", path, site_id, {"url": "http://erp.example.com"})
    assert status == 422 and problem["code"] == "WEBHOOK_URL_NOT_HTTPS"
    status, problem = admin("PATCH", "/admin/webhooks/endpoints/Enope", site_id, {"enabled": True})
    assert status == 404 and problem["code"] == "WEBHOOK_ENDPOINT_NOT_FOUND"
    status, log = admin("GET", f"{path}/attempts", site_id)
    assert status == 200 and log == {"endpoint_id": ep["endpoint_id"], "attempts": []}
