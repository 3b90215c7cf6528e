// One order of the list: number and date, buyer and recipient, 총 구매수량 (a button that opens the
// line preview), amounts, unit counts per status (and a parcel's 배송 이상 with its reason and last
// scan), channel and payment, the last memo, and the quick
// tracking entry for orders with units in 배송대기. A grid row on a desktop, a card on a phone.
import { h, badge, nextId } from "../ui.js";
import { won, kst } from "../format.js";
import { statusKo, STATUSES, CHANNEL_KO, PAYMENT_METHOD_KO } from "../statuses.js";
import { trackingForm } from "./tracking.js";

const ORDER = Object.fromEntries(STATUSES.map(([s], i) => [s, i]));

/** Column titles of the desktop grid (each cell also carries its own label for phones and readers). */
export function headRow() {
  return h("div.rows-head", { "aria-hidden": "true" },
    h("span", {}, ""), h("span", {}, "주문번호 · 주문일시"), h("span", {}, "구매자 · 수령인"),
    h("span", {}, "총 구매수량"), h("span", {}, "결제금액"), h("span", {}, "상태별 수량"),
    h("span", {}, "채널 · 결제"), h("span", {}, "최근 메모"), h("span", {}, ""));
}

const cell = (cls, label, ...content) => h(`div.cell.${cls}`, {}, h("span.cell-label", {}, label),
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
    .map(([s, n]) => badge(`${statusKo(s)} ${n}`, s === "payment_pending" ? "warn" : ""));
}

function issues(o) {
  return (o.tracking_issues || []).map((i) => h("span.issue", { dataset: { shipmentId: i.shipment_id } },
    badge(`배송 이상: ${i.reason_ko}`, "bad"),
    i.last_scan ? h("span.muted", {}, ` 마지막 스캔 ${kst(i.last_scan.at)} ${i.last_scan.text}`) : null));
}

function memo(o) {
  if (!o.last_memo) return h("span.muted", {}, "-");
  return h("span.memo", { title: `${o.last_memo.by || ""} ${kst(o.last_memo.at)}` },
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
  return h("li.order-row", { dataset: { orderId: o.order_id }, class: sel.has(o.order_id) ? "selected" : "" },
    h("label.check.pick", {}, check),
    cell("c-id", "주문번호", h("a.order-link", { href: `#/orders/${o.order_id}` }, o.order_id),
      h("span.date.muted", {}, kst(o.created_at))),
    cell("c-people", "구매자 · 수령인", h("span.buyer", {}, o.buyer_name || "-"),
      o.recipient_name && o.recipient_name !== o.buyer_name ? h("span.muted", {}, ` → ${o.recipient_name}`) : null),
    cell("c-qty", "총 구매수량", toggle),
    cell("c-amount", "결제금액", h("span.amount", {}, won(o.order_amount)),
      o.outstanding ? h("span.outstanding", {}, badge(`미결 ${won(o.outstanding)}`, "bad")) : null),
    cell("c-status", "상태별 수량", h("span.badges", {}, statusQty(o)), o.closed ? badge("거래종료", "muted") : null,
      ...issues(o)),
    cell("c-kind", "채널 · 결제", h("span.badges", {}, badge(CHANNEL_KO[o.channel] || o.channel, "muted"),
      o.external_order_id ? badge(`네이버 ${o.external_order_id}`, "muted") : null,
      o.channel_alert ? badge("네이버 확인 필요", "bad") : null,
      badge(PAYMENT_METHOD_KO[o.payment_method] || o.payment_method, "muted"))),
    cell("c-memo", "최근 메모", memo(o)),
    h("div.cell.c-actions", {}, trackBtn),
    box, extra);
}
