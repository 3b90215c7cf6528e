// 송장등록 – 엑셀: the template of the chosen orders (GET /admin/invoices/template), and the upload of
// a filled workbook: POST /admin/invoices/imports answers a presigned PUT URL, the file goes straight
// to S3 with the headers it was signed with, then GET /admin/invoices/imports/{id} is polled every
// second (progress, rows applied/refused, the refused rows and why, the result workbook) until the
// import is done, refused or failed; a failed one offers 이어서 처리 (its resume action). 업로드 기록
// lists the site's recent uploads and opens any of them the same way.
import { ApiError, api, request, seg } from "../api.js";
import { h, busy, dialog, showProblem, saveResponse, toast, nextId } from "../ui.js";
import { kst } from "../format.js";
import { poll, progressBar, setProgress } from "./jobs.js";
import { IMPORT_STATUS_KO, ko } from "../labels.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const FINAL = new Set(["done", "refused", "failed"]);

async function putFile(upload, file) {
  let resp;
  try {
    resp = await fetch(upload.url, { method: upload.method || "PUT", headers: upload.headers || { "Content-Type": XLSX }, body: file });
  } catch {
    throw new ApiError(0, { code: "UPLOAD_FAILED", message_ko: "파일을 올리지 못했습니다. 네트워크를 확인하고 다시 올려 주세요." });
  }
  if (!resp.ok) {
    throw new ApiError(resp.status, { code: "UPLOAD_FAILED", message_ko: `파일을 올리지 못했습니다 (HTTP ${resp.status}). 다시 올려 주세요.` });
  }
}

function refusedRows(record) {
  const rows = record.refused_rows || [];
  if (!rows.length) return "";
  const more = (record.rows_refused || 0) > rows.length ? ` (처음 ${rows.length}행, 전체는 결과 파일에)` : "";
  return h("div.refused", {},
    h("h3", {}, `거절된 행 ${record.rows_refused}행${more}`),
    h("ul.refused-rows", {}, rows.map((r) => h("li", { dataset: { row: r.row } },
      h("strong", {}, `${r.row}행`), " ", r.order_id ? h("span.muted", {}, r.order_id) : "", " ",
      h("span", { dataset: { code: r.code || "" } }, r.message_ko || "처리하지 못했습니다.")))));
}

/**
 * An import's progress until it ends: for a `file`, the upload first; for an `importId` (from the
 * upload history), its record straight away.
 */
function importView(ctx, { file, importId: known, name }) {
  const bar = progressBar("송장 업로드 진행률");
  const status = h("p.import-status", { role: "status", "aria-live": "polite" }, file ? "파일을 올리는 중…" : "불러오는 중…");
  const counts = h("p.import-counts");
  const reason = h("div.slot");
  const rows = h("div.import-refused");
  const links = h("div.row-actions");
  const slot = h("div.slot");
  let stop = () => {};
  let importId = known || null;

  const draw = (rec) => {
    setProgress(bar, rec.progress);
    status.dataset.status = rec.status;
    status.textContent = `${ko(IMPORT_STATUS_KO, rec.status)} · ${Math.round((rec.progress || 0) * 100)}%`;
    const parts = [];
    if (rec.rows_total !== undefined) parts.push(`전체 ${rec.rows_total}행`);
    if (rec.rows_applied !== undefined) parts.push(`적용 ${rec.rows_applied}행`);
    if (rec.rows_refused !== undefined) parts.push(`거절 ${rec.rows_refused}행`);
    if (rec.rows_skipped) parts.push(`건너뜀 ${rec.rows_skipped}행`);
    if (rec.orders_total) parts.push(`주문 ${rec.orders_processed || 0}/${rec.orders_total}건`);
    counts.textContent = parts.join(" · ");
    showProblem(reason, rec.message_ko && rec.status !== "done"
      ? new ApiError(409, { code: rec.code, message_ko: rec.message_ko }) : null);
    rows.replaceChildren(refusedRows(rec));
    links.replaceChildren(...[
      rec.result_url ? h("a.btn", { href: rec.result_url, download: `invoice-result-${rec.import_id}.xlsx` }, "결과 파일 받기") : null,
      rec.resume && ["failed", "interrupted"].includes(rec.status) ? resumeButton(rec) : null,
    ].filter(Boolean));
  };

  const watch = (announce) => {
    stop();
    stop = poll(() => api.get(`/admin/invoices/imports/${seg(importId)}`), {
      onAnswer: (rec) => {
        draw(rec);
        if (rec.status === "done" && announce) {
          toast(`송장 업로드 완료: 적용 ${rec.rows_applied || 0}행, 거절 ${rec.rows_refused || 0}행`);
          ctx.refresh();
        }
      },
      isFinal: (rec) => FINAL.has(rec.status),
      onError: (err) => showProblem(slot, err),
    });
  };

  const resumeButton = (rec) => {
    const btn = h("button.btn.primary", { type: "button" }, "이어서 처리");
    btn.addEventListener("click", () => busy(btn, async () => {
      const path = rec.resume.path || `/admin/invoices/imports/${seg(rec.import_id)}/resume`;
      draw(await request(rec.resume.method || "POST", path));
      watch(true);
    }, slot));
    return btn;
  };

  if (file) {
    (async () => {
      try {
        const started = await api.post("/admin/invoices/imports", { filename: file.name });
        importId = started.import_id;
        await putFile(started.upload, file);
        status.textContent = "업로드했습니다. 처리를 기다리는 중…";
        watch(true);
      } catch (err) {
        status.textContent = "업로드하지 못했습니다.";
        showProblem(slot, err);
      }
    })();
  } else {
    watch(false);
  }
  return h("div.stack.import-view", { dataset: { importId: importId || "" } },
    h("p.muted", {}, `파일: ${file ? file.name : name || importId}`), status, bar, counts, reason, slot, rows, links);
}

const closeRow = (close) => h("div.actions", {}, h("button.btn", { type: "button", onclick: () => close() }, "닫기"));

function uploadDialog(ctx, file) {
  return dialog("송장 엑셀 업로드", (close) => h("div.stack", {}, importView(ctx, { file }), closeRow(close)));
}

/** The site's recent uploads (GET /admin/invoices/imports): status, counts; one opens its progress. */
function historyDialog(ctx) {
  return dialog("송장 업로드 기록", (close) => {
    const body = h("div.stack");
    const slot = h("div.slot");
    const list = h("ul.import-history", {}, h("li.muted", {}, "불러오는 중…"));
    const open = (rec) => body.replaceChildren(importView(ctx, { importId: rec.import_id, name: rec.filename }), closeRow(close));
    api.get("/admin/invoices/imports", { limit: 20 }).then(({ imports }) => {
      list.replaceChildren(...(imports.length ? imports.map((rec) => h("li", { dataset: { importId: rec.import_id } },
        h("div.import-line", {},
          h("strong", {}, ko(IMPORT_STATUS_KO, rec.status)), " ",
          h("span", {}, rec.filename || rec.import_id), " ",
          h("span.muted", {}, kst(rec.created_at)),
          rec.rows_total !== undefined ? h("span.muted", {}, ` · 적용 ${rec.rows_applied || 0} / 거절 ${rec.rows_refused || 0}행`) : ""),
        h("button.btn", { type: "button", "aria-label": `${rec.filename || rec.import_id} 업로드 보기`, onclick: () => open(rec) }, "보기")))
        : [h("li.muted", {}, "올린 송장 파일이 없습니다.")]));
    }).catch((err) => showProblem(slot, err));
    body.append(slot, list, closeRow(close));
    return body;
  });
}

/** 송장 양식 받기 (the chosen orders; none chosen: the whole 배송대기 tab) and 송장 엑셀 업로드. */
export function invoiceControls(ctx, slot) {
  const template = h("button.btn", { type: "button", title: "선택한 주문의 배송대기 품목 (선택이 없으면 배송대기 전체)" }, "송장 양식 받기");
  template.addEventListener("click", () => busy(template, async () => {
    const ids = ctx.selectedIds();
    const resp = await request("GET", "/admin/invoices/template", { query: ids.length ? { order_ids: ids.join(",") } : {}, raw: true });
    await saveResponse(resp, "invoice-template.xlsx");
  }, slot));
  const input = h("input.file-input", { type: "file", id: nextId("invoice-file"), accept: `.xlsx,${XLSX}` });
  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    input.value = "";
    if (!file) return;
    showProblem(slot, null);
    if (!/\.xlsx$/i.test(file.name)) {
      showProblem(slot, new Error("엑셀 파일(.xlsx)만 올릴 수 있습니다."));
      return;
    }
    uploadDialog(ctx, file);
  });
  const pick = h("span.file-pick", {}, h("label.btn", { for: input.id }, "송장 엑셀 업로드"), input);
  const history = h("button.btn", { type: "button", onclick: () => historyDialog(ctx) }, "업로드 기록");
  return [template, pick, history];
}
