// The claims area's Korean names and the rules the console mirrors (oms.domain.claims): which
// steps a claim allows at its step, which lines may take a claim of a type (their `next`).
import { CLAIM_TYPE_KO } from "../labels.js";

export { CLAIM_TYPE_KO };
export const CLAIM_TYPES = Object.entries(CLAIM_TYPE_KO);
export const FAULT_KO = { buyer: "구매자 귀책", shop: "판매자 귀책" };
export const COLLECTION_KO = { courier: "택배 수거", buyer_sends: "구매자 직접 발송", none: "수거 없음" };
export const FEE_PAYMENT_KO = { deduct: "환불금에서 차감", enclosed: "상품과 동봉", transfer: "직접 송금" };
export const CHARGE_KO = {
  return_fee: "반품배송비", exchange_fee: "교환배송비", initial_shipping: "초기배송비", remote_area: "도서산간 추가배송비",
  coupon_recovery: "쿠폰 회수", basis_difference: "원판매가 기준 차액", adjustment: "관리자 조정", added_line_fee: "추가상품 배송비",
};
export const REQUEST_STATUS_KO = {
  open: "결제대기", awaiting_deposit: "입금대기", expired: "입금기한 만료", paid: "결제완료", cancelled: "요청취소",
  covered: "다른 결제로 충당",
};
/** 결제요청 still asking for its amount (may be cancelled). */
export const OPEN_REQUEST = new Set(["open", "awaiting_deposit", "expired"]);
/** Steps as a claim's history records them (settled: its money, by refunds.settle). */
export const HISTORY_KO = {
  requested: "접수", collecting: "수거중", collected: "수거완료", on_hold: "보류", completed: "완료", rejected: "거부",
  withdrawn: "철회", settled: "정산",
};
export const STEP_BADGE = {
  requested: "warn", collecting: "warn", collected: "warn", on_hold: "bad", completed: "ok", rejected: "muted",
  withdrawn: "muted",
};

/** The unit status a claim of each type requests (a line may take it iff its `next` has it). */
export const REQUEST_STATUS = { cancel: "cancel_requested", return: "return_requested", exchange: "exchange_requested" };

/** The `next` entry of a line that lets it take a claim of `type`, or undefined. */
export const claimMove = (line, type) => (line.next || []).find((n) => n.to === REQUEST_STATUS[type]);

/**
 * The steps an admin may take on a claim at its step (advance_claim / complete_claim):
 * [to, label, kind] where kind says what the step asks for (hold: amount + reason; reason: text).
 */
export function allowedSteps(claim) {
  if (!claim.open) return [];
  const s = claim.step;
  const out = [];
  // the step forward first (the one the keyboard lands on after a redraw), then the detours
  // a buyer's 교환 옵션 is priced by the admin when the collection starts (the stock is taken then)
  const unpriced = claim.replacement && claim.replacement.option_price === null;
  if (s === "requested" && claim.type !== "cancel") out.push(["collecting", "수거중", unpriced ? "option_price" : "plain"]);
  if (s === "collecting") out.push(["collected", "수거완료", "plain"]);
  if ((s === "requested" && claim.type === "cancel") || s === "collected") out.push(["complete", "완료", "plain"]);
  if (s === "collected") out.push(["on_hold", "보류", "hold"]);
  if (s === "on_hold") out.push(["release", "보류해제", "plain"]);
  out.push(["reject", "거부", "reason"]);
  if (s === "requested") out.push(["withdraw", "철회", "reason"]);
  return out;
}


/** A completed claim whose charges are not posted yet (its refund waits for 정산). */
export const awaitingSettlement = (c) => c.step === "completed" && !c.settlement_id;

/**
 * After a redraw, put the keyboard focus back on the claim that was acted on: its first step
 * button, else its 환불금액 계산, else its heading (the button pressed may be gone with its step).
 */
export function focusClaim(claimId) {
  const card = document.querySelector(`[data-claim-id="${CSS.escape(claimId)}"]`);
  if (!card) return;
  const target = card.querySelector("button") || card.querySelector("h3");
  if (target) target.focus();
}
