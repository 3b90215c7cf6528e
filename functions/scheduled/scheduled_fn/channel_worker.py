"""ChannelWorkerFunction: one SQS message per external-channel connection due (from
ChannelPollFunction, or 지금 가져오기 in the console): pull its change feed from its cursor and take
in or update the orders it names (:mod:`oms.services.channel_sync`).

Failed messages only are reported (``ReportBatchItemFailures``) and redelivered; an order is taken
in once however often a message is processed (its checkout guard); after ``maxReceiveCount`` a
message goes to ChannelSyncDeadLetterQueue.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability
from oms.services import channel_sync

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> dict[str, Any]:
    message = json.loads(record.body)
    pulled = channel_sync.pull_message(message)
    metrics.add_metric(name="ChannelOrdersCreated", unit=MetricUnit.Count, value=len(pulled.created))
    metrics.add_metric(name="ChannelOrdersUpdated", unit=MetricUnit.Count, value=len(pulled.updated))
    logger.info("channel pulled", extra={"site_id": message.get("site_id"), "channel": message.get("channel"),
                                         "pulled": asdict(pulled)})  # nested: "created" is a LogRecord field
    return asdict(pulled)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))
