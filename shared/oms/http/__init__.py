"""HTTP adapter pieces shared by the API functions: problem+json errors and the caller's identity.

Tenancy comes from the verified token (API Gateway's authorizer), never from the path or body.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from oms.domain.errors import DomainError
from oms.domain.order import Actor

PROBLEM = "application/problem+json"
logger = Logger(child=True)

_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
           422: "Unprocessable Content", 500: "Internal Server Error"}


def problem(status: int, code: str, message_ko: str, detail: str | None = None, **extra: Any) -> Response[str]:
    body = {
        "type": f"https://docs.oms.example/problems/{code.lower().replace('_', '-')}",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail or message_ko,
        "code": code,
        "message_ko": message_ko,
        **extra,
    }
    return Response(status_code=status, content_type=PROBLEM, body=json.dumps(body, ensure_ascii=False, default=str))


def _field(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) if parts else "body"


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    @app.exception_handler(DomainError)
    def _domain(exc: DomainError) -> Response[str]:
        extra = {k: v for k, v in exc.as_dict().items() if k not in ("code", "message_ko", "detail")}
        return problem(exc.status, exc.code, exc.message_ko, exc.detail, **extra)

    @app.exception_handler(RequestValidationError)
    def _invalid(exc: RequestValidationError) -> Response[str]:
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return problem(400, "MALFORMED_JSON", "JSON 형식이 올바르지 않습니다.", "body is not valid JSON")
        errors = [
            {"field": _field(e.get("loc", ())), "rule": e.get("type", "invalid"), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"field": "body", "rule": "invalid"}
        return problem(
            400,
            "VALIDATION_FAILED",
            f"입력값이 올바르지 않습니다: {first['field']} ({first['rule']})",
            f"{len(errors)} invalid field(s); first: {first['field']} violates {first['rule']}",
            errors=errors,
        )

    @app.exception_handler(NotFoundError)
    def _no_route(exc: NotFoundError) -> Response[str]:
        return problem(404, "ROUTE_NOT_FOUND", "요청한 경로가 없습니다.")

    @app.exception_handler(json.JSONDecodeError)
    def _bad_json(exc: json.JSONDecodeError) -> Response[str]:
        return problem(400, "MALFORMED_JSON", "JSON 형식이 올바르지 않습니다.", str(exc))


def claims(app: Any) -> dict[str, Any]:
    """The JWT claims API Gateway verified (``app`` is the resolver or a Router)."""
    ctx = app.current_event.request_context.authorizer
    jwt = ctx.jwt_claim if ctx else None
    return dict(jwt or {})


def admin_identity(app: Any) -> tuple[str, Actor]:
    """(site id, actor) from the verified admin token's claims."""
    c = claims(app)
    site_id = c.get("site_id")
    if not site_id or c.get("role", "admin") != "admin":
        raise DomainError("FORBIDDEN", "관리자 권한이 없습니다.", status=403)
    return str(site_id), Actor("admin", str(c.get("sub", "admin")), c.get("name"))
