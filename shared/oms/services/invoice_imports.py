"""Invoice import records (admin API side; no openpyxl): start, status, list, resume, and the sweep
that reports imports that stopped making progress.

No import is lost: while an import is not finished its record is watched (sparse GSI3 keyed by
the time of its last progress). The scheduled sweep marks an import that made no progress for
``IMPORT_STALE_MINUTES`` as ``failed`` with a code, a reason and, when its file is still there, a
resume action. Resuming copies the upload onto itself, so S3 sends ``ObjectCreated`` again and the
invoice function runs the import once more; orders that already have a result item are skipped
(nothing twice), the rest are applied.
"""

from __future__ import annotations

import logging
import os
import secrets
from datetime import datetime, timedelta
from typing import Any

from oms import observability
from oms.domain.clock import KST, iso, utcnow
from oms.domain.errors import Conflict, DomainError, NotFound
from oms.domain.order import Actor
from oms.store import files, imports, keys

log = logging.getLogger(__name__)

UPLOAD_URL_TTL = 15 * 60
RESULT_URL_TTL = 60 * 60
#: no progress for this long (longer than the invoice function's 15-minute timeout) = stalled
DEFAULT_STALE_MINUTES = 20

_PUBLIC = ("import_id", "status", "filename", "created_at", "created_by_name", "started_at", "finished_at",
           "rows_total", "rows_applied", "rows_refused", "rows_skipped", "orders_total", "orders_processed",
           "orders_applied", "code", "message", "message_ko", "attempts", "sha256", "duplicate_of", "progress_at",
           "resume", "resumes")


def stale_minutes() -> float:
    return float(os.environ.get("IMPORT_STALE_MINUTES", DEFAULT_STALE_MINUTES))


def _new_import_id() -> str:
    now = utcnow().astimezone(KST)
    return now.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(4)


def resume_path(import_id: str) -> str:
    return f"/admin/invoices/imports/{import_id}/resume"


def start_import(site_id: str, actor: Actor, filename: str | None) -> dict[str, Any]:
    """An import record awaiting its upload, and the presigned PUT URL for it."""
    import_id = _new_import_id()
    key = keys.upload_key(site_id, import_id)
    now = iso(utcnow())
    imports.create({
        "PK": keys.site_pk(site_id), "SK": keys.import_sk(import_id), "type": "import",
        "import_id": import_id, "site_id": site_id, "status": "awaiting_upload", "filename": filename,
        "upload_key": key, "created_at": now, "created_by": actor.id, "created_by_name": actor.name,
        **imports.watch(site_id, import_id, now),
    })
    return {
        "import_id": import_id,
        "upload": {"method": "PUT", "url": files.presign_put(key, UPLOAD_URL_TTL),
                   "headers": {"Content-Type": files.XLSX}, "expires_in": UPLOAD_URL_TTL},
        "status_url": f"/admin/invoices/imports/{import_id}",
    }


def import_view(item: dict[str, Any], with_url: bool = True) -> dict[str, Any]:
    out = {k: item.get(k) for k in _PUBLIC if item.get(k) is not None}
    total, done = item.get("orders_total") or 0, item.get("orders_processed") or 0
    out["progress"] = round(done / total, 3) if total else (1.0 if item.get("status") == "done" else 0.0)
    if with_url and item.get("status") == "done" and item.get("result_key"):
        out["result_url"] = files.presign_get(item["result_key"], RESULT_URL_TTL,
                                              f"invoice-result-{item['import_id']}.xlsx")
    return out


#: refused rows listed on a finished import (the result workbook lists every row)
REFUSED_ROWS_SHOWN = 100


def refused_rows(site_id: str, import_id: str, limit: int = REFUSED_ROWS_SHOWN) -> list[dict[str, Any]]:
    """The first ``limit`` refused rows of a finished import, by row number: row, order, code, reason."""
    rows = [{"row": int(r["row"]), "order_id": item.get("order_id"), "code": r.get("code"),
             "message_ko": r.get("message_ko")}
            for item in imports.iter_order_results(site_id, import_id) for r in item.get("rows") or []
            if r.get("result") == "refused"]
    return sorted(rows, key=lambda r: r["row"])[:limit]


def get_import(site_id: str, import_id: str) -> dict[str, Any]:
    item = imports.require(site_id, import_id)
    out = import_view(item)
    if item.get("status") == "done" and item.get("rows_refused"):
        out["refused_rows"] = refused_rows(site_id, import_id)
    return out


def list_imports(site_id: str, limit: int = 20) -> list[dict[str, Any]]:
    return [import_view(i, with_url=False) for i in imports.list_recent(site_id, limit)]


# ---- failure and resume --------------------------------------------------------------------------

FILE_GONE = ("FILE_NOT_AVAILABLE", "file no longer available",
             "업로드한 파일을 더 이상 사용할 수 없어 처리를 마치지 못했습니다. 파일을 다시 올려 주세요.")
NEVER_UPLOADED = ("UPLOAD_NOT_RECEIVED", "no file was uploaded",
                  "업로드 주소의 유효 시간 안에 파일이 올라오지 않았습니다. 업로드를 다시 시작해 주세요.")


def _stalled(minutes: float) -> tuple[str, str, str]:
    return ("IMPORT_STALLED", f"no progress for {minutes:g} minutes; resume applies what is not applied yet",
            f"{minutes:g}분 넘게 진행되지 않아 처리를 멈췄습니다. '이어서 처리'를 누르면 아직 적용되지 않은 "
            "주문만 적용합니다.")


def _fail(site_id: str, import_id: str, reason: tuple[str, str, str], resumable: bool,
          condition: str, values: dict[str, Any], names: dict[str, str]) -> bool:
    code, message, message_ko = reason
    fields: dict[str, Any] = {"status": "failed", "code": code, "message": message, "message_ko": message_ko,
                              "finished_at": iso(utcnow())}
    remove: tuple[str, ...] = imports.UNWATCH
    if resumable:
        fields["resume"] = {"method": "POST", "path": resume_path(import_id)}
    else:
        remove += ("resume",)
    failed = imports.update(site_id, import_id, fields, condition=condition, condition_values=values,
                            condition_names=names, remove=remove)
    if failed:
        observability.count("InvoiceImportsFailed")
    return failed


def mark_file_gone(site_id: str, import_id: str) -> None:
    _fail(site_id, import_id, FILE_GONE, False, "attribute_exists(#pk)", {}, {"#pk": "PK"})


def sweep(now: datetime | None = None, minutes: float | None = None) -> dict[str, Any]:
    """Mark every import that made no progress for ``minutes`` as ``failed`` (with a resume action
    while its file is there). Conditional on the progress it saw: an import that moved meanwhile is
    left alone. Rerunning it changes nothing more."""
    minutes = stale_minutes() if minutes is None else minutes
    now = now or utcnow()
    before = iso(now - timedelta(minutes=minutes))
    out: dict[str, Any] = {"stalled": 0, "file_gone": 0, "skipped": 0, "failed": []}
    for site_id, import_id, seen in imports.stalled(before):
        try:
            item = imports.get(site_id, import_id)
            if item is None or item.get("status") not in imports.WATCHED:
                if item is not None:  # finished without dropping its keys: drop them now
                    imports.update(site_id, import_id, {}, remove=imports.UNWATCH)
                out["skipped"] += 1
                continue
            if item.get("progress_at") != seen:
                out["skipped"] += 1  # the index lags; the record moved on
                continue
            present = files.exists(item["upload_key"])
            if present:
                reason, resumable = _stalled(minutes), True
            else:
                reason = NEVER_UPLOADED if item.get("status") == "awaiting_upload" else FILE_GONE
                resumable = False
            if _fail(site_id, import_id, reason, resumable, "#pa = :seen", {":seen": seen}, {"#pa": "progress_at"}):
                out["stalled" if present else "file_gone"] += 1
                log.warning("import %s/%s failed: %s", site_id, import_id, reason[0])
            else:
                out["skipped"] += 1
        except Exception:  # one broken record does not stop the sweep
            log.exception("sweep: import %s/%s", site_id, import_id)
            out["failed"].append(f"{site_id}/{import_id}")
    return out


def resume_import(site_id: str, import_id: str, actor: Actor) -> tuple[dict[str, Any], int]:
    """Run a failed or interrupted import again (202); idempotent: a finished import (200) or one
    already queued (202) is left as it is, and the run applies only orders without a result."""
    item = imports.get(site_id, import_id)
    if item is None:
        raise NotFound("import", import_id)
    status = item.get("status")
    if status in ("done", "refused"):
        return import_view(item), 200
    if status == "queued":
        return import_view(item, with_url=False), 202
    if status not in ("failed", "interrupted"):
        raise Conflict("IMPORT_IN_PROGRESS", "아직 처리 중인 업로드입니다. 진행이 멈추면 실패로 표시되고 그때 이어서 "
                                             "처리할 수 있습니다.", field="import_id", extra={"import_status": status})
    key = item["upload_key"]
    if not files.exists(key):
        if item.get("code") != FILE_GONE[0]:
            _fail(site_id, import_id, FILE_GONE, False, "#st = :st", {":st": status}, {"#st": "status"})
        raise DomainError(FILE_GONE[0], FILE_GONE[2], detail=FILE_GONE[1], status=409, field="import_id")
    now = iso(utcnow())
    resumes = int(item.get("resumes") or 0) + 1
    moved = imports.update(
        site_id, import_id,
        {"status": "queued", "resumes": resumes, "resumed_at": now, "resumed_by": actor.id,
         **imports.watch(site_id, import_id, now)},
        condition="#st = :st", condition_values={":st": status}, condition_names={"#st": "status"},
        remove=("code", "message", "message_ko", "resume", "finished_at"))
    if moved:
        files.redeliver(key, f"resume-{resumes}")
    fresh = imports.get(site_id, import_id) or item
    return import_view(fresh, with_url=False), 202
