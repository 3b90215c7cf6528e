"""The admin console on the local gateway: its static files at ``/``, its configuration, dev sign-in.

- ``GET /`` and the console's files (``console/`` at the repository root): HTML, CSS and ES modules,
  served as a bucket behind CloudFront serves them deployed (no server-side rendering): with an
  ``ETag`` and ``Cache-Control: no-cache`` (the browser keeps a copy and asks once per load whether
  it changed: a ``304`` without a body), gzip-encoded when the browser accepts it
  (:func:`oms_local.http_api.compressed`, as CloudFront's ``Compress: true``).
- ``GET /config.json``: what the console needs to know about where it runs. Deployed, CloudFront
  answers it from the template's parameters (``ConsoleConfigFunction``); locally the API is the
  same origin and the sign-in is the dev one.
- ``POST /_local/dev-token`` (local only, as every ``/_local`` route): mints an admin token for the
  site the operator picks on the dev sign-in screen.

API routes always win: a file is served only for a GET no route of the template matches.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
from pathlib import Path
from typing import Any

from oms_local import REPO_ROOT, tokens

CONSOLE_DIR = REPO_ROOT / "console"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".webmanifest": "application/manifest+json",
}

#: a site id the dev sign-in accepts (the builder's site ids: letters, digits, - and _)
SITE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
DEV_ADMIN_NAME = "로컬 관리자"


def config(gateway_url: str) -> dict[str, Any]:
    """The console's configuration on the local stack (deployed: the template's CloudFront function)."""
    return {
        "api_base": "",
        "issuer": tokens.local_issuer(),
        "sign_in": "dev",
        "environment": "local",
        "gateway": gateway_url,
    }


def etag(payload: bytes) -> str:
    """A strong validator of a file's bytes (S3 answers the MD5 of a single-part object the same way)."""
    return '"' + hashlib.md5(payload, usedforsecurity=False).hexdigest() + '"'


def static_file(root: Path, raw_path: str) -> tuple[bytes, str] | None:
    """The file a GET of ``raw_path`` names under ``root`` (``/`` is index.html), or None.

    Only plain names: no ``..``, no hidden files, nothing outside ``root`` even through a link.
    """
    rel = raw_path.lstrip("/") or "index.html"
    parts = rel.split("/")
    if any(not p or p.startswith(".") or "\\" in p for p in parts):
        return None
    base = root.resolve()
    path = (base / rel).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    kind = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return path.read_bytes(), kind


def dev_token(payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """``POST /_local/dev-token {"site_id", "name"?, "operator_id"?, "staff"?}`` → an admin token for that
    site (12 h): the site's owner, or with ``staff: true`` the staff member ``operator_id`` (whose role
    the owner gives in 설정 → 직원·권한)."""
    site = payload.get("site_id")
    if not isinstance(site, str) or not SITE_ID.fullmatch(site):
        return 400, {"code": "VALIDATION_FAILED", "field": "site_id",
                     "message_ko": "사이트 ID는 영문, 숫자, -, _ 로 64자까지 입력해 주세요."}
    name = payload.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 40:
        name = DEV_ADMIN_NAME
    ttl = 12 * 3600
    operator = payload.get("operator_id")
    if not isinstance(operator, str) or not SITE_ID.fullmatch(operator):
        operator = "admin-1"
    staff = payload.get("staff") is True
    token = tokens.mint_admin_token(site, user_id=operator, name=name.strip(), ttl_s=ttl,
                                    site_role=None if staff else "owner")
    return 200, {"access_token": token, "token_type": "Bearer", "expires_in": ttl, "site_id": site}


def config_body(gateway_url: str) -> bytes:
    return json.dumps(config(gateway_url), ensure_ascii=False).encode("utf-8")
