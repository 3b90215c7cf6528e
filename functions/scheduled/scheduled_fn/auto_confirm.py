"""AutoConfirmFunction: the fan-out of the auto-confirm job (EventBridge schedule). The orders whose
delivered units are due (KST days from the job's cursor to today) come from the sparse GSI3, keys
only; they go to AutoConfirmQueue 50 a message, round-robin by shop, for AutoConfirmWorkerFunction
(:func:`oms.services.confirmation.dispatch`), and the cursor moves once every message is sent.

The event's ``time`` (EventBridge sets it to the scheduled instant) is the job's "now", so a run
can be replayed for a given day: ``{"time": "2026-03-08T01:00:00Z"}``.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability
from oms.domain.clock import parse_iso

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from oms.services import confirmation  # on first run: the service stays out of the cold start

    when = event.get("time") if isinstance(event, dict) else None
    result = confirmation.dispatch(parse_iso(when) if when else None)
    metrics.add_metric(name="AutoConfirmDue", unit=MetricUnit.Count, value=result.due)
    metrics.add_metric(name="AutoConfirmMessages", unit=MetricUnit.Count, value=result.messages)
    out = result.as_dict()
    logger.info("auto-confirm fan-out", extra=out)
    return out
