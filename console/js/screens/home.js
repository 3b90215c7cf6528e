// 홈: what needs action today (GET /admin/home) — a tile per count, grouped (주문 처리, 결제·입금,
// 클레임, 실패), each a link to the list or screen that handles it; a zero is shown muted.
import { api } from "../api.js";
import { can } from "../auth.js";
import { h, problemBox } from "../ui.js";
import { kst } from "../format.js";

/** The screens an operator without the permission cannot open: their tile is shown without a link. */
const NEEDS = { "#/deposits": "payments" };

function tile(item) {
  const zero = item.count === 0;
  const body = [h("span.home-label", {}, item.label_ko), h("strong.home-count", {}, `${item.count.toLocaleString("ko-KR")}건`)];
  const attrs = { "data-key": item.key, "aria-label": `${item.label_ko} ${item.count}건` };
  const linked = !NEEDS[item.link] || can(NEEDS[item.link]);
  const cls = zero ? ".home-tile.zero" : ".home-tile";
  return linked ? h(`a${cls}`, { ...attrs, href: item.link }, ...body) : h(`div${cls}`, attrs, ...body);
}

function group(title, items) {
  return h("section.home-group", { "aria-label": title },
    h("h2", {}, title),
    h("div.home-grid", {}, items.map(tile)));
}

export async function render(main) {
  main.append(h("h1", {}, "오늘 처리할 일"));
  const body = h("div.home");
  main.append(body);
  try {
    const home = await api.get("/admin/home");
    const order = Object.keys(home.groups);
    body.replaceChildren(
      ...order.map((g) => [g, home.items.filter((i) => i.group === g)]).filter(([, items]) => items.length)
        .map(([g, items]) => group(home.groups[g], items)),
      h("p.muted.home-asof", {}, `${kst(home.as_of)} 기준`));
  } catch (err) {
    body.replaceChildren(problemBox(err));
  }
}
