// 클레임 (취소/반품/교환) of the order detail: each claim with its units, reason and fault, collection,
// who asked and when, and the steps its state allows; 환불금액 계산 → 정산 on a completed claim; the
// balance the claims leave (charges, 결제요청, 환불 재시도). The parts are modules of js/claims/.
import { api } from "../api.js";
import { h, section, badge, empty, busy } from "../ui.js";
import { won, kst, signedWon } from "../format.js";
import { personKo, ko } from "../labels.js";
import { COLLECTION_KO, FAULT_KO, FEE_PAYMENT_KO, HISTORY_KO, STEP_BADGE, awaitingSettlement, focusClaim }
  from "../claims/labels.js";
import { stepButtons } from "../claims/steps.js";
import { claimableTypes, openClaimForm } from "../claims/claim_form.js";
import { openCalculator } from "../claims/calculator.js";
import { balancePart } from "../claims/balance.js";

const who = personKo;

function collectionText(c) {
  if (!c) return null;
  return [ko(COLLECTION_KO, c.method), c.courier, c.tracking_no].filter(Boolean).join(" · ");
}

function replacementText(r, text) {
  if (!r) return null;
  const price = r.option_price === null ? "옵션 추가금액 확인 전" : `옵션 추가금액 ${won(r.option_price)}`;
  return `${text} · ${price}${r.accepted_at ? " · 재고 차감됨" : ""}`;
}

/** 정산완료 only once the money moved: a settled claim whose refund or payment is still due says so. */
function settledBadge(claim, order) {
  if (!claim.settlement_id) return null;
  const out = order.amounts.outstanding;
  if (out < 0) return badge("환불 대기", "warn");
  if (out > 0) return badge("결제 대기", "warn");
  return badge("정산완료", "ok");
}

function claimCard(claim, order, ctx) {
  const facts = [
    ["품목", claim.lines.map((l) => `${l.line_id} ${l.product_name || ""}${l.option_text ? ` (${l.option_text})` : ""} ${l.quantity}개`
      + (l.status_ko ? ` · ${l.status_ko}` : "")).join(", ")],
    ["사유", `${claim.reason_ko} · ${ko(FAULT_KO, claim.fault)}${claim.fault_overridden ? " (관리자 변경)" : ""}`],
    ["교환 옵션", replacementText(claim.replacement, claim.replacement_text)],
    ["수거", collectionText(claim.collection)],
    ["반품비", claim.fee_payment ? FEE_PAYMENT_KO[claim.fee_payment] : null],
    ["보류", claim.hold ? `청구 ${won(claim.hold.amount)} — ${claim.hold.reason}` : null],
    ["거부·철회 사유", claim.closed_reason],
    ["메모", claim.note],
    ["접수", `${who(claim.requested_by)} · ${kst(claim.requested_at)}`],
    ["완료", claim.completed_at ? kst(claim.completed_at) : null],
    ["정산", claim.settlement_id ? `${signedWon(-claim.settled_total)} · ${kst(claim.settled_at)}` : null],
  ].filter(([, v]) => v);
  let calc = null;
  if (awaitingSettlement(claim)) {
    calc = h("button.btn.primary", { type: "button" }, "환불금액 계산");
    calc.addEventListener("click", async () => {
      await openCalculator(claim, ctx);
      focusClaim(claim.claim_id); // the dialog's opener may have gone with a redraw
    });
  }
  return h("li.claim", { dataset: { claimId: claim.claim_id, step: claim.step } },
    h("div.claim-head", {},
      h("h3", { tabindex: "-1" }, `${claim.claim_id} ${claim.type_ko}`),
      badge(claim.step_ko, STEP_BADGE[claim.step] || ""),
      settledBadge(claim, order)),
    h("dl.claim-facts", {}, facts.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))),
    (claim.history || []).length > 1 ? h("ol.claim-history", { "aria-label": `${claim.claim_id} 처리 이력` },
      claim.history.map((e) => h("li", {}, `${HISTORY_KO[e.step] || "처리"} · ${personKo(e.by)} · ${kst(e.at)}`))) : null,
    stepButtons(claim, ctx),
    calc ? h("div.row-actions", {}, calc) : null);
}

export function render(order, ctx) {
  const claims = order.claims || [];
  const types = claimableTypes(order);
  const actions = [];
  const slot = h("div.slot");
  if (types.length) {
    const open = h("button.btn", { type: "button" }, "클레임 접수");
    open.addEventListener("click", async () => {
      const view = await busy(open, () => api.get(`${ctx.path}/claims`), slot);
      if (view) await openClaimForm(ctx.order, ctx, view.reasons);
    });
    actions.push(open);
  }
  const balance = balancePart(order, ctx);
  if (!claims.length && !balance && !types.length) return null;
  const list = claims.length
    ? h("ul.claims", {}, [...claims].reverse().map((c) => claimCard(c, order, ctx)))
    : empty("접수된 클레임이 없습니다.");
  return section("클레임 (취소·반품·교환)", h("div.stack", {}, slot, list, balance), { actions, id: "claims" });
}
