// 주문 변경: 상품 추가 (POST …/lines, priced like intake, its shipping fee a charge of the balance) and
// 배송지 변경 (PATCH …/recipient; the remote-area fee the new postal code brings is shown after).
// Offered only where the API's rules allow them (oms.domain.balance); a refusal is still shown.
import { api } from "../api.js";
import { h, section, field, toast, busy } from "../ui.js";
import { can } from "../auth.js";
import { won } from "../format.js";
import { formDialog, input } from "./act.js";
import { productPicker } from "../product_picker.js";

const EXTERNAL = ["naverpay_order", "kakao_checkout"];
const SHIPPED = ["shipping", "delivered", "confirmed", "return_requested", "return_collecting", "returned",
  "exchange_requested", "exchange_collecting", "exchanged"];
const notes = new WeakMap(); // ctx → what the last change added (shown once, after the redraw)

/** Why 상품 추가 is not possible now, or null. */
export function addLineBlocked(order) {
  if (order.closed) return "거래가 종료된 주문입니다. 거래 재개 후 추가하세요.";
  if (EXTERNAL.includes(order.channel)) return "네이버페이 주문형·톡체크아웃 주문에는 상품을 추가할 수 없습니다.";
  if (order.lines.every((l) => l.status === "cancelled")) return "전체 취소된 주문에는 상품을 추가할 수 없습니다.";
  if (order.lines.some((l) => l.status === "payment_pending")) return "입금 확인 전인 주문에는 상품을 추가할 수 없습니다.";
  return null;
}

/** Why 배송지 변경 is not possible now, or null. */
export function addressBlocked(order) {
  if (order.closed) return "거래가 종료된 주문입니다.";
  if (order.lines.some((l) => SHIPPED.includes(l.status) || l.tracking_no)) return "배송이 시작된 주문은 배송지를 변경할 수 없습니다.";
  return null;
}

function added(before, after) {
  const known = new Set((before.charges || []).map((c) => c.charge_id));
  return (after.charges || []).filter((c) => !known.has(c.charge_id));
}

function addLineDialog(ctx) {
  return formDialog(ctx, "상품 추가", {
    submitLabel: "추가",
    build() {
      const code = input("product_code", { required: true, maxlength: 64, pattern: "[A-Za-z0-9_\\-\\.]+" });
      const name = input("product_name", { required: true, maxlength: 200 });
      const qty = input("quantity", { type: "number", min: 1, max: 9999, value: 1, required: true, inputmode: "numeric" });
      const price = input("unit_price", { type: "number", min: 0, required: true, inputmode: "numeric" });
      const optName = input("option_name", { maxlength: 50, placeholder: "색상" });
      const optValue = input("option_value", { maxlength: 100, placeholder: "블랙" });
      const optPrice = input("option_price", { type: "number", min: 0, value: 0, inputmode: "numeric" });
      const fee = input("shipping_fee", { type: "number", min: 0, value: 0, inputmode: "numeric" });
      // a SKU picked fills the code and option; a line of the order with that product gives its name and price
      let picked = null; // a combination SKU's options, sent as they are while the fields still show them
      const joined = (opts, k) => opts.map((o) => o[k]).join(" / ");
      const picker = productPicker({ onPick: (p) => {
        picked = p;
        code.value = p.code;
        optName.value = joined(p.options, "name");
        optValue.value = joined(p.options, "value");
        const known = ctx.order.lines.find((l) => l.product_code === p.code);
        if (known) {
          name.value = known.product_name;
          price.value = known.unit_price;
        }
        (known ? qty : name).focus();
      } });
      return {
        body: [picker.el, h("div.form-grid", {}, field("상품코드", code), field("상품명", name), field("수량", qty),
          field("판매가", price), field("배송비", fee, { hint: "미결금액에 더해집니다" })),
        h("fieldset.form-grid", {}, h("legend", {}, "옵션 (선택)"),
          field("옵션명", optName), field("옵션값", optValue), field("옵션가", optPrice))],
        values: () => ({
          product_code: code.value.trim(), product_name: name.value.trim(), quantity: Number(qty.value),
          unit_price: Number(price.value), shipping_fee: Number(fee.value || 0),
          options: picked && picked.options.length > 1 && code.value.trim() === picked.code
            && optName.value === joined(picked.options, "name") && optValue.value === joined(picked.options, "value")
            ? picked.options.map((o, i) => ({ ...o, price: i === 0 ? Number(optPrice.value || 0) : 0 }))
            : optName.value.trim() && optValue.value.trim()
              ? [{ name: optName.value.trim(), value: optValue.value.trim(), price: Number(optPrice.value || 0) }] : [],
        }),
      };
    },
    async submit(v) {
      const before = ctx.order;
      const order = await api.post(`${ctx.path}/lines`, { ...v, expected_version: before.version });
      const line = order.lines[order.lines.length - 1];
      notes.set(ctx, `상품 추가: ${line.product_name} ${line.quantity}개 ${won(line.paid_amount)}`
        + `${added(before, order).map((c) => ` · ${c.reason_ko || c.kind} ${won(c.amount)}`).join("")}`
        + ` — 미결금액 ${won(order.amounts.outstanding)}`);
      ctx.show(order);
      return order;
    },
  });
}

/** The recipient to start 배송지 변경 from: revealed (and recorded) for an operator who may see it;
 * otherwise an empty form — a masked address is never sent back as the new one. */
async function currentRecipient(ctx) {
  const shown = ctx.revealed && ctx.revealed.order_id === ctx.order.order_id ? ctx.revealed : null;
  if (shown) return shown.recipient;
  if (!can("personal.view")) return { name: "", phone: "", postal_code: "", address1: "", address2: "", message: "" };
  ctx.revealed = await api.post(`${ctx.path}/personal`, { reason: "배송지 변경" });
  return ctx.revealed.recipient;
}

async function addressDialog(ctx) {
  const r = await currentRecipient(ctx);
  return formDialog(ctx, "배송지 변경", {
    submitLabel: "변경",
    wide: true,
    build() {
      const name = input("name", { required: true, maxlength: 50, value: r.name, autocomplete: "name" });
      const phone = input("phone", { required: true, maxlength: 20, value: r.phone, type: "tel", autocomplete: "tel" });
      const postal = input("postal_code", { required: true, maxlength: 10, value: r.postal_code, inputmode: "numeric",
        autocomplete: "postal-code" });
      const a1 = input("address1", { required: true, maxlength: 200, value: r.address1 });
      const a2 = input("address2", { maxlength: 200, value: r.address2 || "" });
      const msg = input("message", { maxlength: 200, value: r.message || "" });
      return {
        body: [h("div.form-grid", {}, field("받는 분", name), field("연락처", phone), field("우편번호", postal),
          field("주소", a1, { wide: true }), field("상세주소", a2, { wide: true }), field("배송 메시지", msg, { wide: true })),
        h("p.muted", {}, "도서산간 지역으로 바뀌면 추가 배송비가 미결금액에 더해집니다.")],
        values: () => ({ name: name.value.trim(), phone: phone.value.trim(), postal_code: postal.value.trim(),
          address1: a1.value.trim(), address2: a2.value.trim(), message: msg.value.trim() || null }),
      };
    },
    async submit(v) {
      const before = ctx.order;
      const order = await api.patch(`${ctx.path}/recipient`, { ...v, expected_version: before.version });
      if (ctx.revealed && ctx.revealed.order_id === order.order_id) ctx.revealed = { ...ctx.revealed, recipient: { ...v } };
      const fees = added(before, order).filter((c) => c.kind === "remote_area");
      const text = fees.length
        ? `배송지를 변경했습니다. 도서산간 배송비 ${fees.map((c) => won(c.amount)).join(", ")} — 미결금액 ${won(order.amounts.outstanding)}`
        : "배송지를 변경했습니다. 추가 배송비는 없습니다.";
      notes.set(ctx, text);
      toast(text);
      ctx.show(order);
      return order;
    },
  });
}

export function render(order, ctx) {
  const lineWhy = addLineBlocked(order);
  const addrWhy = addressBlocked(order);
  const add = h("button.btn", { type: "button", disabled: Boolean(lineWhy) }, "상품 추가");
  add.addEventListener("click", () => addLineDialog(ctx));
  const addr = h("button.btn", { type: "button", disabled: Boolean(addrWhy) }, "배송지 변경");
  addr.addEventListener("click", () => busy(addr, () => addressDialog(ctx)));
  const note = notes.get(ctx);
  notes.delete(ctx);
  const body = h("div.changes", {},
    note ? h("p.notice", { role: "status", "data-testid": "change-note" }, note) : null,
    h("div.row-actions", {}, add, addr),
    lineWhy ? h("p.muted", {}, `상품 추가: ${lineWhy}`) : null,
    addrWhy ? h("p.muted", {}, `배송지 변경: ${addrWhy}`) : null);
  return section("주문 변경", body, { id: "changes" });
}
