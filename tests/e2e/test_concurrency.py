"""Concurrent requests over HTTP: the gateway runs them at once in several containers of OrdersFunction,
and the order's conditional write lets exactly one of 20 conflicting changes through."""

from __future__ import annotations

import threading

import httpx
import pytest

from oms_local.gateway import Gateway
from tests.support import order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

PROBLEM = "application/problem+json"
N = 20


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_twenty_conflicting_status_changes_at_once(
    http: httpx.Client, gateway: Gateway, site_id: str, admin_token: str, service_token: str
) -> None:
    created = http.post("/intake/orders", json=order_payload(site_id), headers=bearer(service_token))
    assert created.status_code == 201, created.text
    order_id = created.json()["order_id"]
    version = http.get(f"/admin/orders/{order_id}", headers=bearer(admin_token)).json()["version"]

    # every request moves one unit of L001 from the same version: only one can be the next version
    body = {"moves": [{"line_id": "L001", "to": "ready_to_ship", "quantity": 1}], "expected_version": version}
    barrier = threading.Barrier(N)
    answers: list[httpx.Response | BaseException] = [RuntimeError("not sent")] * N

    def send(i: int) -> None:
        with httpx.Client(base_url=gateway.url, timeout=60) as client:  # one connection each
            barrier.wait()
            try:
                answers[i] = client.post(f"/admin/orders/{order_id}/status", json=body,
                                         headers=bearer(admin_token))
            except BaseException as exc:  # a reset connection lands here
                answers[i] = exc

    threads = [threading.Thread(target=send, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    errors = [repr(a) for a in answers if not isinstance(a, httpx.Response)]
    assert errors == []
    responses = [a for a in answers if isinstance(a, httpx.Response)]
    assert sorted(r.status_code for r in responses) == [200] + [409] * (N - 1)
    conflicts = [r for r in responses if r.status_code == 409]
    assert {r.headers["content-type"] for r in conflicts} == {PROBLEM}
    assert {(r.json()["code"], r.json()["status"]) for r in conflicts} == {("VERSION_CONFLICT", 409)}
    assert all(r.json()["message_ko"] for r in conflicts)

    # the order moved exactly one unit, once
    after = http.get(f"/admin/orders/{order_id}", headers=bearer(admin_token)).json()
    assert after["version"] == version + 1
    ready = [li for li in after["lines"] if li["status"] == "ready_to_ship"]
    assert [(li["quantity"]) for li in ready] == [1]
    winner = next(r for r in responses if r.status_code == 200).json()
    assert winner["version"] == version + 1
