"""The admin API"s routers in the order the resolver includes them, each with its prefix and the rules
its routes declare (``tests/unit/test_admin_routes.py`` checks them against the route modules).

The resolver imports a route module on the first request one of its rules matches
(:meth:`oms.http._JsonApiResolver.lazy_router`): this table is what it knows before.
"""

from __future__ import annotations

ROUTERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("orders", "/admin/orders", (
        "",
        "/<order_id>",
        "/<order_id>/status",
        "/bulk/status",
        "/<order_id>/reopen",
        "/<order_id>/memos",
        "/<order_id>/timeline",
    )),
    ("home", "/admin/home", ("",)),
    ("payments", "/admin/orders", (
        "/<order_id>/payments/<payment_id>/deposit",
        "/<order_id>/payments/outside",
        "/<order_id>/payments/<payment_id>/refund",
        "/<order_id>/payments/<payment_id>/cash-receipt",
        "/<order_id>/payments/<payment_id>/cash-receipt/manual-complete",
        "/<order_id>/payments/<payment_id>/cash-receipt/complete",
    )),
    ("balance", "/admin/orders", (
        "/<order_id>/payment-requests",
        "/<order_id>/payment-requests/<request_id>/cancel",
        "/<order_id>/refunds",
        "/<order_id>/payments/<payment_id>/refunds/force-complete",
    )),
    ("claims", "/admin/orders", (
        "/<order_id>/claims",
        "/<order_id>/claims/<claim_id>/steps",
        "/<order_id>/claims/<claim_id>/calculate",
        "/<order_id>/claims/<claim_id>/settle",
        "/<order_id>/lines",
        "/<order_id>/recipient",
    )),
    ("stock", "/admin/stock", ("", "/<sku>",)),
    ("settings", "/admin/settings", ("", "/claims/remote-zones/default", "/payments/callback-registration",)),
    ("intake", "/intake", ("/orders",)),
    ("points", "/admin/members", (
        "/<member_id>/points",
        "/<member_id>/membership",
        "/<member_id>/membership/remove-group",
    )),
    ("shipping", "/admin", (
        "/orders/<order_id>/tracking",
        "/orders/<order_id>/shipments",
        "/orders/<order_id>/shipments/<shipment_id>/issue/resolve",
        "/orders/<order_id>/shipments/<shipment_id>/correct",
        "/orders/bulk/deliver-no-shipping",
        "/shipments/combined",
        "/couriers",
        "/invoices/imports",
        "/invoices/imports/<import_id>",
        "/invoices/imports/<import_id>/resume",
    )),
    ("messages", "/admin", (
        "/orders/<order_id>/messages/preview",
        "/orders/<order_id>/messages",
        "/orders/<order_id>/messages/<message_id>",
        "/orders/<order_id>/messages/<message_id>/resend",
        "/messages/senders",
        "/messages/senders/default",
        "/messages/templates",
        "/messages/templates/<template_id>",
    )),
    ("webhooks", "/admin/webhooks", (
        "/endpoints",
        "/endpoints/<endpoint_id>",
        "/endpoints/<endpoint_id>/rotate-secret",
        "/endpoints/<endpoint_id>/attempts",
    )),
    ("alimtalk", "/admin/alimtalk", ("/templates", "/templates/<code>/sync", "/settings",)),
    ("deposits", "/admin/deposits", (
        "/unmatched",
        "/accounts",
        "/<account>/<tx_id>/match",
        "/<account>/<tx_id>/dismiss",
    )),
    ("channels", "/admin", (
        "/channels",
        "/channels/<channel>",
        "/channels/<channel>/check",
        "/channels/<channel>/sync",
        "/orders/<order_id>/channel/delay",
        "/orders/<order_id>/channel/claims",
    )),
    ("staff", "/admin", (
        "/me",
        "/session",
        "/staff",
        "/staff/<operator_id>",
        "/roles/<role_id>",
        "/access-log",
        "/access-log/export",
        "/orders/<order_id>/personal",
    )),
    ("views", "/admin/views", ("", "/<view_id>",)),
)
