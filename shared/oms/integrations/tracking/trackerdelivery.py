"""Webhook-subscription adapter, shaped like the tracker.delivery cloud API (GraphQL over HTTPS,
``Authorization: TRACKQL-API-KEY <client id>:<client secret>``):

- ``registerTrackWebhook(input: {carrierId, trackingNumber, callbackUrl, expirationTime})`` answers
  ``true``; a registration lives until its expiry (we ask for 48 hours and register again before it
  runs out); an unknown number or carrier answers a GraphQL error (``extensions.code``
  ``NOT_FOUND`` / ``BAD_REQUEST`` / ``INVALID_ARGUMENT``);
- the callback body is only ``{carrierId, trackingNumber}``: we answer 202 at once and query
  ``track(carrierId, trackingNumber) { events(last: 50) { edges { node { time status { code }
  description location { name } } } } }`` for the scans (:data:`oms.domain.tracking_codes.TRACKER_STATUS`);
- our reference travels in the callback URL (``?ref=``), the body is signed (``base.verify``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from oms.domain.clock import iso, parse_iso
from oms.domain.tracking import scan
from oms.domain.tracking_codes import from_tracker_status
from oms.integrations.tracking import config
from oms.integrations.tracking.base import CallbackInvalid, Parcel, ProviderDown, Registration, TrackNote, call, verify

WEBHOOK_HOURS = 48

REGISTER = ("mutation Register($input: RegisterTrackWebhookInput!) { registerTrackWebhook(input: $input) }")
TRACK = ("query Track($carrierId: ID!, $trackingNumber: String!) { track(carrierId: $carrierId, "
         "trackingNumber: $trackingNumber) { events(last: 50) { edges { node { time status { code name } "
         "description location { name } } } } } }")

REJECT_KO = {
    "NOT_FOUND": "택배사에서 조회되지 않는 송장번호입니다.",
    "BAD_REQUEST": "송장번호 형식이 택배사 규칙과 맞지 않습니다.",
    "INVALID_ARGUMENT": "배송추적 서비스가 이 택배사·송장번호를 받지 않습니다.",
}


class TrackerDelivery:
    name = "trackerdelivery"
    ack: ClassVar[dict[str, Any]] = {"accepted": True}
    ack_status = 202

    def __init__(self, base_url: str | None = None) -> None:
        self._base_url = base_url

    def _post(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        base = (self._base_url or config.required("TRACKER_DELIVERY_API_BASE")).rstrip("/")
        auth = (f"TRACKQL-API-KEY {config.required('TRACKER_DELIVERY_CLIENT_ID')}:"
                f"{config.required('TRACKER_DELIVERY_CLIENT_SECRET')}")
        status, body = call("POST", f"{base}/graphql", headers={"authorization": auth,
                                                                 "content-type": "application/json"},
                            json={"query": query, "variables": variables})
        if status in (401, 403):
            raise ProviderDown(f"HTTP {status}: credentials refused")
        return body

    def register(self, parcel: Parcel, idempotency_key: str) -> Registration:
        expires = datetime.now(UTC) + timedelta(hours=WEBHOOK_HOURS)
        body = self._post(REGISTER, {"input": {
            "carrierId": parcel.courier_code, "trackingNumber": parcel.tracking_no,
            "callbackUrl": parcel.callback_url, "expirationTime": iso(expires)}})
        errors = body.get("errors") or []
        if errors:
            code = str(((errors[0] or {}).get("extensions") or {}).get("code") or "BAD_REQUEST")
            if code in REJECT_KO:
                return Registration(False, code=code, reason=str(errors[0].get("message") or code)[:200],
                                    reason_ko=REJECT_KO[code])
            raise ProviderDown(f"graphql error {code}")
        if (body.get("data") or {}).get("registerTrackWebhook") is not True:
            raise ProviderDown("registration not confirmed")
        return Registration(True, expires_at=iso(expires))

    def track(self, courier_code: str, tracking_no: str) -> list[dict[str, Any]]:
        body = self._post(TRACK, {"carrierId": courier_code, "trackingNumber": tracking_no})
        if body.get("errors"):
            code = str(((body["errors"][0] or {}).get("extensions") or {}).get("code") or "")
            if code == "NOT_FOUND":
                return []
            raise ProviderDown(f"graphql error {code or 'unknown'}")
        edges = ((((body.get("data") or {}).get("track") or {}).get("events") or {}).get("edges")) or []
        out = []
        for edge in edges:
            node = (edge or {}).get("node") or {}
            if not node.get("time"):
                continue
            status = (node.get("status") or {}).get("code")
            text = str(node.get("description") or (node.get("status") or {}).get("name") or status or "")
            out.append(scan(from_tracker_status(status), iso(parse_iso(str(node["time"]))), text=text,
                            where=str((node.get("location") or {}).get("name") or ""), code=str(status or "")))
        return out

    def parse_callback(self, headers: Mapping[str, str], body: bytes, query: Mapping[str, str],
                       now: float | None = None) -> TrackNote:
        verify(config.secrets("TRACKER_DELIVERY_WEBHOOK_SECRET"), headers, body, now)
        try:
            data = json.loads(body)
            carrier, number = str(data["carrierId"]), str(data["trackingNumber"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CallbackInvalid("BODY_INVALID", 422) from exc
        ref = str(query.get("ref") or "")
        return TrackNote(ref=ref, tracking_no=number, courier_code=carrier,
                         event_id=f"{ref}:{number}:{headers_t(headers)}", needs_query=True)


def headers_t(headers: Mapping[str, str]) -> str:
    """The signature's timestamp: one callback delivery (the body alone repeats for every event)."""
    lower = {k.lower(): v for k, v in headers.items()}
    return str(lower.get("x-tracking-signature", "")).split(",")[0].removeprefix("t=")
