// 미확인 입금: bank deposits the feed could not match to an order, each with its reason and the
// orders suggested (same amount, a similar name, newest first); matched to an order in one click
// (the same confirmation as 수동 입금 확인) or marked "not an order" with a note.
import { api, seg } from "../api.js";
import { h, field, busy, section, empty, toast, problemBox } from "../ui.js";
import { kst, won } from "../format.js";

async function match(d, orderId, reload) {
  await api.post(`/admin/deposits/${seg(d.account)}/${seg(d.tx_id)}/match`, { order_id: orderId });
  toast(`${d.depositor} ${won(d.amount)} → ${orderId} 입금 확인`);
  await reload();
}

function candidateRow(d, c, reload) {
  const slot = h("div.slot");
  const why = [c.same_amount && "금액 일치", c.similar_name && "이름 유사"].filter(Boolean).join(", ");
  const btn = h("button.btn", { type: "button", "aria-label": `${c.order_id}에 연결` }, "이 주문에 연결");
  btn.addEventListener("click", () => busy(btn, () => match(d, c.order_id, reload), slot));
  return h("li.candidate", { "data-order-id": c.order_id },
    h("a", { href: `#/orders/${seg(c.order_id)}` }, c.order_id), ` ${c.names.join(", ")} ${won(c.amount)} `,
    h("small.muted", {}, `${why} · ${kst(c.created_at)}`), " ", btn, slot);
}

function depositRow(d, reload) {
  const orderId = h("input", { name: "order_id", maxlength: 40, autocomplete: "off", "aria-label": "주문번호" });
  const note = h("input", { name: "note", maxlength: 200, autocomplete: "off", "aria-label": "메모" });
  const slot = h("div.slot");
  const matchBtn = h("button.btn", { type: "submit" }, "연결");
  const dismissBtn = h("button.btn", { type: "button" }, "주문 입금 아님");
  dismissBtn.addEventListener("click", () => busy(dismissBtn, async () => {
    await api.post(`/admin/deposits/${seg(d.account)}/${seg(d.tx_id)}/dismiss`, { note: note.value.trim() });
    toast("주문 입금 아님으로 처리했습니다.");
    await reload();
  }, slot));
  return h("li.deposit-row", { "data-tx-id": d.tx_id },
    h("div", {}, h("strong", {}, `${d.depositor} ${won(d.amount)}`), " ",
      h("span.badge.warn", {}, d.reason_ko), h("small.muted", {}, ` ${kst(d.at)} · 계좌 ${d.account} · ${d.tx_id}`)),
    d.candidates.length ? h("ul.plain.candidates", { "aria-label": "후보 주문" },
      d.candidates.map((c) => candidateRow(d, c, reload))) : h("p.muted", {}, "후보 주문이 없습니다."),
    h("form.row-actions", {
      "aria-label": `${d.tx_id} 처리`,
      onsubmit: (e) => {
        e.preventDefault();
        busy(matchBtn, () => match(d, orderId.value.trim(), reload), slot);
      },
    }, field("주문번호", orderId), matchBtn, field("메모", note), dismissBtn),
    slot);
}

function accountRow(a) {
  const state = !a.enabled ? "조회 안 함" : a.last_error && a.failures ? `오류: ${a.last_error}` : "정상";
  return h("li", { "data-account": a.account }, h("strong", {}, a.account), ` ${a.provider || ""} · ${state}`,
    h("small.muted", {}, ` · 마지막 조회 ${a.read_at ? kst(a.read_at) : "-"} · 다음 조회 ${a.next_at ? kst(a.next_at) : "-"}`));
}

export async function render(main, { query }) {
  main.append(h("h1", {}, "미확인 입금"));
  const q = h("input", { type: "search", name: "q", value: query.q || "", maxlength: 100, "aria-label": "입금자명 또는 금액" });
  const body = h("div.deposits");
  const reload = async () => {
    try {
      const [{ deposits, count }, { accounts }] = await Promise.all([
        api.get("/admin/deposits/unmatched", q.value.trim() ? { q: q.value.trim() } : {}),
        api.get("/admin/deposits/accounts")]);
      body.replaceChildren(section(`미확인 입금 ${count}건`, deposits.length
        ? h("ul.plain.deposit-list", {}, deposits.map((d) => depositRow(d, reload)))
        : empty("미확인 입금이 없습니다.")),
      section("입금 조회 계좌", accounts.length ? h("ul.plain.account-status", {}, accounts.map(accountRow))
        : empty("설정에서 입금 조회 계좌를 등록하세요.")));
    } catch (err) {
      body.replaceChildren(problemBox(err));
    }
  };
  main.append(h("form.row-actions", { role: "search", onsubmit: (e) => { e.preventDefault(); reload(); } },
    q, h("button.btn", { type: "submit" }, "검색")), body);
  await reload();
}
