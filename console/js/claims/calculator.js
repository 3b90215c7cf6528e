// 환불금액 계산 and 정산 of a completed claim: the basis (실결제가 / 원판매가), the ± adjustment with its
// reason, the itemised figures each with its rule (POST …/calculate writes nothing), then 정산 in the
// direction the balance goes (환불처리 / 결제요청; POST …/settle) with the per-payment refund results.
import { api, seg } from "../api.js";
import { h, field, busy, dialog, problemBox, badge, nextId } from "../ui.js";
import { won, signedWon, moneyClass } from "../format.js";
import { PAYMENT_METHOD_KO, ko } from "../labels.js";
import { CLAIM_TYPE_KO, REQUEST_STATUS_KO } from "./labels.js";

/** The figures in the order the total adds them up: [key, label, sign of its effect on the total]. */
const FIGURES = [
  ["product", "상품 환불", 1], ["shipping_refunded", "배송비 환불", 1], ["return_fee", "반품·교환 배송비", -1],
  ["initial_shipping", "초기배송비", -1], ["coupon_recovered", "쿠폰 회수", -1], ["option_difference", "옵션 차액", -1],
  ["adjustment", "관리자 조정", 1],
];
const DEPOSITS = new Set(["virtual_account", "bank_transfer"]);

function figureTable(calc) {
  const rows = FIGURES.map(([key, label, sign]) => {
    const f = calc[key];
    return h("tr", { dataset: { figure: key } },
      h("th", { scope: "row" }, label),
      // the figure's direction from the shop: what it adds to the refund goes out (−)
      h("td.num", { class: moneyClass(-sign * f.amount) }, signedWon(-sign * f.amount)),
      h("td", { dataset: { rule: f.rule } }, f.text_ko));
  });
  const pts = calc.points_restored;
  rows.push(h("tr", { dataset: { figure: "points_restored" } }, h("th", { scope: "row" }, "적립금 복원"),
    h("td.num", {}, won(pts.amount)), h("td", { dataset: { rule: pts.rule } }, pts.text_ko)));
  return h("div.table-wrap", {}, h("table.grid.calc", {},
    h("caption.sr-only", {}, "환불금액 계산 내역"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "항목"), h("th.num", { scope: "col" }, "금액"), h("th", { scope: "col" }, "근거"))),
    h("tbody", {}, rows),
    h("tfoot", {}, h("tr", { dataset: { figure: "total" } },
      h("th", { scope: "row" }, calc.total >= 0 ? "구매자에게 환불" : "구매자에게 받을 금액"),
      h("td.num", { "data-testid": "calc-total", class: moneyClass(-calc.total) }, signedWon(-calc.total)), h("td", {},
        calc.points_back ? `적립금 ${won(calc.points_back)}은 적립금으로 복원` : "")))));
}

function afterText(calc) {
  const a = calc.outstanding_after;
  if (a < 0) return `정산 후 미결금액 ${signedWon(a)}: 구매자에게 ${won(-a)} 환불`;
  if (a > 0) return `정산 후 미결금액 ${signedWon(a)}: 구매자에게 ${won(a)} 결제요청`;
  return "정산 후 미결금액 0원: 주고받을 금액 없음";
}

function refundAccountFields() {
  const bank = h("input", { name: "bank", maxLength: 30, autocomplete: "off", placeholder: "예: 국민은행" });
  const no = h("input", { name: "account_no", maxLength: 40, inputMode: "numeric", pattern: "[0-9\\-]+", autocomplete: "off" });
  const holder = h("input", { name: "holder", maxLength: 50, autocomplete: "off" });
  const box = h("fieldset.form-grid.refund-account", {}, h("legend", {}, "환불 계좌 (가상계좌·무통장 결제)"),
    field("은행", bank), field("계좌번호", no), field("예금주", holder));
  const value = () => (bank.value.trim() || no.value.trim() || holder.value.trim()
    ? { bank: bank.value.trim(), account_no: no.value.trim(), holder: holder.value.trim() } : undefined);
  return { box, value };
}

/** Per-payment refund results of a settlement or a retry (PG refusals with their code and reason). */
export function refundResults(refund) {
  if (!refund) return null;
  const rows = (refund.results || []).map((r) => h("tr", { dataset: { result: r.status } },
    h("td", {}, ko(PAYMENT_METHOD_KO, r.method), h("br"), h("small.muted", {}, r.payment_id)),
    h("td.num", {}, won(r.amount)),
    h("td", {}, r.status === "refunded" ? badge("환불완료", "ok")
      : r.status === "manual" ? badge("직접 환불 필요", "warn") : badge("환불실패", "bad"),
    r.message_ko ? h("div.refund-reason", { dataset: { code: r.code || "", pgCode: r.pg_code || "" } },
      `사유: ${r.message_ko}`) : null)));
  return h("div.refund-results", {},
    h("h3", {}, "환불 결과"),
    h("p", {}, `요청 ${won(refund.requested)} · 환불 ${won(refund.refunded)} · 남은 금액 ${won(refund.left)}`),
    rows.length ? h("div.table-wrap", {}, h("table.grid", {},
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "결제"), h("th.num", { scope: "col" }, "금액"), h("th", { scope: "col" }, "결과"))),
      h("tbody", {}, rows))) : null,
    refund.error ? problemBox({ message: refund.error.message_ko || "환불하지 못했습니다." }) : null);
}

function settledView(out) {
  const order = out.order;
  const req = out.payment_request;
  return h("div.stack.settled", { "aria-live": "polite" },
    h("p.notice", {}, "정산되었습니다."),
    out.calculation ? figureTable(out.calculation) : null,
    refundResults(out.refund),
    req && req.request_id ? h("p", {}, `결제요청 ${won(req.amount)} (${ko(REQUEST_STATUS_KO, req.status)})`) : null,
    req && req.error ? problemBox({ message: req.error.message_ko }) : null,
    order ? h("p.settled-outstanding", {}, "미결금액 ", h("strong", { "data-testid": "settled-outstanding" },
      signedWon(order.amounts.outstanding))) : null);
}

/** The calculator dialog of one completed, unsettled claim. */
export function openCalculator(claim, ctx) {
  const base = `${ctx.path}/claims/${seg(claim.claim_id)}`;
  return dialog(`${CLAIM_TYPE_KO[claim.type]} ${claim.claim_id} 환불금액 계산`, (close) => {
    const slot = h("div.slot");
    const result = h("div.calc-result", { "aria-live": "polite" });
    const name = nextId("basis");
    const radio = (value, label, checked) => {
      const input = h("input", { type: "radio", name, value, checked, id: nextId("b") });
      return { input, el: h("label.check", { for: input.id }, input, label) };
    };
    const paid = radio("paid", "실결제가", true);
    const original = radio("original", "원판매가", false);
    const adjustment = h("input", { type: "number", name: "adjustment", step: "1", value: "0" });
    const adjReason = h("input", { name: "adjustment_reason", maxLength: 200 });
    const needsAccount = (ctx.order.payments || []).some((p) => DEPOSITS.has(p.method));
    const account = needsAccount ? refundAccountFields() : null;
    let calculated = null; // {body, calc, version}

    const body = () => {
      const adj = Number(adjustment.value || 0);
      return { basis: original.input.checked ? "original" : "paid", adjustment: Number.isInteger(adj) ? adj : 0,
        adjustment_reason: adjReason.value.trim() || undefined };
    };
    const stale = () => {
      if (!calculated) return;
      calculated = null;
      result.replaceChildren(h("p.muted", {}, "입력이 바뀌었습니다. 다시 계산하세요."));
    };
    [paid.input, original.input, adjustment, adjReason].forEach((el) => el.addEventListener("input", stale));

    const settle = async (btn, direction) => {
      const c = calculated;
      const req = { ...c.body, direction, expected_version: c.version,
        reason: `${CLAIM_TYPE_KO[claim.type]} ${claim.claim_id} 정산` };
      if (direction === "refund" && account) req.refund_account = account.value();
      const out = await busy(btn, () => api.post(`${base}/settle`, req), slot);
      if (!out) return;
      result.replaceChildren(settledView(out));
      form.hidden = true;
      closeRow.hidden = false;
      if (out.order) ctx.show(out.order);
    };

    const calcBtn = h("button.btn.primary", { type: "submit" }, "계산");
    const form = h("form.stack", {
      onsubmit: async (e) => {
        e.preventDefault();
        const b = body();
        const got = await busy(calcBtn, async () => {
          const view = await api.get(`${ctx.path}/claims`); // the version the calculation is settled against
          return { calc: await api.post(`${base}/calculate`, b), version: view.version };
        }, slot);
        if (!got) return;
        calculated = { body: b, ...got };
        const dir = got.calc.direction;
        const refundBtn = h("button.btn.primary", { type: "button", onclick: (ev) => settle(ev.currentTarget, "refund") },
          dir === "none" ? "정산 (차액 없음)" : "환불처리");
        const requestBtn = h("button.btn.primary", { type: "button", onclick: (ev) => settle(ev.currentTarget, "request") }, "결제요청");
        result.replaceChildren(...[figureTable(got.calc),
          h("p.calc-after", { "data-direction": dir }, afterText(got.calc)),
          dir === "refund" && account ? account.box : null,
          h("div.actions", {}, dir === "request" ? requestBtn : refundBtn)].filter(Boolean));
      },
    },
    h("fieldset.basis", {}, h("legend", {}, "환불 기준"), h("div.row-actions", {}, paid.el, original.el)),
    h("div.form-grid", {}, field("조정 금액 (±원)", adjustment, { hint: "더할 금액은 양수, 뺄 금액은 음수" }),
      field("조정 사유", adjReason)),
    h("div.actions", {}, calcBtn));
    const closeRow = h("div.actions", { hidden: true }, h("button.btn", { type: "button", onclick: () => close(undefined) }, "닫기"));
    return h("div.stack.calculator", {}, form, result, slot, closeRow);
  }, { wide: true });
}
