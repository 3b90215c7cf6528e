"""Delivery tracking in tests: the tracking sandbox whose callbacks go to TrackingWebhooksFunction in
process (under its template contract), a site with a provider, and reading a shipment's tracking."""

from __future__ import annotations

import json
import os
import urllib.parse
import uuid
from collections.abc import Iterator
from typing import Any

from oms_local.tracking_sandbox import TrackingSandbox
from tests.shipping_support import admin
from tests.support import FakeContext


def tracking_event(path: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> dict[str, Any]:
    provider = path.rstrip("/").rsplit("/", 1)[-1]
    return {
        "version": "2.0", "routeKey": "POST /webhooks/tracking/{provider}", "rawPath": path,
        "rawQueryString": urllib.parse.urlencode(query), "queryStringParameters": query or None,
        "headers": {k.lower(): v for k, v in headers.items()}, "pathParameters": {"provider": provider},
        "requestContext": {"accountId": "000000000000", "apiId": "local", "domainName": "127.0.0.1",
                           "http": {"method": "POST", "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                                    "userAgent": "tracking"},
                           "requestId": uuid.uuid4().hex, "routeKey": "POST /webhooks/tracking/{provider}",
                           "stage": "$default", "timeEpoch": 0},
        "body": body.decode(), "isBase64Encoded": False,
    }


def post_in_process(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    from webhooks_api.tracking import lambda_handler

    split = urllib.parse.urlsplit(url)
    path = split.path[split.path.find("/webhooks/"):]
    resp = lambda_handler(tracking_event(path, dict(urllib.parse.parse_qsl(split.query)), headers, body),
                          FakeContext())
    return int(resp["statusCode"]), json.loads(resp["body"])


def sandbox_fixture() -> Iterator[TrackingSandbox]:
    sb = TrackingSandbox(port=0, post=post_in_process).start()
    saved = {k: os.environ.get(k) for k in sb.env()}
    os.environ.update(sb.env())
    try:
        yield sb
    finally:
        sb.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def use_provider(site_id: str, provider: str | None, **more: Any) -> None:
    from oms.services import tracking

    status, body = admin("PATCH", "/admin/settings", site_id, {"tracking": {"provider": provider, **more}})
    assert status == 200, body
    tracking.forget_settings(site_id)


def shipment(site_id: str, order_id: str, shipment_id: str = "SH001") -> dict[str, Any]:
    status, body = admin("GET", f"/admin/orders/{order_id}", site_id)
    assert status == 200, body
    return dict(next(s for s in body["shipments"] if s["shipment_id"] == shipment_id))


def statuses(site_id: str, order_id: str) -> list[str]:
    status, body = admin("GET", f"/admin/orders/{order_id}", site_id)
    assert status == 200, body
    return [line["status"] for line in body["lines"]]


def timeline(site_id: str, order_id: str) -> list[dict[str, Any]]:
    status, body = admin("GET", f"/admin/orders/{order_id}/timeline", site_id, query={"limit": 100})
    assert status == 200, body
    return list(body["events"])
