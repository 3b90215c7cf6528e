"""Excel export of chosen orders with per-site templates (docs/domain.md, "Working the list and the detail").

Templates: two built-in ones every site has (``basic`` = "기본", ``courier`` = the courier-upload
layout), read-only, plus up to 20 of the site's own (CRUD). A template is a list of columns, each
a field of :mod:`oms.excel.export_fields` with an optional header of its own, the row grain (per
line or per order), the address layout (combined 주소+상세주소, or split) and the options layout.

An export of ≤ 50 chosen orders is answered at once: the orders are read through the store's
public ``load`` (one Query each, a few in flight), written row by row to a workbook on the
function's disk (constant memory), uploaded to the export bucket and handed back as a short-lived
presigned URL with a Korean file name and the KST date. Logs carry ids and counts only: personal
data goes into the file and nowhere else.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from oms import observability
from oms.domain.clock import KST, iso, utcnow
from oms.domain.errors import Conflict, DomainError, NotFound
from oms.domain.josa import josa
from oms.domain.masking import masked_order
from oms.domain.order import Actor, Order
from oms.excel.export_fields import ADDRESS_DETAIL_HEADER, FIELDS, Row, address_parts
from oms.schemas.exports import ExportIn, ExportTemplateIn
from oms.store import exports as store
from oms.store import keys, orders

log = logging.getLogger(__name__)

URL_TTL = 5 * 60
FILE_TTL_S = 24 * 3600
LOAD_WORKERS = 8
FILE_PREFIX = "주문내역"

_BASIC = ["order_id", "created_at", "status", "channel", "product_name", "product_code", "options", "quantity",
          "unit_price", "option_price", "product_discount", "coupon_discount", "points_used", "paid_amount",
          "payment_method", "paid_at", "paid_total", "outstanding", "buyer_name", "buyer_phone", "recipient_name",
          "recipient_phone", "postal_code", "address", "message", "shipping_method", "courier", "tracking_no",
          "shipped_on", "memo"]
_COURIER = ["order_id", "recipient_name", "recipient_phone", "postal_code", "address", "message", "product_name",
            "options", "quantity", "courier", "tracking_no"]

BUILTIN: dict[str, dict[str, Any]] = {
    "basic": {"template_id": "basic", "name": "기본", "builtin": True, "row_grain": "line", "address": "combined",
              "options_layout": "newline", "columns": [{"field": f, "header": None} for f in _BASIC]},
    "courier": {"template_id": "courier", "name": "택배사 업로드", "builtin": True, "row_grain": "order",
                "address": "split", "options_layout": "inline",
                "columns": [{"field": f, "header": None} for f in _COURIER]},
}


# ---- templates ----------------------------------------------------------------------------------


def _template_not_found(template_id: str) -> DomainError:
    return DomainError("EXPORT_TEMPLATE_NOT_FOUND", f"엑셀 양식을 찾을 수 없습니다: {template_id}", status=404,
                       field="template_id")


def _quoted(text: str) -> str:
    return f"'{text}'"


def _validate(body: ExportTemplateIn) -> None:
    """Name the bad column: unknown field, a field twice, a header twice."""
    seen_fields: dict[str, int] = {}
    seen_headers: dict[str, int] = {}
    for i, col in enumerate(body.columns):
        field = FIELDS.get(col.field)
        if field is None:
            raise DomainError("EXPORT_FIELD_UNKNOWN",
                              f"{i + 1}번째 열의 항목 {josa(_quoted(col.field), '은/는')} 없는 항목입니다.",
                              status=400, field=f"columns[{i}].field", extra={"value": col.field})
        if col.field in seen_fields:
            raise DomainError("EXPORT_FIELD_DUPLICATE",
                              f"{i + 1}번째 열의 항목 {josa(_quoted(field.header), '이/가')} "
                              f"{seen_fields[col.field] + 1}번째 열과 겹칩니다.", status=400,
                              field=f"columns[{i}].field", extra={"value": col.field})
        seen_fields[col.field] = i
        headers = [col.header or field.header]
        if col.field == "address" and body.address == "split":
            headers.append(ADDRESS_DETAIL_HEADER)
        for h in headers:
            if not h.strip():
                raise DomainError("EXPORT_HEADER_BLANK", f"{i + 1}번째 열의 제목이 비어 있습니다.", status=400,
                                  field=f"columns[{i}].header")
            if h in seen_headers:
                raise DomainError("EXPORT_HEADER_DUPLICATE",
                                  f"{i + 1}번째 열의 제목 {josa(_quoted(h), '이/가')} "
                                  f"{seen_headers[h] + 1}번째 열과 같습니다.",
                                  status=400, field=f"columns[{i}].header", extra={"value": h})
            seen_headers[h] = i


def _view(item: dict[str, Any]) -> dict[str, Any]:
    out = {k: item.get(k) for k in ("template_id", "name", "row_grain", "address", "options_layout", "columns",
                                    "updated_at", "updated_by")}
    out["builtin"] = bool(item.get("builtin"))
    out["columns"] = [{"field": c["field"], "header": c.get("header") or FIELDS[c["field"]].header}
                      for c in item["columns"] if c["field"] in FIELDS]
    return out


def list_templates(site_id: str) -> list[dict[str, Any]]:
    own = sorted(store.list_templates(site_id), key=lambda t: str(t.get("created_at")))
    return [_view(t) for t in BUILTIN.values()] + [_view(t) for t in own]


def get_template(site_id: str, template_id: str) -> dict[str, Any]:
    item = BUILTIN.get(template_id) or store.get_template(site_id, template_id)
    if item is None:
        raise _template_not_found(template_id)
    return _view(item)


def _record(body: ExportTemplateIn, actor: Actor) -> dict[str, Any]:
    return {**body.model_dump(mode="json"), "updated_at": iso(utcnow()), "updated_by": actor.id}


def create_template(site_id: str, body: ExportTemplateIn, actor: Actor) -> dict[str, Any]:
    _validate(body)
    if len(store.list_templates(site_id)) >= store.MAX_TEMPLATES:
        raise Conflict("TEMPLATE_LIMIT", f"엑셀 양식은 사이트당 {store.MAX_TEMPLATES}개까지 만들 수 있습니다.")
    template_id = "t" + secrets.token_hex(6)
    record = _record(body, actor) | {"created_at": iso(utcnow())}
    store.put_template(site_id, template_id, record, create=True)
    return _view({"template_id": template_id, **record})


def _own(site_id: str, template_id: str) -> dict[str, Any]:
    if template_id in BUILTIN:
        raise Conflict("TEMPLATE_BUILTIN", "기본 제공 양식은 바꾸거나 지울 수 없습니다. 복사해서 새 양식을 만드세요.")
    item = store.get_template(site_id, template_id)
    if item is None:
        raise _template_not_found(template_id)
    return item


def update_template(site_id: str, template_id: str, body: ExportTemplateIn, actor: Actor) -> dict[str, Any]:
    current = _own(site_id, template_id)
    _validate(body)
    record = _record(body, actor) | {"created_at": current.get("created_at")}
    store.put_template(site_id, template_id, record, create=False)
    return _view({"template_id": template_id, **record})


def delete_template(site_id: str, template_id: str) -> None:
    _own(site_id, template_id)
    store.delete_template(site_id, template_id)


# ---- reading the chosen orders ------------------------------------------------------------------


def load_orders(site_id: str, order_ids: Sequence[str]) -> list[tuple[Order, list[dict[str, Any]]]]:
    """The orders (and their payment items) in the order given; any unknown id refuses the request."""
    ids = list(dict.fromkeys(order_ids))

    def one(oid: str) -> tuple[Order, list[dict[str, Any]]] | None:
        try:
            order = orders.load(site_id, oid)
        except NotFound:
            return None
        return order, [p.view() for p in order.payments.values()]

    with ThreadPoolExecutor(max_workers=min(LOAD_WORKERS, len(ids)) or 1) as pool:
        found = list(pool.map(one, ids))
    missing = [i for i, f in zip(ids, found, strict=True) if f is None]
    if missing:
        raise DomainError("ORDERS_NOT_FOUND", f"찾을 수 없는 주문이 있습니다: {', '.join(missing[:5])}",
                          status=404, field=f"order_ids[{list(order_ids).index(missing[0])}]",
                          extra={"missing": missing})
    return [f for f in found if f is not None]


# ---- rows of a template -------------------------------------------------------------------------


def out_columns(template: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, header, kind) per column of the file; a split address is two columns."""
    out = []
    for col in template["columns"]:
        f = FIELDS[col["field"]]
        if f.key == "address" and template["address"] == "split":
            out.append(("address1", col["header"], "text"))
            out.append(("address2", ADDRESS_DETAIL_HEADER, "text"))
        else:
            out.append((f.key, col["header"], f.kind))
    return out


def rows(template: dict[str, Any], loaded: Iterable[tuple[Order, Sequence[dict[str, Any]]]]
         ) -> Iterator[list[Any]]:
    """The file's rows: values of order-level columns are computed once per order and repeated on
    each of its line rows."""
    cols = out_columns(template)
    inline = template.get("options_layout") == "inline"
    per_line = template["row_grain"] == "line"
    fields = [FIELDS.get(k) for k, _, _ in cols]
    line_cols = [i for i, f in enumerate(fields) if f is not None and f.per_line]
    for order, payments in loaded:
        first = Row(order, payments, order.lines[0] if per_line and order.lines else None, inline)
        parts = address_parts(first)
        base: list[Any] = [f.get(first) if f is not None else parts[0 if k == "address1" else 1]
                           for f, (k, _, _) in zip(fields, cols, strict=True)]
        yield base
        for line in order.lines[1:] if per_line else ():
            row = Row(order, payments, line, inline)
            values = list(base)
            for i in line_cols:
                values[i] = fields[i].get(row)  # type: ignore[union-attr]
            yield values


def file_name(now_kst_day: str, template_name: str) -> tuple[str, str]:
    """(Korean name, ASCII fallback) e.g. ``주문내역_기본_20260302.xlsx``."""
    safe = "".join(ch for ch in template_name if ch not in '\\/:*?"<>|\r\n\t').strip() or "양식"
    return f"{FILE_PREFIX}_{safe}_{now_kst_day}.xlsx", f"orders-{now_kst_day}.xlsx"


def write_workbook(template: dict[str, Any], loaded: Iterable[tuple[Order, Sequence[dict[str, Any]]]],
                   path: str) -> int:
    """Write the rows of ``loaded`` (any iterable: a stream of orders is never held) to ``path``."""
    from oms.excel.export_xlsx import OutColumn, SheetWriter

    cols = [OutColumn(h, kind) for _, h, kind in out_columns(template)]  # type: ignore[arg-type]
    n = 0
    with SheetWriter(path, "주문내역", cols, tmpdir=os.path.dirname(path)) as w:
        for values in rows(template, loaded):
            w.row(values)
            n += 1
    return n


Loaded = list[tuple[Order, list[dict[str, Any]]]]


def masked(loaded: Loaded, personal: bool) -> Loaded:
    """The orders as the file shows them: masked unless personal data was asked for (and recorded)."""
    return loaded if personal else [(masked_order(o), p) for o, p in loaded]


def export(site_id: str, body: ExportIn, actor: Actor, *, personal: bool = False) -> dict[str, Any]:
    template = get_template(site_id, body.template_id)
    loaded = masked(load_orders(site_id, body.order_ids), personal)
    started = time.perf_counter()
    now = utcnow()
    export_id = now.astimezone(KST).strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(4)
    object_key = keys.export_object_key(site_id, export_id)
    with tempfile.TemporaryDirectory(prefix="export-") as tmp:
        path = os.path.join(tmp, "export.xlsx")
        n_rows = write_workbook(template, loaded, path)
        size = os.path.getsize(path)
        store.upload(path, object_key)
    name, fallback = file_name(now.astimezone(KST).strftime("%Y%m%d"), template["name"])
    store.put_export(site_id, export_id, {
        "template_id": template["template_id"], "order_ids": [o.order_id for o, _ in loaded], "rows": n_rows,
        "object_key": object_key, "file_name": name, "size": size, "created_at": iso(now), "created_by": actor.id,
        "ttl": int(now.timestamp()) + FILE_TTL_S,
    })
    observability.count("ExportsCreated")
    log.info("export written", extra={"export_id": export_id, "orders": len(loaded), "rows": n_rows,
                                      "bytes": size, "ms": round((time.perf_counter() - started) * 1000)})
    return {"export_id": export_id, "file_name": name, "rows": n_rows, "orders": len(loaded), "size": size,
            "url": store.presign_get(object_key, name, fallback, URL_TTL), "expires_in": URL_TTL}


def download(site_id: str, export_id: str) -> dict[str, Any]:
    """A fresh short-lived URL for a file exported earlier (while the bucket keeps it: a day)."""
    record = store.get_export(site_id, export_id)
    if record is None or not store.exists(record["object_key"]):
        raise DomainError("EXPORT_NOT_FOUND", "내보낸 파일이 없거나 보관 기간(1일)이 지났습니다. 다시 내보내세요.",
                          status=404)
    name = record["file_name"]
    fallback = f"orders-{export_id[:8]}.xlsx"
    return {"export_id": export_id, "file_name": name, "rows": record["rows"],
            "url": store.presign_get(record["object_key"], name, fallback, URL_TTL), "expires_in": URL_TTL}


# ---- order sheets -------------------------------------------------------------------------------


def sheets(site_id: str, order_ids: Sequence[str], fmt: str, *, personal: bool = False) -> tuple[bytes | str, str]:
    """(document, file name) for the chosen orders in the order given: HTML (print CSS, one order
    per page) or PDF (one order per page, Korean font embedded); masked unless ``personal``."""
    from oms.printing import sheet as sheet_model
    from oms.store import settings

    loaded = masked(load_orders(site_id, order_ids), personal)
    shop = settings.get(site_id).printing.shop_name or site_id
    views = [sheet_model.build(order, payments, shop) for order, payments in loaded]
    stem = f"order-sheet-{views[0].order_id}" + (f"-{len(views)}" if len(views) > 1 else "")
    if fmt == "pdf":
        from oms.printing import pdf

        return pdf.render(views), stem + ".pdf"
    from oms.printing import html

    return html.render(views), stem + ".html"
