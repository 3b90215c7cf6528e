"""Models of the webhook endpoint routes (a site's HTTPS receivers of its order events)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import Field

from oms.schemas.answers import Answer
from oms.schemas.common import Strict, Text

EndpointIdPath = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z\-_]+$")]
EventTypeName = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z_.]+$",
                                     description="a public event type, e.g. order.shipped")]


class WebhookEndpointIn(Strict):
    url: Text = Field(min_length=1, max_length=500, description="https:// URL on the public internet")
    event_types: list[EventTypeName] = Field(min_length=1, max_length=20, description="the event types to receive")
    description: Text | None = Field(default=None, max_length=100, description="e.g. 물류 시스템")


class WebhookEndpointPatch(Strict):
    url: Text | None = Field(default=None, min_length=1, max_length=500)
    event_types: list[EventTypeName] | None = Field(default=None, min_length=1, max_length=20)
    description: Text | None = Field(default=None, max_length=100)
    enabled: bool | None = Field(default=None, description="false: nothing is sent until enabled again")


class WebhookEndpoint(Answer):
    endpoint_id: str
    url: str
    event_types: list[str]
    description: str | None = None
    enabled: bool
    secret_hint: str = Field(description="the end of the signing secret (the secret itself is shown once)")
    created_at: str
    updated_at: str | None = None
    previous_secret_until: str | None = Field(default=None,
                                              description="until when the secret before a rotation still signs")


class WebhookEndpointWithSecret(WebhookEndpoint):
    secret: str = Field(description="whsec_… — shown only in this answer: store it now")


class WebhookEndpoints(Answer):
    endpoints: list[WebhookEndpoint]
    limit: int
    event_types: list[dict[str, Any]] = Field(description="the public event types: type, label_ko, description")


class WebhookAttempt(Answer):
    at: str
    webhook_id: str
    order_id: str
    event_ids: list[str]
    types: list[str]
    attempt: int
    outcome: str = Field(description="delivered | retry | failed")
    status_code: int | None = None
    duration_ms: int
    error: str | None = None


class WebhookAttempts(Answer):
    endpoint_id: str
    attempts: list[WebhookAttempt]


class WebhookEndpointDeleted(Answer):
    endpoint_id: str
    deleted: bool
