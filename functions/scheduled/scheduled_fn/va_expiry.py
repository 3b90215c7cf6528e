"""VaExpiryFunction: cancel orders whose virtual account's due date passed unpaid (EventBridge schedule).

The PG sends no callback at expiry; the job finds due orders through the sparse GSI3 (never a Scan)
and cancels their waiting units with stock released. Rerunning it changes nothing more.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    from oms.services import payments  # on first run: the service stays out of the cold start

    counts = payments.expire_due()
    metrics.add_metric(name="VirtualAccountsExpired", unit=MetricUnit.Count, value=counts["expired"])
    logger.info("virtual-account expiry run", extra={"scheduled_at": event.get("time"), **counts})
    return counts
