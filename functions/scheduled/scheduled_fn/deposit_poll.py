"""DepositPollFunction: the fan-out of bank-deposit collection (EventBridge schedule). The accounts
whose next read is due come from the sparse GSI3 (never a Scan, never one invocation reading every
site's bank); each becomes one message on DepositPollQueue for DepositWorkerFunction. The event's
``time`` is the run's "now" — to the whole second, as EventBridge writes it, so the run takes every
account due within that second (one registered a moment before the run is read by it)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability
from oms.domain.clock import end_of_second
from oms.services import deposit_collection
from oms.store import deposits

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    when = event.get("time")
    messages = deposit_collection.poll_messages(end_of_second(str(when)) if when else None)
    sent = deposits.enqueue_polls(messages)
    metrics.add_metric(name="DepositAccountsDue", unit=MetricUnit.Count, value=sent)
    logger.info("deposit poll fan-out", extra={"scheduled_at": when, "accounts": sent})
    return {"accounts": sent}
