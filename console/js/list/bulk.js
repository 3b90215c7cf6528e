// Selection (at most MAX_SELECTED orders, the API's bulk limit; more is refused with a message, never
// dropped silently), the sticky bulk bar (상태 변경, 배송없음 → 배송완료, then the file actions of
// list/files.js) and the per-order results of any bulk action.
import { api } from "../api.js";
import { h, select, busy, badge, confirmBackward } from "../ui.js";
import { MAIN_FLOW, STATUSES, statusKo } from "../labels.js";

/**
 * The step an operator takes next from `status` in the main flow (a tab's default target: in 상품준비
 * it is 배송대기, in 배송대기 배송중 …); 배송대기 where there is none (전체, claims).
 */
export function nextStep(status) {
  const at = MAIN_FLOW.indexOf(status);
  return at >= 0 && at < MAIN_FLOW.length - 1 ? MAIN_FLOW[at + 1] : "ready_to_ship";
}

/** The bulk routes take at most 50 orders (BulkStatusIn, BulkOrdersIn). */
export const MAX_SELECTED = 50;

export const limitMessage = (have, adding) =>
  `한 번에 최대 ${MAX_SELECTED}건까지 선택할 수 있습니다. 지금 ${have}건이 선택되어 있어 ${adding}건을 더 선택할 수 없습니다.`;

/** The selected order ids; `onChange()` after every change, `onRefuse(message)` when the limit says no. */
export function selection({ onChange, onRefuse }) {
  const ids = new Set();
  const sel = {
    has: (id) => ids.has(id),
    size: () => ids.size,
    ids: () => [...ids],
    /** Answers what the row's checkbox shows: checked only if the id is (now) selected. */
    toggle(id, on) {
      if (on && !ids.has(id) && ids.size >= MAX_SELECTED) {
        onRefuse(limitMessage(ids.size, 1));
        return false;
      }
      if (on) ids.add(id); else ids.delete(id);
      onRefuse(null);
      onChange();
      return on;
    },
    /** All of `list` or none of it: answers false when that would pass the limit. */
    addAll(list) {
      const fresh = list.filter((id) => !ids.has(id));
      if (ids.size + fresh.length > MAX_SELECTED) {
        onRefuse(limitMessage(ids.size, fresh.length));
        return false;
      }
      fresh.forEach((id) => ids.add(id));
      onRefuse(null);
      onChange();
      return true;
    },
    removeAll(list) {
      list.forEach((id) => ids.delete(id));
      onRefuse(null);
      onChange();
    },
  };
  return sel;
}

const isDone = (r) => r.result === "done" || r.ok === true || r.status === "done";

/**
 * The per-order results of a bulk action into `box`: `results` = the API's answer ({results}) or its
 * list [{order_id, result: done|refused, code, message_ko}]; `title` names the action.
 */
export function renderResults(box, results, { title = "일괄 처리 결과" } = {}) {
  const list = Array.isArray(results) ? results : (results && results.results) || [];
  const done = list.filter(isDone).length;
  box.replaceChildren(h("div.card-head", {},
    h("h2", {}, title),
    h("button.btn.ghost", { type: "button", onclick: () => { box.hidden = true; box.replaceChildren(); } }, "결과 닫기")),
  h("p.results-summary", {}, `${list.length}건 중 완료 ${done}건 · 거절 ${list.length - done}건`),
  h("ul.results", {}, list.map((r) => h(`li.${isDone(r) ? "done" : "refused"}`, { dataset: { orderId: r.order_id } },
    h("a", { href: `#/orders/${r.order_id}` }, r.order_id), " ",
    isDone(r) ? badge("완료", "ok") : [badge("거절", "bad"), " ",
      h("span.reason", { dataset: { code: r.code || "" } }, r.message_ko || "처리하지 못했습니다.")]))));
  box.hidden = false;
  return list;
}

/**
 * The bulk bar, below the rows; sticky at the bottom of the screen while something is selected. The
 * bar's own actions need a selection; the file actions (`extra`, from files.js: an invoice upload, its
 * history) may not, so the bar is always there. `ctx` = the list's ctx (selectedIds, showResults,
 * refresh …), `onDone(ids)` = the orders an action of the bar did (they leave the selection),
 * `onClear()` = 선택 해제.
 */
export function bulkBar(ctx, { onClear, onDone, extra = [], tab = "all" }) {
  const slot = h("div.slot");
  const note = h("p.limit-note", { role: "alert" });
  const count = h("strong.sel-count", { "aria-live": "polite" });
  const to = select("to", MAIN_FLOW.map((s) => [s, statusKo(s)]), nextStep(tab));
  to.setAttribute("aria-label", "변경할 상태");
  const from = select("from_status", [["", "대상: 전체 품목"], ...STATUSES.filter(([s]) => s === "payment_pending"
    || MAIN_FLOW.includes(s))], MAIN_FLOW.includes(tab) || tab === "payment_pending" ? tab : "");
  from.setAttribute("aria-label", "대상 품목의 현재 상태");
  let last = [0, null];
  const run = (button, path, body, title) => busy(button, async () => {
    const answer = await api.post(path, body);
    onDone(ctx.showResults(answer, { title }).filter(isDone).map((r) => r.order_id));
    await ctx.refresh();
  }, slot).then(() => view.update(...last)); // busy gives the button back enabled: the selection decides
  const statusBtn = h("button.btn.primary", { type: "button", onclick: async () => {
    const ref = from.value || (MAIN_FLOW.includes(tab) ? tab : "");
    if (!(await confirmBackward(ref, to.value, `선택한 주문 ${ctx.selectedIds().length}건의 품목을`))) return;
    run(statusBtn, "/admin/orders/bulk/status",
      { order_ids: ctx.selectedIds(), to: to.value, ...(from.value ? { from_status: from.value } : {}) },
      `상태 변경 결과 (${statusKo(to.value)})`);
  } }, "상태 변경");
  const deliverBtn = h("button.btn", { type: "button", onclick: () => run(deliverBtn,
    "/admin/orders/bulk/deliver-no-shipping", { order_ids: ctx.selectedIds() }, "배송없음 → 배송완료 결과") },
  "배송없음 → 배송완료");
  const clear = h("button.btn.ghost", { type: "button", onclick: onClear }, "선택 해제");
  const bar = h("section.bulk-bar", { "aria-label": "선택한 주문 일괄 처리" },
    h("div.bulk-head", {}, count, clear),
    h("div.bulk-actions", {},
      h("div.bulk-group", { role: "group", "aria-label": "상태 변경" }, from, to, statusBtn),
      deliverBtn,
      extra),
    note, slot);
  const view = {
    el: bar,
    /** Redraw for `size` selected orders and the limit message (or null). */
    update(size, message) {
      last = [size, message];
      count.textContent = size ? `${size}건 선택 (최대 ${MAX_SELECTED}건)` : `선택한 주문 없음 (최대 ${MAX_SELECTED}건)`;
      note.textContent = message || "";
      note.hidden = !message;
      statusBtn.disabled = deliverBtn.disabled = size === 0;
      clear.hidden = size === 0;
      bar.classList.toggle("active", size > 0 || Boolean(message));
    },
  };
  return view;
}
