"""DepositWorkerFunction: one SQS message per bank account due (from DepositPollFunction): read its
feed from its cursor, match and record the new deposits (:mod:`oms.services.deposit_collection`).

Failed messages only are reported (``ReportBatchItemFailures``) and redelivered; a deposit counts
once however often a message is processed (its conditional put); after ``maxReceiveCount`` a
message goes to DepositPollDeadLetterQueue.
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
from oms.services import deposit_collection

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> dict[str, Any]:
    message = json.loads(record.body)
    polled = deposit_collection.collect_message(message)
    metrics.add_metric(name="DepositsConfirmed", unit=MetricUnit.Count, value=len(polled.confirmed))
    metrics.add_metric(name="DepositsUnmatched", unit=MetricUnit.Count, value=polled.unmatched)
    logger.info("deposit account polled", extra={"site_id": message.get("site_id"),
                                                  "account": message.get("account"), **asdict(polled)})
    return asdict(polled)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))
