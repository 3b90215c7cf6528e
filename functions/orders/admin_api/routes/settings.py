"""/admin/settings: the site's settings by section (payments, points, confirmation, membership, printing,
claims), with the ``version`` a PATCH sends back as ``expected_version``."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from oms.domain import remote_areas
from oms.domain.clock import iso, utcnow
from oms.domain.errors import DomainError
from oms.http import admin_identity
from oms.schemas.settings import SiteSettings, SiteSettingsPatch
from oms.store import settings

router = Router()


def _answer(current: SiteSettings, version: int) -> dict[str, Any]:
    return {**current.model_dump(mode="json"), "version": version}


@router.get("", summary="사이트 설정 조회 (version: 변경 시 expected_version 으로 보냄)")
def get_settings() -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return _answer(*settings.read(site_id))


@router.patch("", summary="사이트 설정 변경 (주어진 섹션만; expected_version 이 다르면 409)")
def patch_settings(body: SiteSettingsPatch) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    saved, version = settings.save(site_id, body, actor.id)
    answer = _answer(saved, version)
    if body.deposit_feed is not None:  # the accounts read (and how) follow the settings
        from oms.services import deposit_collection

        deposit_collection.register_accounts(site_id, saved.deposit_feed)
    if body.tracking is not None:  # this container's cached copy (delivery tracking) is stale now
        from oms.services import tracking

        tracking.forget_settings(site_id)
    return answer


@router.get("/claims/remote-zones/default", summary="기본 도서산간 구역 목록 (remote_zones 가 null 일 때 적용)")
def default_remote_zones() -> dict[str, Any]:
    admin_identity(router)
    return {"version": remote_areas.ZONES_VERSION, "zones": [z._asdict() for z in remote_areas.DEFAULT_ZONES]}


@router.post("/payments/callback-registration", summary="가상계좌 입금통보 URL 등록 완료 표시")
def register_callback() -> dict[str, Any]:
    """The admin registered the callback URL in the PG's merchant console: record when (orders placed
    before it are confirmed by hand) and answer the URL to register for the site's PG."""
    site_id, actor = admin_identity(router)
    current = settings.get(site_id)
    if current.payments.pg_provider is None:
        raise DomainError("NO_PG", "PG가 연동되지 않은 사이트입니다. 먼저 PG를 설정하세요.", status=409)
    payments = current.payments.model_copy(update={"callback_registered_at": iso(utcnow())})
    settings.update(site_id, SiteSettingsPatch(payments=payments), actor.id)
    event: Any = router.current_event
    domain = event.request_context.domain_name
    stage = event.request_context.stage
    base = f"https://{domain}" + ("" if stage in (None, "$default") else f"/{stage}")
    return {"pg_provider": payments.pg_provider, "callback_url": f"{base}/webhooks/{payments.pg_provider}",
            "callback_registered_at": payments.callback_registered_at}
