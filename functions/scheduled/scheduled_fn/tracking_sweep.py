"""TrackingSweepFunction: the fan-out of the parcel checks (EventBridge schedule). The orders with
a parcel whose check is due come from the sparse GSI3 (never a Scan), keys only; they go to
TrackingSweepQueue 50 a message, round-robin by shop, for TrackingSweepWorkerFunction
(:func:`oms.services.tracking_issues.dispatch`). The event's ``time`` (the scheduled instant) is
the run's "now", so a run can be replayed for a given time."""

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
    counts = tracking_issues.dispatch(iso(parse_iso(str(when))) if when else None)
    metrics.add_metric(name="TrackingChecksDue", unit=MetricUnit.Count, value=counts["due"])
    logger.info("tracking sweep fan-out", extra={"scheduled_at": when, **counts})
    return counts
