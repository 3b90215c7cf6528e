"""TrackingSweepWorkerFunction: one SQS message of up to 50 orders with a parcel check due (from
TrackingSweepFunction): no courier scan for the site's quiet days puts the parcel in 배송 이상, a
webhook registration about to expire is registered again through the outbox, a parcel of a courier
without callbacks is polled (:func:`oms.services.tracking_issues.check_message`), 8 orders at once.

Each order is decided on a fresh read, so a redelivered message changes nothing twice. A message
with an order that failed on something a second try may pass (a lost race, throttling) is reported
failed (``ReportBatchItemFailures``) and comes back; after ``maxReceiveCount`` it goes to
TrackingSweepDeadLetterQueue, and its orders, still due, come with the next run.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()
# a message that failed is answered in batchItemFailures, not raised: the Errors alarm keeps meaning
# unhandled errors and timeouts; what fails on every try reaches the dead-letter queue's alarm
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def record_handler(record: SQSRecord) -> dict[str, Any]:
    from oms.services import fan_out, tracking_issues  # on the first message: the services stay out of the cold start

    message = json.loads(record.body)
    worked = tracking_issues.check_message(message)
    counts = {"orders": len(worked.done) + len(worked.failed),
              "checked": sum(n is not None for *_, n in worked.done),
              "issues": sum(n or 0 for *_, n in worked.done), "failed": len(worked.failed)}
    metrics.add_metric(name="TrackingIssuesOpened", unit=MetricUnit.Count, value=counts["issues"])
    logger.info("tracking checks", extra={"scheduled_at": message.get("now"), **counts})
    fan_out.raise_for_retry(worked.failed)
    return counts


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))
