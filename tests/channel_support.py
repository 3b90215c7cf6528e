"""External-channel sync in tests: the Naver sandbox (no rate limit unless asked), a site connected
to it through the admin API (credentials in the SSM emulator), a pull run in process, the relay that
pushes, and reading a channel order."""

from __future__ import annotations

from typing import Any

import pytest

from oms.integrations.channels import naver_http
from oms.services import channel_sync
from oms.store import channels as channel_store
from oms.store import checkout
from oms_local.naver_sandbox import DEV_CLIENT_ID, DEV_CLIENT_SECRET, NaverSandbox
from tests.shipping_support import admin

PARAMETER_PATH = "/oms/channels"  # the template's default


def start_sandbox(monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> NaverSandbox:
    sb = NaverSandbox(port=0, rate_per_second=kwargs.pop("rate_per_second", 0), **kwargs).start()
    for k, v in {**sb.env(), "CHANNEL_PARAMETER_PATH": PARAMETER_PATH}.items():
        monkeypatch.setenv(k, v)
    naver_http.clear_tokens()
    channel_store.forget_credentials()
    return sb


def connect(site_id: str) -> dict[str, Any]:
    status, body = admin("PUT", "/admin/channels/naver", site_id,
                         {"client_id": DEV_CLIENT_ID, "client_secret": DEV_CLIENT_SECRET})
    assert status == 200, body
    return dict(body)


def pull(site_id: str) -> channel_sync.Pulled:
    return channel_sync.pull(site_id, "naver", force=True)


def our_order(site_id: str, naver_order_id: str) -> str:
    found = checkout.existing_checkout(site_id, f"naver:{naver_order_id}")
    assert found is not None, f"Naver order {naver_order_id} not taken in"
    return found


def detail(site_id: str, order_id: str) -> dict[str, Any]:
    status, body = admin("GET", f"/admin/orders/{order_id}", site_id)
    assert status == 200, body
    return dict(body)


def ship(site_id: str, order_id: str, number: str, courier: str = "CJ") -> dict[str, Any]:
    """The operator ships every line: 배송대기, then the number on the detail, then 배송중."""
    lines = [li["line_id"] for li in detail(site_id, order_id)["lines"]]
    status, body = admin("POST", f"/admin/orders/{order_id}/status", site_id,
                         {"moves": [{"line_id": lid, "to": "ready_to_ship"} for lid in lines]})
    assert status == 200, body
    status, body = admin("POST", f"/admin/orders/{order_id}/tracking", site_id,
                         {"line_ids": lines, "courier": courier, "tracking_no": number})
    assert status in (200, 201), body
    status, body = admin("POST", f"/admin/orders/{order_id}/status", site_id,
                         {"moves": [{"line_id": lid, "to": "shipping"} for lid in lines]})
    assert status == 200, body
    return dict(body)
