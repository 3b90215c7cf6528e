"""The OpenAPI document against the running API, checked by a third party: schemathesis.

Every operation of docs/openapi.json is called over HTTP on the local stack (the gateway emulator
in front of the real handlers, on DynamoDB Local, moto's S3/SQS and the PG sandbox) with requests
schemathesis generates from the document, each with the token its security names. Every answer must
be documented: its status (``status_code_conformance``), its media type (``content_type_conformance``)
and its body (``response_schema_conformance``: typed successes, the Problem of every refusal); and no
5xx (``not_a_server_error``).

Path parameters are the seeded tenant's real ids half of the time (so calls reach the business rules
and 2xx answers), generated the other half. ``CONFORMANCE_EXAMPLES`` sets the cases per operation
(default 6); runs are derandomised, ``CONFORMANCE_RANDOM=1`` explores new cases.

tests/integration/test_fuzz_api.py stays: it calls the handlers in-process with hostile bytes
(encodings, media types, odd text) and checks that refused calls write nothing, which this does not.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from oms_local import openapi, tokens
from oms_local.gateway import Gateway
from oms_local.pg_sandbox import PgSandbox
from oms_local.template import TEMPLATE_PATH
from tests.integration.test_fuzz_api import Site

EXAMPLES = int(os.environ.get("CONFORMANCE_EXAMPLES", "6"))
RANDOM = os.environ.get("CONFORMANCE_RANDOM") == "1"
MIN_SUCCEEDED = 35
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance, not_a_server_error]
SCHEMA = schemathesis.openapi.from_path(openapi.DOCUMENT_PATH)
OPERATIONS = openapi.operations(SCHEMA.raw_schema)
#: "METHOD path" -> the statuses answered (read at the end: successes were checked too)
ANSWERED: dict[str, list[int]] = {}

pytestmark = pytest.mark.xdist_group("openapi-conformance")  # one stack, one worker


@pytest.fixture(scope="module")
def stack(ddb_endpoint: str, s3_endpoint: str, table_name: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[dict[str, Any]]:
    import boto3

    local_dir = tmp_path_factory.mktemp("oms-conformance")
    # the template's jobs queue under its local name (a function's queue URL comes from its template)
    queue = boto3.client("sqs", endpoint_url=s3_endpoint).create_queue(QueueName="oms-local-jobsqueue")["QueueUrl"]
    sandbox = PgSandbox(port=0, cancel_callback_delay=0.05).start()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OMS_LOCAL_DIR", str(local_dir))  # tokens minted and verified with this run's keys
        env = {**sandbox.env(), **tokens.guest_signing_env(), "POWERTOOLS_TRACE_DISABLED": "true",
               "LOG_LEVEL": "WARNING", "AWS_ENDPOINT_URL_SQS": s3_endpoint, "JOBS_QUEUE_URL": queue}
        gw = Gateway(TEMPLATE_PATH, table_name=table_name, port=0, env=env).start()
        sandbox.gateway_url = gw.url
        for k, v in env.items():
            mp.setenv(k, v)
        site = Site(f"conf-{uuid.uuid4().hex[:8]}")
        auth = {"OmsJwt": tokens.mint_admin_token(site.site_id), "AWS_IAM": tokens.service_token(),
                "BuyerJwt": tokens.mint_buyer_token(site.site_id, member_id="m-100"),
                "GuestJwt": tokens.mint_buyer_token(site.site_id, order_id=site.guest_order)}
        try:
            yield {"url": gw.url, "site": site, "auth": auth}
        finally:
            gw.stop()
            sandbox.stop()
    _reached_successes()


def _reached_successes() -> None:
    """After every operation ran (the module's teardown): most operations answered a 2xx at least
    once, so their success schemas were checked, not only their refusals."""
    if len(ANSWERED) < len(OPERATIONS):  # a subset was selected
        return
    succeeded = sorted(op for op, statuses in ANSWERED.items() if any(s < 300 for s in statuses))
    print(f"\nconformance: {len(succeeded)} of {len(OPERATIONS)} operations answered a 2xx", file=sys.stderr)
    assert len(succeeded) >= MIN_SUCCEEDED, sorted(set(ANSWERED) - set(succeeded))


def _known(site: Site, path: str, operation: Any) -> dict[str, str]:
    """The seeded tenant's id for each path parameter it has one for (guest routes: the guest's order)."""
    names = [p.name for p in operation.path_parameters]
    if path.startswith("/buyer/guest/orders/"):
        return {"order_id": site.guest_order} if "order_id" in names else {}
    return {n: site.known(n)[0] for n in names if site.known(n) != ["x"]}


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_answers_as_documented(method: str, path: str, stack: dict[str, Any]) -> None:
    operation = SCHEMA[path][method.lower()]
    spec = SCHEMA.raw_schema["paths"][path][method.lower()]
    names = [next(iter(s)) for s in spec.get("security", []) if s]
    headers = {"Authorization": f"Bearer {stack['auth'][names[0]]}"} if names else {}
    known = _known(stack["site"], path, operation)
    cases = st.one_of(operation.as_strategy(path_parameters=known), operation.as_strategy()) if known \
        else operation.as_strategy()
    failures: list[str] = []
    seen = ANSWERED.setdefault(f"{method} {path}", [])
    session = requests.Session()

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def one_call(case: Any) -> None:
        response = case.call(base_url=stack["url"], session=session, headers=headers, timeout=30)
        seen.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except Exception as exc:  # every finding of every case is reported, not only the first
            failures.append(f"{response.status_code} {response.text[:300]}\n{str(exc)[:600]}")

    one_call()
    assert failures == [], f"{method} {path}: {len(failures)} of {len(seen)} answers disagree:\n" + \
        "\n---\n".join(failures[:5])
    assert seen, (method, path)


def test_every_operation_of_the_document_is_checked() -> None:
    assert len(OPERATIONS) == len(openapi.operations(openapi.build())) >= 80
    assert Path(openapi.DOCUMENT_PATH).is_file()
