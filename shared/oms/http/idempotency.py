"""``Idempotency-Key`` for mutating API calls (POST/PATCH/PUT), on Powertools Idempotency.

A client that retries a request with the same ``Idempotency-Key`` header gets the first successful
answer again (with ``Idempotent-Replayed: true``) instead of a second change. The key is scoped to
the caller's site, the method and the path; reusing it with another body is refused (422), and a
retry while the first request is still running answers 409. Refusals and errors are not stored, so
a corrected retry runs. Records live in the one table (:mod:`oms.store.idempotency`), 24 hours.
A document answer (the order sheets' HTML or PDF: no change to repeat, and often more than a table
item holds) is answered as is and not stored either.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyItemAlreadyExistsError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

from oms.http import claims, problem
from oms.store.idempotency import persistence_layer

HEADER = "idempotency-key"
METHODS = frozenset({"POST", "PATCH", "PUT"})
TTL_SECONDS = 24 * 3600


class _NotStored(Exception):
    """A non-JSON answer: Powertools drops the in-progress record, the middleware answers it as is."""

    def __init__(self, response: Response[Any]) -> None:
        super().__init__("not stored")
        self.response = response


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().endswith("json")


def takes_key(method: str, has_body: bool) -> bool:
    """Whether a request honours ``Idempotency-Key``: the writes (POST, PATCH, PUT; a DELETE with a body).
    The API document declares the header on exactly these operations (``oms_local.openapi``)."""
    method = method.upper()
    return method in METHODS or (method == "DELETE" and has_body)


def honours_key(app: Any) -> bool:
    """Whether ``app`` (a Powertools resolver) runs :func:`idempotency_middleware`."""
    return any(getattr(m, "idempotency_scope", None) for m in getattr(app, "_router_middlewares", []))


def _replayed(response: Any, idempotent_data: DataRecord) -> Any:
    if isinstance(response, dict):
        response = {**response, "replayed": True}
    return response


CONFIG = IdempotencyConfig(event_key_jmespath="key", payload_validation_jmespath="body_hash",
                           raise_on_no_idempotency_key=True, expires_after_seconds=TTL_SECONDS,
                           response_hook=_replayed)


def idempotency_middleware(scope: str, *, per_caller: bool = False) -> Any:
    """A Powertools Event Handler middleware; ``scope`` names the API (one record space per API).

    ``per_caller``: keys belong to the token's subject as well as its site (the buyer API: each
    member or guest has their own keys), and a call without a token (the guest sign-in, which
    answers a token that must never be stored) is not made idempotent."""

    def middleware(app: Any, next_middleware: NextMiddleware) -> Response[Any]:
        event = app.current_event
        key = (event.headers or {}).get(HEADER)
        if key is None or not takes_key(event.http_method, bool(event.body)):
            return next_middleware(app)
        if not 1 <= len(key) <= 255 or not (key.isascii() and key.isprintable()):
            return problem(400, "IDEMPOTENCY_KEY_INVALID",
                           "중복 방지 키('Idempotency-Key' 헤더)는 영문·숫자·기호 1~255자여야 합니다.",
                           "Idempotency-Key must be 1-255 printable ASCII characters", field="idempotency-key")
        caller = claims(app)
        if per_caller and not caller:
            return next_middleware(app)
        site = str(caller.get("site_id") or "service")
        if per_caller:
            site = f"{site}:{caller.get('sub', '')}"
        body = event.decoded_body or ""
        request = {"key": f"{site}:{event.http_method}:{event.path}:{key}",
                   "body_hash": hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()}

        def run(request: dict[str, Any]) -> dict[str, Any]:
            resp = next_middleware(app)
            content_type = str(resp.headers.get("Content-Type") or resp.headers.get("content-type") or
                               resp.content_type or "application/json")
            if isinstance(resp.body, bytes) or not _is_json(content_type):
                raise _NotStored(resp)
            payload = resp.body if isinstance(resp.body, str) else json.dumps(resp.body, ensure_ascii=False)
            return {"status": resp.status_code, "content_type": content_type, "body": payload}

        if getattr(app, "lambda_context", None) is not None:
            CONFIG.register_lambda_context(app.lambda_context)  # in-progress records expire with the call
        wrapped = idempotent_function(data_keyword_argument="request", config=CONFIG, key_prefix=f"http-{scope}",
                                      persistence_store=persistence_layer(f"http-{scope}", request["key"]))(run)
        try:
            stored = wrapped(request=request)
        except _NotStored as document:
            return document.response
        except IdempotencyValidationError:
            return problem(422, "IDEMPOTENCY_KEY_REUSED",
                           "같은 중복 방지 키로 다른 요청을 보낼 수 없습니다. 새 키를 사용하세요.")
        except (IdempotencyAlreadyInProgressError, IdempotencyItemAlreadyExistsError):
            return problem(409, "IDEMPOTENCY_IN_PROGRESS", "같은 요청을 처리 중입니다. 잠시 후 다시 시도하세요.")
        headers = {"Idempotent-Replayed": "true"} if stored.get("replayed") else {}
        return Response(status_code=int(stored["status"]), content_type=str(stored["content_type"]),
                        body=stored["body"], headers=headers)

    middleware.idempotency_scope = scope  # type: ignore[attr-defined]
    return middleware
