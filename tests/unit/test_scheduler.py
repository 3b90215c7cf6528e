"""The local scheduler reads every Schedule/ScheduleV2 event of the template, generically."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from oms_local.gateway import Gateway
from oms_local.scheduler import Cron, Scheduler, parse_expression, schedules_from

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  JobA:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: jobs_mod.a
      Events:
        Tick:
          Type: Schedule
          Properties:
            Schedule: rate(1 minute)
  JobB:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: jobs_mod.b
      Events:
        Nightly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 3 * * ? *)
            ScheduleExpressionTimezone: Asia/Seoul
            Input: '{"job": "b"}'
        Paused:
          Type: Schedule
          Properties:
            Schedule: rate(5 minutes)
            Enabled: false
"""

HANDLERS = """
def a(event, context):
    return {"ran": "a", "event": event}
def b(event, context):
    return {"ran": "b", "input": event}
"""


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[Gateway]:
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "jobs_mod.py").write_text(HANDLERS)
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    gw = Gateway(tmp_path / "template.yaml", table_name="t", port=0)
    yield gw
    gw.stop()  # ends the function containers


def test_rate_and_cron_parse() -> None:
    assert parse_expression("rate(10 minutes)") == (timedelta(minutes=10), None)
    assert parse_expression("rate(1 day)")[0] == timedelta(days=1)
    cron = Cron.parse("0/15 2-4 ? * MON-FRI *")
    assert cron.matches(datetime(2026, 3, 2, 3, 30, tzinfo=UTC))  # Monday
    assert not cron.matches(datetime(2026, 3, 1, 3, 30, tzinfo=UTC))  # Sunday
    assert not cron.matches(datetime(2026, 3, 2, 3, 31, tzinfo=UTC))
    assert Cron.parse("0 3 * * ? *").next_after(datetime(2026, 3, 1, 3, 0, tzinfo=UTC)) == \
        datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_expression("every now and then")


def test_every_schedule_of_every_function_is_found(gateway: Gateway) -> None:
    found = {(s.function, s.event_name): s for s in schedules_from(gateway)}
    assert set(found) == {("JobA", "Tick"), ("JobB", "Nightly"), ("JobB", "Paused")}
    assert found[("JobB", "Paused")].enabled is False
    nightly = found[("JobB", "Nightly")]
    nightly.compute_next(datetime(2026, 3, 1, 0, 0, tzinfo=UTC))  # 09:00 KST
    assert nightly.next_run == datetime(2026, 3, 1, 18, 0, tzinfo=UTC)  # 03:00 KST next day


def test_on_demand_runs_with_the_scheduled_event_shape(gateway: Gateway) -> None:
    sched = Scheduler(gateway, timers=False).start()
    runs = sched.run_now("JobA")
    assert runs[0]["ok"] and runs[0]["result"]["ran"] == "a"
    event: dict[str, Any] = runs[0]["result"]["event"]
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"][0].endswith("rule/JobA-Tick")
    runs = sched.run_now("JobB")
    assert {r["event"] for r in runs} == {"Nightly", "Paused"}
    assert runs[0]["result"]["input"] == {"job": "b"}
    hook = gateway.local_hooks["schedules"]
    listed = hook(gateway, {})
    assert {s["function"] for s in listed["schedules"]} == {"JobA", "JobB"}
    assert hook(gateway, {"_path": ["JobA"]})["runs"][0]["ok"] is True
    assert "error" in hook(gateway, {"_path": ["Nope"]})


def test_timer_fires_due_schedules(gateway: Gateway) -> None:
    sched = Scheduler(gateway).start()
    try:
        tick = next(s for s in sched.schedules if s.function == "JobA")
        tick.next_run = datetime.now(UTC) - timedelta(seconds=1)
        for _ in range(40):
            if any(r["function"] == "JobA" for r in sched.runs):
                break
            import time

            time.sleep(0.1)
        assert any(r["function"] == "JobA" and r["ok"] for r in sched.runs)
        assert tick.next_run is not None and tick.next_run > datetime.now(UTC)
    finally:
        sched.stop()


def test_repository_template_schedules_include_va_expiry() -> None:
    from oms_local.template import TEMPLATE_PATH

    gw = Gateway(TEMPLATE_PATH, table_name="t", port=0)
    found = {s.function: s for s in schedules_from(gw)}
    assert "VaExpiryFunction" in found
    assert found["VaExpiryFunction"].interval == timedelta(minutes=10)
