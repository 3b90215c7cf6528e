"""ImportSweepFunction: EventBridge schedule → report invoice imports that stopped making progress.

An import whose record has not moved for ``IMPORT_STALE_MINUTES`` (its invocation died, its event
was dropped after Lambda's retries and sits in the dead-letter queue, or the upload never came) is
marked ``failed`` with a code, a reason and, while its file is there, a resume action
(``POST /admin/invoices/imports/{id}/resume``). Found through the sparse GSI3, never a Scan;
rerunning it changes nothing more. The event's ``time`` is the sweep's "now" (replayable).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from oms import observability
from oms.domain.clock import parse_iso
from oms.services import invoice_imports

logger = Logger()
observability.share_logger(logger)  # the oms package's module loggers write through it
metrics = Metrics()


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    when = event.get("time") if isinstance(event, dict) else None
    out = invoice_imports.sweep(parse_iso(when) if isinstance(when, str) else None)
    metrics.add_metric(name="InvoiceImportsStalled", unit=MetricUnit.Count, value=out["stalled"])
    metrics.add_metric(name="InvoiceImportsFileGone", unit=MetricUnit.Count, value=out["file_gone"])
    if out["stalled"] or out["file_gone"] or out["failed"]:
        logger.warning("invoice import sweep", extra=out)
    return out
