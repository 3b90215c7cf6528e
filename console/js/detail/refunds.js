// 환불 재시도: refund what the order still owes the buyer through its payments (POST …/refunds); the
// answer lists a result per payment (refunded, or refused with the PG's or our reason), shown in the
// dialog while the detail behind it redraws. Also the refund-account fields a virtual account needs.
import { api } from "../api.js";
import { h, field, badge } from "../ui.js";
import { won } from "../format.js";
import { PAYMENT_METHOD_KO, REFUND_RESULT_KO, ko } from "../labels.js";
import { formDialog, input } from "./act.js";

/** 환불 계좌 (bank, account number, holder) for a virtual-account refund. */
export function refundAccountFields({ required = true } = {}) {
  const bank = input("bank", { required, maxlength: 30, placeholder: "신한은행" });
  const no = input("account_no", { required, maxlength: 40, pattern: "[0-9\\-]{4,40}", inputmode: "numeric" });
  const holder = input("holder", { required, maxlength: 50 });
  return {
    body: h("fieldset.form-grid", {}, h("legend", {}, "환불 계좌"),
      field("은행", bank), field("계좌번호", no), field("예금주", holder)),
    value: () => (bank.value.trim() ? { bank: bank.value.trim(), account_no: no.value.trim(), holder: holder.value.trim() }
      : undefined),
  };
}


function results(payout) {
  return h("div.payout", { role: "status" },
    h("p", {}, `요청 ${won(payout.requested)} · 환불 ${won(payout.refunded)} · 남음 ${won(payout.left)}`),
    h("ul.payout-results", {}, payout.results.map((r) => {
      const [said, kind] = REFUND_RESULT_KO[r.status] || ["처리 결과 확인 필요", ""];
      return h("li", {}, `${ko(PAYMENT_METHOD_KO, r.method)} ${won(r.amount)} `, badge(said, kind),
        r.message_ko ? h("div", { class: r.status === "refunded" ? "" : "problem", dataset: { code: r.code || "",
          pgCode: r.pg_code || "" } }, r.message_ko) : null);
    })));
}

export function refundOutstanding(ctx) {
  const deposits = (ctx.order.payments || []).some((p) => ["virtual_account", "bank_transfer"].includes(p.method)
    && ["paid", "partial_cancelled"].includes(p.status));
  return formDialog(ctx, "환불 재시도", {
    submitLabel: "환불",
    build() {
      const reason = input("reason", { required: true, maxlength: 200, value: "환불 재시도" });
      const account = deposits ? refundAccountFields({ required: false }) : null;
      return {
        body: [h("p", {}, `구매자에게 환불할 금액 ${won(-ctx.order.amounts.outstanding)}을 결제수단별로 환불합니다.`),
          field("사유", reason), account ? account.body : null],
        values: () => ({ reason: reason.value.trim(), refund_account: account ? account.value() : undefined }),
      };
    },
    async submit(v) {
      const answer = await api.post(`${ctx.path}/refunds`, v);
      ctx.show(answer.order);
      return answer;
    },
    after(answer, slot) {
      slot.replaceChildren(results(answer.refund)); // the result per payment stays in view until closed
      return true;
    },
  });
}
