"""Entry point of RelayFunction: the one after-commit mechanism (``oms.services.relay``).

Two event sources, one code path:

- the table's stream (new timeline items = committed changes, filtered in template.yaml): records
  of one order arrive in commit order; they are handled one after the other and, once one fails,
  the rest of the batch is reported failed too (``batchItemFailures``), so the event source mapping
  resumes from the first failed record and no later change of an order overtakes an earlier one.
  After ``MaximumRetryAttempts`` a failing record goes to the dead-letter queue (``OnFailure``);
- the retry queue: one intent tried again after a delay (a transient failure of its provider).

Powertools' batch processor reports partial failures for both.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability
from oms.services import relay
from oms.store import outbox

logger = Logger()
metrics = Metrics()
observability.share_logger(logger)
stream_processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
retry_processor = BatchProcessor(event_type=EventType.SQS)


class EarlierRecordFailed(Exception):
    """A record after a failed one in the same batch: not handled, so order per order holds."""


_failed = {"batch": False}


def stream_record(record: DynamoDBRecord) -> int:
    if _failed["batch"]:
        raise EarlierRecordFailed(record.dynamodb.sequence_number if record.dynamodb else "")
    try:
        rec = outbox.from_stream_image(record.raw_event["dynamodb"].get("NewImage") or {})
        return relay.deliver(rec) if rec is not None else 0
    except Exception:
        _failed["batch"] = True
        logger.exception("outbox record failed", extra={"event_id": record.event_id})
        raise


def retry_record(record: SQSRecord) -> int:
    body = json.loads(record.body)
    return relay.retry(str(body["pk"]), str(body["sk"]), str(body["key"]), int(body["attempt"]))


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    records = event.get("Records") or []
    if records and records[0].get("eventSource") == "aws:sqs":
        return dict(process_partial_response(event=event, record_handler=retry_record, processor=retry_processor,
                                             context=context))
    _failed["batch"] = False
    return dict(process_partial_response(event=event, record_handler=stream_record, processor=stream_processor,
                                         context=context))
