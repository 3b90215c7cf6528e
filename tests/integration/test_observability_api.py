"""Business metrics (EMF on stdout, printed by Powertools at the end of the invocation) from an admin
route and a bulk job, with no personal data in them, and the API request's correlation id carried
by the job's messages to the worker's logger."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools import Metrics

from oms import observability
from oms.services import jobs
from oms.store import orders
from oms_local.gateway import Gateway
from oms_local.sqs_events import SqsEvents, _client
from tests.jobs_support import JobEvents, jobs_stack
from tests.shipping_support import api_order
from tests.support import http_event

pytestmark = pytest.mark.usefixtures("standard_buyer_points")


@pytest.fixture(scope="module")
def stack(s3_endpoint: str, ddb_endpoint: str, table_name: str) -> Iterator[tuple[Gateway, SqsEvents]]:
    yield jobs_stack(s3_endpoint, table_name)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "CHUNK", 2)


def emf(out: str) -> list[dict[str, Any]]:
    """The EMF documents among stdout's lines."""
    docs = []
    for line in out.splitlines():
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc, dict) and "_aws" in doc:
            docs.append(doc)
    return docs


def total(docs: list[dict[str, Any]], name: str) -> float:
    out = 0.0
    for d in docs:
        value = d.get(name)
        out += sum(value) if isinstance(value, list) else (value or 0)
    return out


def assert_no_personal_data(docs: list[dict[str, Any]], *secrets: str) -> None:
    for d in docs:
        (directive,) = d["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "Oms"
        assert directive["Dimensions"] == [["service"]]  # Powertools' service, nothing else
        text = json.dumps(d, ensure_ascii=False)
        for s in secrets:
            assert s not in text


def fresh(capsys: pytest.CaptureFixture[str]) -> None:
    Metrics().clear_metrics()
    capsys.readouterr()


def test_admin_status_change_counts_orders_changed(stack: tuple[Gateway, JobEvents], site_id: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    gw, _ = stack
    ids = [api_order(site_id, ready=False) for _ in range(2)]
    order, _ = orders.load_order(site_id, ids[0])
    fresh(capsys)
    resp = gw.invoke_function("OrdersFunction", http_event(
        "POST", "/admin/orders/bulk/status", {"order_ids": ids, "to": "ready_to_ship"}, site_id=site_id))
    assert resp["statusCode"] == 200, resp
    docs = emf(capsys.readouterr().out)
    assert total(docs, "OrderStatusChanges") == sum(len(orders.load_order(site_id, i)[0].lines) for i in ids)
    assert total(docs, "Refunds") == 0 and total(docs, "JobsStarted") == 0
    assert_no_personal_data(docs, *ids, site_id, order.buyer.name, order.buyer.phone)


def test_a_job_counts_its_start_and_changes_and_carries_the_request_id(
        stack: tuple[Gateway, JobEvents], site_id: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    gw, events = stack
    sqs = _client(events.endpoint)
    ids = [api_order(site_id, ready=False) for _ in range(3)]
    fresh(capsys)
    event = http_event("POST", "/admin/jobs", {"action": "status", "to": "ready_to_ship",
                                               "search": {"tab": "preparing"}}, site_id=site_id)
    request_id = event["requestContext"]["requestId"]
    resp = gw.invoke_function("ExportsFunction", event)
    assert resp["statusCode"] == 202, resp
    started = emf(capsys.readouterr().out)
    assert total(started, "JobsStarted") == 1
    assert_no_personal_data(started, *ids, site_id)

    # every chunk's message names the API request (the relay queues them once the job item exists)
    events.stream.drain()
    got = sqs.receive_message(QueueUrl=events.urls["JobsQueue"], MaxNumberOfMessages=10, VisibilityTimeout=0)
    bodies = [b for b in (json.loads(m["Body"]) for m in got.get("Messages", []))
              if b.get("site_id") == site_id]  # another module's stack shares the queue's name
    assert bodies and all(b[observability.CORRELATION_KEY] == request_id for b in bodies)

    # the worker's logger has it while it works on a message
    seen: list[str | None] = []
    real = jobs.process

    def spy(message: dict[str, Any]) -> dict[str, Any]:
        seen.append(observability.correlation_id())
        return real(message)

    monkeypatch.setattr(jobs, "process", spy)
    fresh(capsys)
    events.drain()
    worked = emf(capsys.readouterr().out)
    assert seen and set(seen) == {request_id}
    assert total(worked, "OrderStatusChanges") == sum(len(orders.load_order(site_id, i)[0].lines) for i in ids)
    assert total(worked, "JobsFailed") == 0
    assert_no_personal_data(worked, *ids, site_id)
