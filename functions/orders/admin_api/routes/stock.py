"""/admin/stock: option stock per SKU (product code, or product code|option=value...)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from oms.http import admin_identity
from oms.schemas.common import Lookup
from oms.schemas.orders import StockIn
from oms.schemas.paths import SkuPath
from oms.store import stock

router = Router()


@router.get("", summary="재고 목록 (prefix: 상품코드 앞부분으로 SKU 찾기, 최대 20개)")
def list_stock(prefix: Annotated[Lookup | None, Query()] = None) -> dict[str, Any]:
    site_id, _ = admin_identity(router)
    if prefix and prefix.strip():  # the product picker: O(results), at most SKU_SEARCH_LIMIT
        return {"items": stock.search_stock(site_id, prefix.strip())}
    return {"items": stock.list_stock(site_id)}


@router.put("/<sku>", summary="재고 설정")
def set_stock(sku: SkuPath, body: StockIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    # SKUs hold Korean option names: the path parameter arrives percent-encoded
    return stock.set_quantity(site_id, unquote(sku), body.quantity, actor.id)
