// 주문 목록: status tabs with counts, then the orders of the tab, newest first.
import { api } from "../api.js";
import { h, problemBox } from "../ui.js";
import { won, kst } from "../format.js";
import { TABS, statusKo } from "../statuses.js";
import { setQuery } from "../router.js";

function tabs(counts, current) {
  return h("nav.tabs", { "aria-label": "주문 상태" }, TABS.filter(([t]) => t === "all" || counts[t])
    .map(([t, ko]) => h("a.tab", { href: `#/orders?tab=${t}`, "aria-current": t === current ? "page" : undefined,
      "data-tab": t }, ko, " ", h("span.count", {}, String(counts[t] || 0)))));
}

function row(o) {
  return h("li.order-row", { "data-order-id": o.order_id },
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
    main.append(tabs(page.counts, tab), h("ul.order-rows", {}, page.orders.map(row)));
  } catch (err) {
    main.append(problemBox(err));
  }
  return () => setQuery; // nothing to clean up yet
}
