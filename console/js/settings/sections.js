// The plain settings sections: 적립금, 구매확정, 회원등급, 클레임, 인쇄 — one card and one form each.
import { h, field, select } from "../ui.js";
import { won } from "../format.js";
import { checkbox, intInput, readInt, sectionCard, textInput } from "./form.js";

/** 적립금: on/off, the accrual rate (shown in %, stored in basis points), take-back on cancel. */
export function pointsCard(ctx) {
  return sectionCard(ctx, {
    key: "points", title: "적립금", id: "settings-points",
    build(s) {
      const enabled = checkbox("enabled", s.enabled, "적립금 사용", { hint: "끄면 새 주문에 적립금이 쌓이지 않습니다." });
      const rate = h("input", { type: "number", name: "rate_bp", inputmode: "decimal", min: 0, max: 100, step: 0.01,
        value: String(s.rate_bp / 100), required: true });
      const clawback = checkbox("auto_clawback", s.auto_clawback, "취소·반품 시 적립금 자동 회수");
      return {
        body: h("div.form-grid", {}, enabled.el,
          field("적립률 (%)", rate, { hint: `결제금액 기준, 0.01% 단위 (지금: 10,000원 결제에 ${won(Math.floor(s.rate_bp))} 적립)` }),
          clawback.el),
        collect: () => {
          const pct = readInt(rate);
          return { enabled: enabled.box.checked, auto_clawback: clawback.box.checked,
            rate_bp: typeof pct === "number" ? Math.round(pct * 100) : pct };
        },
      };
    },
  });
}

/** 구매확정: days after delivery. */
export function confirmationCard(ctx) {
  return sectionCard(ctx, {
    key: "confirmation", title: "구매확정", id: "settings-confirmation",
    build(s) {
      const days = intInput("auto_confirm_days", s.auto_confirm_days, { min: 1, max: 90 });
      return {
        body: h("div.form-grid", {}, field("자동 구매확정 (배송완료 후 일)", days, { hint: "1–90일, 한국 시간 날짜 기준" })),
        collect: () => ({ auto_confirm_days: readInt(days) }),
      };
    },
  });
}

/** 회원등급: remove the member group when a pass is cancelled. */
export function membershipCard(ctx) {
  return sectionCard(ctx, {
    key: "membership", title: "회원등급 이용권", id: "settings-membership",
    build(s) {
      const remove = checkbox("auto_remove_group", s.auto_remove_group, "이용권 주문 취소 시 회원등급 자동 해제");
      return { body: h("div.form-grid", {}, remove.el), collect: () => ({ auto_remove_group: remove.box.checked }) };
    },
  });
}

const COUPON_RECOVERY = [
  ["none", "회수하지 않음"],
  ["pro_rata", "반품 비율만큼 회수"],
  ["whole_when_minimum_broken", "최소 주문금액 미달 시 전액 회수"],
];

/** 클레임: the return fee, the remote surcharge on returns, coupon recovery. */
export function claimsCard(ctx) {
  return sectionCard(ctx, {
    key: "claims", title: "클레임 (취소·반품·교환)", id: "settings-claims",
    intro: "반품·교환 환불액 계산에 쓰입니다. 교환은 반품배송비를 왕복으로 받습니다.",
    build(s) {
      const fee = intInput("return_shipping_fee", s.return_shipping_fee, { max: 1000000, step: 100 });
      const surcharge = intInput("remote_return_surcharge", s.remote_return_surcharge, { max: 1000000, step: 100 });
      const recovery = select("coupon_recovery", COUPON_RECOVERY, s.coupon_recovery);
      const minimum = intInput("coupon_min_order_amount", s.coupon_min_order_amount, { optional: true, step: 100 });
      return {
        body: h("div.form-grid", {},
          field("반품배송비 (편도, 원)", fee),
          field("도서산간 반품 추가비 (원)", surcharge, { hint: "수령지가 도서산간 구역이면 반품배송비에 더합니다." }),
          field("쿠폰 회수", recovery, { hint: "원판매가 기준" }),
          field("쿠폰 최소 주문금액 (원)", minimum, { hint: "비우면 없음" })),
        collect: () => ({
          return_shipping_fee: readInt(fee), remote_return_surcharge: readInt(surcharge),
          coupon_recovery: recovery.value, coupon_min_order_amount: readInt(minimum),
        }),
      };
    },
  });
}

/** 인쇄: the shop name at the top of order sheets. */
export function printingCard(ctx) {
  return sectionCard(ctx, {
    key: "printing", title: "인쇄", id: "settings-printing",
    build(s) {
      const name = textInput("shop_name", s.shop_name, { maxlength: 60, placeholder: "비우면 사이트 ID" });
      return {
        body: h("div.form-grid", {}, field("쇼핑몰 이름", name, { hint: "주문서 상단에 인쇄됩니다 (60자까지)." })),
        collect: () => ({ shop_name: name.value.trim() || null }),
      };
    },
  });
}
