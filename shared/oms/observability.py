"""Business metrics and the correlation id: the one place the services report what happened.

Metrics are CloudWatch embedded-metric-format (EMF) lines through Powertools :class:`Metrics`. Every
``Metrics()`` shares one metric set per process, so what the services add here is printed by the
handler's own ``@metrics.log_metrics`` at the end of the invocation, in the namespace of
``POWERTOOLS_METRICS_NAMESPACE`` (``Oms``) with the function's ``service`` dimension
(``POWERTOOLS_SERVICE_NAME``, one per function in template.yaml).

No other dimension is ever added: a dimension added here would apply to every metric of the
invocation, and names, phone numbers, addresses or order ids must never become one. Counts and sums
only.

The correlation id is the one Powertools Logger keeps for the invocation (the API request id,
``correlation_paths.API_GATEWAY_HTTP``). A job message carries it (:data:`CORRELATION_KEY`), and the
worker sets it on its logger for that message, so the worker's log lines of a job can be found with
the API request that started it.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

if TYPE_CHECKING:
    from oms.domain.order import Event


#: the key of the correlation id in a job message's body
CORRELATION_KEY = "correlation_id"

_metrics = Metrics()  # the shared set; flushed by the handler's @metrics.log_metrics
_lock = threading.Lock()  # the webhooks handler runs on many threads locally; Powertools' set is a dict


def count(name: str, value: float = 1, unit: MetricUnit = MetricUnit.Count) -> None:
    """Add ``value`` to metric ``name`` (no dimension beyond the function's service)."""
    if value:
        with _lock:
            _metrics.add_metric(name=name, unit=unit, value=value)


def flush() -> None:
    """Print what was added (for a handler without ``@metrics.log_metrics``, e.g. the webhooks')."""
    with _lock:
        if _metrics.metric_set:
            _metrics.flush_metrics()


def committed(events: Iterable[Event]) -> None:
    """What a committed order change did, from its timeline events: status changes, refunds (count and
    amount in KRW), messages sent. Called once per committed transaction (services.orders.commit)."""
    status = refunds = amount = messages = 0
    for e in events:
        if e.kind == "status_changed":
            status += 1
        elif e.kind == "refund":
            refunds += 1
            amount += int(e.data.get("amount") or 0)
        elif e.kind == "message" and e.data.get("result") == "sending":
            messages += 1
    count("OrderStatusChanges", status)
    count("Refunds", refunds)
    count("RefundAmount", amount, MetricUnit.NoUnit)
    count("MessagesSent", messages)


def share_logger(logger: Logger) -> None:
    """Let the ``oms`` package's module loggers (``logging.getLogger(__name__)``) write through the
    function's Powertools handler: JSON lines with its service and correlation id.

    The function's Logger is named after its service (``oms-orders`` ...), so it is no longer the
    ``oms`` logger those module loggers propagate to; the first function of a process shares its
    handler (the local stack runs several functions in one process: one handler, no duplicate lines).
    """
    target = logging.getLogger("oms")
    if logger.name == target.name or target.handlers:
        return
    target.addHandler(logger.registered_handler)
    target.setLevel(logger.log_level)


def correlation_id() -> str | None:
    """The invocation's correlation id (the API request id), if the function's Logger set one."""
    service = os.environ.get("POWERTOOLS_SERVICE_NAME") or "service_undefined"
    if not logging.getLogger(service).handlers:  # no Powertools Logger in this process: no invocation
        return None
    # Powertools hands back the function's configured Logger for its service name
    value = Logger(service=service).get_correlation_id()
    return str(value) if value else None


def with_correlation(message: dict[str, Any]) -> dict[str, Any]:
    """``message`` with the invocation's correlation id (unchanged when there is none)."""
    cid = correlation_id()
    return {**message, CORRELATION_KEY: cid} if cid else message


def log_unexpected(exc: BaseException, request_id: str | None) -> str:
    """Log an unexpected error and return the correlation id to answer with. The log names the
    exception type and where it was raised, never its message or the request (both may hold a
    buyer's name, phone or address)."""
    cid = correlation_id() or request_id or "-"
    frames = [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in traceback.extract_tb(exc.__traceback__)]
    logging.getLogger("oms.http").error("unhandled error", extra={"error_type": type(exc).__name__,
                                                                  "frames": frames[-8:], "correlation_id": cid})
    return cid
