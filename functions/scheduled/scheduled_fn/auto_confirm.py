"""AutoConfirmFunction: EventBridge schedule → confirm physical units delivered N days ago (KST).

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
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    result = confirmation.run(parse_iso(when) if when else None, remaining_ms=remaining)
    metrics.add_metric(name="AutoConfirmDue", unit=MetricUnit.Count, value=result.due)
    metrics.add_metric(name="AutoConfirmConfirmed", unit=MetricUnit.Count, value=result.confirmed)
    metrics.add_metric(name="AutoConfirmFailed", unit=MetricUnit.Count, value=len(result.failed))
    out = result.as_dict()
    if result.failed:
        logger.warning("auto-confirm: some orders failed", extra={"failed": result.failed})
    logger.info("auto-confirm run", extra={k: v for k, v in out.items() if k != "failed"})
    return out
