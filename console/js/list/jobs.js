// "이 검색 결과 전체 선택": a background job over every order of the list's current search or tab
// (POST /admin/jobs), its progress polled every second (GET /admin/jobs/{id}) — first "주문 모으는
// 중" while the worker gathers the orders, then the count — 취소, the refused orders with their
// reason, why a failed job failed and, for an export or a print, the file. Also the poller the invoice
// upload shares.
import { personalFields } from "../personal.js";
import { api, seg } from "../api.js";
import { h, field, select, busy, dialog, showProblem, toast } from "../ui.js";
import { STATUSES, MAIN_FLOW, statusKo, JOB_STATUS_KO, ko } from "../labels.js";
import { loadTemplates, templateSelect, startDownload } from "./exports.js";

/** The list's search keys a job accepts (the API's JobSearch); exact lookups are not among them. */
const SEARCH_KEYS = ["tab", "date_from", "date_to", "payment_method", "channel", "scope", "buyer_type"];
const LOOKUP_KEYS = ["q", "order_id", "buyer_name", "buyer_phone", "recipient_name", "recipient_phone", "tracking_no"];

const ACTIONS = [["status", "상태 변경"], ["deliver_no_shipping", "배송없음 → 배송완료"],
  ["export", "엑셀 다운로드"], ["print", "주문서 인쇄 (PDF)"]];
const FINAL = new Set(["done", "partial", "failed", "canceled"]);
const CANCELABLE = new Set(["snapshotting", "running"]);

/**
 * Call `load()` every `every` ms, handing each answer to `onAnswer`, until `isFinal(answer)`; a
 * refusal stops it and goes to `onError`. Answers a function that stops it.
 */
export function poll(load, { onAnswer, isFinal, onError, every = 1000, maxMs = 30 * 60 * 1000 }) {
  let stopped = false;
  let timer = null;
  const started = Date.now();
  const tick = async () => {
    let answer;
    try {
      answer = await load();
    } catch (err) {
      if (!stopped) onError(err);
      return;
    }
    if (stopped) return;
    onAnswer(answer);
    if (!isFinal(answer) && Date.now() - started < maxMs) timer = setTimeout(tick, every);
  };
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}

/** A <progress> 0–100 whose value is also its attribute (what a test or a screen reader reads). */
export function progressBar(label) {
  return h("progress.progress", { max: "100", value: "0", "aria-label": label });
}

export function setProgress(bar, fraction) {
  bar.setAttribute("value", String(Math.round(Math.max(0, Math.min(1, Number(fraction) || 0)) * 100)));
}

export function jobSearch(query) {
  return Object.fromEntries(SEARCH_KEYS.filter((k) => query[k] !== undefined && query[k] !== "").map((k) => [k, query[k]]));
}

const lookupsOf = (query) => LOOKUP_KEYS.filter((k) => query[k] !== undefined && query[k] !== "");

function nextOf(tab) {
  const i = MAIN_FLOW.indexOf(tab);
  return i >= 0 && i < MAIN_FLOW.length - 1 ? MAIN_FLOW[i + 1] : "ready_to_ship";
}

function jobForm(ctx, close, onStarted) {
  const query = ctx.search() || {};
  const search = jobSearch(query);
  const action = select("action", ACTIONS, "status");
  const to = select("to", STATUSES.filter(([s]) => s !== "payment_pending"), nextOf(search.tab));
  const from = select("from_status", [["", "모든 상태"], ...STATUSES], STATUSES.some(([s]) => s === search.tab) ? search.tab : "");
  const template = templateSelect();
  const statusPart = h("div.form-grid", {}, field("변경할 상태", to), field("이 상태의 품목만", from));
  const exportPart = h("div.form-grid", {}, field("엑셀 양식", template));
  const printPart = h("p.muted", {}, "주문마다 한 쪽씩, 하나의 PDF로 만듭니다.");
  const personal = personalFields();
  const slot = h("div.slot");
  const show = () => {
    statusPart.hidden = action.value !== "status";
    exportPart.hidden = action.value !== "export";
    printPart.hidden = action.value !== "print";
  };
  action.addEventListener("change", show);
  show();
  loadTemplates(template).catch((err) => showProblem(slot, err));
  const start = h("button.btn.primary", { type: "submit" }, "작업 시작");
  const form = h("form.stack.job-form", {
    onsubmit: (e) => {
      e.preventDefault();
      const body = { action: action.value, search };
      if (action.value === "status") {
        body.to = to.value;
        if (from.value) body.from_status = from.value;
      }
      if (action.value === "export") {
        if (!template.value) { showProblem(slot, new Error("엑셀 양식을 불러온 뒤 골라 주세요.")); return; }
        body.template_id = template.value;
      }
      if (action.value === "export" || action.value === "print") Object.assign(body, personal.values());
      busy(start, async () => onStarted(await api.post("/admin/jobs", body)), slot);
    },
  },
  h("p.job-scope", {}, ctx.total() === null ? "검색 결과 전체" : `검색 결과 ${ctx.total()}건 전체`, search.tab && search.tab !== "all" ? ` (${statusKo(search.tab)})` : ""),
  field("작업", action), statusPart, exportPart, printPart, personal.element, slot,
  h("div.actions", {}, h("button.btn", { type: "button", onclick: () => close() }, "닫기"), start));
  return form;
}

function refusedList(results, close) {
  if (!results || !results.length) return "";
  return h("div.refused", {},
    h("h3", {}, `거절된 주문 ${results.length}건`),
    h("ul.refused-rows", {}, results.map((r) => h("li", { dataset: { orderId: r.order_id } },
      h("a", { href: `#/orders/${seg(r.order_id)}`, onclick: () => close() }, r.order_id), " ",
      h("span", { dataset: { code: r.code || "" } }, r.message_ko || "처리하지 못했습니다.")))));
}

/** The running job: progress, counts, 취소, refusals, the file; polls until it ends. */
function jobView(ctx, first, close) {
  const bar = progressBar("작업 진행률");
  const status = h("p.job-status", { role: "status", "aria-live": "polite" });
  const counts = h("p.job-counts");
  const error = h("p.job-error", { role: "alert", hidden: true });
  const refused = h("div.job-refused");
  const file = h("div.job-file");
  const slot = h("div.slot");
  const cancel = h("button.btn.danger", { type: "button" }, "작업 취소");
  let stop = () => {};
  let fileShown = false;
  const draw = (job) => {
    setProgress(bar, job.progress);
    status.dataset.status = job.status;
    const gathering = job.total === null || job.total === undefined; // the snapshot is not taken yet
    status.textContent = gathering ? `${ko(JOB_STATUS_KO, job.status)}${job.status === "snapshotting" ? "…" : ""}`
      : `${ko(JOB_STATUS_KO, job.status)} · ${Math.round((job.progress || 0) * 100)}%`;
    counts.textContent = gathering ? (job.status === "snapshotting" ? "검색 결과의 주문을 모으고 있습니다." : "")
      : `전체 ${job.total}건 · 처리 ${job.done}건 · 거절 ${job.refused}건`;
    error.hidden = !job.error_ko;
    error.textContent = job.error_ko || "";
    cancel.hidden = !CANCELABLE.has(job.status);
    refused.replaceChildren(refusedList(job.results, close));
    if (job.file && !fileShown) {
      fileShown = true;
      const link = h("a.btn.primary", { href: job.file.url, download: job.file.file_name }, `파일 받기: ${job.file.file_name}`);
      file.replaceChildren(link);
      startDownload(job.file.url, job.file.file_name);
    }
    if (FINAL.has(job.status)) {
      stop();
      if (job.results && job.results.length) {
        ctx.showResults(job.results.map((r) => ({ order_id: r.order_id, ok: false, code: r.code, message_ko: r.message_ko })));
      }
      toast(gathering ? `작업 ${ko(JOB_STATUS_KO, job.status)}${job.error_ko ? `: ${job.error_ko}` : ""}`
        : `작업 ${ko(JOB_STATUS_KO, job.status)}: ${job.done}/${job.total}건`, job.status === "done" ? "ok" : "error");
      ctx.refresh();
    }
  };
  cancel.addEventListener("click", () => busy(cancel, async () => draw(await api.post(`/admin/jobs/${seg(first.job_id)}/cancel`)), slot));
  draw(first);
  if (!FINAL.has(first.status)) {
    stop = poll(() => api.get(`/admin/jobs/${seg(first.job_id)}`), {
      onAnswer: draw, isFinal: (job) => FINAL.has(job.status), onError: (err) => showProblem(slot, err),
    });
  }
  return h("div.job-view.stack", { dataset: { jobId: first.job_id } }, status, bar, counts, error, h("div.row-actions", {}, cancel), slot, refused, file);
}

function openJob(ctx) {
  return dialog("검색 결과 전체 작업", (close) => {
    const holder = h("div");
    holder.append(jobForm(ctx, close, (job) => {
      holder.replaceChildren(jobView(ctx, job, close), h("div.actions", {}, h("button.btn", { type: "button", onclick: () => close() }, "닫기")));
    }));
    return holder;
  });
}

/** "이 검색 결과 전체 선택": the count, and the job over all of it. */
export function searchJob(ctx) {
  const query = ctx.search() || {};
  const known = ctx.total(); // null: the search matches more than the pages loaded, count not known yet
  const total = known === null || known === undefined ? null : Number(known);
  const lookups = lookupsOf(query);
  const hint = lookups.length
    ? "주문번호·이름·연락처·송장번호 조회 결과는 전체 작업에 쓸 수 없습니다. 목록에서 선택해 처리해 주세요."
    : total === 0 ? "이 검색에는 주문이 없습니다." : "";
  const start = h("button.btn", { type: "button", disabled: Boolean(lookups.length) || total === 0,
    onclick: () => openJob(ctx) }, total === null ? "검색 결과 전체 선택" : `검색 결과 ${total}건 전체 선택`);
  return [start, hint ? h("small.hint", {}, hint) : null];
}
