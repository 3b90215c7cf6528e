"""A function's environment is its template's: nothing of the calling process leaks into it."""

from __future__ import annotations

import os

import pytest

from oms_local import contract
from oms_local.contract import endpoints
from oms_local.gateway import Gateway
from oms_local.template import TEMPLATE_PATH

RUNTIME = {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
           "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
           "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_LOG_GROUP_NAME", "_HANDLER", "LAMBDA_TASK_ROOT",
           "POWERTOOLS_TRACE_DISABLED", *contract.PROCESS_VARS}


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> Gateway:
    monkeypatch.setenv("CURSOR_KEY", "parent-cursor-key")
    monkeypatch.setenv("TOSS_SECRET_KEY", "parent-secret")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:4566")
    return Gateway(TEMPLATE_PATH, table_name="oms-unit", port=0,
                   env={"PORTONE_API_SECRET": "given-secret", "TOSS_API_BASE": "http://127.0.0.1:3100/toss"})


def test_every_function_env_holds_only_its_template_runtime_and_endpoints(gateway: Gateway) -> None:
    for logical_id, fn in gateway.functions.items():
        env = gateway.function_env(fn)
        extra = set(env) - set(gateway.contracts[logical_id].template_env) - RUNTIME - set(endpoints(env))
        assert not extra, f"{logical_id}: {extra}"
        assert env["AWS_ENDPOINT_URL_SSM"] == "http://127.0.0.1:4566"
        assert env["TOSS_API_BASE"] == "http://127.0.0.1:3100/toss"  # endpoints are not settings
        for secret in ("CURSOR_KEY", "TOSS_SECRET_KEY", "PORTONE_API_SECRET", "GUEST_TOKEN_KEY_FILE"):
            assert secret not in env, f"{logical_id} got {secret} from the parent"


def test_the_buyer_function_names_its_secrets_by_parameter(gateway: Gateway) -> None:
    env = gateway.function_env(gateway.functions["BuyerFunction"])
    assert env["CURSOR_KEY_PARAM"] == "/oms/cursor-key"
    assert env["TOSS_SECRET_KEY_PARAM"] == "/oms/pg/toss/secret-key"
    assert env["GUEST_TOKEN_KEY_PARAM"] == "/oms/guest-token-key"
    assert env["AWS_EXECUTION_ENV"].startswith("AWS_Lambda_python3")


def test_in_process_the_environment_is_swapped_and_restored(gateway: Gateway) -> None:
    buyer = gateway.contracts["BuyerFunction"]
    before = dict(os.environ)
    with contract.under(buyer) as env:
        assert dict(os.environ) == env
        assert "CURSOR_KEY" not in os.environ and os.environ["AWS_LAMBDA_FUNCTION_NAME"] == "BuyerFunction"
        with contract.under(buyer):  # the same function again (threads of one test): shared
            assert os.environ["AWS_LAMBDA_FUNCTION_NAME"] == "BuyerFunction"
        assert "CURSOR_KEY" not in os.environ
    assert dict(os.environ) == before


def test_handlers_imported_by_tests_run_under_their_function() -> None:
    from admin_api.app import lambda_handler as admin
    from buyer_api.app import lambda_handler as buyer
    from exports_fn.jobs_worker import lambda_handler as worker
    from oms_local.invoker import contract_of

    assert [getattr(contract_of(h), "logical_id", None) for h in (admin, buyer, worker)] == [
        "OrdersFunction", "BuyerFunction", "JobsWorkerFunction"]


def test_the_tests_bucket_and_queue_names_are_the_templates() -> None:
    from oms_local.intrinsics import Intrinsics, queue_name
    from oms_local.template import load_template
    from tests.support import EXPORT_BUCKET, INVOICE_BUCKET, JOBS_QUEUE_NAME, template_bucket

    assert (template_bucket("InvoiceBucket"), template_bucket("ExportBucket")) == (INVOICE_BUCKET, EXPORT_BUCKET)
    assert queue_name(Intrinsics(load_template(), "-", {}), "JobsQueue") == JOBS_QUEUE_NAME
