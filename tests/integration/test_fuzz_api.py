"""Fuzzing every route of every function through its Lambda handler, on DynamoDB Local.

Paths, queries and bodies come from the resolvers' OpenAPI documents (tests/fuzz_strategies.py):
mostly values that fit, so calls reach the business rules, and hostile ones. For every call:
no 5xx, every 4xx is problem+json with a ``code``, and a refused call wrote nothing to the site's
partitions (its orders, site, member and stock items; a refusal noted on the order's timeline is
the one write a refused change makes, by design).

``FUZZ_EXAMPLES`` sets the calls per route (default 60: over 2,000 per run); runs are derandomised
so CI is reproducible, ``FUZZ_RANDOM=1`` explores new cases.
"""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oms.domain.order import Actor
from oms.services import points as points_service
from oms.store import imports, keys, stock
from oms.store.table import client, load, table_name
from oms_local import tokens
from tests import api_routes, fuzz_strategies
from tests.integration.confirm_helpers import deliver, one_line, take_in
from tests.support import INVOICE_BUCKET, JOBS_QUEUE_NAME

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
ADMIN = Actor("admin", "admin-1", "관리자")
GUEST = {"name": "박지우", "phone": "010-3456-7890", "member_id": None}
ROUTES = api_routes.routes()
_POOL = ThreadPoolExecutor(max_workers=6)  # the partitions are read side by side after every call


def _partition(pk: str) -> list[dict[str, Any]]:
    resp = client().query(TableName=table_name(), KeyConditionExpression="PK = :pk",
                          ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True)
    return [i for i in (load(r) for r in resp.get("Items", []))
            if not (i.get("type") == "events" and all(e.get("kind") == "refused" for e in i.get("events", [])))]


class Site:
    """One tenant with an order of each kind, a payment, stock, points and an import."""

    def __init__(self, site_id: str) -> None:
        from oms.domain.clock import iso, utcnow
        from oms.services.orders import get_detail

        self.site_id = site_id
        self.order_id = take_in(site_id, **one_line())
        self.delivered = take_in(site_id, **one_line())
        deliver(site_id, self.delivered, iso(utcnow()))
        self.guest_order = take_in(site_id, **one_line(buyer=GUEST))
        self.payment_id = get_detail(site_id, self.order_id)["payments"][0]["payment_id"]
        stock.set_quantity(site_id, "TEE-01", 5, "admin-1")
        points_service.adjust(site_id, "m-100", 1000, "보상", ADMIN)
        self.import_id = "20261126T101010-abcd1234"
        imports.create({"PK": keys.site_pk(site_id), "SK": keys.import_sk(self.import_id), "type": "import",
                        "import_id": self.import_id, "site_id": site_id, "status": "done", "filename": "a.xlsx",
                        "upload_key": keys.upload_key(site_id, self.import_id),
                        "created_at": "2026-11-26T01:10:10.000000Z", "created_by": "admin-1",
                        "created_by_name": "관리자"})
        self.pks = [keys.order_pk(site_id, o) for o in (self.order_id, self.delivered, self.guest_order)]
        self.pks += [keys.site_pk(site_id), keys.member_pk(site_id, "m-100"), keys.stock_pk(site_id)]

    def known(self, param: str) -> list[str]:
        return {"order_id": [self.order_id, self.delivered, self.guest_order], "payment_id": [self.payment_id],
                "member_id": ["m-100"], "import_id": [self.import_id], "sku": ["TEE-01"],
                "provider": ["toss", "portone"]}.get(param, ["x"])

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        return dict(zip(self.pks, _POOL.map(_partition, self.pks), strict=True))


def _counts_file() -> Path:
    return Path(os.environ.get("FUZZ_COUNT_DIR", ".")) / f"fuzz-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.txt"


@pytest.fixture(scope="module")
def jobs_queue(s3_endpoint: str) -> str:
    """The jobs queue on the emulator (moto's server speaks SQS too): a job the fuzz starts is queued."""
    import boto3

    return str(boto3.client("sqs", endpoint_url=s3_endpoint).create_queue(QueueName=JOBS_QUEUE_NAME)["QueueUrl"])


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, s3_endpoint: str, jobs_queue: str) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", s3_endpoint)
    monkeypatch.setenv("JOBS_QUEUE_URL", jobs_queue)
    monkeypatch.setenv("INVOICE_BUCKET", INVOICE_BUCKET)
    for k, v in tokens.guest_signing_env().items():
        monkeypatch.setenv(k, v)


@pytest.fixture(scope="module")
def site(ddb_endpoint: str) -> Site:
    """One tenant per worker: the routes' calls accumulate on it, as on a shop in use."""
    return Site(f"fuzz-{uuid.uuid4().hex[:8]}")


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_fuzz_route(route: api_routes.ApiRoute, site: Site) -> None:
    site_id = site.site_id
    components = route.components or {}
    params = {p: st.one_of(st.sampled_from(site.known(p)), fuzz_strategies.ODD_TEXT.filter(bool))
              for p in route.path_params}
    query_keys = [(name, schema) for name, schema in route.query_params]
    if route.path == "/admin/invoices/template":
        query_keys.append(("order_ids", {"type": "string"}))
    query = st.fixed_dictionaries({}, optional={
        name: st.one_of(fuzz_strategies.fitting(schema, components).map(_query_text), fuzz_strategies.ODD_TEXT)
        for name, schema in query_keys})
    caller = st.sampled_from(["own", "own", "own", "other"]) if route.caller != "public" else st.just("none")
    state: dict[str, Any] = {"calls": 0, "2xx": 0, "baseline": site.snapshot()}

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
              suppress_health_check=list(HealthCheck))
    @given(path_values=st.fixed_dictionaries(params), query=query, who=caller,
           body=fuzz_strategies.body_text(route.body_schema, components),
           idempotency_key=st.one_of(st.none(), st.none(), fuzz_strategies.ODD_TEXT),
           content_type=fuzz_strategies.CONTENT_TYPES)
    def one_call(path_values: dict[str, str], query: dict[str, str], who: str, body: tuple[str | None, bool],
                 idempotency_key: str | None, content_type: str) -> None:
        tenant = site_id if who != "other" else site_id + "-other"
        order_for_guest = path_values.get("order_id", site.guest_order)
        claims = api_routes.claims_for(route.caller, tenant, order_id=order_for_guest)
        ev = api_routes.event(route, api_routes.fill(route.path, path_values), claims=claims, raw_body=body[0],
                              query=query or None, path_values=path_values or None)
        ev["isBase64Encoded"] = body[1]
        ev["headers"]["content-type"] = content_type
        if idempotency_key is not None:
            ev["headers"]["idempotency-key"] = idempotency_key
        status, headers, answer = api_routes.invoke(route, ev)
        state["calls"] += 1
        state["2xx"] += status < 300
        assert status < 500, (route.key, path_values, query, body, answer)
        after = site.snapshot()
        if status >= 400:
            assert headers.get("content-type") == "application/problem+json", (route.key, status, answer)
            assert isinstance(answer, dict) and answer.get("code"), (route.key, status, answer)
            assert after == state["baseline"], (route.key, "a refused call wrote", status, answer)
        state["baseline"] = after

    one_call()
    with _counts_file().open("a") as f:
        f.write(f"{state['calls']} {state['2xx']}\n")
    assert state["calls"] >= min(EXAMPLES, 10)


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
