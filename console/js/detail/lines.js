// Lines grouped by status, with the moves the API offers for each (lines[].next): a quantity picker
// where a part may go (a split), the whole line otherwise. A refusal is shown where it happened.
import { api } from "../api.js";
import { h, section, busy, nextId } from "../ui.js";
import { won } from "../format.js";
import { STATUSES } from "../statuses.js";

function moveControls(line, ctx, slot) {
  if (!line.next || !line.next.length) return h("span.muted", {}, "변경할 수 있는 상태가 없습니다.");
  const to = h("select", { name: "to", "aria-label": `${line.product_name} 변경할 상태` },
    line.next.map((n) => h("option", { value: n.to }, n.to_ko)));
  const qty = h("input", { type: "number", name: "quantity", min: 1, max: line.quantity, value: line.quantity,
    inputmode: "numeric", "aria-label": `${line.product_name} 수량 (전체 ${line.quantity}개)` });
  const sync = () => {
    const chosen = line.next.find((n) => n.to === to.value);
    qty.disabled = !(chosen && chosen.partial);
    if (qty.disabled) qty.value = line.quantity;
  };
  to.addEventListener("change", sync);
  sync();
  const go = h("button.btn", { type: "button" }, "변경");
  go.addEventListener("click", () => busy(go, async () => {
    const quantity = Number(qty.value);
    const move = { line_id: line.line_id, to: to.value };
    if (quantity !== line.quantity) move.quantity = quantity;
    const order = await api.post(`${ctx.path}/status`, { moves: [move], expected_version: ctx.order.version });
    ctx.show(order);
  }, slot));
  return h("div.move", {}, to, qty, h("span.muted", {}, `/ ${line.quantity}개`), go);
}

function lineRow(line, ctx) {
  const slot = h("div.slot");
  return h("li.line", { "data-line-id": line.line_id, "data-status": line.status },
    h("div.line-main", {},
      h("strong", {}, line.product_name),
      line.option_text ? h("span.muted", {}, ` ${line.option_text}`) : null,
      h("div.muted", {}, `${line.line_id} · ${line.quantity}개 · ${won(line.paid_amount)}`,
        line.tracking_no ? ` · 송장 ${line.tracking_no}` : "")),
    moveControls(line, ctx, slot),
    slot);
}

export function render(order, ctx) {
  const groups = STATUSES.map(([status, ko]) => [status, ko, order.lines.filter((l) => l.status === status)])
    .filter(([, , ls]) => ls.length);
  const body = h("div.line-groups", {}, groups.map(([status, ko, ls]) => {
    const id = nextId("grp");
    return h("div.line-group", { "data-group": status },
      h("h3", { id }, `${ko} `, h("span.count", {}, `${ls.reduce((n, l) => n + l.quantity, 0)}개`)),
      h("ul.lines", { "aria-labelledby": id }, ls.map((l) => lineRow(l, ctx))));
  }));
  return section("주문 품목", body, { id: "lines" });
}
