// Unit statuses and their Korean names (the API's Status and STATUS_KO), in the list's tab order.
export const STATUSES = [
  ["payment_pending", "입금대기"], ["preparing", "상품준비"], ["ready_to_ship", "배송대기"],
  ["shipping", "배송중"], ["delivered", "배송완료"], ["confirmed", "구매확정"],
  ["cancel_requested", "취소접수"], ["cancelled", "취소완료"], ["return_requested", "반품접수"],
  ["return_collecting", "수거중"], ["returned", "반품완료"], ["exchange_requested", "교환접수"],
  ["exchange_collecting", "교환수거중"], ["exchanged", "교환완료"],
];
export const STATUS_KO = Object.fromEntries(STATUSES);
export const statusKo = (s) => STATUS_KO[s] || s;
/** The list's tabs: every status, and 배송 이상 (parcels with an open delivery-tracking issue). */
export const TABS = [["all", "전체"], ...STATUSES, ["delivery_issue", "배송 이상"]];
/** The main flow, one step at a time. */
export const MAIN_FLOW = ["preparing", "ready_to_ship", "shipping", "delivered", "confirmed"];

export const PAYMENT_METHOD_KO = {
  card: "신용카드", bank_transfer: "무통장입금", virtual_account: "가상계좌", easy_pay: "간편결제",
  points: "적립금", mobile: "휴대폰결제",
};
export const CHANNEL_KO = { store: "자사몰", naverpay_order: "네이버페이 주문형", kakao_checkout: "톡체크아웃" };
