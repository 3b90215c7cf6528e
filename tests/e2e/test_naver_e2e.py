"""Naver orders end to end on the local stack over HTTP, as `make run` composes it: a seller connected
through the admin API, an order placed in the Naver sandbox appears in our list after the scheduled
fan-out and its worker (SQS) pull it, the operator ships it with a tracking number, and the relay's
dispatch makes it 배송중 on the sandbox."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from oms_local import tokens
from oms_local.naver_sandbox import DEV_CLIENT_ID, DEV_CLIENT_SECRET
from oms_local.s3 import S3Local, create_buckets
from oms_local.stack import Stack
from oms_local.template import TEMPLATE_PATH


@pytest.fixture(scope="module")
def stack(ddb_endpoint: str, table_name: str) -> Iterator[Stack]:
    s3 = S3Local(own_process=True).start()
    sqs_before = os.environ.get("AWS_ENDPOINT_URL_SQS")
    st = Stack(template=TEMPLATE_PATH, table=table_name, s3_endpoint=s3.endpoint, schedules=False,
               gateway_env={"POWERTOOLS_TRACE_DISABLED": "true", "LOG_LEVEL": "WARNING"})
    create_buckets(s3.client(), st.gateway.bucket_names())
    st.start()
    try:
        yield st
    finally:
        st.stop()
        s3.stop()
        if sqs_before is None:
            os.environ.pop("AWS_ENDPOINT_URL_SQS", None)
        else:
            os.environ["AWS_ENDPOINT_URL_SQS"] = sqs_before


def until(check: Callable[[], Any], what: str, seconds: float = 40) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def test_a_naver_order_is_pulled_shipped_here_and_dispatched_on_naver(stack: Stack, site_id: str) -> None:
    api, naver = stack.gateway.url, stack.naver.url
    admin = {"authorization": f"Bearer {tokens.mint_admin_token(site_id)}"}
    with httpx.Client(timeout=30) as http:
        r = http.put(f"{api}/admin/channels/naver", headers=admin,
                     json={"client_id": DEV_CLIENT_ID, "client_secret": DEV_CLIENT_SECRET})
        assert r.status_code == 200 and r.json()["enabled"] is True, r.text
        r = http.post(f"{naver}/_sandbox/orders", json={"items": [{"name": "린넨 셔츠", "quantity": 2,
                                                                    "unit_price": 35000, "option_price": 0,
                                                                    "discount": 5000, "option": "사이즈: M"}]})
        assert r.status_code == 200, r.text
        naver_order, (pid,) = r.json()["orderId"], r.json()["productOrderIds"]
        stack.gateway.invoke_function("ChannelPollFunction", {
            "version": "0", "id": "e2e", "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "000000000000", "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": "ap-northeast-2", "resources": [], "detail": {}})

        def listed() -> dict[str, Any] | None:
            rows = http.get(f"{api}/admin/orders", headers=admin).json()["orders"]
            return next((o for o in rows if o.get("external_order_id") == naver_order), None)

        row = until(listed, "the Naver order in our list")
        assert row["channel"] == "naverpay_order" and row["order_amount"] == 35000 * 2 - 5000 + 3000
        oid = row["order_id"]
        detail = http.get(f"{api}/admin/orders/{oid}", headers=admin).json()
        (line,) = detail["lines"]
        assert line["external_id"] == pid and line["status"] == "preparing"
        lid = line["line_id"]
        for body in ({"moves": [{"line_id": lid, "to": "ready_to_ship"}]},):
            assert http.post(f"{api}/admin/orders/{oid}/status", headers=admin, json=body).status_code == 200
        r = http.post(f"{api}/admin/orders/{oid}/tracking", headers=admin,
                      json={"line_ids": [lid], "courier": "CJ", "tracking_no": "640012345678"})
        assert r.status_code in (200, 201), r.text
        r = http.post(f"{api}/admin/orders/{oid}/status", headers=admin,
                      json={"moves": [{"line_id": lid, "to": "shipping"}]})
        assert r.status_code == 200, r.text

        def on_naver() -> dict[str, Any] | None:
            pos = http.get(f"{naver}/_sandbox/product-orders").json()
            po = next(p for p in (pos.get("productOrders", pos) if isinstance(pos, dict) else pos)
                      if p["product_order_id"] == pid)
            return po if po["status"] == "DELIVERING" else None

        po = until(on_naver, "배송중 on Naver")
        assert po["tracking_no"] == "640012345678" and po["courier"] == "CJGLS"
        state = until(lambda: (http.get(f"{api}/admin/orders/{oid}", headers=admin).json()["lines"][0]
                               ["channel_state"] or {}).get("last_push"), "the push recorded on the line")
        assert state["what"] == "dispatch"
