"""oms.observability: business metrics from a committed change's events, nothing personal in them."""

from __future__ import annotations

import json

import pytest
from aws_lambda_powertools import Metrics

from oms import observability
from oms.domain.order import Actor, Event

ADMIN = Actor("admin", "admin-1", "관리자")


def test_committed_counts_status_changes_refunds_and_messages(capsys: pytest.CaptureFixture[str]) -> None:
    metrics = Metrics(namespace="Oms", service="oms-test")
    metrics.clear_metrics()
    capsys.readouterr()
    observability.committed([
        Event("status_changed", ADMIN, "2026-01-01T00:00:00Z", {"line_id": "L1", "to": "ready_to_ship"}),
        Event("status_changed", ADMIN, "2026-01-01T00:00:00Z", {"line_id": "L2", "to": "ready_to_ship"}),
        Event("refund", ADMIN, "2026-01-01T00:00:00Z", {"amount": 12000, "payment_id": "p-1"}),
        Event("refund", ADMIN, "2026-01-01T00:00:00Z", {"amount": 3000, "payment_id": "p-1"}),
        Event("message", ADMIN, "2026-01-01T00:00:00Z", {"result": "sending", "to": "010-****-5678"}),
        Event("memo", ADMIN, "2026-01-01T00:00:00Z", {"text": "홍길동 010-1234-5678"}),
    ])
    metrics.flush_metrics()
    (doc,) = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    got = [doc[k] for k in ("OrderStatusChanges", "Refunds", "RefundAmount", "MessagesSent")]
    assert got == [[2], [2], [15000], [1]]
    assert doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service"]]
    assert "홍길동" not in json.dumps(doc, ensure_ascii=False) and "p-1" not in json.dumps(doc)


def test_no_correlation_id_outside_an_invocation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "oms-nobody-configured-this")
    assert observability.correlation_id() is None
    assert observability.with_correlation({"job_id": "j"}) == {"job_id": "j"}
