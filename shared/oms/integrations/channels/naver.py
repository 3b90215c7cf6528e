"""The Naver Commerce API adapter of the sales-channel port (:mod:`oms.integrations.channels.base`):
SmartStore and Naver Pay 주문형 orders through the same ``pay-order/seller`` operations.

Base URL: ``NAVER_COMMERCE_API_BASE`` (:mod:`.config`, default
``https://api.commerce.naver.com/external``); every path below is under ``{base}/v1``.

Authentication (:mod:`.naver_http`): ``POST /v1/oauth2/token`` form-encoded with ``client_id``,
``timestamp`` (Unix ms), ``grant_type=client_credentials``, ``type=SELF`` (or ``SELLER`` with
``account_id`` when :attr:`Credentials.account_id` is set) and
``client_secret_sign = base64.standard_b64encode(bcrypt.hashpw(f"{client_id}_{timestamp}".encode(),
client_secret.encode()))`` — the application secret is the bcrypt salt (its 22nd character's unused
low bits cleared, as jBCrypt and node's bcrypt read it). The token is cached per container until 30
minutes before it expires; a 401 drops it, and the call is repeated once with a new one.

Operations (request and answer date-times are KST ``YYYY-MM-DDTHH:MM:SS.mmm+09:00``; the port's
are UTC ISO):

- :meth:`changes`: ``GET /pay-order/seller/product-orders/last-changed-statuses`` with
  ``lastChangedFrom``, ``lastChangedTo``, ``moreSequence``, ``limitCount=300``; ``data.more``
  (``moreFrom``, ``moreSequence``) is the next page's cursor;
- :meth:`details`: ``POST /pay-order/seller/product-orders/query`` ``{productOrderIds}`` (≤ 300);
- :meth:`dispatch`: ``POST /pay-order/seller/product-orders/dispatch`` ``{dispatchProductOrders:
  [{productOrderId, deliveryMethod: DELIVERY, deliveryCompanyCode, trackingNumber, dispatchDate}]}``
  (≤ 30); our courier codes are Naver's;
- :meth:`delay`: ``POST …/{productOrderId}/delay`` ``{dispatchDueDate, delayedDispatchReason,
  dispatchDelayedDetailedReason}``;
- :meth:`claim`: ``POST …/{productOrderId}/claim/…`` (:data:`.naver_codes.CLAIM_PATHS`); a decision the
  API does not have (rejecting or holding back a cancel request) answers ``UNSUPPORTED`` uncalled.

Dispatch, delay and claim decisions answer ``data: {successProductOrderIds, failProductOrderInfos:
[{productOrderId, code, message}]}``: one :class:`ItemResult` per product order.
"""

from __future__ import annotations

from typing import Any

from oms.integrations.channels import naver_codes as codes
from oms.integrations.channels import naver_http as http
from oms.integrations.channels.base import (
    DELAY_REASONS,
    ChangePage,
    ChannelDown,
    ClaimAction,
    ClaimKind,
    Credentials,
    DispatchItem,
    ItemResult,
    ProductOrder,
)

ORDERS = "/v1/pay-order/seller/product-orders"
PAGE = 300


class NaverCommerce:
    name = "naver"
    max_details = 300
    max_dispatch = 30

    def check(self, creds: Credentials) -> str:
        tok = http.token(http.base_url(), creds, fresh=True)
        return f"token ok ({tok.type} {creds.account_id})" if creds.account_id else f"token ok ({tok.type})"

    def changes(self, creds: Credentials, since: str, more_sequence: str | None = None,
                until: str | None = None) -> ChangePage:
        params = {"lastChangedFrom": http.to_kst(since), "limitCount": str(PAGE)}
        if until:
            params["lastChangedTo"] = http.to_kst(until)
        if more_sequence:
            params["moreSequence"] = more_sequence
        got = http.data(http.call(creds, "GET", f"{ORDERS}/last-changed-statuses", params=params)) or {}
        try:
            rows = [codes.changed(r) for r in got.get("lastChangeStatuses") or []]
            more = got.get("more") or {}
            more_from = http.from_kst(more.get("moreFrom"))
        except (AttributeError, TypeError, ValueError) as exc:
            raise ChannelDown(f"unreadable change rows: {exc}") from exc
        page = ChangePage(changes=rows)
        if more_from:
            page.more_from, page.more_sequence = more_from, str(more.get("moreSequence") or "") or None
        return page

    def details(self, creds: Credentials, product_order_ids: list[str]) -> list[ProductOrder]:
        if len(product_order_ids) > self.max_details:
            raise ValueError(f"at most {self.max_details} product orders a call ({len(product_order_ids)} given)")
        if not product_order_ids:
            return []
        got = http.data(http.call(creds, "POST", f"{ORDERS}/query",
                                  json={"productOrderIds": list(product_order_ids)}))
        try:
            return [codes.product_order(info) for info in got or []]
        except (AttributeError, TypeError, ValueError) as exc:
            raise ChannelDown(f"unreadable product order: {exc}") from exc

    def dispatch(self, creds: Credentials, items: list[DispatchItem]) -> list[ItemResult]:
        if len(items) > self.max_dispatch:
            raise ValueError(f"at most {self.max_dispatch} product orders a dispatch call ({len(items)} given)")
        if not items:
            return []
        body = {"dispatchProductOrders": [
            {"productOrderId": i.product_order_id, "deliveryMethod": "DELIVERY", "deliveryCompanyCode": i.courier_code,
             "trackingNumber": i.tracking_no, "dispatchDate": http.to_kst(i.dispatched_at)} for i in items]}
        got = http.data(http.call(creds, "POST", f"{ORDERS}/dispatch", json=body))
        return codes.results([i.product_order_id for i in items], got)

    def delay(self, creds: Credentials, product_order_id: str, due_at: str, reason: str,
              detail: str) -> ItemResult:
        if reason not in DELAY_REASONS:
            raise ValueError(f"unknown dispatch delay reason {reason!r} (one of {', '.join(DELAY_REASONS)})")
        body = {"dispatchDueDate": http.to_kst(due_at), "delayedDispatchReason": reason,
                "dispatchDelayedDetailedReason": detail or DELAY_REASONS[reason]}
        got = http.data(http.call(creds, "POST", f"{ORDERS}/{_id(product_order_id)}/delay", json=body))
        return codes.results([product_order_id], got)[0]

    def claim(self, creds: Credentials, product_order_id: str, kind: ClaimKind, action: ClaimAction, *,
              reason: str = "", detail: str = "", fee: int = 0) -> ItemResult:
        path = codes.CLAIM_PATHS.get((kind, action))
        if path is None:
            return ItemResult(product_order_id, False, "UNSUPPORTED",
                              f"the Naver Commerce API has no {action} for a {kind} claim")
        body: dict[str, Any] | None = codes.claim_body(kind, action, reason, detail, fee)
        got = http.data(http.call(creds, "POST", f"{ORDERS}/{_id(product_order_id)}/{path}", json=body))
        return codes.results([product_order_id], got)[0]


def _id(product_order_id: str) -> str:
    """A product order id as a path segment: digits only (Naver's ids are numeric)."""
    if not (product_order_id.isascii() and product_order_id.isdigit()):
        raise ValueError(f"not a Naver product order id: {product_order_id!r}")
    return product_order_id

