"""The Naver sandbox in a test: started on a free port with the adapter's base URL set and the
adapter's token cache cleared (tests/integration/test_naver_adapter.py, test_naver_sandbox.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oms.integrations.channels import Credentials, DispatchItem, ItemResult, naver_http
from oms.integrations.channels.naver import NaverCommerce
from oms_local.naver_sandbox import DEV_CLIENT_ID, DEV_CLIENT_SECRET, NaverSandbox

CREDS = Credentials(DEV_CLIENT_ID, DEV_CLIENT_SECRET)
API = NaverCommerce()
TOKEN = "/external/v1/oauth2/token"
FEED = "/external/v1/pay-order/seller/product-orders/last-changed-statuses"
T0 = "2026-12-07T01:30:15.250000Z"  # 10:30:15.250 KST


def start(monkeypatch: pytest.MonkeyPatch, **kwargs: object) -> NaverSandbox:
    sb = NaverSandbox(port=0, **kwargs).start()  # type: ignore[arg-type]
    for k, v in sb.env().items():
        monkeypatch.setenv(k, v)
    naver_http.clear_tokens()
    return sb


@pytest.fixture(name="sandbox")
def sandbox_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[NaverSandbox]:
    sb = start(monkeypatch, rate_per_second=0)
    try:
        yield sb
    finally:
        sb.stop()
        naver_http.clear_tokens()


def count(sb: NaverSandbox, path: str) -> int:
    return sum(1 for _, p in sb.calls if p == path)


def dispatched(sb: NaverSandbox, pid: str, number: str, courier: str = "CJGLS") -> None:
    assert API.dispatch(CREDS, [DispatchItem(pid, courier, number, "2026-12-07T05:00:00Z")]) == [ItemResult(pid, True)]
