"""VaExpiryFunction: the fan-out of virtual-account expiry (EventBridge schedule, every 10 minutes).

The PG sends no callback at expiry; the run finds the orders past their deposit due date through the
sparse GSI3 (keys only, never a Scan) and sends them to VaExpiryQueue, 50 a message round-robin by
shop, for VaExpiryWorkerFunction (:mod:`oms.services.va_expiry`). The event's ``time`` is the run's
"now". Rerunning it changes nothing more: an expired order leaves the index.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability
from oms.domain.clock import iso, parse_iso

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    from oms.services import va_expiry  # on first run: the service stays out of the cold start

    when = event.get("time")
    counts = va_expiry.dispatch(iso(parse_iso(str(when))) if when else None)
    metrics.add_metric(name="VirtualAccountsDue", unit=MetricUnit.Count, value=counts["due"])
    logger.info("virtual-account expiry fan-out", extra={"scheduled_at": when, **counts})
    return counts
