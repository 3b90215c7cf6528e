"""HTTP adapter pieces shared by the API functions: the resolver, problem+json errors and the
caller's identity.

Tenancy comes from the verified token (API Gateway's authorizer), never from the path or body.
"""

from __future__ import annotations

import base64
import gzip
import importlib
import json
import logging
import re
import threading
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestUnsupportedContentType, RequestValidationError
from aws_lambda_powertools.shared.json_encoder import Encoder

from oms import json_body as request_body
from oms.domain.errors import DomainError
from oms.observability import log_unexpected

if TYPE_CHECKING:
    from oms.domain.order import Actor

PROBLEM = "application/problem+json"
#: the oms package's loggers write through the function's Powertools handler (observability.share_logger);
#: a Powertools child logger would be orphaned in a process whose first import ran outside a handler
logger = logging.getLogger(__name__)

UNSUPPORTED_KO = "요청 본문의 형식을 처리할 수 없습니다."
UNSUPPORTED_DETAIL = "request bodies must be application/json"

_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
           415: "Unsupported Media Type", 422: "Unprocessable Content", 500: "Internal Server Error"}


def problem(status: int, code: str, message_ko: str, detail: str | None = None,
            extra: dict[str, Any] | None = None, **more: Any) -> Response[str]:
    """An RFC 9457 problem. Extension members never replace the standard ones: an extension named
    like one (a line's ``status``, say) is answered under ``extra`` instead."""
    body: dict[str, Any] = {
        "type": f"https://docs.oms.example/problems/{code.lower().replace('_', '-')}",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail or message_ko,
        "code": code,
        "message_ko": message_ko,
    }
    clashing: dict[str, Any] = {}
    for k, v in {**(extra or {}), **more}.items():
        (clashing if k in body or k == "extra" else body)[k] = v
    if clashing:
        body["extra"] = clashing
    return Response(status_code=status, content_type=PROBLEM, body=json.dumps(body, ensure_ascii=False, default=str))


#: JSON answers from this size on go gzip-encoded to a client that takes gzip (an HTTP API has no
#: compression of its own; an order list page of 50 rows is some 60 KB of JSON, a tenth of that gzipped)
COMPRESS_MIN_BYTES = 1024


def _takes_gzip(headers: Mapping[str, Any]) -> bool:
    value = next((str(v) for k, v in headers.items() if k.lower() == "accept-encoding"), "")
    for part in value.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            q = params.strip()
            try:
                return not (q.startswith("q=") and float(q[2:] or 0) == 0)
            except ValueError:
                return False
    return False


def compress_answer(event: Mapping[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The resolver's answer (payload format 2.0) gzip-encoded when the request's ``Accept-Encoding``
    takes gzip and the answer is JSON text of :data:`COMPRESS_MIN_BYTES` or more; otherwise as it is.
    Either way a JSON answer says ``Vary: Accept-Encoding``."""
    headers = dict(answer.get("headers") or {})
    lowered = {k.lower(): v for k, v in headers.items()}
    if not str(lowered.get("content-type") or "").split(";")[0].strip().endswith("json"):
        return answer
    if "vary" not in lowered:
        headers["Vary"] = "Accept-Encoding"
    body = answer.get("body")
    if (answer.get("isBase64Encoded") or not isinstance(body, str) or "content-encoding" in lowered
            or not _takes_gzip(event.get("headers") or {})):
        return {**answer, "headers": headers}
    raw = body.encode("utf-8")
    if len(raw) < COMPRESS_MIN_BYTES:
        return {**answer, "headers": headers}
    headers["Content-Encoding"] = "gzip"
    packed = base64.b64encode(gzip.compress(raw, compresslevel=5, mtime=0)).decode("ascii")
    return {**answer, "headers": headers, "body": packed, "isBase64Encoded": True}


class _JsonApiResolver(APIGatewayHttpResolver):
    """Our APIs take JSON bodies only: another media type is refused before the resolver would
    parse it as a form or multipart body (whose parser fails on a missing boundary). JSON answers
    go gzip-encoded to a client that takes it (:func:`compress_answer`).

    Routers declared with :meth:`lazy_router` are imported and included on the first request
    whose path one of their rules matches (and all of them before the API document is built), so a
    function with many route modules does not import them all at its cold start. The routes then
    stand in the order the declarations give, whatever order they were included in, so a request
    is matched to the same route as if every router had been included at import."""

    def lazy_router(self, module: str, prefix: str, rules: tuple[str, ...]) -> None:
        """``module``'s ``router`` under ``prefix``; ``rules``: its routes' rules as declared."""
        if not hasattr(self, "_lazy"):
            self._lazy: list[tuple[str, str, list[re.Pattern[str]]]] = []
            self._included: set[str] = set()
            self._include_lock = threading.Lock()
        full = [prefix if rule in ("", "/") else f"{prefix}{rule}" for rule in rules]
        self._lazy.append((module, prefix, [self._compile_regex(rule) for rule in full]))

    def _include(self, wanted: Callable[[list[re.Pattern[str]]], bool]) -> None:
        if not getattr(self, "_lazy", None):
            return
        with self._include_lock:
            todo = [(m, prefix) for m, prefix, rules in self._lazy if m not in self._included and wanted(rules)]
            for module, prefix in todo:
                self.include_router(importlib.import_module(module).router, prefix=prefix)
                self._included.add(module)
            if todo:
                rank = {m: i for i, (m, _, _) in enumerate(self._lazy)}

                def key(route: Any) -> int:
                    return rank.get(getattr(route.func, "__module__", ""), len(rank))

                self._static_routes.sort(key=key)
                self._dynamic_routes.sort(key=key)

    def include_all_routers(self) -> None:
        self._include(lambda rules: True)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        self.include_all_routers()
        return super().get_openapi_schema(*args, **kwargs)

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        path = str(event.get("rawPath") or event.get("path") or "")
        self._include(lambda rules: any(r.match(path) for r in rules))
        headers = event.get("headers") or {}
        media = str(headers.get("content-type") or "").split(";")[0].strip().lower()
        method = str(((event.get("requestContext") or {}).get("http") or {}).get("method") or "").upper()
        if (event.get("body") or method in ("POST", "PUT", "PATCH")) and media not in ("", "application/json"):
            refused = problem(415, "UNSUPPORTED_CONTENT_TYPE", UNSUPPORTED_KO, UNSUPPORTED_DETAIL,
                              field="content-type")
            return {"statusCode": 415, "headers": {"Content-Type": PROBLEM}, "body": refused.body,
                    "isBase64Encoded": False}
        return compress_answer(event, super().resolve(event, context))


def resolver(*, enable_validation: bool = True) -> _JsonApiResolver:
    """The HTTP API resolver every function uses: JSON bodies only, read by :mod:`oms.json_body`
    (UTF-8, depth), Korean text kept readable in answers, and every error answered as problem+json."""
    app = _JsonApiResolver(
        enable_validation=enable_validation,
        serializer=partial(json.dumps, separators=(",", ":"), cls=Encoder, ensure_ascii=False),
        json_body_deserializer=request_body.loads,
    )
    register_error_handlers(app)
    return app


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    @app.exception_handler(DomainError)
    def _domain(exc: DomainError) -> Response[str]:
        extra = {k: v for k, v in exc.as_dict().items() if k not in ("code", "message_ko", "detail")}
        return problem(exc.status, exc.code, exc.message_ko, exc.detail, extra)

    @app.exception_handler(RequestValidationError)
    def _invalid(exc: RequestValidationError) -> Response[str]:
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            refused = request_body.malformed("body is not valid JSON")
            return problem(400, "MALFORMED_JSON", refused.message_ko, refused.detail, field="body")
        from oms.http import permissions
        from oms.schemas import validation  # the field labels, with the first refusal (not at the cold start)

        message_ko, detail, extra = validation.answer(exc.errors(), permissions.route_key(app))
        return problem(400, "VALIDATION_FAILED", message_ko, detail, extra)

    @app.exception_handler(NotFoundError)
    def _no_route(exc: NotFoundError) -> Response[str]:
        return problem(404, "ROUTE_NOT_FOUND", "요청한 경로가 없습니다.")

    @app.exception_handler(json.JSONDecodeError)
    def _bad_json(exc: json.JSONDecodeError) -> Response[str]:
        refused = request_body.malformed(str(exc))
        return problem(400, "MALFORMED_JSON", refused.message_ko, refused.detail, field="body")

    @app.exception_handler(UnicodeDecodeError)
    def _not_utf8(exc: UnicodeDecodeError) -> Response[str]:  # a base64 body that is not UTF-8 text
        refusal = request_body.not_utf8()
        return problem(refusal.status, refusal.code, refusal.message_ko, refusal.detail, field="body")

    @app.exception_handler(RequestUnsupportedContentType)
    def _content_type(exc: RequestUnsupportedContentType) -> Response[str]:
        return problem(415, "UNSUPPORTED_CONTENT_TYPE", UNSUPPORTED_KO, UNSUPPORTED_DETAIL, field="content-type")

    @app.exception_handler(ServiceError)
    def _service(exc: ServiceError) -> Response[str]:
        code = "REQUEST_REFUSED" if exc.status_code < 500 else "SERVICE_ERROR"
        return problem(exc.status_code, code, "요청을 처리할 수 없습니다.", str(exc.msg))

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response[str]:
        return internal_error(app, exc)


def internal_error(app: Any, exc: BaseException) -> Response[str]:
    """A 500 problem with the request's correlation id (see :func:`log_unexpected`)."""
    try:
        request_id = app.current_event.request_context.request_id
    except (AttributeError, KeyError, TypeError):
        request_id = None
    correlation_id = log_unexpected(exc, request_id)
    return problem(500, "INTERNAL_ERROR", "일시적인 오류가 발생했습니다. 잠시 후 다시 시도하세요.",
                   "unexpected error; quote the correlation id when reporting it", correlation_id=correlation_id)


def claims(app: Any) -> dict[str, Any]:
    """The JWT claims API Gateway verified (``app`` is the resolver or a Router)."""
    ctx = app.current_event.request_context.authorizer
    jwt = ctx.jwt_claim if ctx else None
    return dict(jwt or {})


def admin_identity(app: Any) -> tuple[str, Actor]:
    """(site id, actor) from the verified admin token's claims, once the operator's role on the site
    grants the permission the matched route declares (``oms.http.permissions``): the one place every
    admin route is checked. The permissions granted stay in the resolver's context (:func:`granted`)."""
    from oms.domain.staff import require
    from oms.http import permissions
    from oms.services import staff

    c = claims(app)
    site_id = c.get("site_id")
    if not site_id or c.get("role") != "admin":  # an admin-audience token without a role is no admin
        raise DomainError("FORBIDDEN", "관리자 권한이 없습니다.", status=403)
    who = staff.identify(str(site_id), c)
    needed = permissions.needed(app)
    if needed is None:
        raise DomainError("PERMISSION_NOT_DECLARED", "이 기능의 권한이 정해지지 않았습니다.", status=403,
                          extra={"route": permissions.route_key(app)})
    require(who.permissions, needed)
    app.append_context(oms_permissions=who.permissions)
    return str(site_id), who.actor


def request_meta(app: Any) -> Any:
    """Where a call came from (the access record's IP and user agent)."""
    from oms.services.access_log import RequestMeta

    ev = app.current_event
    try:
        ip = str(ev.request_context.http.source_ip or "")
    except (AttributeError, KeyError, TypeError):
        ip = ""
    headers = {k.lower(): v for k, v in (ev.headers or {}).items()}
    return RequestMeta(ip=ip or "-", user_agent=str(headers.get("user-agent") or "-"))


def granted(app: Any) -> frozenset[str]:
    """The permissions :func:`admin_identity` found for this call's operator."""
    return frozenset((getattr(app, "context", None) or {}).get("oms_permissions") or ())
