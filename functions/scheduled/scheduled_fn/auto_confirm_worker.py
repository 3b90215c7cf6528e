"""AutoConfirmWorkerFunction: one SQS message of up to 50 due orders (from AutoConfirmFunction):
their delivered units whose day has come are confirmed, 8 orders at once
(:func:`oms.services.confirmation.confirm_message`).

A message with an order that failed on something a second try may pass (a lost race, throttling)
is reported failed (``ReportBatchItemFailures``) and comes back; its other orders, confirmed
already, find nothing left the second time (each is decided on a fresh read, so nothing is
confirmed or accrued twice). After ``maxReceiveCount`` the message goes to
AutoConfirmDeadLetterQueue; its orders stay due and the next daily run sends them again.
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
    from oms.services import confirmation, fan_out  # on the first message: the services stay out of the cold start

    message = json.loads(record.body)
    result = confirmation.confirm_message(message)
    metrics.add_metric(name="AutoConfirmConfirmed", unit=MetricUnit.Count, value=result.confirmed)
    metrics.add_metric(name="AutoConfirmFailed", unit=MetricUnit.Count, value=len(result.failed))
    out = result.as_dict()
    if result.failed:
        logger.warning("auto-confirm: some orders failed", extra={"today": message.get("today"), **out})
    else:
        logger.info("auto-confirm message", extra={"today": message.get("today"), **out})
    fan_out.raise_for_retry(result.failed)
    return out


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))
