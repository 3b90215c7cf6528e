// A claim's next steps as buttons (only what the claim's step allows); 보류 asks for the amount and
// the reason, 거부/철회 for the reason, 수거중 of a buyer's 교환 옵션 for its 옵션 추가금액. The API's refusal
// lands next to the buttons.
import { api, seg } from "../api.js";
import { h, field, busy, dialog, toast } from "../ui.js";
import { allowedSteps, CLAIM_TYPE_KO, focusClaim } from "./labels.js";

function post(ctx, claim, body) {
  // no expected_version: the claim's own rules answer a stale screen (e.g. 수거중 twice) precisely
  return api.post(`${ctx.path}/claims/${seg(claim.claim_id)}/steps`, body);
}

/** 수거중 of a buyer's 교환 옵션: the admin confirms its 옵션 추가금액; answers the detail or undefined. */
function askOptionPrice(ctx, claim, to, label) {
  return dialog(`${CLAIM_TYPE_KO[claim.type]} ${claim.claim_id} ${label}`, (close) => {
    const slot = h("div.slot");
    const price = h("input", { type: "number", name: "exchange_option_price", min: "0", step: "1", required: true, value: "0" });
    const ok = h("button.btn.primary", { type: "submit" }, label);
    return h("form.stack", {
      onsubmit: async (e) => {
        e.preventDefault();
        const detail = await busy(ok, () => post(ctx, claim, { to, exchange_option_price: Number(price.value || 0) }), slot);
        if (detail) close(detail);
      },
    },
    h("p", {}, `구매자가 요청한 교환 옵션: ${claim.replacement_text || ""}`),
    field("옵션 추가금액 (원)", price, { hint: "확정하면 교환 옵션의 재고가 차감됩니다" }),
    slot,
    h("div.actions", {}, h("button.btn", { type: "button", onclick: () => close(undefined) }, "취소"), ok));
  });
}

/** 보류 (amount + reason) or 거부/철회 (reason): a small form in a dialog; answers the detail or undefined. */
function askStep(ctx, claim, to, label, kind) {
  const title = `${CLAIM_TYPE_KO[claim.type]} ${claim.claim_id} ${label}`;
  return dialog(title, (close) => {
    const slot = h("div.slot");
    const amount = kind === "hold" ? h("input", { type: "number", name: "hold_amount", min: "0", step: "1", required: true, value: "0" }) : null;
    const reason = h("textarea", { name: "reason", rows: 3, maxLength: 200, required: true });
    const ok = h("button.btn.primary", { type: "submit" }, label);
    const form = h("form.stack", {
      onsubmit: async (e) => {
        e.preventDefault();
        const body = kind === "hold"
          ? { to, hold: { amount: Number(amount.value || 0), reason: reason.value.trim() } }
          : { to, reason: reason.value.trim() };
        const detail = await busy(ok, () => post(ctx, claim, body), slot);
        if (detail) close(detail);
      },
    },
    kind === "hold" ? field("청구 금액 (원)", amount, { hint: "보류 해제 전 구매자에게 청구할 금액 (0 이상)" }) : null,
    field(kind === "hold" ? "보류 사유" : `${label} 사유`, reason),
    slot,
    h("div.actions", {}, h("button.btn", { type: "button", onclick: () => close(undefined) }, "취소"), ok));
    return form;
  });
}

/** The step buttons of one claim, with the slot their refusals land in. */
export function stepButtons(claim, ctx) {
  const steps = allowedSteps(claim);
  if (!steps.length) return null;
  const slot = h("div.slot");
  const buttons = steps.map(([to, label, kind]) => {
    const btn = h(`button.btn${to === "reject" || to === "withdraw" ? ".danger" : to === "complete" ? ".primary" : ""}`,
      { type: "button", dataset: { step: to } }, label);
    btn.addEventListener("click", async () => {
      let detail;
      if (kind === "plain") detail = await busy(btn, () => post(ctx, claim, { to }), slot);
      else if (kind === "option_price") detail = await askOptionPrice(ctx, claim, to, label);
      else detail = await askStep(ctx, claim, to, label, kind);
      if (detail) {
        toast(`${claim.claim_id} ${label} 처리되었습니다.`);
        ctx.show(detail);
        focusClaim(claim.claim_id);
      }
    });
    return btn;
  });
  return h("div.claim-steps", {}, h("div.row-actions", { role: "group", "aria-label": `${claim.claim_id} 처리` }, buttons), slot);
}
