// 배송: the order's shipments (method, courier, tracking number linked to the courier's tracking page,
// the lines in it, its delivery tracking: ./parcel.js) and 송장추가 by hand for whole lines in 배송대기 (POST …/tracking, action set; the
// status does not change), or the number removed (action remove). 배송없음 lines are explained.
import { api } from "../api.js";
import { h, section, field, empty } from "../ui.js";
import { act, formDialog, input } from "./act.js";
import { addCourierOptions } from "../couriers.js";
import { parcelTracking } from "./parcel.js";
import { SHIP_METHOD_KO, ko } from "../labels.js";


const shippable = (l) => l.kind === "physical" || l.kind === undefined;

function trackingLink(s) {
  if (!s.tracking_no) return h("span.muted", {}, "송장번호 없음");
  return s.tracking_url
    ? h("a.tracking", { href: s.tracking_url, target: "_blank", rel: "noopener noreferrer" }, s.tracking_no)
    : h("span.tracking", {}, s.tracking_no);
}

function shipmentItem(s, order, ctx) {
  const lines = order.lines.filter((l) => (s.line_ids ? s.line_ids.includes(l.line_id) : l.shipment_id === s.shipment_id));
  const slot = h("div.slot");
  const removable = s.tracking_no && lines.length && lines.every((l) => l.status === "ready_to_ship");
  const remove = removable ? h("button.btn.danger", { type: "button", "aria-label": `송장 ${s.tracking_no} 삭제` }, "송장 삭제") : null;
  if (remove) {
    remove.addEventListener("click", () => act(ctx, remove, slot, async () => {
      ctx.show(await api.post(`${ctx.path}/tracking`, { action: "remove", line_ids: lines.map((l) => l.line_id),
        expected_version: ctx.order.version }));
    }));
  }
  return h("li.shipment", { "data-shipment-id": s.shipment_id },
    h("div.shipment-main", {},
      h("strong", {}, s.courier_name || s.courier || ko(SHIP_METHOD_KO, s.method)), " ", trackingLink(s),
      h("div.muted", {}, `${s.method_ko || ko(SHIP_METHOD_KO, s.method)}${s.combined_group ? " · 합배송" : ""} · `
        + lines.map((l) => `${l.product_name} ${l.quantity}개`).join(", "))),
    remove, slot, parcelTracking(s, lines, ctx));
}

function addTracking(ctx, ready) {
  const parcel = ctx.order.shipping_method === "parcel"; // other methods take any text, courier 기타 by default
  return formDialog(ctx, "송장추가", {
    submitLabel: "송장 등록",
    build() {
      const boxes = ready.map((l) => h("label.check", {},
        h("input", { type: "checkbox", name: "line_ids", value: l.line_id, checked: !l.tracking_no }),
        `${l.product_name}${l.option_text ? ` (${l.option_text})` : ""} ${l.quantity}개`,
        l.tracking_no ? h("span.muted", {}, ` · 현재 송장 ${l.tracking_no}`) : null));
      const courier = h("select", { name: "courier", required: parcel },
        h("option", { value: "" }, parcel ? "택배사 선택" : "기타 (선택 안 함)"));
      addCourierOptions(courier).catch(() => courier.append(h("option", { value: "CJGLS" }, "CJ대한통운")));
      const no = input("tracking_no", { required: true, maxlength: 50, autocomplete: "off",
        inputmode: parcel ? "numeric" : "text" });
      const pick = h("fieldset.picks", {}, h("legend", {}, "송장을 붙일 품목 (배송대기, 품목 전체)"), boxes);
      return {
        body: [pick, h("div.form-grid", {}, field("택배사", courier), field(parcel ? "송장번호" : "송장번호 (기사 연락처 등)", no))],
        values: () => ({
          line_ids: [...pick.querySelectorAll("input:checked")].map((b) => b.value),
          courier: courier.value || undefined, tracking_no: no.value.trim(),
        }),
      };
    },
    async submit(v) {
      const order = await api.post(`${ctx.path}/tracking`, { action: "set", ...v, expected_version: ctx.order.version });
      ctx.show(order);
      return order;
    },
  });
}

export function render(order, ctx) {
  const ready = order.lines.filter((l) => l.status === "ready_to_ship" && shippable(l));
  const noShip = order.shipping_method === "none";
  const list = h("ul.shipments", {}, order.shipments.map((s) => shipmentItem(s, order, ctx)));
  const body = h("div", {},
    h("p.muted", {}, `배송방법: ${ko(SHIP_METHOD_KO, order.shipping_method)}`),
    noShip ? h("p.notice", {}, "배송없음 주문입니다. 송장 없이 배송완료로 처리합니다 "
      + "(주문 목록에서 '배송없음 → 배송완료' 일괄 처리, 또는 품목의 상태 변경).") : null,
    order.shipments.length ? list : empty("등록된 송장이 없습니다."),
    !ready.length && !noShip ? h("p.muted", {}, "송장은 배송대기 상태의 품목에만 등록할 수 있습니다.") : null);
  const add = h("button.btn.primary", { type: "button", disabled: !ready.length || noShip }, "송장추가");
  add.addEventListener("click", () => addTracking(ctx, ready));
  // the shipments view names the courier and links its tracking page; redraw the list with it. A
  // number just entered is registered with the tracking provider after the commit: the view is read
  // again for a few seconds so the provider's answer (a rejection and its reason) shows at entry.
  const refresh = (tries) => api.get(`${ctx.path}/shipments`).then((v) => {
    if (ctx.order !== order || !list.isConnected) return;
    list.replaceChildren(...v.shipments.map((s) => shipmentItem(s, order, ctx)));
    if (tries > 0 && v.shipments.some((s) => s.tracking && s.tracking.state === "pending")) {
      setTimeout(() => refresh(tries - 1), 700);
    }
  }).catch(() => { /* the list from the detail stays */ });
  if (order.shipments.length) refresh(10);
  return section("배송", body, { id: "shipments", actions: [add] });
}
