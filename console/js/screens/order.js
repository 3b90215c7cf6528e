// 주문 상세: the order's header, then its sections (lines, shipments, payments, claims, messages,
// timeline), each a module of js/detail/ answering render(order, ctx) → element. After any change
// a section calls ctx.reload() (or ctx.show(order) with the order the API answered), and every
// section redraws from that one answer.
import { api, seg } from "../api.js";
import { h, problemBox, badge } from "../ui.js";
import { won, kst } from "../format.js";
import { CHANNEL_KO, PAYMENT_METHOD_KO } from "../statuses.js";
import * as lines from "../detail/lines.js";
import * as shipments from "../detail/shipments.js";
import * as payments from "../detail/payments.js";
import * as claims from "../detail/claims.js";
import * as changes from "../detail/changes.js";
import * as messages from "../detail/messages.js";
import * as timeline from "../detail/timeline.js";

/**
 * The sections in screen order; each module: render(order, ctx) → Element or null.
 * lines: units by status and their moves; shipments: tracking numbers (송장추가); payments: deposit,
 * refund, cash receipts; claims: cancel/return/exchange with the refund calculator and 결제요청;
 * changes: add a line, change the address; messages: SMS to the buyer; timeline: changes and memos.
 */
export const SECTIONS = [lines, shipments, payments, claims, changes, messages, timeline];

function header(order) {
  const a = order.amounts;
  return h("div.order-head", {},
    h("div", {},
      h("a.back", { href: "#/orders" }, "← 주문 목록"),
      h("h1", {}, `주문 ${order.order_id}`),
      h("p.muted", {}, `${kst(order.created_at)} · ${CHANNEL_KO[order.channel] || order.channel} · `
        + `${PAYMENT_METHOD_KO[order.payment_method] || order.payment_method}`,
        order.closed ? [" ", badge("거래종료", "muted")] : null)),
    h("dl.amounts", {},
      h("div", {}, h("dt", {}, "주문금액"), h("dd", {}, won(a.order_amount))),
      h("div", {}, h("dt", {}, "결제"), h("dd", {}, won(a.paid))),
      h("div", {}, h("dt", {}, "환불"), h("dd", {}, won(a.refunded))),
      h("div", { class: a.outstanding ? "attention" : "" }, h("dt", {}, "미결금액"),
        h("dd", { "data-testid": "outstanding" }, won(a.outstanding)))));
}

export async function render(main, { params }) {
  const [orderId] = params;
  const path = `/admin/orders/${seg(orderId)}`;
  const root = h("div.order", { "data-order-id": orderId });
  main.append(root);
  const ctx = {
    orderId,
    path,
    order: null,
    async reload() {
      ctx.show(await api.get(path));
    },
    show(order) {
      ctx.order = order;
      const focused = document.activeElement && document.activeElement.id;
      root.replaceChildren(header(order), ...SECTIONS.map((s) => s.render(order, ctx)).filter(Boolean));
      const again = focused && document.getElementById(focused);
      if (again) again.focus();
    },
  };
  try {
    await ctx.reload();
  } catch (err) {
    root.replaceChildren(h("a.back", { href: "#/orders" }, "← 주문 목록"), problemBox(err));
  }
}
