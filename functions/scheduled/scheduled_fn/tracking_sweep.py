"""TrackingSweepFunction: parcels whose check is due (EventBridge schedule): no courier scan for the
site's quiet days puts the parcel in 배송 이상; a webhook registration about to expire is registered
again through the outbox; a parcel of a courier without callbacks is polled. Due parcels come from
the sparse GSI3 (never a Scan); rerunning changes nothing more. The event's ``time`` (the scheduled
instant) is the run's "now", so a run can be replayed for a given time."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability
from oms.domain.clock import iso, parse_iso
from oms.services import tracking_issues

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    when = event.get("time")
    counts = tracking_issues.sweep(iso(parse_iso(str(when))) if when else None)
    metrics.add_metric(name="TrackingIssuesOpened", unit=MetricUnit.Count, value=counts["issues"])
    logger.info("tracking sweep", extra={"scheduled_at": event.get("time"), **counts})
    return counts
