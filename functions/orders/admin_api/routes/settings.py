"""/admin/settings: the site's settings (payments, points, confirmation, membership)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from oms.domain.clock import iso, utcnow
from oms.domain.errors import DomainError
from oms.http import admin_identity
from oms.schemas.settings import SiteSettingsPatch
from oms.store import settings

router = Router()


@router.get("", summary="사이트 설정 조회")
def get_settings() -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return settings.get(site_id).model_dump(mode="json")


@router.patch("", summary="사이트 설정 변경 (주어진 섹션만)")
def patch_settings(body: SiteSettingsPatch) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return settings.update(site_id, body, actor.id).model_dump(mode="json")


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
