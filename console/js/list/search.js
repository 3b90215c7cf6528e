// The list's search: status tabs with their counts, the date range, the filters and one lookup, all
// kept in the hash query (#/orders?tab=…&date_from=…&q=…) so reload and back show the same list.
// 통합검색 (`q`, the default lookup) finds an order by a name's start or given name (지민 → 김지민), a
// phone's last 4 digits, the order number's tail, a tracking number or a product code; its answer
// carries the result count (`total`) and, for a small result, its own tab counts (`counts_scope`).
import { h, field, select } from "../ui.js";
import { kstDay, num } from "../format.js";
import { TABS, PAYMENT_METHOD_KO, CHANNEL_KO } from "../labels.js";

/** 통합검색 and the exact lookups the API answers (the form sets one at a time). */
export const LOOKUPS = [
  ["q", "통합검색"],
  ["order_id", "주문번호"], ["buyer_name", "구매자"], ["buyer_phone", "구매자 연락처"],
  ["recipient_name", "수령인"], ["recipient_phone", "수령인 연락처"], ["tracking_no", "송장번호"],
];
const PLACEHOLDER = { q: "이름·연락처 뒤 4자리·주문번호 끝자리·송장번호·상품코드" };
const FILTERS = ["payment_method", "channel", "scope", "buyer_type"];
export const SEARCH_KEYS = ["tab", "date_from", "date_to", ...FILTERS, ...LOOKUPS.map(([k]) => k)];

const SCOPE_KO = { domestic: "국내", overseas: "해외" };
const BUYER_TYPE_KO = { member: "회원", guest: "비회원" };
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The hash query → the list's search (only the keys the API knows, tab defaulting to all). */
export function searchOf(query) {
  const out = { tab: query.tab || "all" };
  for (const k of SEARCH_KEYS) if (k !== "tab" && query[k]) out[k] = String(query[k]);
  return out;
}

/** The search narrows the tab (dates, filters or a lookup): the tab's count is not its total. */
export const narrowed = (search) => Object.keys(search).some((k) => k !== "tab");

const hrefOf = (search) => `#/orders?${new URLSearchParams(search)}`;

/**
 * Every status tab, always in the same places (a tab with no order shows 0), and under them the
 * search's result count and what the counts are of: the search's own (`page.counts_scope` "search")
 * or, for a narrowed list, the whole shop's ("전체 주문 기준").
 */
export function tabs(counts, search, page = {}) {
  const current = search.tab;
  const nav = h("nav.tabs", { "aria-label": "주문 상태" },
    TABS.map(([t, ko]) => h("a.tab", { href: hrefOf({ ...search, tab: t }), "data-tab": t,
      "aria-current": t === current ? "page" : undefined }, ko, " ", h("span.count", {}, String(counts[t] || 0)))));
  const total = typeof page.total === "number"
    ? h("strong.search-total", { role: "status" }, `검색 결과 ${num(page.total)}건${page.total_capped ? " 이상" : ""}`)
    : null;
  const scope = narrowed(search) ? h("span.counts-scope.muted", {}, page.counts_scope === "search"
    ? "상태별 건수는 검색 결과 기준입니다." : "상태별 건수는 전체 주문 기준입니다.") : null;
  const summary = total || scope ? h("p.search-summary", {}, total, total && scope ? " · " : "", scope) : null;
  return h("div.tabs-bar", {}, nav, summary);
}

function options(names, blank) {
  return [["", blank], ...Object.entries(names)];
}

/** The search form; `onSearch(search)` gets the new search (the caller writes it to the hash). */
export function searchForm(search, onSearch) {
  const lookup = LOOKUPS.find(([k]) => search[k]) || LOOKUPS[0];
  const kind = select("lookup_kind", LOOKUPS, lookup[0]);
  const term = h("input", { name: "term", type: "search", value: search[lookup[0]] || "", maxlength: 100,
    autocomplete: "off", placeholder: PLACEHOLDER[lookup[0]] || "" });
  kind.addEventListener("change", () => { term.placeholder = PLACEHOLDER[kind.value] || ""; });
  const from = h("input", { name: "date_from", type: "date", value: search.date_from || "" });
  const to = h("input", { name: "date_to", type: "date", value: search.date_to || "" });
  const filters = {
    payment_method: select("payment_method", options(PAYMENT_METHOD_KO, "전체"), search.payment_method || ""),
    channel: select("channel", options(CHANNEL_KO, "전체"), search.channel || ""),
    scope: select("scope", options(SCOPE_KO, "전체"), search.scope || ""),
    buyer_type: select("buyer_type", options(BUYER_TYPE_KO, "전체"), search.buyer_type || ""),
  };
  const collect = () => {
    const out = { tab: search.tab };
    if (DAY.test(from.value)) out.date_from = from.value;
    if (DAY.test(to.value)) out.date_to = to.value;
    for (const [k, el] of Object.entries(filters)) if (el.value) out[k] = el.value;
    if (term.value.trim()) out[kind.value] = term.value.trim();
    return out;
  };
  const range = (days, label) => h("button.btn", { type: "button", onclick: () => {
    from.value = kstDay(-days);
    to.value = kstDay(0);
  } }, label);
  const open = FILTERS.some((k) => search[k]) || Boolean(search.date_from || search.date_to);
  return h("form.list-search", { role: "search", "aria-label": "주문 검색", onsubmit: (e) => {
    e.preventDefault();
    onSearch(collect());
  } },
  h("div.lookup", {},
    field("검색 항목", kind),
    field("검색어", term),
    h("div.lookup-actions", {},
      h("button.btn.primary", { type: "submit" }, "검색"),
      h("button.btn", { type: "button", onclick: () => onSearch({ tab: search.tab }) }, "초기화"))),
  h("details.more", { open },
    h("summary", {}, "기간·상세 조건"),
    h("div.form-grid", {},
      field("시작일 (KST)", from), field("종료일 (KST)", to),
      h("div.row-actions.quick-range", { role: "group", "aria-label": "기간 빠른 선택" },
        range(0, "오늘"), range(6, "7일"), range(29, "30일")),
      field("결제수단", filters.payment_method), field("판매채널", filters.channel),
      field("배송지역", filters.scope), field("구매자 구분", filters.buyer_type))));
}
