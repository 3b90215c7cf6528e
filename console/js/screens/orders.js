// 주문 목록: status tabs with counts, the search (dates, filters, one lookup) in the hash query, the rows
// (newest first, "더 보기" pages on with the API's cursor), selection of up to 50 orders with the bulk bar,
// and "이 검색 결과 전체 선택" for jobs over the whole search. The file/job actions come from list/files.js,
// which gets the list's ctx (see `listCtx` below).
import { api } from "../api.js";
import { h, showProblem, busy, empty } from "../ui.js";
import { setQuery } from "../router.js";
import { searchOf, narrowed, tabs, searchForm } from "../list/search.js";
import { headRow, orderRow, applyColumns } from "../list/rows.js";
import { selection, bulkBar, renderResults, MAX_SELECTED } from "../list/bulk.js";
import * as files from "../list/files.js";
import { viewsBar } from "../list/views.js";

/** The list's row density, kept in this browser (촘촘하게 보기). */
const DENSITY_KEY = "oms.console.density";

/** Orders per page: one page can be selected whole (the bulk limit is 50 too). */
export const PAGE_SIZE = 50;

export async function render(main, { query }) {
  const search = searchOf(query);
  const state = { rows: [], next: null, counts: {}, limit: null };
  const tabsSlot = h("div.tabs-slot");
  const problem = h("div.slot");
  const results = h("section.card.bulk-results", { "aria-live": "polite", hidden: true, "aria-label": "처리 결과" });
  const list = h("ul.order-rows", { "aria-label": "주문" });
  const more = h("div.more-slot");
  const searchAll = h("div.search-all-slot");
  const pageCheck = h("input", { type: "checkbox", "aria-label": "이 페이지 전체 선택", disabled: true });
  const pageLabel = h("label.check.page-pick", {}, pageCheck, h("span", {}, "이 페이지 전체 선택"));
  const rowsWrap = h("div.table-wrap.rows-wrap", {}, headRow(), list);
  applyColumns(rowsWrap, []);
  const densityBox = h("input", { type: "checkbox", name: "dense", checked: localStorage.getItem(DENSITY_KEY) === "dense" });
  const density = h("label.check.density", {}, densityBox, h("span", {}, "촘촘하게 보기"));
  const setDensity = () => {
    rowsWrap.classList.toggle("dense", densityBox.checked);
    localStorage.setItem(DENSITY_KEY, densityBox.checked ? "dense" : "comfortable");
  };
  densityBox.addEventListener("change", setDensity);
  rowsWrap.classList.toggle("dense", densityBox.checked);

  const sel = selection({
    onChange: () => sync(),
    onRefuse: (message) => { state.limit = message; sync(); },
  });

  /**
   * What list/files.js gets: selectedIds() → the selected order ids; showResults(results, {title}) →
   * shows per-order results (the API's {results} or a list of {order_id, result: done|refused, code,
   * message_ko}) and answers the list; refresh() → reloads the first page and the counts (promise);
   * search() → the list's query (tab, date_from, date_to, filters, lookups; only keys that are set);
   * total() → how many orders the search matches when known (the tab's count, or every row when the last
   * page is loaded), else null.
   */
  const listCtx = {
    selectedIds: () => sel.ids(),
    showResults: (res, opts) => {
      const out = renderResults(results, res, opts);
      results.scrollIntoView({ block: "nearest" });
      return out;
    },
    refresh: () => load(false),
    search: () => ({ ...search }),
    total: () => {
      if (!narrowed(search)) return state.counts[search.tab] ?? null;
      return state.next ? null : state.rows.length;
    },
  };

  const bar = bulkBar(listCtx, {
    onClear: () => sel.removeAll(sel.ids()),
    onDone: (ids) => sel.removeAll(ids),
    extra: files.bulkActions(listCtx),
    tab: search.tab,
  });
  bar.update(0, null);

  function sync() {
    const ids = state.rows.map((o) => o.order_id);
    const picked = ids.filter((id) => sel.has(id)).length;
    pageCheck.checked = ids.length > 0 && picked === ids.length;
    pageCheck.indeterminate = picked > 0 && picked < ids.length;
    pageCheck.disabled = ids.length === 0;
    list.querySelectorAll(".order-row").forEach((li) => {
      const on = sel.has(li.dataset.orderId);
      li.classList.toggle("selected", on);
      li.querySelector(".pick input").checked = on;
    });
    bar.update(sel.size(), state.limit);
  }

  pageCheck.addEventListener("change", () => {
    const ids = state.rows.map((o) => o.order_id);
    if (pageCheck.checked) sel.addAll(ids); else sel.removeAll(ids);
    sync();
  });

  /** Redraw the rows, or (`added`) append the rows of the next page and move the focus to the first of them. */
  function drawRows(added) {
    if (added) {
      const fresh = added.map((o) => orderRow(o, sel));
      list.append(...fresh);
      if (fresh.length) fresh[0].querySelector(".order-link").focus();
    } else {
      list.replaceChildren(...state.rows.map((o) => orderRow(o, sel)));
    }
    if (!state.rows.length) list.append(h("li.empty-row", {}, empty("조건에 맞는 주문이 없습니다.")));
    more.replaceChildren();
    if (state.next) {
      const moreSlot = h("div.slot");
      const btn = h("button.btn.load-more", { type: "button", onclick: () => busy(btn, () => load(true), moreSlot) },
        "더 보기");
      more.append(btn, moreSlot);
    }
    // a job over the whole search: the way past the selection's 50 (said when the page is full)
    const full = state.rows.length >= PAGE_SIZE || Boolean(state.next);
    searchAll.replaceChildren(state.rows.length ? h("section.search-all.select-all", { "aria-label": "이 검색 결과 전체 선택" },
      h("h2", {}, "이 검색 결과 전체 선택"),
      full ? h("p.muted", {}, `한 번에 선택할 수 있는 주문은 ${MAX_SELECTED}건까지입니다. 검색 결과 전체`,
        listCtx.total() !== null ? `(${listCtx.total()}건)` : "", "를 한 번에 처리하려면 아래 작업을 쓰세요.") : null,
      h("div.row-actions", {}, files.searchActions(listCtx))) : "");
    sync();
  }

  /** The first page (append = false) or the next one; the counts come with every page. */
  async function load(append) {
    list.setAttribute("aria-busy", "true");
    try {
      const page = await api.get("/admin/orders", { ...search, limit: PAGE_SIZE, cursor: append ? state.next : undefined });
      state.rows = append ? [...state.rows, ...page.orders] : page.orders;
      state.next = page.next_cursor || null;
      state.counts = page.counts || {};
      tabsSlot.replaceChildren(tabs(state.counts, search, page)); // 통합검색: result count and counts_scope
      drawRows(append ? page.orders : null);
    } finally {
      list.removeAttribute("aria-busy");
    }
  }

  /** A new search goes to the hash (reload and back show it); the same search again reloads the list. */
  function onSearch(next) {
    const before = location.hash;
    setQuery(next);
    if (location.hash === before) busy(null, () => load(false), problem);
  }

  // 미확인 입금 waiting for the operator (bank deposits the feed could not match): a link with the count
  const depositsNote = h("p.deposits-note");
  api.get("/admin/deposits/unmatched").then(({ count }) => {
    if (count) depositsNote.replaceChildren(h("a", { href: "#/deposits" }, `미확인 입금 ${count}건`));
  }).catch(() => {});
  main.append(h("h1", {}, "주문 목록"), depositsNote, viewsBar(query, search, (keys) => applyColumns(rowsWrap, keys)), tabsSlot,
    searchForm(search, onSearch),
    problem, results,
    h("div.list-tools", {}, pageLabel, density),
    rowsWrap,
    more, searchAll, bar.el);
  try {
    await load(false);
  } catch (err) {
    showProblem(problem, err);
  }
}
