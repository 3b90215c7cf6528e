// 합배송: the 배송대기 lines of 2–10 chosen orders (same buyer and address: the API checks) share one
// courier and tracking number (POST /admin/shipments/combined, one transaction over the orders).
import { api, seg } from "../api.js";
import { h, field, busy, dialog, toast, showProblem } from "../ui.js";
import { addCourierOptions } from "../couriers.js";

const MIN = 2;
const MAX = 10;

async function readyLines(ids) {
  const orders = await Promise.all(ids.map((id) => api.get(`/admin/orders/${seg(id)}`)));
  return orders.map((o) => ({ order: o, lines: o.lines.filter((l) => l.status === "ready_to_ship") }));
}

function form(ctx, ids, close) {
  const slot = h("div.slot");
  const courier = h("select", { name: "courier", required: true }, h("option", { value: "" }, "택배사 선택"));
  const number = h("input", { name: "tracking_no", required: true, maxlength: 50, autocomplete: "off" });
  const picks = h("div.stack", {}, h("p.muted", {}, "배송대기 품목을 읽는 중…"));
  const submit = h("button.btn.primary", { type: "submit" }, "합배송 등록");
  let chosen = [];
  addCourierOptions(courier).catch((err) => showProblem(slot, err));
  readyLines(ids).then((found) => {
    chosen = found;
    picks.replaceChildren(...found.map(({ order, lines }) => h("fieldset.combined-order", {},
      h("legend", {}, `주문 ${order.order_id} · ${order.recipient.name} · ${order.recipient.address1}`),
      lines.length ? lines.map((l) => h("label.check", {},
        h("input", { type: "checkbox", name: "line", value: `${order.order_id}:${l.line_id}`, checked: true }),
        `${l.line_id} ${l.product_name} ${l.quantity}개`))
        : h("p.muted", {}, "배송대기 품목이 없습니다."))));
  }).catch((err) => showProblem(slot, err));
  return h("form.stack", {
    onsubmit: (e) => {
      e.preventDefault();
      const boxes = Array.from(picks.querySelectorAll("input[name=line]:checked")).map((b) => b.value.split(":"));
      const orders = chosen.map(({ order }) => ({ order_id: order.order_id,
        line_ids: boxes.filter(([o]) => o === order.order_id).map(([, l]) => l) })).filter((o) => o.line_ids.length);
      busy(submit, async () => {
        const answer = await api.post("/admin/shipments/combined",
          { orders, courier: courier.value, tracking_no: number.value.trim() });
        toast(`합배송 ${answer.tracking_no}: 주문 ${answer.orders.length}건`);
        ctx.showResults(answer.orders.map((o) => ({ order_id: o.order_id, ok: true })), { title: "합배송 결과" });
        await ctx.refresh();
        close(answer);
      }, slot);
    },
  }, h("p.muted", {}, "같은 구매자·같은 배송지의 주문만 한 송장으로 묶을 수 있습니다."), picks,
  h("div.form-grid", {}, field("택배사", courier), field("송장번호", number)), slot,
  h("div.actions", {}, h("button.btn", { type: "button", onclick: () => close() }, "취소"), submit));
}

/** The 합배송 button of the bulk bar: 2–10 orders chosen. */
export function combinedButton(ctx, slot) {
  const button = h("button.btn", { type: "button" }, "합배송");
  button.addEventListener("click", () => {
    const ids = ctx.selectedIds();
    if (ids.length < MIN || ids.length > MAX) {
      showProblem(slot, new Error(`합배송은 주문 ${MIN}~${MAX}건을 선택해 주세요. (선택 ${ids.length}건)`));
      return;
    }
    dialog("합배송", (close) => form(ctx, ids, close), { wide: true });
  });
  return button;
}
