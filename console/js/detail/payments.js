// 결제: each payment (method, amount, status, paid at, PG, the virtual account, the cash receipt) with
// the actions its state allows in its "…" menu — 수동 입금 확인, 환불 (PG), 현금영수증 발행 / 발급 완료
// 처리 / 수동 완료 처리, 환불 강제완료 — and, while the order owes the buyer, 환불 재시도. The rules
// mirror oms.domain.payments / cash_receipts; a refusal that still comes is shown in the dialog.
import { api } from "../api.js";
import { h, section, field, select, badge, empty } from "../ui.js";
import { won, kst, kstInputToIso } from "../format.js";
import { PAYMENT_METHOD_KO, providerKo, personKo, PAYMENT_STATUS_KO, RECEIPT_STATUS_KO, ko } from "../labels.js";
import { formDialog, input } from "./act.js";
import { refundAccountFields, refundOutstanding } from "./refunds.js";
import { awaitingSettlement } from "../claims/labels.js";

const DEPOSIT_METHODS = ["virtual_account", "bank_transfer"];
const REFUNDABLE = ["paid", "partial_cancelled"];

/** What the order's payment rules allow for this payment now. */
export function allowed(p, order, settings) {
  const hasPg = Boolean(settings && settings.payments && settings.payments.pg_provider);
  const receipt = (p.cash_receipt || {}).status;
  const claimed = p.refund_claimed || p.refunded_amount || 0;
  const refundable = Math.max(0, p.amount - claimed);
  const receiptOk = DEPOSIT_METHODS.includes(p.method) && REFUNDABLE.includes(p.status);
  return {
    deposit: p.status === "pending" && DEPOSIT_METHODS.includes(p.method),
    refund: REFUNDABLE.includes(p.status) && Boolean(p.provider && p.pg_payment_key) && refundable > 0
      && (p.method !== "virtual_account" || !claimed),
    refundable,
    issue: receiptOk && hasPg && receipt !== "issued",
    complete: receiptOk && receipt === "requested",
    manual: receiptOk && receipt !== "requested" && receipt !== "issued" && (!hasPg || receipt === "failed"),
    force: REFUNDABLE.includes(p.status) && order.amounts.outstanding < 0 && p.amount - (p.refunded_amount || 0) > 0,
  };
}

const payPath = (ctx, p, tail) => `${ctx.path}/payments/${encodeURIComponent(p.payment_id)}${tail}`;
const showing = (ctx) => async (order) => { ctx.show(order); return order; };

function depositDialog(ctx, p) {
  return formDialog(ctx, "수동 입금 확인", {
    submitLabel: "입금 확인",
    build() {
      const at = input("paid_at", { type: "datetime-local" });
      const note = input("note", { maxlength: 500, placeholder: "입금자명, 통장 메모" });
      return {
        body: [h("p", {}, `${ko(PAYMENT_METHOD_KO, p.method)} ${won(p.amount)}의 입금을 확인합니다. `
          + "입금대기 품목은 상품준비로 바뀝니다."),
        h("div.form-grid", {}, field("입금시각 (KST, 비우면 지금)", at), field("메모", note))],
        values: () => ({ paid_at: kstInputToIso(at.value), note: note.value.trim() || undefined }),
      };
    },
    submit: async (v) => showing(ctx)(await api.post(payPath(ctx, p, "/deposit"), v)),
  });
}

const newRequestId = () => `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;

function refundDialog(ctx, p, left) {
  const va = p.method === "virtual_account";
  let requestId = null;
  return formDialog(ctx, "환불 (PG 결제취소)", {
    submitLabel: "환불",
    build() {
      const amount = input("amount", { type: "number", min: 1, max: left, value: left, required: true,
        readOnly: va, inputmode: "numeric" });
      const reason = input("reason", { required: true, maxlength: 200, value: "고객 요청 환불" });
      const account = va ? refundAccountFields() : null;
      return {
        body: [h("p", {}, `환불 가능 ${won(left)}${va ? " (가상계좌는 전체 금액만 자동 환불됩니다)" : ""}`),
          h("div.form-grid", {}, field("환불 금액", amount), field("사유", reason)), account ? account.body : null],
        values: () => ({ amount: Number(amount.value) === p.amount ? undefined : Number(amount.value),
          reason: reason.value.trim(), refund_account: account ? account.value() : undefined }),
      };
    },
    async submit(v) {
      // one request id per refund: sent again after no answer (503 PG_REFUND_PENDING) it completes the
      // same request; after a definite refusal the next try is a new request
      requestId = requestId || newRequestId();
      try {
        return await showing(ctx)(await api.post(payPath(ctx, p, "/refund"), { ...v, request_id: requestId }));
      } catch (err) {
        if (err.code !== "PG_REFUND_PENDING") requestId = null;
        throw err;
      }
    },
  });
}

function receiptFields(withIssueNo) {
  const type = select("type", [["소득공제", "소득공제"], ["지출증빙", "지출증빙"]], "소득공제");
  const id = input("identity_number", { required: !withIssueNo, maxlength: 20, pattern: "[0-9\\-]{8,20}",
    inputmode: "numeric", placeholder: "휴대폰·현금영수증카드·사업자번호" });
  const no = withIssueNo ? input("issue_number", { maxlength: 40 }) : null;
  return {
    body: [h("div.form-grid", {}, field("유형", type), field("식별번호", id), no ? field("승인번호", no) : null)],
    values: () => ({ type: type.value, identity_number: id.value.trim() || undefined,
      ...(no ? { issue_number: no.value.trim() || undefined } : {}) }),
  };
}

function issueDialog(ctx, p) {
  const again = (p.cash_receipt || {}).status === "requested";
  return formDialog(ctx, again ? "현금영수증 다시 요청" : "현금영수증 발행", {
    submitLabel: "발행",
    build: () => {
      const f = receiptFields(false);
      return { body: [again ? h("p.notice", {}, "발급 요청 중인 영수증과 같은 유형·번호로만 다시 요청할 수 있습니다.") : null,
        ...f.body], values: f.values };
    },
    submit: async (v) => showing(ctx)(await api.post(payPath(ctx, p, "/cash-receipt"), v)),
  });
}

function completeDialog(ctx, p) {
  return formDialog(ctx, "현금영수증 발급 완료 처리", {
    submitLabel: "완료 처리",
    build() {
      const no = input("issue_number", { required: true, maxlength: 40 });
      const note = input("note", { maxlength: 500 });
      return { body: [h("p", {}, "PG 관리자 화면에서 발급된 것을 확인한 영수증의 승인번호를 입력하세요."),
        h("div.form-grid", {}, field("승인번호", no), field("메모", note))],
      values: () => ({ issue_number: no.value.trim(), note: note.value.trim() || undefined }) };
    },
    submit: async (v) => showing(ctx)(await api.post(payPath(ctx, p, "/cash-receipt/complete"), v)),
  });
}

function manualDialog(ctx, p) {
  return formDialog(ctx, "현금영수증 수동 완료 처리", {
    submitLabel: "완료 처리",
    build: () => {
      const f = receiptFields(true);
      return { body: [h("p", {}, "홈택스 등 외부에서 발급한 현금영수증을 기록합니다."), ...f.body], values: f.values };
    },
    submit: async (v) => showing(ctx)(await api.post(payPath(ctx, p, "/cash-receipt/manual-complete"), v)),
  });
}

function forceDialog(ctx, p) {
  const owed = -ctx.order.amounts.outstanding;
  const most = Math.min(owed, p.amount - (p.refunded_amount || 0));
  return formDialog(ctx, "환불 강제완료", {
    submitLabel: "강제완료",
    build() {
      const amount = input("amount", { type: "number", min: 1, max: most, value: most, required: true, inputmode: "numeric" });
      const note = input("bank_note", { required: true, maxlength: 200, placeholder: "환불 계좌 신한 110-***-1234 홍길동" });
      return { body: [h("p", {}, `PG 관리자 화면이나 계좌이체로 직접 환불한 금액을 기록합니다 (환불할 금액 ${won(owed)}).`),
        h("div.form-grid", {}, field("환불한 금액", amount), field("환불 내역 메모", note))],
      values: () => ({ amount: Number(amount.value), bank_note: note.value.trim() }) };
    },
    submit: async (v) => showing(ctx)(await api.post(payPath(ctx, p, "/refunds/force-complete"), v)),
  });
}

function menu(ctx, p, can) {
  const items = [
    can.deposit && ["수동 입금 확인", () => depositDialog(ctx, p)],
    can.refund && ["환불", () => refundDialog(ctx, p, can.refundable)],
    can.issue && [(p.cash_receipt || {}).status === "requested" ? "현금영수증 다시 요청" : "현금영수증 발행", () => issueDialog(ctx, p)],
    can.complete && ["발급 완료 처리", () => completeDialog(ctx, p)],
    can.manual && ["수동 완료 처리", () => manualDialog(ctx, p)],
    can.force && can.refund && ["환불 강제완료", () => forceDialog(ctx, p)],
  ].filter(Boolean);
  if (!items.length) return null;
  return h("details.menu", {},
    h("summary.btn", { "aria-label": `${ko(PAYMENT_METHOD_KO, p.method)} 결제 작업` }, "…"),
    h("div.menu-items", {}, items.map(([label, open]) => h("button.btn", { type: "button", onclick: open }, label))));
}

function receiptText(r) {
  if (!r) return null;
  const parts = [`현금영수증 ${ko(RECEIPT_STATUS_KO, r.status)}`, r.type, r.identity_number,
    r.issue_number && `승인번호 ${r.issue_number}`, r.amount !== undefined && won(r.amount),
    r.failure_reason && `사유: ${r.failure_reason}`, r.cancel_failure_reason && `취소 실패: ${r.cancel_failure_reason}`];
  return h(`div.receipt${r.status === "failed" ? ".bad" : ""}`, {}, parts.filter(Boolean).join(" · "));
}

/** The buyer's own cash-receipt request from checkout (masked), until a receipt is issued for it. */
function requestText(p) {
  const r = p.cash_receipt_request;
  if (!r || (p.cash_receipt && p.cash_receipt.status === "issued")) return null;
  return h("div.receipt-request", {}, `구매자 현금영수증 신청: ${r.type} · ${r.identity_number}`
    + (p.status === "pending" ? " (입금 확인 후 발급)" : ""));
}

function paymentItem(ctx, p, order) {
  const can = allowed(p, order, ctx.settings);
  const va = p.virtual_account;
  const status = ko(PAYMENT_STATUS_KO, p.status);
  return h("li.payment", { "data-payment-id": p.payment_id, "data-status": p.status },
    h("div.payment-main", {},
      h("div", {}, h("strong", {}, ko(PAYMENT_METHOD_KO, p.method)), " ", won(p.amount), " ",
        badge(status, p.status === "paid" ? "ok" : p.status === "pending" ? "warn" : p.status === "deposit_error" ? "bad" : "muted")),
      h("div.muted", {}, [p.provider && providerKo(p.provider), p.paid_at && `결제 ${kst(p.paid_at)}`,
        !p.paid_at && p.requested_at && `요청 ${kst(p.requested_at)}`,
        p.refunded_amount ? `환불 ${won(p.refunded_amount)}` : null,
        p.confirmed_by && p.deposit_source === "manual" ? `수동 확인: ${personKo(p.confirmed_by)}` : null,
        p.deposit_source === "auto" ? "자동 입금확인" : null]
        .filter(Boolean).join(" · ")),
      p.deposit ? h("div.deposit", {}, `입금 ${p.deposit.depositor} ${won(p.deposit.amount)} · ${p.deposit.reference}`
        + (p.deposit.amount > p.amount ? ` · 초과 입금 ${won(p.deposit.amount - p.amount)} 환불 필요` : "")) : null,
      va ? h("div.va", {}, `${va.bank} ${va.account_no} (예금주 ${va.holder}) · 입금기한 ${kst(va.due_at)}`) : null,
      receiptText(p.cash_receipt), requestText(p)),
    h("div.payment-actions", {},
      // a payment no PG can refund: recording the refund made by hand is the next step, in view
      can.force && !can.refund ? h("button.btn.primary", { type: "button", onclick: () => forceDialog(ctx, p) },
        "환불 강제완료") : null,
      menu(ctx, p, can)));
}

export function render(order, ctx) {
  const pays = order.payments || [];
  const actions = [];
  // a completed claim not settled yet still has its deductions (return fee, coupon) to post: the
  // refund waits for 정산, which refunds the settled amount itself
  const unsettled = (order.claims || []).some(awaitingSettlement);
  if (order.amounts.outstanding < 0 && !unsettled) {
    const retry = h("button.btn", { type: "button" }, "환불 재시도");
    retry.addEventListener("click", () => refundOutstanding(ctx));
    actions.push(retry);
  }
  const body = pays.length ? h("ul.payments", {}, pays.map((p) => paymentItem(ctx, p, order)))
    : empty("결제 내역이 없습니다.");
  const owed = order.amounts.outstanding < 0
    ? h("p.notice", {}, `구매자에게 환불할 금액 ${won(-order.amounts.outstanding)}이 남아 있습니다.`,
      unsettled ? " 완료된 클레임을 먼저 정산하세요 (클레임의 환불금액 계산 → 정산)." : "") : null;
  return section("결제", h("div", {}, owed, body), { id: "payments", actions });
}
