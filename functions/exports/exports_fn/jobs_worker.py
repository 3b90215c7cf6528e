"""Entry point of JobsWorkerFunction: SQS batches of job messages (one chunk of a bulk job each).

The Powertools batch processor reports failed messages only (``ReportBatchItemFailures`` on the
event source mapping), so the queue redelivers just those; processing is idempotent per order
(see :mod:`oms.services.jobs`), and after ``maxReceiveCount`` a message goes to the dead-letter queue.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability
from oms.services import jobs

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> dict[str, Any]:
    message = json.loads(record.body)
    logger.set_correlation_id(message.get(observability.CORRELATION_KEY))  # the API request that made the job
    out = jobs.process(message)
    logger.info("job message processed", extra={"job_id": message.get("job_id"), "chunk": message.get("chunk"),
                                                "outcome": out})
    return out


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))
