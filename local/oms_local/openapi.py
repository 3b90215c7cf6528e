"""The one OpenAPI document of the HTTP API: every route of every function, merged.

    python -m oms_local.openapi [--write docs/openapi.json] [--check]

Each function behind the HTTP API describes its own routes with its Powertools resolver (the pydantic
models give the schemas, the routes their Korean summaries); :data:`SOURCES` names, per function of
``template.yaml``, the module whose ``app`` that is. Powertools' :class:`OpenAPIMerge` merges them
(a path + method described twice is an error), and each operation gets the security of the route
that template.yaml gives it (admin JWT, buyer JWT, guest token, IAM or none). Every write operation
of a function that runs the ``Idempotency-Key`` middleware (:mod:`oms.http.idempotency`) declares
that header, here, once for all (the webhook route does not: PG callbacks are made idempotent by
their own event identity). The ``Problem`` schema's ``code`` lists the refusal catalogue
(:mod:`oms.domain.refusals`): its codes as an ``enum`` and, in ``x-refusal-codes``, each code's HTTP
status and Korean message (docs/refusals.md is the same list as a page).

``make openapi`` writes the result to ``docs/openapi.json``; OrdersFunction ships that file and
serves it at ``/swagger`` (see ``admin_api.swagger``). Tests check that the file is up to date and
that every route of template.yaml is in it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from oms_local import REPO_ROOT, event_schemas, openapi_answers
from oms_local.template import TEMPLATE_PATH

DOCUMENT_PATH = REPO_ROOT / "docs" / "openapi.json"
TITLE = "주문관리v2 API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Order management for shop operators (orders, units by status, payments, shipping, stock, settings, "
    "points), checkout intake, the buyer's my-page and guest order access, PG callbacks and the invoice "
    "workbook. Errors are RFC 9457 problem+json with a stable `code` and a Korean `message_ko`."
)

#: Function (template.yaml logical id) -> module whose ``app`` resolver describes its HTTP routes.
SOURCES: dict[str, str] = {
    "OrdersFunction": "admin_api.app",
    "BuyerFunction": "buyer_api.app",
    "WebhooksFunction": "webhooks_api.api_doc",  # a plain handler: a documentation-only resolver
    "TrackingWebhooksFunction": "webhooks_api.tracking_doc",  # the same handler, the courier route
    "InvoicesFunction": "invoices_fn.handler",
    "ExportsFunction": "exports_fn.app",
}

#: template.yaml authorizer -> OpenAPI security scheme.
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "OmsJwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
               "description": "Shop operator (admin) token: audience `oms-admin`, claims `site_id`, `role`"},
    "BuyerJwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                 "description": "Member buyer token from the storefront login: audience `oms-buyer`"},
    "GuestJwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                 "description": "Guest order token from `POST /buyer/guest/session` (one order)"},
    "AWS_IAM": {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "AWS SigV4 signature of the checkout service's IAM role"},
}

#: The optional ``Idempotency-Key`` request header, as :mod:`oms.http.idempotency` reads it.
IDEMPOTENCY_KEY: dict[str, Any] = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": ("A retry with the same key answers the first successful result again "
                    "(`Idempotent-Replayed: true`) and changes nothing; the same key with another body "
                    "answers 422 `IDEMPOTENCY_KEY_REUSED`, a retry while the first runs 409 "
                    "`IDEMPOTENCY_IN_PROGRESS`, a key out of bounds 400 `IDEMPOTENCY_KEY_INVALID`. Keys are "
                    "per site (and buyer), method and path, kept 24 hours."),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
}

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _gateway(template: Path) -> Any:
    from oms_local.gateway import Gateway

    return Gateway(template, table_name="openapi", port=0)


def sample_path(path: str) -> str:
    """A concrete request path for a documented one: ``/a/{id}/b`` -> ``/a/id/b``."""
    return "/".join(seg[1:-1] if seg.startswith("{") and seg.endswith("}") else seg for seg in path.split("/"))


def operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(METHOD, path) of every operation of an OpenAPI document."""
    return sorted((m.upper(), p) for p, item in document.get("paths", {}).items() for m in item if m in _METHODS)


def build(template: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The merged document (imports every function's handler module)."""
    from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge

    from oms.http.idempotency import honours_key

    gateway = _gateway(template)
    served = {fid for fid, fn in gateway.functions.items()
              if any(e.get("Type") == "HttpApi" for e in fn.events.values())}
    missing = served - set(SOURCES)
    if missing:
        raise LookupError(f"functions with HTTP routes but no OpenAPI source in SOURCES: {sorted(missing)}")

    merge = OpenAPIMerge(title=TITLE, version=VERSION, description=DESCRIPTION, on_conflict="error",
                         security_schemes=SECURITY_SCHEMES)  # type: ignore[arg-type]
    owner: dict[tuple[str, str], str] = {}
    keyed: set[str] = set()
    named: dict[str, Any] = {}
    for function, module in SOURCES.items():
        app = importlib.import_module(module).app
        if honours_key(app):
            keyed.add(function)
        schema = app.get_openapi_schema(title=TITLE, version=VERSION)
        part = schema.model_dump(by_alias=True, exclude_none=True, mode="json")
        owner.update({op: function for op in operations(part)})
        _refuse_name_clashes(named, part.get("components", {}).get("schemas", {}), function)
        merge.add_schema(part)
    document: dict[str, Any] = json.loads(json.dumps(merge.get_openapi_schema(), default=str))

    # Each operation: the function the gateway routes it to must be the one describing it; its security
    # is that route's authorizer.
    for method, path in operations(document):
        found = gateway.match_route(method, sample_path(path))
        if found is None or found[0].function.logical_id != owner[(method, path)]:
            routed = found[0].function.logical_id if found else "no route"
            raise LookupError(f"{method} {path} is described by {owner[(method, path)]} but routed to {routed}")
        auth = found[0].authorizer.name
        document["paths"][path][method.lower()]["security"] = [] if auth == "NONE" else [{auth: []}]
    _declare_idempotency_key(document, {op for op, function in owner.items() if function in keyed})
    _declare_permissions(document)
    openapi_answers.apply(document, operations(document))
    _document_refusal_codes(document)
    document.update(event_schemas.openapi_section())  # the order events: webhooks and the bus
    return document


def _declare_permissions(document: dict[str, Any]) -> None:
    """Each admin operation's ``x-permission`` (and its Korean label): the one table the functions
    check (``oms.http.permissions``)."""
    from oms.domain.staff import PERMISSIONS
    from oms.http.permissions import ROUTES

    for method, path in operations(document):
        if not path.startswith("/admin"):
            continue
        perm = ROUTES.get(f"{method} {path}")
        if perm is None:
            raise LookupError(f"{method} {path} declares no permission in oms.http.permissions.ROUTES")
        op = document["paths"][path][method.lower()]
        op["x-permission"] = perm
        op["description"] = (op.get("description") or op.get("summary") or "") + \
            f"\n\n권한: `{perm}` ({PERMISSIONS[perm]})"


def _document_refusal_codes(document: dict[str, Any]) -> None:
    """``Problem.code``: the catalogue's codes (enum) and each one's status and message (x-refusal-codes)."""
    from oms.domain.refusals import REFUSALS

    code = document["components"]["schemas"]["Problem"]["properties"]["code"]
    code["enum"] = sorted(REFUSALS)
    code["x-refusal-codes"] = [
        {"code": r.code, "status": r.status, "message_ko": r.message_ko, **({"also": list(r.also)} if r.also else {})}
        for r in sorted(REFUSALS.values(), key=lambda r: r.code)]


def _refuse_name_clashes(named: dict[str, Any], schemas: dict[str, Any], function: str) -> None:
    """The merge keeps one schema per name: two different models of one name would share it."""
    for name, schema in schemas.items():
        if name in named and named[name][0] != schema:
            raise ValueError(f"two different schemas are named {name} ({named[name][1]}, {function})")
        named.setdefault(name, (schema, function))


def _declare_idempotency_key(document: dict[str, Any], keyed: set[tuple[str, str]]) -> None:
    """The ``Idempotency-Key`` header on every write operation (of ``keyed``), as one shared parameter."""
    from oms.http.idempotency import takes_key

    document.setdefault("components", {}).setdefault("parameters", {})["IdempotencyKey"] = IDEMPOTENCY_KEY
    ref = {"$ref": "#/components/parameters/IdempotencyKey"}
    for method, path in operations(document):
        op = document["paths"][path][method.lower()]
        if (method, path) in keyed and takes_key(method, "requestBody" in op):
            op["parameters"] = [*op.get("parameters", []), ref]


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oms_local.openapi", description=__doc__.split("\n")[0])
    parser.add_argument("--write", type=Path, help="write the document to this file")
    parser.add_argument("--check", action="store_true", help=f"fail if {DOCUMENT_PATH.name} is out of date")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        current = DOCUMENT_PATH.read_text(encoding="utf-8") if DOCUMENT_PATH.exists() else ""
        if current != text:
            print(f"{DOCUMENT_PATH} is out of date: run `make openapi`", file=sys.stderr)
            return 1
        return 0
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write} ({len(operations(json.loads(text)))} operations)")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
