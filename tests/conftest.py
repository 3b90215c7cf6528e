"""Session fixtures shared by every test.

- Dummy AWS credentials and region are set for the whole run, so nothing can reach real AWS.
- ``ddb_endpoint``: DynamoDB Local, in memory, on a free port, with the table created from
  template.yaml (one instance per pytest-xdist worker).
- ``s3_endpoint``: moto's S3 server on a free port.
- ``site_id``: a fresh tenant id per test; tests isolate by tenant instead of recreating tables.

Tests under tests/integration, tests/e2e and tests/browser get ``ddb_endpoint`` (and the ``ddb`` mark)
automatically; unit tests never start anything, and the local endpoint variables are removed
for them so that in-process mocks (moto's ``mock_aws``) see the default AWS endpoints.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oms_local import LOCAL_ENV, apply_local_env

TEST_TABLE_NAME = "oms-test"
ENDPOINT_VARS = ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SSM")
_TESTS_DIR = Path(__file__).resolve().parent
_STACK_DIRS = (_TESTS_DIR / "integration", _TESTS_DIR / "e2e", _TESTS_DIR / "browser")


def _safe_aws_env() -> None:
    os.environ.update(LOCAL_ENV)
    for var in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE"):
        os.environ.pop(var, None)
    os.environ.setdefault("TABLE_NAME", TEST_TABLE_NAME)
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "oms")
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Oms")
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "1")


# Before any test module is imported, so module-level boto3 clients get dummy credentials.
_safe_aws_env()


def _contracts() -> None:
    """Handlers called in-process run under their function's template contract (environment + IAM)."""
    from oms_local import REPO_ROOT, invoker
    from oms_local.template import TEMPLATE_PATH, load_template

    invoker.install(load_template(TEMPLATE_PATH), os.environ["TABLE_NAME"], REPO_ROOT)


# Before any handler module is imported (the invoker wraps their handlers on import).
_contracts()


def _in_stack_dir(path: Path) -> bool:
    return any(path.is_relative_to(d) for d in _STACK_DIRS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path))
        if _in_stack_dir(path):
            item.add_marker(pytest.mark.ddb)
        if path.is_relative_to(_TESTS_DIR / "e2e"):
            item.add_marker(pytest.mark.e2e)
        if path.is_relative_to(_TESTS_DIR / "browser"):  # one console stack and one browser: one worker
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session", autouse=True)
def aws_credentials() -> Iterator[None]:
    """Dummy credentials/region for the whole session (never real AWS)."""
    _safe_aws_env()
    yield


@pytest.fixture(autouse=True)
def _local_stack_for_stack_tests(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Integration/e2e tests get DynamoDB Local; other tests see no local endpoint variables."""
    if _in_stack_dir(Path(str(request.node.path))):
        request.getfixturevalue("ddb_endpoint")
        request.getfixturevalue("parameter_store")
        if "s3_endpoint" in request.fixturenames:  # whatever an earlier test of this worker left set
            monkeypatch.setenv("AWS_ENDPOINT_URL_S3", request.getfixturevalue("s3_endpoint"))
        return
    if "ddb_endpoint" in request.fixturenames or "s3_endpoint" in request.fixturenames:
        return
    for var in ENDPOINT_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def table_name() -> str:
    return TEST_TABLE_NAME


@pytest.fixture(scope="session")
def ddb_endpoint(table_name: str) -> Iterator[str]:
    """DynamoDB Local in memory with the OMS table; sets AWS_ENDPOINT_URL_DYNAMODB and TABLE_NAME."""
    from oms_local.ddb import DynamoDBLocal
    from oms_local.template import create_table

    ddb = DynamoDBLocal().start()
    try:
        apply_local_env(ddb_endpoint=ddb.endpoint, table_name=table_name)
        create_table(ddb.client(), table_name)
        yield ddb.endpoint
    finally:
        ddb.stop()
        os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server; sets AWS_ENDPOINT_URL_S3."""
    from oms_local.s3 import S3Local

    s3 = S3Local().start()
    try:
        apply_local_env(s3_endpoint=s3.endpoint)
        yield s3.endpoint
    finally:
        s3.stop()
        os.environ.pop("AWS_ENDPOINT_URL_S3", None)


@pytest.fixture(scope="session")
def parameter_store() -> Iterator[str]:
    """SSM Parameter Store (moto's server, in a process of its own) holding every parameter the stack
    needs (oms_local.parameters, the local values); sets AWS_ENDPOINT_URL_SSM."""
    from oms_local.parameters import bootstrap_local
    from oms_local.s3 import S3Local
    from oms_local.template import load_template

    server = S3Local(own_process=True).start()
    try:
        bootstrap_local(server.endpoint, load_template())
        os.environ["AWS_ENDPOINT_URL_SSM"] = server.endpoint
        yield server.endpoint
    finally:
        server.stop()
        os.environ.pop("AWS_ENDPOINT_URL_SSM", None)


@pytest.fixture
def site_id() -> str:
    """A unique tenant id for one test."""
    return f"site-{uuid.uuid4().hex[:8]}"


# ---- the fuzz run's case count (tests/integration/test_fuzz_api.py), summed over xdist workers ----

_FUZZ_DIR = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controlling process; workers inherit the variable
        import tempfile

        config.stash[_FUZZ_DIR] = tempfile.mkdtemp(prefix="oms-fuzz-")
        os.environ["FUZZ_COUNT_DIR"] = config.stash[_FUZZ_DIR]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    import shutil

    folder = config.stash.get(_FUZZ_DIR, None)
    if folder is None:
        return
    rows = [line.split() for f in Path(folder).glob("fuzz-*.txt") for line in f.read_text().splitlines()]
    if rows:
        calls, ok = sum(int(r[0]) for r in rows), sum(int(r[1]) for r in rows)
        terminalreporter.write_line(f"fuzz: {calls} generated calls passed over {len(rows)} routes, {ok} answered 2xx "
                                    "(no 5xx, every 4xx a problem with a code, refusals wrote nothing)")
    shutil.rmtree(folder, ignore_errors=True)

#: what the standard test buyer (``tests.support.order_payload``: member m-100) holds before a test
STANDARD_BUYER_POINTS = 1_000_000


@pytest.fixture
def standard_buyer_points(site_id: str, ddb_endpoint: str) -> int:
    """The standard test buyer holds points, so orders using them at checkout are taken in (the
    points leave the ledger at intake); answers the starting balance."""
    from tests.support import fund_points

    for site in (site_id, *(site_id + suffix for suffix in OTHER_SITE_SUFFIXES)):
        fund_points(site, STANDARD_BUYER_POINTS)
    return STANDARD_BUYER_POINTS


#: the "another site" variants of ``site_id`` the tests use (tenancy tests place orders there too)
OTHER_SITE_SUFFIXES = ("-b", "-x", "x", "-other")


@pytest.fixture
def relay(s3_endpoint: str, table_name: str) -> Any:
    """The outbox relay over DynamoDB Local's stream (``relay.drain()`` delivers what the changes
    committed since this fixture was made asked for: SMS, cash receipts, events …)."""
    from tests.outbox_support import relay_stack

    return relay_stack(s3_endpoint, table_name)
