// 네이버 주문: the channel's view of each product order (its status, the buyer's claim, the shop's
// 발송지연, the last push and what Naver refused, a state our rules could not follow), and what the
// shop decides there: 발송지연 with Naver's reason codes and a date, and claim decisions — 승인, 거부,
// 보류 (with the extra shipping fee asked), 보류 해제. Pushes go to Naver after the change commits:
// while one is on its way the detail is read again for a few seconds to show Naver's answer.
import { api } from "../api.js";
import { h, section, badge, field, select, empty } from "../ui.js";
import { kst } from "../format.js";
import { act } from "./act.js";
import { CHANNEL_PUSH_KO, CHANNEL_ACTION_KO, ko, josa } from "../labels.js";

const DELAY_REASONS = [
  ["PRODUCT_PREPARE", "상품 준비 중"], ["CUSTOMER_REQUEST", "고객 요청"], ["CUSTOM_BUILD", "주문 제작"],
  ["RESERVED_DISPATCH", "예약 발송"], ["OVERSEA_DELIVERY", "해외 배송"], ["ETC", "기타"],
];
const ACTIONS = { CANCEL: ["approve"], RETURN: ["approve", "reject", "holdback", "release"],
  EXCHANGE: ["approve", "reject", "holdback", "release"] };
const OPEN = new Set(["CANCEL_REQUEST", "RETURN_REQUEST", "EXCHANGE_REQUEST", "COLLECTING", "COLLECT_DONE"]);

const pending = (order) => order.lines.some((l) => l.channel_state
  && (l.channel_state.decision || (l.channel_state.delay && l.channel_state.delay.state === "sending")));

function stateRow(line) {
  const s = line.channel_state || {};
  const parts = [badge(`네이버 ${s.status_ko || s.status || "-"}`, "muted")];
  if (s.claim && s.claim.detail) parts.push(h("span.muted", {}, ` 사유: ${s.claim.detail}`));
  if (s.delay) parts.push(" ", badge(`발송지연 ${s.delay.due_date}까지 (${s.delay.reason_ko})`
    + (s.delay.state === "sending" ? " · 전달 중" : s.delay.state === "refused" ? " · 거부됨" : ""), s.delay.state === "refused" ? "bad" : "warn"));
  if (s.decision) parts.push(" ", badge(`${CHANNEL_ACTION_KO[s.decision.action]} 전달 중`, "warn"));
  if (s.last_push && !s.refusal) parts.push(" ", h("small.muted", {}, `${CHANNEL_PUSH_KO[s.last_push.what]} 전달됨 ${kst(s.last_push.at)}`));
  const alerts = [];
  if (s.refusal) {
    alerts.push(h("p.channel-refusal", { role: "alert", dataset: { code: s.refusal.code } },
      `네이버가 ${josa(ko(CHANNEL_PUSH_KO, s.refusal.what), "을/를")} 거부했습니다: ${s.refusal.message}`));
  }
  if (s.conflict) {
    alerts.push(h("p.channel-conflict", { role: "alert", dataset: { code: s.conflict.code } },
      `네이버 상태(${s.conflict.channel_status})를 반영하지 못했습니다: ${s.conflict.message_ko}`));
  }
  return h("li.channel-line", { dataset: { lineId: line.line_id, externalId: line.external_id } },
    h("div", {}, h("strong", {}, line.product_name), h("span.muted", {}, ` 상품주문번호 ${line.external_id}`)),
    h("div", {}, parts), alerts);
}

function decisionForm(line, ctx) {
  const s = line.channel_state || {};
  const claim = s.claim || {};
  const slot = h("div.slot");
  const allowed = (ACTIONS[claim.type] || []).filter((a) => a !== "release" || claim.holdback);
  const action = select("action", allowed.map((a) => [a, CHANNEL_ACTION_KO[a]]), allowed[0]);
  action.setAttribute("aria-label", `${line.product_name} 클레임 처리`);
  const reason = h("input", { name: "reason", maxlength: 300, placeholder: "거부·보류 사유", "aria-label": "거부·보류 사유" });
  const fee = h("input", { name: "fee", type: "number", min: 0, max: 1000000, step: 100, value: 0, inputmode: "numeric",
    "aria-label": "추가 배송비 (보류)" });
  const go = h("button.btn", { type: "button" }, "네이버에 전달");
  go.addEventListener("click", () => act(ctx, go, slot, async () => {
    ctx.show(await api.post(`${ctx.path}/channel/claims`, { line_ids: [line.line_id], action: action.value,
      reason: reason.value.trim(), fee: Number(fee.value || 0) }));
  }));
  return h("div.channel-decision", { dataset: { lineId: line.line_id } },
    h("span", {}, `${claim.type === "CANCEL" ? "취소" : claim.type === "RETURN" ? "반품" : "교환"} 요청 처리: `),
    action, reason, fee, go, slot);
}

function delayForm(order, ctx) {
  const lines = order.lines.filter((l) => l.external_id && ["preparing", "ready_to_ship"].includes(l.status));
  if (!lines.length) return null;
  const slot = h("div.slot");
  const picks = lines.map((l) => h("label.check", {},
    h("input", { type: "checkbox", name: "delay_line", value: l.line_id, checked: true }), ` ${l.product_name}`));
  const reason = select("reason", DELAY_REASONS, "PRODUCT_PREPARE");
  const date = h("input", { name: "due_date", type: "date", required: true });
  const detail = h("input", { name: "detail", maxlength: 300 });
  const go = h("button.btn", { type: "submit" }, "발송지연 전달");
  const form = h("form.channel-delay", { "aria-label": "발송지연", novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    const ids = picks.map((p) => p.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
    act(ctx, go, slot, async () => {
      ctx.show(await api.post(`${ctx.path}/channel/delay`, { line_ids: ids, reason: reason.value,
        due_date: date.value, detail: detail.value.trim() }));
    });
  } },
  h("h3", {}, "발송지연"),
  h("div", {}, picks),
  h("div.form-grid", {}, field("사유", reason), field("발송 예정일", date, { hint: "내일부터 30일 이내" }),
    field("상세 사유 (선택)", detail)),
  h("div.actions", {}, go), slot);
  return form;
}

export function render(order, ctx) {
  if (!order.external) return null;
  const channelLines = order.lines.filter((l) => l.external_id);
  const decisions = channelLines.filter((l) => {
    const c = (l.channel_state || {}).claim;
    return c && OPEN.has(c.status) && !(l.channel_state || {}).decision;
  });
  const body = h("div.stack", {},
    h("p.muted", {}, `네이버 주문번호 ${order.external.order_id} · 수량 나누기와 상품 추가는 할 수 없습니다. `
      + "취소·반품·교환은 구매자가 네이버에서 요청하고, 여기서 승인·거부·보류합니다."),
    channelLines.length ? h("ul.channel-lines", { "aria-label": "네이버 상품주문" }, channelLines.map(stateRow)) : empty("네이버 상품주문이 없습니다."),
    decisions.length ? h("div.channel-decisions", {}, h("h3", {}, "클레임 처리"), decisions.map((l) => decisionForm(l, ctx))) : null,
    delayForm(order, ctx));
  if (pending(order)) {
    let tries = 20;
    const again = () => api.get(ctx.path).then((o) => {
      if (ctx.order !== order) return;
      if (!pending(o) || tries-- <= 0) ctx.show(o); else setTimeout(again, 800);
    }).catch(() => {});
    setTimeout(again, 800);
  }
  return section("네이버 주문", body, { id: "channel" });
}
