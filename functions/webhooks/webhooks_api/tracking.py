"""Entry point of TrackingWebhooksFunction: ``POST /webhooks/tracking/{provider}``, courier events from
the tracking provider (:func:`oms.services.tracking.handle_callback`), read and answered as
WebhooksFunction reads PG callbacks (:func:`webhooks_api.app.serve`). A function of its own so a
courier's burst of scans never takes the executions PG callbacks need."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from webhooks_api.app import logger, serve


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return serve(event, context, courier=True)
