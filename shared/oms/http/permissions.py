"""Who may call which admin route (docs/domain.md, "Staff and personal data"): one table, one
permission per route (``METHOD /path/{param}``, as the OpenAPI document names it), checked in one place
(:func:`oms.http.admin_identity`, on the route the resolver matched) and exported into the OpenAPI
document as each operation's ``x-permission``. A route missing here is refused (fail closed);
tests/integration/test_route_permissions.py holds the table to the template's routes.
"""

from __future__ import annotations

from typing import Any

ROUTES: dict[str, str] = {
    "GET /admin/alimtalk/settings": "settings",
    "PUT /admin/alimtalk/settings": "settings",
    "GET /admin/alimtalk/templates": "settings",
    "POST /admin/alimtalk/templates": "settings",
    "POST /admin/alimtalk/templates/{code}/sync": "settings",
    "GET /admin/channels": "orders.view",
    "DELETE /admin/channels/{channel}": "settings",
    "PUT /admin/channels/{channel}": "settings",
    "POST /admin/channels/{channel}/check": "settings",
    "POST /admin/channels/{channel}/sync": "settings",
    "GET /admin/couriers": "orders.view",
    "GET /admin/deposits/accounts": "payments",
    "GET /admin/deposits/unmatched": "payments",
    "POST /admin/deposits/{account}/{tx_id}/dismiss": "payments",
    "POST /admin/deposits/{account}/{tx_id}/match": "payments",
    "POST /admin/exports": "exports",
    "GET /admin/exports/fields": "exports",
    "GET /admin/exports/templates": "exports",
    "POST /admin/exports/templates": "exports",
    "DELETE /admin/exports/templates/{template_id}": "exports",
    "GET /admin/exports/templates/{template_id}": "exports",
    "PUT /admin/exports/templates/{template_id}": "exports",
    "GET /admin/exports/{export_id}": "exports",
    "GET /admin/home": "orders.view",
    "GET /admin/invoices/imports": "shipping",
    "POST /admin/invoices/imports": "shipping",
    "GET /admin/invoices/imports/{import_id}": "shipping",
    "POST /admin/invoices/imports/{import_id}/resume": "shipping",
    "GET /admin/invoices/template": "shipping",
    "GET /admin/jobs": "orders.view",
    "POST /admin/jobs": "orders.move",
    "GET /admin/jobs/{job_id}": "orders.view",
    "POST /admin/jobs/{job_id}/cancel": "orders.move",
    "GET /admin/members/{member_id}/membership": "orders.view",
    "POST /admin/members/{member_id}/membership/remove-group": "payments",
    "GET /admin/members/{member_id}/points": "orders.view",
    "POST /admin/members/{member_id}/points": "payments",
    "GET /admin/messages/senders": "messages",
    "POST /admin/messages/senders": "messages",
    "PUT /admin/messages/senders/default": "messages",
    "GET /admin/messages/templates": "messages",
    "POST /admin/messages/templates": "messages",
    "DELETE /admin/messages/templates/{template_id}": "messages",
    "PUT /admin/messages/templates/{template_id}": "messages",
    "GET /admin/orders": "orders.view",
    "POST /admin/orders/bulk/deliver-no-shipping": "shipping",
    "POST /admin/orders/bulk/status": "orders.move",
    "POST /admin/orders/sheets": "exports",
    "GET /admin/orders/{order_id}": "orders.view",
    "POST /admin/orders/{order_id}/channel/claims": "claims",
    "POST /admin/orders/{order_id}/channel/delay": "shipping",
    "GET /admin/orders/{order_id}/claims": "orders.view",
    "POST /admin/orders/{order_id}/claims": "claims",
    "POST /admin/orders/{order_id}/claims/{claim_id}/calculate": "claims",
    "POST /admin/orders/{order_id}/claims/{claim_id}/settle": "payments",
    "POST /admin/orders/{order_id}/claims/{claim_id}/steps": "claims",
    "POST /admin/orders/{order_id}/lines": "claims",
    "POST /admin/orders/{order_id}/memos": "orders.move",
    "GET /admin/orders/{order_id}/messages": "orders.view",
    "POST /admin/orders/{order_id}/messages": "messages",
    "POST /admin/orders/{order_id}/messages/preview": "messages",
    "GET /admin/orders/{order_id}/messages/{message_id}": "orders.view",
    "POST /admin/orders/{order_id}/messages/{message_id}/resend": "messages",
    "POST /admin/orders/{order_id}/payment-requests": "payments",
    "POST /admin/orders/{order_id}/payment-requests/{request_id}/cancel": "payments",
    "POST /admin/orders/{order_id}/payments/outside": "payments",
    "POST /admin/orders/{order_id}/payments/{payment_id}/cash-receipt": "payments",
    "POST /admin/orders/{order_id}/payments/{payment_id}/cash-receipt/complete": "payments",
    "POST /admin/orders/{order_id}/payments/{payment_id}/cash-receipt/manual-complete": "payments",
    "POST /admin/orders/{order_id}/payments/{payment_id}/deposit": "payments",
    "POST /admin/orders/{order_id}/payments/{payment_id}/refund": "payments",
    "POST /admin/orders/{order_id}/payments/{payment_id}/refunds/force-complete": "payments",
    "PATCH /admin/orders/{order_id}/recipient": "claims",
    "POST /admin/orders/{order_id}/refunds": "payments",
    "POST /admin/orders/{order_id}/reopen": "orders.move",
    "GET /admin/orders/{order_id}/sheet": "exports",
    "GET /admin/orders/{order_id}/shipments": "orders.view",
    "POST /admin/orders/{order_id}/shipments/{shipment_id}/correct": "shipping",
    "POST /admin/orders/{order_id}/shipments/{shipment_id}/issue/resolve": "shipping",
    "POST /admin/orders/{order_id}/status": "orders.move",
    "GET /admin/orders/{order_id}/timeline": "orders.view",
    "POST /admin/orders/{order_id}/tracking": "shipping",
    "GET /admin/settings": "orders.view",
    "PATCH /admin/settings": "settings",
    "GET /admin/settings/claims/remote-zones/default": "orders.view",
    "POST /admin/settings/payments/callback-registration": "settings",
    "POST /admin/shipments/combined": "shipping",
    "GET /admin/stock": "orders.view",
    "PUT /admin/stock/{sku}": "settings",
    "GET /admin/webhooks/endpoints": "settings",
    "POST /admin/webhooks/endpoints": "settings",
    "DELETE /admin/webhooks/endpoints/{endpoint_id}": "settings",
    "GET /admin/webhooks/endpoints/{endpoint_id}": "settings",
    "PATCH /admin/webhooks/endpoints/{endpoint_id}": "settings",
    "GET /admin/webhooks/endpoints/{endpoint_id}/attempts": "settings",
    "POST /admin/webhooks/endpoints/{endpoint_id}/rotate-secret": "settings",
    "GET /admin/me": "orders.view",
    "POST /admin/session": "orders.view",
    "POST /admin/orders/{order_id}/personal": "personal.view",
    "GET /admin/staff": "staff",
    "PUT /admin/staff/{operator_id}": "staff",
    "DELETE /admin/staff/{operator_id}": "staff",
    "PUT /admin/roles/{role_id}": "staff",
    "DELETE /admin/roles/{role_id}": "staff",
    "GET /admin/access-log": "staff",
    "GET /admin/access-log/export": "staff",
    "GET /admin/views": "orders.view",
    "POST /admin/views": "orders.view",
    "PUT /admin/views/{view_id}": "orders.view",
    "DELETE /admin/views/{view_id}": "orders.view",
}


def route_key(app: Any) -> str | None:
    """The route the resolver matched (``GET /admin/orders/{order_id}``), None outside a route."""
    route = (getattr(app, "context", None) or {}).get("_route")
    if route is None:
        return None
    return f"{route.method} {route.openapi_path}"


def needed(app: Any) -> str | None:
    """The permission the matched route declares; None when the route is not in the table."""
    key = route_key(app)
    return ROUTES.get(key) if key else None
