"""/admin/settings: the site's settings (payments, points, confirmation, membership)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

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
