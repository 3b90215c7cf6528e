"""Background jobs over every order of a search or tab.

``POST /admin/jobs`` refuses what it can without the orders and writes the job ``snapshotting``
(answer 202); its intent queues one snapshot message, and the worker takes the matching order ids
once, through the list's own reads (GSI1 pages of the tab, the list's filters), into chunk items:
the set a job works on never changes while it runs (and the API call never waits for a large
search). The job then runs; each chunk is one SQS message, queued by the relay from the intent
written with the job's start; the worker (Powertools batch processor with
``ReportBatchItemFailures``) applies the action order by order. A change (status, 배송없음 →
배송완료) commits in the order's own transaction together with the order's result item
(``attribute_not_exists``) and the job's counters (``ADD``, only while the job runs), so a
redelivered chunk, a second worker on the same message or a cancelled job never counts or applies
an order twice. A refusal is written the same way (result + counters, one transaction) with the
same per-order shape and reasons as the 50-order bulk answer (:mod:`oms.domain.bulk_moves`). The
job ends ``done``, ``partial`` (some refused, reasons per order) or ``failed`` (none applied), or
``canceled``.

Export and print jobs produce one file: a single message streams every order of the snapshot into
the workbook (constant memory) or the PDF, writes it to the export bucket and finishes the job.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from oms import observability
from oms.domain import outbox
from oms.domain import shipping as ship_rules
from oms.domain.bulk_moves import move_all
from oms.domain.clock import KST, iso, utcnow
from oms.domain.errors import Conflict, DomainError, NotFound
from oms.domain.josa import josa
from oms.domain.masking import masked_order
from oms.domain.order import Actor, Change, Order
from oms.domain.statuses import Status
from oms.schemas.jobs import JobIn, JobSearch
from oms.schemas.orders import ListQuery
from oms.services import exports, fan_out, listing, relay
from oms.services.orders import record_refusal, run
from oms.store import exports as export_store
from oms.store import jobs as store
from oms.store import keys_jobs, orders
from oms.store.table import TransactionFailed

log = logging.getLogger(__name__)

CHUNK = 50
WORKERS = 4
MAX_ORDERS = 50_000
FILE_LIMITS = {"export": 50_000, "print": 1_000}
ACTIONS_KO = {"status": "상태 변경", "deliver_no_shipping": "배송없음 배송완료", "export": "엑셀 내보내기",
              "print": "주문서 출력"}


class _Counted(DomainError):
    """The result exists already (redelivery) or the job no longer runs: nothing of it applies."""


_COUNTED = _Counted("JOB_RESULT_EXISTS", "이미 처리된 주문입니다.")


# ---- creating, reading, cancelling --------------------------------------------------------------


def _job_not_found(job_id: str) -> DomainError:
    return DomainError("JOB_NOT_FOUND", f"작업을 찾을 수 없습니다: {job_id}", status=404)


def snapshot(site_id: str, search: JobSearch) -> list[str]:
    """Every order id the list shows for the search, newest first, page by page."""
    ids: list[str] = []
    cursor: str | None = None
    while True:
        q = ListQuery(**search.model_dump(), limit=100, cursor=cursor)
        page = listing.list_orders(site_id, q)
        ids += [str(o["order_id"]) for o in page["orders"]]
        if len(ids) > MAX_ORDERS:
            raise _too_large(f"한 작업은 주문 {MAX_ORDERS:,}건까지 처리할 수 있습니다. 기간을 나눠 주세요.",
                             {"limit": MAX_ORDERS})
        cursor = page["next_cursor"]
        if not cursor:
            return list(dict.fromkeys(ids))


def _too_large(message_ko: str, extra: dict[str, Any]) -> DomainError:
    return DomainError("JOB_TOO_LARGE", message_ko, status=422, field="search", extra=extra)


def create(site_id: str, body: JobIn, actor: Actor, *, granted: frozenset[str] = frozenset(),
           meta: Any = None) -> dict[str, Any]:
    """Start a job over a search: what can be refused without the orders is refused here, and the job
    is written ``snapshotting`` with the intent that queues its snapshot message (the worker pages the
    list, :func:`take_snapshot`). A file (export, print) needs 엑셀 내보내기·인쇄 as well, and carries
    personal data only when asked for with a reason (``personal_data.include``); the download is
    recorded by the worker once the number of orders is known, with where the request came from."""
    personal = False
    if body.action in FILE_LIMITS:
        from oms.domain.staff import require
        from oms.services import personal_data

        require(granted, "exports")
        personal = personal_data.include(granted, body.personal, body.reason)
    if body.action == "export":
        exports.get_template(site_id, str(body.template_id))  # 404 before anything is written
    ListQuery(**body.search.model_dump(), limit=100)  # the list's own refusals, before anything is written
    now = utcnow()
    job_id = now.astimezone(KST).strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(4)
    params = {**body.model_dump(mode="json"), "personal": personal}
    record: dict[str, Any] = {"action": body.action, "params": params, "done": 0, "refused": 0,
                              "status": "snapshotting", "created_at": iso(now), "created_by": actor.id,
                              "actor": actor.as_dict()}
    if personal and meta is not None:
        record["access"] = {"ip": meta.ip, "user_agent": meta.user_agent}
    store.create(site_id, job_id, record, [outbox.job_start(0, body.action in FILE_LIMITS,
                                                            observability.correlation_id(), snapshot=True)])
    observability.count("JobsStarted")
    log.info("job created", extra={"job_id": job_id, "action": body.action})
    return view(site_id, {"job_id": job_id, **record})


def take_snapshot(site_id: str, job_id: str, correlation_id: str | None = None) -> dict[str, Any]:
    """The snapshot message: page the list for the job's search, write the chunks under a run of
    this delivery's own, then start the job in one transaction (counts, ``running`` — or ``done``
    with no orders — and the ``START`` item whose intent queues the chunks' messages). A job that is
    no longer ``snapshotting`` (cancelled, or started by an earlier delivery) is left alone; a
    delivery that loses the start to another leaves only its unread chunks behind."""
    rec = store.get(site_id, job_id, consistent=True)
    if rec is None or rec["status"] != "snapshotting":
        return {"skipped": True, "status": rec and rec["status"]}
    action, params = str(rec["action"]), rec["params"]
    try:
        ids = snapshot(site_id, JobSearch(**params.get("search") or {}))
        limit = FILE_LIMITS.get(action)
        if limit is not None and len(ids) > limit:
            raise _too_large(f"{josa(ACTIONS_KO[action], '은/는')} 한 번에 {limit:,}건까지 가능합니다.",
                             {"limit": limit, "matched": len(ids)})
    except DomainError as exc:
        if exc.code != "JOB_TOO_LARGE":
            raise
        store.set_fields(site_id, job_id, {"status": "failed", "finished_at": iso(utcnow()), "error": exc.code,
                                           "error_ko": exc.message_ko}, "snapshotting")
        observability.count("JobsFailed")
        return {"failed": exc.code}
    run = secrets.token_hex(4)
    chunks = [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]
    store.write_chunks(site_id, job_id, run, chunks)
    if params.get("personal") and ids:  # recorded before the file can exist (a repeat records it again)
        from oms.services import access_log, personal_data

        personal_data.record_download(site_id, Actor.from_dict(rec["actor"]),
                                      access_log.RequestMeta(**(rec.get("access") or {"ip": "-", "user_agent": "-"})),
                                      action, ids, size=len(ids), reason=params.get("reason"),
                                      detail={"job_id": job_id})
    at = iso(utcnow())
    fields: dict[str, Any] = {"total": len(ids), "left": len(ids), "chunks": len(chunks), "run": run,
                              "status": "running" if ids else "done", "snapshot_at": at}
    if ids and action not in FILE_LIMITS:  # a change job counts on shards of its own (oms.store.jobs)
        fields["counters"] = store.COUNTER_SHARDS
    if not ids:
        fields["finished_at"] = at
    intents = [outbox.job_start(len(chunks), action in FILE_LIMITS, correlation_id)] if ids else []
    if not store.start(site_id, job_id, fields, intents, at):
        return {"skipped": True, "status": "moved on"}
    log.info("job snapshot taken", extra={"job_id": job_id, "total": len(ids), "chunks": len(chunks)})
    return {"total": len(ids), "chunks": len(chunks)}


LABEL_KO = {"job_start": "작업 시작"}


def paced(body: dict[str, Any], chunk: int) -> dict[str, Any]:
    """A job is one shop's: its n-th chunk waits until n × 50 orders at the shop's pace
    (:data:`oms.services.fan_out.SHOP_PACE`), so the workers' 800 orders/s never all land on one
    shop's partitions (``delay_s`` → SQS ``DelaySeconds``, at most 900 s: 180,000 orders)."""
    delay = min(fan_out.MAX_DELAY_S, chunk * CHUNK // fan_out.SHOP_PACE)
    return {**body, "delay_s": delay} if delay else body


def deliver(d: relay.Delivery) -> dict[str, Any]:
    """The ``job_start`` intent: queue the job's messages — the snapshot message of a new job, or one
    per chunk (one for a file job) once its snapshot is taken. A job canceled before its work was
    queued queues nothing; a repeat after a crash queues the messages again, which the worker's
    status check and per-order results make harmless."""
    site_id, job_id = d.site_id, d.record.subject
    data, cid = d.intent.data, d.intent.data.get("correlation_id")
    rec = store.get(site_id, job_id, consistent=True)
    if rec is None or rec["status"] != ("snapshotting" if data.get("snapshot") else "running"):
        return {"skipped": rec and rec["status"]}
    try:
        if data.get("snapshot"):
            store.enqueue([{"site_id": site_id, "job_id": job_id, "snapshot": True}], cid)
        elif data.get("file"):
            store.enqueue([{"site_id": site_id, "job_id": job_id, "file": True}], cid)
        else:
            store.enqueue([paced({"site_id": site_id, "job_id": job_id, "chunk": n}, n)
                           for n in range(int(data["chunks"]))], cid)
    except Exception as exc:  # the queue refused or could not be reached: tried again later
        raise relay.Retry(type(exc).__name__, "작업 대기열에 넣지 못했습니다.") from exc
    return {"messages": 1 if data.get("snapshot") or data.get("file") else int(data["chunks"])}


def give_up(d: relay.Delivery, exc: relay.Retry) -> None:
    """The job's work could not be queued: the job ends ``failed`` (it can be started again)."""
    store.set_fields(d.site_id, d.record.subject, {"status": "failed", "finished_at": iso(utcnow()),
                                                   "error": exc.reason, "error_ko": exc.reason_ko},
                     "snapshotting" if d.intent.data.get("snapshot") else "running")


def view(site_id: str, rec: dict[str, Any]) -> dict[str, Any]:
    """A job as the API answers it: ``total`` is null while its snapshot is taken (progress 0); a
    failed job says why (``error`` code, ``error_ko``)."""
    total = None if rec.get("total") is None else int(rec["total"])
    finished = int(rec.get("done", 0)) + int(rec.get("refused", 0))
    out = {k: rec.get(k) for k in ("job_id", "action", "status", "done", "refused", "created_at", "created_by",
                                   "finished_at", "canceled_at", "error", "error_ko", "params")}
    out["total"] = total
    out["progress"] = 0.0 if total is None else round(finished / total, 4) if total else 1.0
    if rec.get("file_key") and rec.get("status") == "done":
        name = str(rec["file_name"])
        out["file"] = {"file_name": name, "expires_in": exports.URL_TTL,
                       "url": export_store.presign_get(str(rec["file_key"]), name,
                                                       f"job-{rec['job_id']}.{name.rsplit('.', 1)[-1]}",
                                                       exports.URL_TTL)}
    return out


def get(site_id: str, job_id: str) -> dict[str, Any]:
    rec = store.get(site_id, job_id, consistent=True)
    if rec is None:
        raise _job_not_found(job_id)
    out = view(site_id, rec)
    if int(rec.get("refused", 0)):
        out["results"] = [{k: r.get(k) for k in ("order_id", "result", "code", "message_ko", "detail")}
                          for r in store.results(site_id, job_id, refused_only=True, limit=200)]
    return out


def list_jobs(site_id: str, limit: int) -> list[dict[str, Any]]:
    return [view(site_id, r) for r in store.list_recent(site_id, limit)]


def cancel(site_id: str, job_id: str) -> dict[str, Any]:
    """A job taking its snapshot or running stops: no order is counted after this (its counters are
    cancelled in the same transaction). Read again once when it started in between."""
    for _ in range(2):
        rec = store.get(site_id, job_id, consistent=True)
        if rec is None:
            raise _job_not_found(job_id)
        if rec["status"] not in ("snapshotting", "running"):
            break
        if store.cancel(site_id, job_id, str(rec["status"]), int(rec.get("counters") or 0), iso(utcnow())):
            return get(site_id, job_id)
    raise Conflict("JOB_NOT_RUNNING", "진행 중인 작업만 취소할 수 있습니다.")


# ---- the worker ---------------------------------------------------------------------------------


def _decide(rec: dict[str, Any], actor: Actor) -> Any:
    params = rec["params"]
    if rec["action"] == "deliver_no_shipping":
        return lambda order, at: ship_rules.deliver_no_shipping(order, actor, at)
    to = Status(params["to"])
    from_status = Status(params["from_status"]) if params.get("from_status") else None
    return lambda order, at: move_all(order, to, from_status, actor, at)


def _refused(exc: DomainError) -> dict[str, Any]:
    extra = {k: v for k, v in exc.as_dict().items() if k not in ("code", "message_ko")}
    return {"result": "refused", "code": exc.code, "message_ko": exc.message_ko, "detail": extra}


class _Refused(Exception):
    def __init__(self, exc: DomainError) -> None:
        super().__init__(exc.code)
        self.exc = exc


def _one(site_id: str, job_id: str, order_id: str, decide: Any, actor: Actor, action: str, shards: int) -> str:
    """Apply the job to one order: 'done', 'refused' or 'skipped' (counted before / job stopped),
    through the one load-decide-commit loop (``services.orders.run``, lost races decided again)."""

    def step(order: Order, at: str) -> tuple[Change, orders.Write]:
        try:
            change = decide(order, at)
        except DomainError as exc:
            raise _Refused(exc) from exc
        write = orders.Write()
        for a in store.result_actions(site_id, job_id, order_id, {"result": "done"}, at, shards):
            write.add(a, _COUNTED)
        return change, write

    refusal: DomainError
    try:
        run(site_id, order_id, None, step, attempts=3)
        return "done"
    except _Counted:
        return "skipped"
    except NotFound as exc:
        refusal = exc
    except _Refused as wrapped:
        refusal = wrapped.exc
    at = iso(utcnow())
    try:  # the result first: a redelivery that finds it leaves no second timeline entry
        store.record_result(site_id, job_id, order_id, _refused(refusal), at, shards)
    except TransactionFailed:
        return "skipped"
    record_refusal(site_id, order_id, actor, f"job_{action}", refusal, at, {"job_id": job_id})
    return "refused"


def process(message: dict[str, Any]) -> dict[str, Any]:
    """One queue message: a job's snapshot, a chunk of a change job, or the whole of a file job.
    Idempotent."""
    site_id, job_id = str(message["site_id"]), str(message["job_id"])
    if message.get("snapshot"):
        return take_snapshot(site_id, job_id, message.get(observability.CORRELATION_KEY))
    rec = store.get(site_id, job_id, consistent=True)
    if rec is None or rec["status"] != "running":
        return {"skipped": True, "status": rec and rec["status"]}
    actor = Actor.from_dict(rec["actor"])
    if message.get("file"):
        return _file_job(site_id, job_id, rec)
    ids = store.chunk(site_id, job_id, int(message["chunk"]), str(rec.get("run") or ""))
    decide, shards = _decide(rec, actor), int(rec.get("counters") or 0)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(lambda oid: _one(site_id, job_id, oid, decide, actor, rec["action"], shards), ids))
    finish(site_id, job_id)
    return {o: outcomes.count(o) for o in ("done", "refused", "skipped")}


def finish(site_id: str, job_id: str) -> str | None:
    """When every order of a running job has its result: done, partial or failed."""
    rec = store.get(site_id, job_id, consistent=True)
    if rec is None or rec["status"] != "running" or int(rec.get("left", 1)) > 0:
        return None
    final = "done" if not rec["refused"] else ("failed" if not rec["done"] else "partial")
    if not store.set_fields(site_id, job_id, {"status": final, "finished_at": iso(utcnow())}, "running"):
        return None  # another chunk's worker saw the last count too and ended it
    if final == "failed":
        observability.count("JobsFailed")
    return final


def _snapshot_ids(site_id: str, job_id: str, rec: dict[str, Any]) -> list[str]:
    run = str(rec.get("run") or "")
    return [oid for n in range(int(rec["chunks"])) for oid in store.chunk(site_id, job_id, n, run)]


def _stream(site_id: str, job_id: str, ids: list[str]) -> Iterator[tuple[Order, list[dict[str, Any]]]]:
    """The snapshot's orders in order, a few reads in flight, progress written every 500 orders."""
    def one(oid: str) -> tuple[Order, list[dict[str, Any]]] | None:
        try:
            order = orders.load(site_id, oid)
        except NotFound:
            return None
        return order, [p.view() for p in order.payments.values()]

    n = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        for i in range(0, len(ids), 64):
            for loaded in pool.map(one, ids[i:i + 64]):
                n += 1
                if loaded is not None:
                    yield loaded
            if n % 512 == 0:
                store.set_fields(site_id, job_id, {"done": n}, "running")


def _file_job(site_id: str, job_id: str, rec: dict[str, Any]) -> dict[str, Any]:
    ids = _snapshot_ids(site_id, job_id, rec)
    day = str(rec["job_id"])[:8]
    with tempfile.TemporaryDirectory(prefix="job-") as tmp:
        if rec["action"] == "export":
            template = exports.get_template(site_id, str(rec["params"]["template_id"]))
            path = os.path.join(tmp, "export.xlsx")
            personal = bool(rec["params"].get("personal"))
            stream = ((o if personal else masked_order(o), p) for o, p in _stream(site_id, job_id, ids))
            exports.write_workbook(template, stream, path)
            name, _ = exports.file_name(day, template["name"])
            object_key = keys_jobs.bulk_job_file_key(site_id, job_id, "xlsx")
            export_store.upload(path, object_key)
        else:
            doc, _ = exports.sheets(site_id, ids, "pdf", personal=bool(rec["params"].get("personal")))
            path = os.path.join(tmp, "sheets.pdf")
            with open(path, "wb") as f:
                f.write(doc if isinstance(doc, bytes) else doc.encode())
            name = f"주문서_{day}.pdf"
            object_key = keys_jobs.bulk_job_file_key(site_id, job_id, "pdf")
            export_store.upload(path, object_key, content_type="application/pdf")
    store.set_fields(site_id, job_id, {"status": "done", "done": len(ids), "left": 0, "file_key": object_key,
                                       "file_name": name, "finished_at": iso(utcnow())}, "running")
    log.info("job file written", extra={"job_id": job_id, "orders": len(ids)})
    return {"done": len(ids)}
