// One order of the list: number and date, buyer and recipient, 총 구매수량 (a button that opens the
// line preview), amounts, unit counts per status (and a parcel's 배송 이상 with its reason and last
// scan), channel and payment, the last memo, and the quick
// tracking entry for orders with units in 배송대기. A grid row on a desktop, a card on a phone.
import { h, badge, nextId } from "../ui.js";
import { won, kst } from "../format.js";
import { statusKo, statusFamily, STATUSES, CHANNEL_KO, PAYMENT_METHOD_KO, personKo } from "../labels.js";
import { trackingForm } from "./tracking.js";

const ORDER = Object.fromEntries(STATUSES.map(([s], i) => [s, i]));

/**
 * The list's columns after the fixed ones (선택, 주문번호 · 주문일시): [key, title, grid width]. A saved
 * view may hide some (applyColumns); every cell and head title carries its key in data-col.
 */
export const COLUMNS = [
  ["product", "상품 · 옵션", "minmax(11rem, 2fr)"], ["quantity", "수량", "5.2rem"],
  ["buyer", "구매자", "minmax(5rem, .7fr)"], ["recipient", "수령인", "minmax(5rem, .7fr)"],
  ["amount", "결제금액", "minmax(6.5rem, .8fr)"], ["status", "상태", "minmax(7.5rem, 1.1fr)"],
  ["channel", "채널", "minmax(5rem, .7fr)"], ["payment", "결제", "minmax(5rem, .7fr)"],
  ["memo", "최근 메모", "minmax(6rem, 1fr)"],
];
const FIXED = ["2.5rem", "minmax(8.5rem, 1fr)"];
const ACTIONS = "6rem";

/** Show only `keys` (all when empty) on the list in `wrap`: the grid's tracks and the hidden cells. */
export function applyColumns(wrap, keys) {
  const shown = keys && keys.length ? COLUMNS.filter(([k]) => keys.includes(k)) : COLUMNS;
  wrap.style.setProperty("--row-cols", [...FIXED, ...shown.map(([, , w]) => w), ACTIONS].join(" "));
  wrap.dataset.hiddenCols = COLUMNS.filter((c) => !shown.includes(c)).map(([k]) => k).join(" ");
}

/** Column titles of the desktop grid (each cell also carries its own label for phones and readers). */
export function headRow() {
  return h("div.rows-head", { "aria-hidden": "true" },
    h("span", {}, ""), h("span", {}, "주문번호 · 주문일시"),
    COLUMNS.map(([k, title]) => h("span", { dataset: { col: k } }, title)), h("span", {}, ""));
}

const cell = (col, label, ...content) => h(`div.cell.c-${col}`, { dataset: { col } }, h("span.cell-label", {}, label),
  h("div.cell-body", {}, ...content));

export const sumQty = (obj) => Object.values(obj || {}).reduce((a, n) => a + (n || 0), 0);

function preview(o, id) {
  const lines = o.preview || [];
  const shown = lines.reduce((a, l) => a + l.quantity, 0);
  return h("div.preview", { id, hidden: true },
    h("ul.preview-lines", { "aria-label": `주문 ${o.order_id}의 품목` }, lines.map((l) => h("li", { dataset: { lineId: l.line_id } },
      h("span.product", {}, l.product_name, l.options ? h("span.muted", {}, ` · ${l.options}`) : null),
      h("span.qty", {}, `${l.quantity}개`),
      badge(statusKo(l.status)),
      h("span.paid", {}, won(l.paid_amount))))),
    shown < sumQty(o.status_qty)
      ? h("p.muted", {}, "일부 품목만 보입니다. ", h("a", { href: `#/orders/${o.order_id}` }, "상세에서 전체 품목 보기")) : null);
}

function statusQty(o) {
  return Object.entries(o.status_qty || {}).filter(([, n]) => n)
    .sort(([a], [b]) => (ORDER[a] ?? 99) - (ORDER[b] ?? 99))
    .map(([s, n]) => h(`span.badge.s-${statusFamily(s)}`, { dataset: { status: s } }, `${statusKo(s)} ${n}`));
}

/** The first line's product and option, and how many more lines the order has. */
function product(o) {
  const first = (o.preview || [])[0];
  if (!first) return h("span.muted", {}, "-");
  const more = (o.line_count || (o.preview || []).length) - 1;
  return h("span.product-summary", { title: [first.product_name, first.options].filter(Boolean).join(" · ") },
    h("span.product-name", {}, first.product_name),
    first.options ? h("span.product-option.muted", {}, first.options) : null,
    more > 0 ? h("span.more-lines", {}, `외 ${more}건`) : null);
}

function issues(o) {
  return (o.tracking_issues || []).map((i) => h("span.issue", { dataset: { shipmentId: i.shipment_id } },
    badge(`배송 이상: ${i.reason_ko}`, "bad"),
    i.last_scan ? h("span.muted", {}, ` 마지막 스캔 ${kst(i.last_scan.at)} ${i.last_scan.text}`) : null));
}

function memo(o) {
  if (!o.last_memo) return h("span.muted", {}, "-");
  return h("span.memo", { title: `${personKo(o.last_memo.by)} ${kst(o.last_memo.at)}` },
    h("span.memo-text", {}, o.last_memo.text), " ", badge(`메모 ${o.memo_count || 1}`, "muted"));
}

/**
 * The row. `sel` = {has(id), toggle(id, checked) → bool}: the checkbox asks the selection, which may
 * refuse (the limit); then the box shows what the selection holds.
 */
export function orderRow(o, sel) {
  const pid = nextId("preview");
  const check = h("input", { type: "checkbox", checked: sel.has(o.order_id), "aria-label": `주문 ${o.order_id} 선택`,
    onchange: () => { check.checked = sel.toggle(o.order_id, check.checked); } });
  const toggle = h("button.btn.qty-toggle", { type: "button", "aria-expanded": "false", "aria-controls": pid,
    "aria-label": `총 구매수량 ${o.total_quantity}개, 품목 보기` }, `${o.total_quantity}개`, h("span", { "aria-hidden": "true" }, " ▾"));
  const box = preview(o, pid);
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    box.hidden = !open;
  });
  const extra = h("div.row-extra");
  const ready = (o.status_qty || {}).ready_to_ship;
  const trackBtn = ready ? h("button.btn.track-toggle", { type: "button", "aria-expanded": "false",
    "aria-label": `주문 ${o.order_id} 송장 입력` }, "송장 입력") : null;
  if (trackBtn) {
    trackBtn.addEventListener("click", () => {
      const open = trackBtn.getAttribute("aria-expanded") !== "true";
      trackBtn.setAttribute("aria-expanded", String(open));
      extra.replaceChildren(open ? trackingForm(o, () => trackBtn.setAttribute("aria-expanded", "false")) : "");
      const first = extra.querySelector("select");
      if (first) first.focus();
    });
  }
  const people = o.recipient_name && o.recipient_name !== o.buyer_name;
  return h("li.order-row", { dataset: { orderId: o.order_id }, class: sel.has(o.order_id) ? "selected" : "" },
    h("label.check.pick", {}, check),
    h("div.cell.c-id", {}, h("span.cell-label", {}, "주문번호"), h("div.cell-body", {},
      h("a.order-link", { href: `#/orders/${o.order_id}` }, o.order_id),
      h("span.date.muted", {}, kst(o.created_at)))),
    cell("product", "상품", product(o)),
    cell("quantity", "수량", toggle),
    cell("buyer", "구매자", h("span.buyer", {}, o.buyer_name || "-")),
    cell("recipient", "수령인", h("span.recipient", { class: people ? "" : "muted" },
      people ? o.recipient_name : "구매자와 같음")),
    cell("amount", "결제금액", h("span.amount", {}, won(o.order_amount)),
      o.outstanding ? h("span.outstanding", {}, badge(`미결 ${won(o.outstanding)}`, "bad")) : null),
    cell("status", "상태", h("span.badges", {}, statusQty(o), o.closed ? badge("거래종료", "muted") : null), ...issues(o)),
    cell("channel", "채널", h("span.badges", {}, h(`span.badge.ch-${o.channel || "store"}`, {}, CHANNEL_KO[o.channel] || "자사몰"),
      o.external_order_id ? h("span.ext-id.muted", {}, `네이버 ${o.external_order_id}`) : null,
      o.channel_alert ? badge("네이버 확인 필요", "bad") : null)),
    cell("payment", "결제", h("span.badge.pay", {}, PAYMENT_METHOD_KO[o.payment_method] || "기타")),
    cell("memo", "최근 메모", memo(o)),
    h("div.cell.c-actions", {}, trackBtn),
    box, extra);
}
