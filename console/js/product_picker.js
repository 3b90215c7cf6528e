// 상품 찾기: the site's SKUs by the start of their product code (GET /admin/stock?prefix=, at most 20),
// for 상품 추가 and 교환 옵션 — no code, name or option typed by hand when the SKU is known. A SKU is
// the product code, or "code|옵션명=값|…" for a combination (재고 screen); a pick answers it parsed.
import { api } from "./api.js";
import { h, field, nextId } from "./ui.js";

/** "TS-01|색상=블랙|사이즈=L" → {code: "TS-01", options: [{name: "색상", value: "블랙"}, …]}. */
export function parseSku(sku) {
  const [code, ...parts] = String(sku).split("|");
  const options = parts.map((p) => {
    const at = p.indexOf("=");
    return at > 0 ? { name: p.slice(0, at), value: p.slice(at + 1) } : { name: "옵션", value: p };
  });
  return { code, options };
}

const optionText = (options) => options.map((o) => `${o.name} ${o.value}`).join(" / ");

/**
 * The picker: a search box and the SKUs found, each a button. `fixedPrefix` narrows it to one
 * product's options (exchanges); `onPick({sku, code, options, quantity})` gets the choice.
 */
export function productPicker({ label = "상품 찾기", fixedPrefix = "", onPick }) {
  const listId = nextId("picker");
  const term = h("input", { type: "search", name: "product_search", maxlength: 100, autocomplete: "off",
    placeholder: fixedPrefix ? "옵션값 (비우면 전체)" : "상품코드 앞부분", "aria-controls": listId });
  const status = h("p.picker-status.muted", { "aria-live": "polite" });
  const results = h("ul.picker-results", { id: listId, "aria-label": `${label} 결과` });
  let timer = 0;
  let asked = 0;
  const search = async () => {
    const text = term.value.trim();
    const prefix = fixedPrefix ? `${fixedPrefix}${text}` : text;
    if (!prefix) { results.replaceChildren(); status.textContent = ""; return; }
    const mine = ++asked;
    try {
      const { items } = await api.get("/admin/stock", { prefix });
      if (mine !== asked) return;
      status.textContent = items.length ? `${items.length}개 찾음` : "찾은 상품이 없습니다. 직접 입력하세요.";
      results.replaceChildren(...items.map((it) => {
        const p = parseSku(it.sku);
        return h("li", {}, h("button.btn.pick-sku", { type: "button", dataset: { sku: it.sku },
          onclick: () => {
            onPick({ sku: it.sku, ...p, quantity: it.quantity });
            status.textContent = `선택: ${p.code}${p.options.length ? ` (${optionText(p.options)})` : ""}`;
            results.replaceChildren();
          } },
        h("strong", {}, p.code), p.options.length ? h("span", {}, ` ${optionText(p.options)}`) : null,
        h("span.muted", {}, ` 재고 ${it.quantity}개`)));
      }));
    } catch {
      if (mine === asked) status.textContent = "상품을 찾지 못했습니다. 직접 입력하세요.";
    }
  };
  term.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 250); });
  term.addEventListener("focus", () => { if (fixedPrefix && !results.childElementCount) search(); });
  term.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); search(); } });
  return { el: h("div.product-picker", {}, field(label, term), status, results), search };
}
