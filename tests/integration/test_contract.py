"""The gaps the template contract found: settings a function needs on AWS that its template did not give.

Each runs code of the function under its contract (exactly its template environment, its IAM
statements checked, secrets from the local parameter store): on the template before the fix the
buyer's PG secret and the exports function's cursor key were missing (RuntimeError on AWS).
"""

from __future__ import annotations

import pytest

from oms_local import REPO_ROOT, contract, pg_sandbox
from oms_local.invoker import install
from oms_local.template import TEMPLATE_PATH, load_template


@pytest.fixture(scope="module")
def contracts() -> dict[str, contract.Contract]:
    import os

    return install(load_template(TEMPLATE_PATH), os.environ["TABLE_NAME"], REPO_ROOT)


def test_the_buyer_function_reads_the_pg_secrets_it_pays_with(contracts: dict[str, contract.Contract]) -> None:
    from aws_lambda_powertools.utilities import parameters

    from oms.integrations.pg import config

    parameters.clear_caches()
    with contract.under(contracts["BuyerFunction"]):
        assert config.required("TOSS_SECRET_KEY") == pg_sandbox.DEV_TOSS_SECRET_KEY
        assert config.required("PORTONE_API_SECRET") == pg_sandbox.DEV_PORTONE_API_SECRET
        assert config.required("PORTONE_STORE_ID")
    assert contracts["BuyerFunction"].guard.denied == []


@pytest.mark.parametrize("function", ["JobsWorkerFunction", "OrdersFunction", "BuyerFunction"])
def test_functions_that_page_the_order_list_sign_cursors(contracts: dict[str, contract.Contract],
                                                         function: str) -> None:
    from oms.store import cursors

    cursors._keys.clear()
    key = {"PK": {"S": "SITE#s"}, "SK": {"S": "ORDER#1"}}
    with contract.under(contracts[function]):
        assert cursors.decode_cursor(cursors.encode_cursor(key), {"PK": "SITE#s"}) == key
    assert contracts[function].guard.denied == []


def test_a_function_without_the_permission_is_refused(contracts: dict[str, contract.Contract]) -> None:
    from botocore.exceptions import ClientError

    from oms.store import cursors

    cursors._keys.clear()
    worker = contracts["AutoConfirmFunction"]
    with contract.under(worker), pytest.MonkeyPatch.context() as mp:
        mp.setenv("CURSOR_KEY_PARAM", "/oms/cursor-key")  # named, but not granted
        with pytest.raises(ClientError, match="ssm:GetParameter"):
            cursors.encode_cursor({"PK": {"S": "x"}})
    worker.guard.denied.clear()
