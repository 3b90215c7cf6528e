"""deploy/smoke.py against the local stack: the read-only checks and the sandbox order pass with a
good token (the intake step with the local service token), and a bad token fails the run."""

from __future__ import annotations

import httpx
import pytest

from deploy import smoke


def test_smoke_passes_on_the_local_stack(http: httpx.Client, admin_token: str, service_token: str, site_id: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert smoke.run(http, admin_token, site_id, service_token) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out and "6 passed, 0 failed" in out


def test_smoke_fails_without_a_valid_token(http: httpx.Client, capsys: pytest.CaptureFixture[str]) -> None:
    assert smoke.run(http, "not-a-token") == 1
    out = capsys.readouterr().out
    assert "PASS  API document (/swagger)" in out and "FAIL  order list and tab counts" in out
