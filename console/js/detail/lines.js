// Lines grouped by status, with the moves the API offers for each (lines[].next): a quantity picker
// where a part may go (a split), the whole line otherwise; several whole lines can move together
// (checkboxes + one target the chosen lines all offer). A refusal is shown where it happened.
import { api } from "../api.js";
import { h, section, nextId, confirmBackward } from "../ui.js";
import { won, kst } from "../format.js";
import { STATUSES, STATUS_RANK, MAIN_FLOW, statusKo, isBackward } from "../labels.js";
import { act } from "./act.js";


async function move(ctx, moves) {
  ctx.show(await api.post(`${ctx.path}/status`, { moves, expected_version: ctx.order.version }));
}

/** The line's moves, forward ones first (the next step of the main flow first), backward ones marked. */
function orderedMoves(line) {
  const back = (n) => isBackward(line.status, n.to);
  const score = (n) => (back(n) ? 2 : MAIN_FLOW.includes(n.to) ? 0 : 1);
  return [...line.next].sort((a, b) => score(a) - score(b) || STATUS_RANK[a.to] - STATUS_RANK[b.to])
    .map((n) => ({ ...n, back: back(n) }));
}

function moveControls(line, ctx, slot) {
  if (!line.next || !line.next.length) return h("span.muted.no-move", {}, "변경할 수 있는 상태가 없습니다.");
  const moves = orderedMoves(line);
  const forward = moves.filter((n) => !n.back);
  // never a backward default: with no step forward the operator picks one
  const to = h("select", { name: "to", "aria-label": `${line.product_name} 변경할 상태` },
    forward.length ? null : h("option", { value: "", selected: true, disabled: true }, "변경할 상태 선택"),
    moves.map((n) => h("option", { value: n.to }, n.back ? `${n.to_ko} (되돌리기)` : n.to_ko)));
  const qty = h("input", { type: "number", name: "quantity", min: 1, max: line.quantity, value: line.quantity,
    inputmode: "numeric", required: true, "aria-label": `${line.product_name} 수량 (전체 ${line.quantity}개)` });
  const whole = h("span.muted.whole", {}, `전체 ${line.quantity}개`);
  const go = h("button.btn", { type: "button" }, "변경");
  const sync = () => {
    const chosen = moves.find((n) => n.to === to.value);
    const partial = Boolean(chosen && chosen.partial) && line.quantity > 1;
    qty.hidden = !partial;
    whole.hidden = partial;
    if (!partial) qty.value = line.quantity;
    go.disabled = !chosen;
  };
  to.addEventListener("change", sync);
  sync();
  go.addEventListener("click", async () => {
    if (!qty.reportValidity()) return;
    const chosen = moves.find((n) => n.to === to.value);
    if (!chosen) return;
    if (!(await confirmBackward(line.status, chosen.to, `${line.product_name} ${qty.value}개를`))) return;
    act(ctx, go, slot, () => {
      const quantity = Number(qty.value);
      const m = { line_id: line.line_id, to: chosen.to };
      if (quantity !== line.quantity) m.quantity = quantity;
      return move(ctx, [m]);
    });
  });
  return h("div.move", {}, to, qty, whole, go);
}

function amountText(line) {
  const unit = line.unit_price + (line.option_price || 0);
  const parts = [`${won(unit)} × ${line.quantity}`];
  const off = [["상품할인", line.product_discount], ["쿠폰", line.coupon_discount], ["적립금", line.points_used]]
    .filter(([, v]) => v);
  if (off.length) parts.push(off.map(([k, v]) => `${k} −${won(v)}`).join(", "));
  return parts.join(" · ");
}

const KIND_KO = { digital: "디지털 상품 (배송 없음)", membership_pass: "이용권 (배송 없음)" };

function facts(line) {
  const out = [];
  if (KIND_KO[line.kind]) out.push(h("span.fact", {}, KIND_KO[line.kind]));
  if (line.tracking_no) out.push(h("span.fact", {}, `송장 ${line.tracking_no}`));
  if (line.auto_confirm_on) out.push(h("span.fact", {}, `자동 구매확정 ${line.auto_confirm_on}`));
  if (line.confirmed_at) out.push(h("span.fact", {}, `구매확정 ${kst(line.confirmed_at)}`));
  if (line.points_accrued) out.push(h("span.fact", {}, `적립 ${won(line.points_accrued).replace("원", "P")}`));
  if (line.claim_origin) out.push(h("span.fact", {}, `${statusKo(line.claim_origin)}에서 접수`));
  if (line.exchange_of) out.push(h("span.fact", {}, `${line.exchange_of} 교환품`));
  if (line.origin_line_id) out.push(h("span.fact.muted", {}, `${line.origin_line_id}에서 분리`));
  const cs = line.channel_state;
  if (cs) out.push(h("span.fact", {}, `네이버 ${cs.status_ko || cs.status}`));
  if (cs && (cs.conflict || cs.refusal)) out.push(h("span.fact.bad", {}, "네이버 확인 필요"));
  return out;
}

function lineRow(line, ctx, picked) {
  const slot = h("div.slot.line-slot");
  const movable = Boolean(line.next && line.next.length);
  const pick = movable ? h("input", { type: "checkbox", name: "pick", value: line.line_id,
    "aria-label": `${line.product_name} (${line.line_id}) 선택`, onchange: (e) => picked(line, e.target.checked) }) : null;
  return h("li.line", { "data-line-id": line.line_id, "data-status": line.status },
    h("label.pick", { "aria-hidden": movable ? null : "true" }, pick),
    h("div.line-main", {},
      h("strong", {}, line.product_name),
      line.option_text ? h("span.muted", {}, ` ${line.option_text}`) : null,
      h("div.muted", {}, `${line.line_id} · ${line.product_code} · ${line.quantity}개`),
      h("div.line-amounts", {}, amountText(line), " · 결제 ", h("strong", {}, won(line.paid_amount))),
      h("div.facts", {}, facts(line))),
    moveControls(line, ctx, slot),
    slot);
}

/** The bar that moves every chosen line (whole) to a target all of them offer. */
function bulkBar(ctx) {
  const chosen = new Map();
  const slot = h("div.slot");
  const count = h("span.muted", {}, "");
  const to = h("select", { name: "bulk_to", "aria-label": "선택한 품목 변경할 상태" });
  const go = h("button.btn", { type: "button" }, "선택 품목 변경");
  const bar = h("div.bulk-lines", { hidden: true, "aria-live": "polite" }, count, to, go, slot);
  const sync = () => {
    const ls = [...chosen.values()];
    bar.hidden = ls.length < 1;
    count.textContent = `${ls.length}개 품목 선택 →`;
    const common = ls.length ? ls[0].next.map((n) => n.to).filter((t) => ls.every((l) => l.next.some((n) => n.to === t))) : [];
    const back = (t) => ls.some((l) => isBackward(l.status, t));
    common.sort((a, b) => Number(back(a)) - Number(back(b)) || STATUS_RANK[a] - STATUS_RANK[b]);
    to.replaceChildren(...common.map((t) => h("option", { value: t },
      back(t) ? `${statusKo(t)} (되돌리기)` : statusKo(t))));
    go.disabled = !common.length;
    if (!common.length && ls.length) count.textContent = `${ls.length}개 품목 선택: 함께 변경할 수 있는 상태가 없습니다.`;
  };
  go.addEventListener("click", async () => {
    const from = [...chosen.values()].map((l) => l.status).find((st) => isBackward(st, to.value));
    if (!(await confirmBackward(from, to.value, `선택한 품목 ${chosen.size}개를`))) return;
    act(ctx, go, slot, () => move(ctx, [...chosen.values()].map((l) => ({ line_id: l.line_id, to: to.value }))));
  });
  const picked = (line, on) => {
    if (on) chosen.set(line.line_id, line); else chosen.delete(line.line_id);
    sync();
  };
  return { bar, picked };
}

export function render(order, ctx) {
  const { bar, picked } = bulkBar(ctx);
  const groups = STATUSES.map(([status, ko]) => [status, ko, order.lines.filter((l) => l.status === status)])
    .filter(([, , ls]) => ls.length);
  const body = h("div.line-groups", {}, groups.map(([status, ko, ls]) => {
    const id = nextId("grp");
    return h("div.line-group", { "data-group": status },
      h("h3", { id }, `${ko} `, h("span.count", {}, `${ls.reduce((n, l) => n + l.quantity, 0)}개`)),
      h("ul.lines", { "aria-labelledby": id }, ls.map((l) => lineRow(l, ctx, picked))));
  }), bar);
  return section("주문 품목", body, { id: "lines" });
}
