// 주문 상세: the order's header, then its sections (lines, shipments, payments, claims, messages,
// timeline), each a module of js/detail/ answering render(order, ctx) → element. After any change
// a section calls ctx.reload() (or ctx.show(order) with the order the API answered), and every
// section redraws from that one answer.
import { api, seg } from "../api.js";
import { h, problemBox, badge } from "../ui.js";
import { act, focusKey, refocus } from "../detail/act.js";
import { printButtons } from "../detail/print.js";
import { won, kst, signedWon, moneyClass } from "../format.js";
import { CHANNEL_KO, PAYMENT_METHOD_KO, BUYER_TYPE_KO, ko } from "../labels.js";
import { can } from "../auth.js";
import * as lines from "../detail/lines.js";
import * as channel from "../detail/channel.js";
import * as shipments from "../detail/shipments.js";
import * as payments from "../detail/payments.js";
import * as claims from "../detail/claims.js";
import * as changes from "../detail/changes.js";
import * as messages from "../detail/messages.js";
import * as timeline from "../detail/timeline.js";

/**
 * The sections in screen order; each module: render(order, ctx) → Element or null.
 * lines: units by status and their moves; channel: a Naver order's product orders, 발송지연 and claim
 * decisions; shipments: tracking numbers (송장추가); payments: deposit,
 * refund, cash receipts; claims: cancel/return/exchange with the refund calculator and 결제요청;
 * changes: add a line, change the address; messages: SMS to the buyer; timeline: changes and memos.
 */
export const SECTIONS = [lines, channel, shipments, payments, claims, changes, messages, timeline];


/** Section id -> the permission its actions need: without it the section stays, read only. */
const SECTION_PERMISSION = { lines: "orders.move", channel: "claims", shipments: "shipping", payments: "payments",
  claims: "claims", changes: "claims", messages: "messages" };

function readOnly(el) {
  const perm = SECTION_PERMISSION[el.id];
  if (!perm || can(perm)) return el;
  el.querySelectorAll("button, form, select, input[type=checkbox], .move").forEach((b) => b.remove());
  el.dataset.readOnly = perm;
  el.append(h("p.muted.read-only", {}, "권한이 없어 이 화면에서 처리할 수 없습니다."));
  return el;
}

/** 개인정보 보기: the buyer and recipient of this order, revealed (and recorded) on request. */
function revealButton(ctx, slot) {
  if (!can("personal.view")) return null;
  const b = h("button.btn", { type: "button" }, "개인정보 보기");
  b.addEventListener("click", () => act(ctx, b, slot, async () => {
    ctx.revealed = await api.post(`${ctx.path}/personal`, {});
    ctx.show(ctx.order);
  }));
  return b;
}

function party(title, rows) {
  return h("div.party", {}, h("h2.party-title", {}, title),
    h("dl.kv", {}, rows.filter(([, v]) => v).map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))));
}

function amounts(a) {
  const owed = a.outstanding > 0 ? "받을 금액" : a.outstanding < 0 ? "환불할 금액" : "";
  return h("dl.amounts", { "aria-label": "금액" },
    h("div", {}, h("dt", {}, "주문금액"), h("dd", { "data-testid": "order-amount" }, won(a.order_amount))),
    h("div", {}, h("dt", {}, "결제"), h("dd", { "data-testid": "paid" }, won(a.paid))),
    h("div", {}, h("dt", {}, "환불"), h("dd", { "data-testid": "refunded" }, won(a.refunded))),
    h("div", { class: a.outstanding ? "attention" : "" }, h("dt", {}, "미결금액", owed ? ` (${owed})` : ""),
      h("dd", { "data-testid": "outstanding", class: moneyClass(a.outstanding) }, signedWon(a.outstanding))));
}

function header(order, ctx) {
  const slot = h("div.slot");
  const actions = [...printButtons(ctx, slot)];
  if (order.closed) {
    const reopen = h("button.btn", { type: "button" }, "거래 재개");
    reopen.addEventListener("click", () => act(ctx, reopen, slot, async () => {
      ctx.show(await api.post(`${ctx.path}/reopen`, {}));
    }));
    actions.push(reopen);
  }
  const shown = ctx.revealed && ctx.revealed.order_id === order.order_id ? ctx.revealed : null;
  const b = (shown && shown.buyer) || order.buyer || {};
  const r = (shown && shown.recipient) || order.recipient || {};
  const reveal = shown ? h("span.badge.warn", {}, "개인정보 표시 중 (접속기록에 남음)") : revealButton(ctx, slot);
  return h("div.order-head", {},
    h("a.back", { href: "#/orders" }, "← 주문 목록"),
    h("div.order-title", {},
      h("div", {},
        h("h1", {}, `주문 ${order.order_id}`, order.closed ? [" ", badge("거래종료", "muted")] : null),
        h("p.muted.order-meta", {}, `${kst(order.created_at)} · ${ko(CHANNEL_KO, order.channel)} · `
          + `${ko(PAYMENT_METHOD_KO, order.payment_method)}`)),
      h("div.row-actions.head-actions", {}, actions)),
    slot,
    h("div.row-actions.personal", {}, reveal),
    h("div.order-facts", {},
      party("구매자", [["이름", `${b.name || "-"} (${ko(BUYER_TYPE_KO, b.type) || ""})`], ["연락처", b.phone],
        ["이메일", b.email], ["회원 ID", b.member_id
          ? h("a", { href: `#/members/${encodeURIComponent(b.member_id)}` }, `${b.member_id} (적립금·이용권)`) : null]]),
      party("수령인", [["이름", r.name], ["연락처", r.phone],
        ["주소", `(${r.postal_code}) ${r.address1}${r.address2 ? ` ${r.address2}` : ""}`], ["배송 메시지", r.message]]),
      amounts(order.amounts)));
}

export async function render(main, { params }) {
  const [orderId] = params;
  const path = `/admin/orders/${seg(orderId)}`;
  const root = h("div.order", { "data-order-id": orderId }, h("p.muted", { role: "status" }, "주문을 불러오는 중…"));
  main.append(root);
  const ctx = {
    orderId,
    path,
    order: null,
    /** the site's settings (payments.pg_provider …), read once with the order; null if unreadable */
    settings: null,
    async reload() {
      ctx.show(await api.get(path));
    },
    /** re-read the timeline only (a refusal the API recorded); set by the timeline section */
    refreshTimeline: null,
    show(order) {
      ctx.order = order;
      const focused = root.contains(document.activeElement) ? focusKey(document.activeElement) : null;
      root.replaceChildren(header(order, ctx), ...SECTIONS.map((s) => s.render(order, ctx)).filter(Boolean).map(readOnly));
      if (focused) refocus(root, focused);
    },
  };
  try {
    const [order, settings] = await Promise.all([api.get(path), api.get("/admin/settings").catch(() => null)]);
    ctx.settings = settings;
    ctx.show(order);
  } catch (err) {
    root.replaceChildren(h("a.back", { href: "#/orders" }, "← 주문 목록"), problemBox(err));
  }
}
