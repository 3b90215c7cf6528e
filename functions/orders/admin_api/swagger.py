"""``GET /swagger``: Swagger UI over the one OpenAPI document of the whole HTTP API.

The document covers every route of every function (admin, intake, buyer, webhooks, invoice template);
``make openapi`` builds it from each function's resolver (Powertools' OpenAPI merge) into
``docs/openapi.json``, and the OrdersFunction build ships it as ``admin_api/openapi.json``. It is read
on the first ``/swagger`` request, never at import, so the admin API's cold start does not pay for
it (nor for Powertools' OpenAPI models and the Swagger UI assets).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from aws_lambda_powertools.event_handler import Response

_HERE = Path(__file__).resolve().parent
#: Shipped next to this module; from a source checkout (the local stack), the repository's copy.
CANDIDATES = [_HERE / "openapi.json", *(p / "docs" / "openapi.json" for p in _HERE.parents)]


def document_path() -> Path:
    for path in CANDIDATES:
        if path.is_file():
            return path
    raise FileNotFoundError("openapi.json is missing: run `make openapi`")


@lru_cache(maxsize=1)
def _spec() -> str:
    # '</' escaped so that the document cannot close the <script> it is embedded in
    return document_path().read_text(encoding="utf-8").replace("</", "<\\/")


@lru_cache(maxsize=1)
def _page() -> str:
    from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

    ui = Path(generate_swagger_html.__code__.co_filename).parent
    js = (ui / "swagger-ui-bundle.min.js").read_text(encoding="utf-8")
    css = (ui / "swagger-ui.min.css").read_text(encoding="utf-8")
    return generate_swagger_html(_spec(), js, css, "", None)


def response(fmt: str | None) -> Response[str]:
    if fmt == "json":
        return Response(status_code=200, content_type="application/json", body=_spec())
    return Response(status_code=200, content_type="text/html", body=_page())
