// Quick tracking entry from a list row: 택배사 and 송장번호 for the order's lines in 배송대기
// (POST /admin/orders/{id}/tracking, whole lines; the status stays). The row's preview names the lines;
// when it does not hold every 배송대기 unit (long orders) the detail is read for the line ids.
import { api, seg } from "../api.js";
import { h, field, busy, toast, showProblem } from "../ui.js";
import { addCourierOptions } from "../couriers.js";

/** The ids of every line of the order in 배송대기. */
export async function readyLineIds(o) {
  const ready = (o.preview || []).filter((l) => l.status === "ready_to_ship");
  const want = (o.status_qty || {}).ready_to_ship || 0;
  if (ready.reduce((a, l) => a + l.quantity, 0) === want) return ready.map((l) => l.line_id);
  const order = await api.get(`/admin/orders/${seg(o.order_id)}`);
  return order.lines.filter((l) => l.status === "ready_to_ship").map((l) => l.line_id);
}

export function trackingForm(o, onClose) {
  const slot = h("div.slot", { "aria-live": "polite" });
  const courier = h("select", { name: "courier", required: true }, h("option", { value: "" }, "택배사 선택"));
  const number = h("input", { name: "tracking_no", required: true, maxlength: 50, autocomplete: "off",
    inputmode: "text" });
  const submit = h("button.btn.primary", { type: "submit" }, "송장 등록");
  const done = h("p.tracking-done", { role: "status" });
  addCourierOptions(courier).catch((err) => showProblem(slot, err));
  const form = h("form.quick-tracking", { "aria-label": `주문 ${o.order_id} 송장 입력`, onsubmit: (e) => {
    e.preventDefault();
    done.textContent = "";
    busy(submit, async () => {
      const lineIds = await readyLineIds(o);
      const order = await api.post(`/admin/orders/${seg(o.order_id)}/tracking`,
        { action: "set", line_ids: lineIds, courier: courier.value, tracking_no: number.value.trim() });
      const name = courier.selectedOptions[0] ? courier.selectedOptions[0].textContent : courier.value;
      done.textContent = `${name} ${number.value.trim()} 등록됨 (배송대기 품목 ${lineIds.length}건)`;
      toast(`주문 ${o.order_id}에 송장번호를 등록했습니다.`);
      return order;
    }, slot);
  } },
  h("div.tracking-fields", {}, field("택배사", courier), field("송장번호", number),
    h("div.row-actions", {}, submit,
      h("button.btn", { type: "button", onclick: () => { form.remove(); onClose(); } }, "닫기"))),
  slot, done);
  return form;
}
