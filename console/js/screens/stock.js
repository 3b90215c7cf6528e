// 재고: option stock per SKU (the product code, or product code|option=value… for a combination);
// an order of a stocked SKU takes its units at intake and gives them back when cancelled or returned.
import { api, seg } from "../api.js";
import { h, field, busy, problemBox, section, empty, toast } from "../ui.js";
import { kst } from "../format.js";

/** PUT one SKU's quantity, say so, redraw the list. */
async function saveStock(sku, quantity, reload) {
  await api.put(`/admin/stock/${seg(sku)}`, { quantity: Number(quantity) });
  toast(`${sku} 재고 ${quantity}개`);
  await reload();
}

function quantityInput(value, label) {
  return h("input", { type: "number", name: "quantity", min: 0, max: 10000000, step: 1, inputmode: "numeric",
    required: true, value, "aria-label": label });
}

function row(item, reload) {
  const qty = quantityInput(item.quantity, `${item.sku} 재고 수량`);
  const slot = h("div.slot");
  const save = h("button.btn", { type: "submit" }, "저장");
  return h("li.stock-row", { "data-sku": item.sku },
    h("form.row-actions", {
      "aria-label": `${item.sku} 재고`,
      onsubmit: (e) => {
        e.preventDefault();
        busy(save, () => saveStock(item.sku, qty.value, reload), slot);
      },
    }, h("span.stock-sku", {}, h("strong", {}, item.sku), h("small.muted", {}, ` ${kst(item.updated_at)}`)), qty, save),
    slot);
}

function addForm(reload) {
  const sku = h("input", { name: "sku", required: true, maxlength: 300, autocomplete: "off" });
  const qty = quantityInput(0, "수량");
  const slot = h("div.slot");
  const save = h("button.btn.primary", { type: "submit" }, "재고 등록");
  return h("form.form-grid", {
    "aria-label": "재고 등록",
    onsubmit: (e) => {
      e.preventDefault();
      busy(save, async () => {
        await saveStock(sku.value.trim(), qty.value, reload);
        sku.value = "";
      }, slot);
    },
  }, field("SKU", sku, { hint: "상품코드, 조합형 옵션은 상품코드|옵션명=값" }), field("수량", qty),
  h("div.field", {}, save), h("div.field.wide", {}, slot));
}

export async function render(main) {
  main.append(h("h1", {}, "재고"));
  const body = h("div.stock");
  main.append(body);
  const reload = async () => {
    try {
      const { items } = await api.get("/admin/stock");
      body.replaceChildren(section("재고 등록", addForm(reload)),
        section(`SKU ${items.length}개`, items.length ? h("ul.plain.stock-list", {}, items.map((i) => row(i, reload)))
          : empty("재고를 관리하는 SKU가 없습니다. 재고가 없는 상품은 수량 제한 없이 주문됩니다.")));
    } catch (err) {
      body.replaceChildren(problemBox(err));
    }
  };
  await reload();
  return undefined;
}
