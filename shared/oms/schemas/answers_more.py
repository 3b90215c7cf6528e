"""Success bodies of the messages, points, settings, exports, jobs, buyer and webhook routes (see
:mod:`oms.schemas.answers`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from oms.schemas.answers import Answer
from oms.schemas.settings import SiteSettings


class ImportStarted(Answer):
    import_id: str
    upload: dict[str, Any] = Field(description="method PUT, presigned url, headers, expires_in")
    status_url: str


class MessagePreview(Answer):
    role: str
    to: str = Field(description="masked")
    sendable: bool
    sender: str | None = None
    sender_problem: Any = None


class Message(Answer):
    message_id: str
    order_id: str
    role: str
    type: str = Field(description="SMS | LMS")
    status: str
    attempt: int
    text: str
    resendable: bool


class Messages(Answer):
    messages: list[Message]


class Sender(Answer):
    number: str
    state: str = Field(description="pending | verified | rejected | blocked")
    display: str
    default: bool


class Senders(Answer):
    default_sender: str | None = None
    senders: list[Sender]


class SmsTemplate(Answer):
    template_id: str
    name: str
    text: str
    title: str | None = None


class SmsTemplates(Answer):
    templates: list[SmsTemplate]
    variables: Any = Field(description="the variables a template may use")


class Deleted(Answer):
    template_id: str
    deleted: bool


class PointsLedger(Answer):
    member_id: str
    balance: int
    entries: list[dict[str, Any]]
    next_cursor: str | None = None


class Membership(Answer):
    member_id: str
    days: int
    in_group: bool
    updated_at: str | None = None
    history: list[dict[str, Any]]


class SettingsAnswer(SiteSettings):
    """The site's settings with the ``version`` a PATCH sends back as ``expected_version``."""

    version: int


class RemoteZones(Answer):
    version: Any
    zones: list[dict[str, Any]]


class CallbackRegistration(Answer):
    pg_provider: str
    callback_url: str
    callback_registered_at: str | None = None


class ExportFields(Answer):
    fields: list[dict[str, str]] = Field(description="field, header (Korean), group, kind")


class ExportTemplate(Answer):
    template_id: str
    name: str
    builtin: bool
    row_grain: str | None = None
    address: str | None = None
    options_layout: str | None = None
    columns: list[dict[str, Any]]


class ExportTemplates(Answer):
    templates: list[ExportTemplate]


class ExportFile(Answer):
    export_id: str
    file_name: str
    rows: int
    url: str = Field(description="presigned download URL")
    expires_in: int


class Job(Answer):
    job_id: str
    action: str
    status: str = Field(description="snapshotting (주문 모으는 중) → running → done | partial | failed | canceled")
    total: int | None = Field(description="the orders of the snapshot; null while it is taken")
    progress: float
    error: str | None = Field(default=None, description="failed: why (JOB_TOO_LARGE, or the queue's error)")
    error_ko: str | None = Field(default=None, description="failed: why, in Korean")


class Jobs(Answer):
    jobs: list[Job]


class BuyerOrder(Answer):
    """The buyer's view of an order (member or guest): no admin-only members."""

    order_id: str
    created_at: str
    closed: bool
    buyer: dict[str, Any]
    recipient: dict[str, Any]
    lines: list[dict[str, Any]]
    shipments: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    amounts: dict[str, Any]
    status_quantities: dict[str, int]
    claims: list[dict[str, Any]]
    payment_requests: list[dict[str, Any]]


class BuyerOrders(Answer):
    orders: list[dict[str, Any]]
    next_cursor: str | None = None


class GuestSession(Answer):
    access_token: str
    token_type: str
    expires_in: int
    order_id: str


class Jwks(Answer):
    keys: list[dict[str, Any]]


class OpenIdConfiguration(Answer):
    issuer: str
    jwks_uri: str
    id_token_signing_alg_values_supported: list[str]


class WebhookResult(Answer):
    result: str = Field(description="applied, duplicate, noted, unknown_order …")

