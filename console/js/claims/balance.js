// The order's balance as claims leave it: the charges (each with its rule), the 결제요청 (open ones
// may be cancelled; a new one only when something is outstanding and none is open). What the order
// still owes the buyer is refunded from the payments section (환불 재시도).
import { api, seg } from "../api.js";
import { h, busy, toast, confirmDialog, field } from "../ui.js";
import { formDialog, input } from "../detail/act.js";
import { won, kst, signedWon, moneyClass } from "../format.js";
import { CHARGE_KO, OPEN_REQUEST, REQUEST_STATUS_KO, awaitingSettlement } from "./labels.js";
import { personKo, ko } from "../labels.js";

function chargesTable(charges) {
  if (!charges.length) return null;
  return h("div.table-wrap", {}, h("table.grid.charges", {},
    h("caption.sr-only", {}, "비용 항목"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "항목"), h("th.num", { scope: "col" }, "금액"),
      h("th", { scope: "col" }, "사유"), h("th", { scope: "col" }, "일시"))),
    h("tbody", {}, charges.map((c) => h("tr", { dataset: { charge: c.kind } },
      h("td", {}, ko(CHARGE_KO, c.kind), c.claim_id ? h("small.muted", {}, ` ${c.claim_id}`) : null),
      h("td.num", { class: moneyClass(c.amount) }, signedWon(c.amount)),
      h("td", { dataset: { rule: c.rule } }, c.reason_ko),
      h("td", {}, kst(c.at)))))));
}

function requestRow(req, ctx) {
  const slot = h("div.slot");
  const open = OPEN_REQUEST.has(req.status);
  const cancel = open ? h("button.btn.danger", { type: "button" }, "취소") : null;
  if (cancel) {
    cancel.addEventListener("click", async () => {
      if (!(await confirmDialog("결제요청 취소", `${won(req.amount)} 결제요청을 취소할까요?`, "요청 취소"))) return;
      const detail = await busy(cancel, () => api.post(`${ctx.path}/payment-requests/${seg(req.request_id)}/cancel`, {}), slot);
      if (detail) { toast("결제요청을 취소했습니다."); ctx.show(detail); }
    });
  }
  return h("li.payreq", { dataset: { requestId: req.request_id, status: req.status } },
    h("div", {}, h("strong", {}, `결제요청 ${won(req.amount)}`), " ",
      h("span.badge", { class: open ? "warn" : req.status === "paid" ? "ok" : "muted" },
        REQUEST_STATUS_KO[req.covered ? "covered" : req.status] || req.status),
      h("div.meta", {}, `${kst(req.created_at)} · ${personKo(req.created_by)}`,
        req.note ? ` · ${req.note}` : "")),
    cancel, slot);
}

/** 수동 결제 등록: the amount (at most what is owed) and a note; the detail redraws. */
function recordOutside(ctx, askable) {
  return formDialog(ctx, "수동 결제 등록", {
    submitLabel: "등록",
    build() {
      const amount = input("amount", { type: "number", required: true, min: 1, max: askable, value: askable,
        inputmode: "numeric" });
      const note = input("note", { maxlength: 500, placeholder: "입금자명, 현장 결제 등" });
      return {
        body: [h("p", {}, `PG를 거치지 않고 받은 금액을 기록합니다 (최대 ${won(askable)}).`),
          field("받은 금액", amount), field("메모", note)],
        values: () => ({ amount: Number(amount.value), ...(note.value.trim() ? { note: note.value.trim() } : {}) }),
      };
    },
    async submit(v) {
      const detail = await api.post(`${ctx.path}/payments/outside`, v);
      toast(`${won(v.amount)} 결제를 등록했습니다.`);
      ctx.show(detail);
      return detail;
    },
  });
}

/** The balance part of the claims section (null when there is nothing to show or do). */
export function balancePart(order, ctx) {
  const out = order.amounts.outstanding;
  // money on its way (a deposit still awaited) is not asked for again: only the requestable part
  const pending = order.amounts.pending || 0;
  const askable = order.amounts.requestable ?? Math.max(0, out - pending);
  const requests = order.payment_requests || [];
  const openReq = requests.find((r) => OPEN_REQUEST.has(r.status));
  const unsettled = (order.claims || []).some(awaitingSettlement);
  const slot = h("div.slot");
  const actions = [];
  if (askable > 0 && !openReq) {
    const ask = h("button.btn.primary", { type: "button" }, `결제요청 ${won(askable)}`);
    ask.addEventListener("click", async () => {
      const detail = await busy(ask, () => api.post(`${ctx.path}/payment-requests`, {}), slot);
      if (detail) { toast(`${won(askable)} 결제요청을 만들었습니다.`); ctx.show(detail); }
    });
    actions.push(ask);
  }
  if (askable > 0) {  // money received outside any PG (a transfer to the shop's account, cash at pickup)
    const outside = h("button.btn", { type: "button" }, "수동 결제 등록");
    outside.addEventListener("click", () => recordOutside(ctx, askable));
    actions.push(outside);
  }
  const charges = order.charges || [];
  if (!charges.length && !requests.length && !actions.length && !out) return null;
  return h("div.claims-balance", {},
    h("h3", {}, "정산 내역"),
    h("p", {}, "미결금액 ", h("strong", { "data-testid": "claims-outstanding", class: moneyClass(out) }, signedWon(out)),
      h("span.muted", {}, out < 0 ? " (환불할 금액)" : out > 0 ? " (받을 금액)" : "")),
    out > 0 && pending > 0 ? h("p.muted", { "data-testid": "claims-pending" },
      `입금 대기 중인 결제 ${won(pending)}은 다시 청구하지 않습니다.`) : null,
    unsettled ? h("p.muted", {}, "정산하지 않은 완료 클레임이 있습니다: 환불금액 계산 후 정산하세요.") : null,
    chargesTable(charges),
    requests.length ? h("ul.payreqs", {}, requests.map((r) => requestRow(r, ctx))) : null,
    actions.length ? h("div.row-actions", {}, actions) : null,
    slot);
}
