"""Bulk tracking numbers by Excel (송장 일괄 등록): template, presigned upload, S3-triggered ingestion.

Flow: the API creates an import record and hands out a presigned PUT URL for
``uploads/<site>/<import>.xlsx``; S3 ``ObjectCreated`` invokes the invoices function, which
streams the workbook, validates every row, groups rows by order and applies each order in one
conditional transaction (tracking number attached **and** units moved to `shipping`), writes a
result workbook and finishes the record. The site comes from the key the API issued, never from
the file.

Nothing twice: each order's result item is put with ``attribute_not_exists`` in the order's own
transaction, so a redelivered event, a concurrent duplicate delivery or a resumed run never
applies an order twice; a finished import ignores redeliveries; a re-uploaded file finds its
lines already shipping with the same number (``ALREADY_APPLIED``).

Rows are decided in :mod:`oms.services.invoice_rows`; import records, resume and the sweep of
stalled imports live in :mod:`oms.services.invoice_imports`. openpyxl is imported lazily (only
ingestion and the template need it).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from oms.domain import couriers
from oms.domain import shipping as rules
from oms.domain.clock import iso, utcnow
from oms.domain.errors import Conflict, DomainError, NotFound
from oms.domain.order import Actor, Change, Order
from oms.domain.statuses import Status
from oms.services import invoice_imports, invoice_rows
from oms.services.invoice_rows import OrderRows, group_rows, spill_rows
from oms.services.invoice_spill import Outcome, Spill
from oms.services.orders import run
from oms.store import files, imports, keys, orders
from oms.store.table import client, table_name

log = logging.getLogger(__name__)

TEMPLATE_ORDER_LIMIT = 5_000
#: stop taking new orders when less than this is left of the Lambda's time; the retry resumes
DEFAULT_MARGIN_MS = int(os.environ.get("INGEST_MARGIN_MS", "30000"))



class IngestInterrupted(Exception):
    """Time ran out: applied orders are recorded, the rest is resumed by the next delivery."""


# ---- import records and URLs: oms.services.invoice_imports (re-exported for the routes) ----------

start_import = invoice_imports.start_import
get_import = invoice_imports.get_import
list_imports = invoice_imports.list_imports
resume_import = invoice_imports.resume_import
import_view = invoice_imports.import_view


# ---- template ---------------------------------------------------------------------------------


def _ready_tab_order_ids(site_id: str) -> list[str]:
    ids: list[str] = []
    kwargs: dict[str, Any] = {
        "IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": keys.tab_gsi_pk(site_id, Status.READY_TO_SHIP.value)}},
        "ProjectionExpression": "order_id",
    }
    while len(ids) < TEMPLATE_ORDER_LIMIT:
        resp = client().query(TableName=table_name(), **kwargs)
        ids += [i["order_id"]["S"] for i in resp.get("Items", [])]
        if not resp.get("LastEvaluatedKey"):
            break
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    return ids[:TEMPLATE_ORDER_LIMIT]


def template_rows(site_id: str, order_ids: list[str] | None) -> list[dict[str, Any]]:
    """One row per line in 배송대기 of the chosen orders (one order works as well as many)."""
    ids = list(dict.fromkeys(order_ids)) if order_ids else _ready_tab_order_ids(site_id)
    if len(ids) > TEMPLATE_ORDER_LIMIT:
        raise DomainError("TOO_MANY_ORDERS", f"양식은 한 번에 {TEMPLATE_ORDER_LIMIT:,}건까지 만들 수 있습니다.",
                          status=400, field="order_ids")
    with ThreadPoolExecutor(max_workers=8) as pool:
        loaded = list(pool.map(lambda oid: orders.load(site_id, oid), ids))
    rows = []
    for order in loaded:
        for line in order.lines:
            if line.status is not Status.READY_TO_SHIP or not line.kind.shipped:
                continue
            s = order.shipments.get(line.shipment_id or "")
            c = couriers.BY_CODE.get(s.courier or "") if s else None
            rows.append({"order_id": order.order_id, "line_id": line.line_id, "product_name": line.product_name,
                         "options": line.option_text(), "quantity": line.quantity,
                         "recipient": order.recipient.name,
                         "courier": c.name_ko if c else None, "tracking_no": s.tracking_no if s else None})
    if not rows:
        raise DomainError("NO_READY_TO_SHIP_UNITS", "선택한 주문에 배송대기 상태의 품목이 없습니다.",
                          field="order_ids")
    return rows


def build_template(site_id: str, order_ids: list[str] | None) -> bytes:
    import io

    from oms.excel import invoices as xl

    buf = io.BytesIO()
    xl.write_template(template_rows(site_id, order_ids), buf)
    return buf.getvalue()


# ---- ingestion --------------------------------------------------------------------------------


class _NothingToApply(Exception):
    """Every row of the order is refused or skipped: its result is written without a change."""

    def __init__(self, outcomes: dict[int, Any], at: str) -> None:
        super().__init__("nothing to apply")
        self.outcomes, self.at = outcomes, at


def _apply_order(site_id: str, import_id: str, order_id: str, group: OrderRows, actor: Actor) -> dict[str, Any]:
    """One order of the file: refused rows leave it untouched; else one transaction applies it with
    its result item (conditional: once per import), through the one load-decide-commit loop
    (``services.orders.run``, a lost race decided again). Returns the result item."""
    applied: dict[str, Any] = {}

    def step(order: Order, at: str) -> tuple[Change, orders.Write]:
        outcomes, todo = invoice_rows.order_outcomes(group, order)
        if not todo:
            raise _NothingToApply(outcomes, at)
        change = rules.ship_with_tracking(order, todo, actor, at)
        for e in change.events:
            e.data["import_id"] = import_id
        applied["item"] = imports.order_result_item(site_id, import_id, order_id, True,
                                                    invoice_rows.rows_json(outcomes), at)
        write = orders.Write()
        write.add(imports.order_result_put(applied["item"]),
                  Conflict("IMPORT_ORDER_DONE", "이 업로드에서 이미 처리한 주문입니다."))
        return change, write

    try:
        run(site_id, order_id, None, step, attempts=4)
        return dict(applied["item"])
    except NotFound:  # the file names an order this site does not have: every row refused
        unapplied = _NothingToApply(invoice_rows.order_outcomes(group, None)[0], iso(utcnow()))
    except _NothingToApply as exc:
        unapplied = exc
    except DomainError as exc:
        done = imports.order_result(site_id, import_id, order_id) if exc.code == "IMPORT_ORDER_DONE" else None
        if done:  # a concurrent delivery of the same event applied it
            return done
        raise
    item = imports.order_result_item(site_id, import_id, order_id, False, invoice_rows.rows_json(unapplied.outcomes),
                                     unapplied.at)
    imports.put_order_result(item)
    return item


def _finish(site_id: str, import_id: str, fields: dict[str, Any]) -> None:
    """A finished import (done or refused): no longer watched, no resume action, no stale reason."""
    imports.update(site_id, import_id, {**fields, "finished_at": iso(utcnow())},
                   remove=(*imports.UNWATCH, "resume", "message"))


def _progress(site_id: str, import_id: str, fields: dict[str, Any]) -> None:
    imports.update(site_id, import_id, {**fields, **imports.watch(site_id, import_id, iso(utcnow()))})


def ingest_object(bucket: str, key: str, *, remaining_ms: Callable[[], int] | None = None,
                  margin_ms: int = DEFAULT_MARGIN_MS, workers: int = 8) -> dict[str, Any]:
    """Ingest one uploaded workbook (the S3 ObjectCreated handler's one call)."""
    parsed_key = keys.parse_upload_key(key)
    if parsed_key is None:
        log.warning("ignoring object outside uploads/: %s", key)
        return {"ignored": key}
    site_id, import_id = parsed_key
    record = imports.get(site_id, import_id)
    if record is None:
        log.warning("ignoring upload without an import record: %s", key)
        return {"ignored": key}
    if record.get("status") in ("done", "refused"):
        return {"import_id": import_id, "status": record["status"], "redelivery": True}
    attempts = int(record.get("attempts") or 0) + 1
    started = record.get("started_at") or iso(utcnow())
    # a failed import (stalled) that gets its event again, or is resumed, runs again from here
    imports.update(site_id, import_id, {"status": "processing", "attempts": attempts, "started_at": started,
                                        **imports.watch(site_id, import_id, iso(utcnow()))},
                   remove=("code", "message", "message_ko", "resume", "finished_at"))
    actor = Actor("admin", str(record.get("created_by") or "admin"), record.get("created_by_name"))

    with tempfile.TemporaryDirectory(prefix="invoice-") as tmp:
        from oms.excel import invoices as xl

        src = os.path.join(tmp, "upload.xlsx")
        if not files.exists(key, bucket):  # deleted (or expired) before this delivery ran
            invoice_imports.mark_file_gone(site_id, import_id)
            return {"import_id": import_id, "status": "failed", "code": invoice_imports.FILE_GONE[0]}
        size = int(files.head(bucket, key)["ContentLength"])
        spill = Spill(os.path.join(tmp, "rows.sqlite"))
        try:
            try:
                if size > xl.MAX_BYTES:
                    raise xl.FileRefused("FILE_TOO_LARGE",
                                         f"파일이 너무 큽니다 ({size:,}바이트). 10MB 이하로 나눠 올려 주세요.",
                                         extra={"size": size, "limit": xl.MAX_BYTES})
                files.download(bucket, key, src)
                digest = _sha256(src)
                xl.check_package(src, size)
                spill_rows(src, spill, remaining_ms=remaining_ms, margin_ms=margin_ms)
            except xl.FileRefused as exc:
                _finish(site_id, import_id, {"status": "refused", "code": exc.code, "message_ko": exc.message_ko})
                return {"import_id": import_id, "status": "refused", "code": exc.code}
            orders_total = spill.orders_total()
            _progress(site_id, import_id, {"rows_total": spill.rows_total, "orders_total": orders_total,
                                           "sha256": digest})
            for item in imports.iter_order_results(site_id, import_id):  # a resumed run skips what is done
                spill.mark_done(item["order_id"], bool(item.get("applied")), _row_outcomes(item))
            spill.flush_done()
            interrupted = _run_orders(site_id, import_id, spill, actor, remaining_ms, margin_ms, workers)
            done, applied = spill.done_counts()
            if interrupted or done < orders_total:
                _progress(site_id, import_id, {"status": "interrupted", "orders_processed": done})
                raise IngestInterrupted(f"{import_id}: {done}/{orders_total} orders done; resuming later")
            out = os.path.join(tmp, "result.xlsx")
            counts = xl.write_result_rows(spill.results(xl.NOT_FILLED), out)
        finally:
            spill.close()
        result_key = keys.result_key(site_id, import_id)
        files.upload(out, result_key, bucket)
    _finish(site_id, import_id, {
        "status": "done", "result_key": result_key, "rows_applied": counts["applied"],
        "rows_refused": counts["refused"], "rows_skipped": counts["skipped"], "orders_processed": done,
        "orders_applied": applied,
    })
    return {"import_id": import_id, "status": "done",
            **{k: counts[k] for k in ("applied", "refused", "skipped")}}


def _row_outcomes(item: dict[str, Any]) -> list[tuple[int, Outcome]]:
    return [(int(r["row"]), (r["result"], r.get("code"), r.get("message_ko"))) for r in item["rows"]]


def _run_orders(site_id: str, import_id: str, spill: Spill, actor: Actor, remaining_ms: Callable[[], int] | None,
                margin_ms: int, workers: int) -> bool:
    """Apply the pending orders on a small pool, a bounded number in flight (read one at a time
    from the spill); stop taking new ones when time runs short. Returns True when interrupted
    (applied orders are recorded; nothing is half-applied)."""
    todo = spill.pending_orders()
    running: dict[Future[dict[str, Any]], str] = {}
    interrupted = False
    processed = last_progress = spill.done_counts()[0]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while True:
            while len(running) < workers * 2 and not interrupted:
                if remaining_ms is not None and remaining_ms() < margin_ms:
                    interrupted = True
                    break
                nxt = next(todo, None)
                if nxt is None:
                    break
                oid, records = nxt
                running[pool.submit(_apply_order, site_id, import_id, oid, group_rows(records), actor)] = oid
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                running.pop(fut)
                item = fut.result()
                spill.mark_done(item["order_id"], bool(item.get("applied")), _row_outcomes(item))
                processed += 1
            if processed - last_progress >= 200:
                last_progress = processed
                _progress(site_id, import_id, {"orders_processed": processed})
    spill.flush_done()
    return interrupted


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def s3_records(event: dict[str, Any]) -> list[tuple[str, str]]:
    """(bucket, key) of each ObjectCreated record of an S3 event (keys arrive URL-encoded)."""
    from urllib.parse import unquote_plus

    out = []
    for rec in event.get("Records") or []:
        if not str(rec.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = rec.get("s3") or {}
        out.append((s3["bucket"]["name"], unquote_plus(s3["object"]["key"])))
    return out

