"""VaExpiryWorkerFunction: one SQS message of up to 50 orders past their deposit due date (from
VaExpiryFunction): each one's waiting units cancelled with its stock released, 8 orders at once
(:func:`oms.services.va_expiry.expire_message`).

A message with an order that failed on something a second try may pass (a lost race, throttling)
is reported failed (``ReportBatchItemFailures``) and comes back; its other orders, expired already,
are skipped the second time. After ``maxReceiveCount`` the message goes to
VaExpiryDeadLetterQueue; its orders stay in the index and the next run sends them again.
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
# a failed message is answered in batchItemFailures, not raised: the Errors alarm keeps meaning crashes
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def record_handler(record: SQSRecord) -> dict[str, Any]:
    from oms.services import fan_out, va_expiry  # on the first message: the services stay out of the cold start

    message = json.loads(record.body)
    result = va_expiry.expire_message(message)
    metrics.add_metric(name="VirtualAccountsExpired", unit=MetricUnit.Count, value=result.expired)
    logger.info("virtual-account expiry message", extra={"now": message.get("now"), **result.as_dict()})
    fan_out.raise_for_retry(result.failed)
    return result.as_dict()


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))
