"""/admin/home: the console's home screen — what needs action today, each count with its link."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from oms.http import admin_identity
from oms.services import home as svc

router = Router()


@router.get("", summary="홈: 오늘 처리할 일 (상품준비·배송대기·배송 이상·미확인 입금·클레임·결제요청·실패 건수)")
def get_home() -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return svc.home(site_id)
