// 주문 목록: status tabs with counts, then the orders of the tab, newest first.
import { api } from "../api.js";
import { h, problemBox } from "../ui.js";
import { won, kst } from "../format.js";
import { TABS, statusKo } from "../statuses.js";
import { setQuery } from "../router.js";
import { bulkActions, searchActions } from "../list/files.js";

function tabs(counts, current) {
  return h("nav.tabs", { "aria-label": "주문 상태" }, TABS.filter(([t]) => t === "all" || counts[t])
    .map(([t, ko]) => h("a.tab", { href: `#/orders?tab=${t}`, "aria-current": t === current ? "page" : undefined,
      "data-tab": t }, ko, " ", h("span.count", {}, String(counts[t] || 0)))));
}

function row(o) {
  return h("li.order-row", { "data-order-id": o.order_id },
    h("input", { type: "checkbox", name: "select", value: o.order_id, "aria-label": `주문 ${o.order_id} 선택` }),
    h("a.order-link", { href: `#/orders/${o.order_id}` }, o.order_id),
    h("span", {}, o.buyer_name),
    h("span", {}, `${o.total_quantity}개`),
    h("span", {}, won(o.order_amount)),
    h("span.muted", {}, Object.entries(o.status_qty).map(([s, n]) => `${statusKo(s)} ${n}`).join(", ")),
    h("span.muted", {}, kst(o.created_at)));
}

export async function render(main, { query }) {
  const tab = query.tab || "all";
  main.append(h("h1", {}, "주문 목록"));
  try {
    const page = await api.get("/admin/orders", { tab, limit: 50 });
    const nav = tabs(page.counts, tab);
    const list = h("ul.order-rows", {}, page.orders.map(row));
    const results = h("div.bulk-results", { "aria-live": "polite" });
    const reload = async () => { // after a bulk action or a job: rows and counts again, the results stay
      const fresh = await api.get("/admin/orders", { tab, limit: 50 });
      page.counts = fresh.counts;
      nav.replaceChildren(...tabs(fresh.counts, tab).childNodes);
      list.replaceChildren(...fresh.orders.map(row));
    };
    main.append(nav, ...selection(query, tab, page, list, results, reload), results, list);
  } catch (err) {
    main.append(problemBox(err));
  }
  return () => setQuery; // nothing to clean up yet
}

// ---- selection, the bulk bar and "이 검색 결과 전체 선택" (the file and job actions plug in here) ----

const SEARCH_KEYS = ["date_from", "date_to", "payment_method", "channel", "scope", "buyer_type", "order_id",
  "buyer_name", "buyer_phone", "recipient_name", "recipient_phone", "tracking_no"];

function resultsList(results) {
  return h("ul.results", {}, results.map((r) => h("li", { dataset: { orderId: r.order_id, ok: r.ok ? "1" : "0" } },
    h("a", { href: `#/orders/${r.order_id}` }, r.order_id), " ",
    r.ok ? "완료" : h("span.problem-text", {}, r.message_ko || r.code, " ", h("code.code", {}, r.code || "")))));
}

function selection(query, tab, page, list, results, reload) {
  let selectAll = null;
  const ctx = {
    selectedIds: () => Array.from(list.querySelectorAll("input[name=select]:checked")).map((i) => i.value).slice(0, 50),
    showResults: (rs) => results.replaceChildren(resultsList(rs)),
    refresh: () => reload().then(() => selectAll.replaceChildren(...searchActions(ctx)))
      .catch((err) => results.replaceChildren(problemBox(err))),
    search: () => ({ tab, ...Object.fromEntries(SEARCH_KEYS.filter((k) => query[k]).map((k) => [k, query[k]])) }),
    total: () => page.counts[tab] || 0,
  };
  selectAll = h("div.select-all", { role: "region", "aria-label": "검색 결과 전체" }, searchActions(ctx));
  return [selectAll, h("div.bulk-bar", { role: "region", "aria-label": "선택한 주문 일괄 처리" }, bulkActions(ctx))];
}
