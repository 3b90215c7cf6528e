"""ChannelPollFunction: the fan-out of external-channel order sync (EventBridge schedule). The
connections whose next pull is due come from the sparse GSI3 (never a Scan, never one invocation
pulling every site's channel); each becomes one message on ChannelSyncQueue for
ChannelWorkerFunction. The event's ``time`` is the run's "now", to the whole second as EventBridge
writes it."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability
from oms.domain.clock import end_of_second
from oms.services import channel_sync
from oms.store import channels

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    when = event.get("time")
    messages = channel_sync.poll_messages(end_of_second(str(when)) if when else None)
    sent = channels.enqueue_pulls(messages)
    metrics.add_metric(name="ChannelConnectionsDue", unit=MetricUnit.Count, value=sent)
    logger.info("channel poll fan-out", extra={"scheduled_at": when, "connections": sent})
    return {"connections": sent}
