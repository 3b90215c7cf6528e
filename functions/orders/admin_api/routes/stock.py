"""/admin/stock: option stock per SKU (product code, or product code|option=value...)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler.api_gateway import Router

from oms.http import admin_identity
from oms.schemas.common import SkuPath
from oms.schemas.orders import StockIn
from oms.store import stock

router = Router()


@router.get("", summary="재고 목록")
def list_stock() -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    return {"items": stock.list_stock(site_id)}


@router.put("/<sku>", summary="재고 설정")
def set_stock(sku: SkuPath, body: StockIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    # SKUs hold Korean option names: the path parameter arrives percent-encoded
    return stock.set_quantity(site_id, unquote(sku), body.quantity, actor.id)
