"""Delivery tracking use cases (docs/domain.md, "Delivery tracking"): registering a parcel with the
site's provider (the relay's deliverer of ``tracking_register`` intents) and applying the courier's
events a callback brings.

Registration: the intent names the shipment, its number and the registration round; the provider is
asked once (its idempotency: our reference ``site.order.shipment.round`` — the same reference again is
the same registration), and its answer — registered (with the webhook's expiry), or rejected with the
provider's reason — is recorded on the shipment in one transaction. A provider that cannot be
reached is retried by the relay (:class:`oms.services.relay.Retry`).

Callbacks (:func:`handle_callback`, ``POST /webhooks/tracking/{provider}``): the adapter checks the
signature first, then reads the body; a webhook-subscription provider's callback carries only the
number, so the scans are queried from the provider. Applying them is :func:`apply`: one consistent
read and one conditional transaction (``services.orders.run``); a scan already on the shipment (the
provider's event repeated, concurrently or days later) is a duplicate and writes nothing.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oms.domain import couriers, tracking
from oms.domain.errors import DomainError, NotFound
from oms.domain.order import Change, Order
from oms.integrations.tracking import PROVIDERS, CallbackInvalid, Parcel, ProviderDown, provider
from oms.integrations.tracking import config as tracking_config
from oms.integrations.tracking.base import make_ref, parse_ref
from oms.schemas.settings import SiteSettings, TrackingSettings
from oms.services import effects, relay
from oms.services.orders import run
from oms.store import settings
from oms.store.ttl_cache import TtlCache

logger = logging.getLogger(__name__)
LABEL_KO = {"tracking_register": "배송추적 등록"}
#: a site's settings are read at most this often per container (a callback is 1 read + 1 write)
SETTINGS_TTL = 60.0
_cache: TtlCache[SiteSettings] = TtlCache(SETTINGS_TTL)


def _site_settings(site_id: str) -> SiteSettings:
    return _cache.get(site_id, lambda: settings.get(site_id))


def site_tracking(site_id: str) -> TrackingSettings:
    return _site_settings(site_id).tracking


def forget_settings(site_id: str | None = None) -> None:
    """Drop cached settings (after a save in this container; tests)."""
    _cache.forget(site_id)


def callback_url(provider_name: str, ref: str) -> str:
    base = tracking_config.required("TRACKING_CALLBACK_BASE").rstrip("/")
    return f"{base}/webhooks/tracking/{provider_name}?ref={urllib.parse.quote(ref, safe='')}"


# ---- registration (the relay's deliverer) ---------------------------------------------------------


#: the shipment's number changed, or the shipment left, since the intent or the registration
GONE = frozenset({"TRACKING_NUMBER_MISMATCH", "SHIPMENT_NOT_FOUND"})


def _record(site_id: str, order_id: str, decide: Any) -> bool:
    def step(order: Order, at: str) -> tuple[Change, None]:
        return decide(order, at), None

    try:
        run(site_id, order_id, None, step, attempts=5)
    except NotFound:
        return False
    except DomainError as exc:
        if exc.code in GONE:  # nothing to record: the number it was about is no longer there
            return False
        raise
    return True


def deliver(d: relay.Delivery) -> dict[str, Any]:
    data = d.intent.data
    sid, number, rnd = str(data["shipment_id"]), str(data["tracking_no"]), int(data["round"])
    cfg = settings.get(d.site_id).tracking  # read fresh: a provider chosen a moment ago applies now
    courier = couriers.BY_CODE.get(str(data.get("courier") or ""))
    name = cfg.provider
    code = courier.code_at(name) if courier and name else None

    def result(**kw: Any) -> Any:
        return lambda o, at: tracking.registration_result(o, sid, number, rnd, provider=name or "-", at=at,
                                                          quiet_days=cfg.quiet_days, **kw)

    if name is None:  # the shipment stays 'pending'; the views say tracking is off for the site
        return {"skipped": "site has no tracking provider"}
    if code is None:
        _record(d.site_id, d.order_id, result(accepted=False, reason="courier not covered",
                                              reason_ko="배송추적 서비스가 지원하지 않는 택배사입니다."))
        return {"provider": name, "accepted": False, "code": "UNSUPPORTED_COURIER"}
    if courier is not None and name in courier.poll_only:  # no callbacks for it: the sweep polls
        _record(d.site_id, d.order_id, result(accepted=True, polling=True))
        return {"provider": name, "accepted": True, "polling": True}
    ref = make_ref(d.site_id, d.order_id, sid, rnd)
    parcel = Parcel(ref=ref, courier_code=code, tracking_no=number, callback_url=callback_url(name, ref))
    try:
        reg = provider(name).register(parcel, d.idempotency_key)
    except ProviderDown as exc:
        raise relay.Retry(exc.reason, "배송추적 서비스에 연결하지 못했습니다.") from exc
    _record(d.site_id, d.order_id, result(accepted=reg.accepted, expires_at=reg.expires_at, polling=reg.polling,
                                          reason=reg.reason, reason_ko=reg.reason_ko))
    return {"provider": name, "accepted": reg.accepted, "code": reg.code}


# ---- callbacks ----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


class _Duplicate(Exception):
    """Every scan is on the shipment already."""


def apply(site_id: str, order_id: str, shipment_id: str, tracking_no: str, scans: list[dict[str, Any]],
          provider_name: str) -> str:
    """Apply scans to one shipment: 1 consistent read + 1 conditional transaction (decided again on
    a fresh read after a lost race). Answers applied, duplicate, stale (the number changed) or unknown."""
    full = _site_settings(site_id)
    cfg = full.tracking

    def step(order: Order, at: str) -> tuple[Change, None]:
        change = tracking.apply_scans(order, shipment_id, tracking_no, scans, provider=provider_name, at=at,
                                      quiet_days=cfg.quiet_days, auto_complete=cfg.auto_complete)
        if change is None:
            raise _Duplicate
        return change, None

    try:
        with effects.settings_cache():  # the delivered move's clock reads the same cached settings
            effects.use_settings(site_id, full)
            run(site_id, order_id, None, step, attempts=8)
    except _Duplicate:
        return "duplicate"
    except NotFound:
        return "unknown"
    except DomainError as exc:
        if exc.code in GONE:
            return "stale"
        raise
    return "applied"


def handle_callback(provider_name: str, headers: Mapping[str, str], body: bytes,
                    query: Mapping[str, str]) -> Answer:
    if provider_name not in PROVIDERS:
        return Answer(404, {"code": "TRACKING_PROVIDER_UNKNOWN", "field": "provider",
                            "message_ko": "지원하지 않는 배송추적 서비스입니다."})
    adapter = provider(provider_name)
    try:
        note = adapter.parse_callback(headers, body, query)
        site_id, order_id, shipment_id, _ = parse_ref(note.ref)
    except CallbackInvalid as exc:
        logger.warning("tracking callback refused", extra={"provider": provider_name, "reason": exc.reason})
        if exc.status == 401:
            return Answer(401, {"code": "WEBHOOK_REJECTED", "reason": exc.reason,
                                "message_ko": "인증되지 않았거나 유효기간이 지난 콜백입니다."})
        return Answer(422, {"code": "WEBHOOK_BODY_INVALID", "reason": exc.reason,
                            "message_ko": "콜백 본문을 읽을 수 없습니다."})
    scans = note.scans
    if note.needs_query:
        try:
            scans = adapter.track(note.courier_code, note.tracking_no)
        except ProviderDown as exc:
            logger.warning("tracking query failed", extra={"provider": provider_name, "reason": exc.reason})
            return Answer(503, {"code": "TRACKING_PROVIDER_UNAVAILABLE",
                                "message_ko": "배송추적 서비스 조회에 실패했습니다. 다시 보내 주세요."})
    try:
        result = apply(site_id, order_id, shipment_id, note.tracking_no, scans, provider_name)
    except DomainError as exc:  # lost every race: the provider sends it again
        logger.warning("tracking callback not applied", extra={"provider": provider_name, "code": exc.code})
        return Answer(503, {"code": exc.code, "message_ko": exc.message_ko})
    return Answer(adapter.ack_status, {**adapter.ack, "result": result})
