"""The local stack over HTTP: the gateway emulator in front of the real handlers on DynamoDB Local.

- ``gateway``: one :class:`oms_local.gateway.Gateway` per session on a free port, serving the
  repository's template.yaml against the test table (``ddb_endpoint`` already set the env).
- ``local_dir`` / ``local_keys``: the dev-key directory (``OMS_LOCAL_DIR``) of this session, so
  tokens and the gateway's verification use a throwaway key pair; ``local_keys`` points the
  environment at it for one test (the fixtures below ask for it).
- ``admin_token`` / ``service_token``: an admin JWT for the test's site, the checkout service's token.
- ``http``: an httpx client on the gateway.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from oms_local import tokens
from oms_local.gateway import Gateway

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def local_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("oms-local")


@pytest.fixture
def local_keys(local_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Tokens are minted and verified with this session's keys (set for the test, undone after it)."""
    monkeypatch.setenv("OMS_LOCAL_DIR", str(local_dir))
    return local_dir


@pytest.fixture(scope="session")
def gateway(ddb_endpoint: str, table_name: str, local_dir: Path) -> Iterator[Gateway]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OMS_LOCAL_DIR", str(local_dir))
        gw = Gateway(REPO_ROOT / "template.yaml", table_name=table_name, host="127.0.0.1", port=0,
                     env={"POWERTOOLS_TRACE_DISABLED": "true", "LOG_LEVEL": "WARNING"})
        gw.start()
    try:
        yield gw
    finally:
        gw.stop()


@pytest.fixture
def http(gateway: Gateway, local_keys: Path) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway.url, timeout=15) as client:
        yield client


@pytest.fixture
def admin_token(site_id: str, local_keys: Path) -> str:
    return tokens.mint_admin_token(site_id)


@pytest.fixture
def service_token(local_keys: Path) -> str:
    return tokens.service_token()
