// The console's one label catalogue: every Korean name a screen shows for a code the API answers —
// unit statuses (the API's Status and STATUS_KO, in the list's tab order), claim types, payment
// methods, channels, providers, actors — and the Korean particle chosen by the word (주문을, 클레임을,
// 배송대기로). Screens never show a code an operator did not type.
export const STATUSES = [
  ["payment_pending", "입금대기"], ["preparing", "상품준비"], ["ready_to_ship", "배송대기"],
  ["shipping", "배송중"], ["delivered", "배송완료"], ["confirmed", "구매확정"],
  ["cancel_requested", "취소접수"], ["cancelled", "취소완료"], ["return_requested", "반품접수"],
  ["return_collecting", "수거중"], ["returned", "반품완료"], ["exchange_requested", "교환접수"],
  ["exchange_collecting", "교환수거중"], ["exchanged", "교환완료"],
];
export const STATUS_KO = Object.fromEntries(STATUSES);
export const statusKo = (s) => STATUS_KO[s] || "알 수 없는 상태";
/** A code's Korean name in `map`; a code the console does not know yet is never shown as it is. */
export const ko = (map, code) => (Object.prototype.hasOwnProperty.call(map, code) ? map[code] : "기타");
/** The list's tabs: every status, and 배송 이상 (parcels with an open delivery-tracking issue). */
export const TABS = [["all", "전체"], ...STATUSES, ["delivery_issue", "배송 이상"]];
/** The main flow, one step at a time. */
export const MAIN_FLOW = ["preparing", "ready_to_ship", "shipping", "delivered", "confirmed"];
/** Where a status sits in the flow (the list's order): a move to a smaller rank goes backwards. */
export const STATUS_RANK = Object.fromEntries(STATUSES.map(([s], i) => [s, i]));
/** Whether a move from `from` to `to` goes back in the flow (asked before it is made). */
export const isBackward = (from, to) => Boolean(from) && (STATUS_RANK[to] ?? 0) < (STATUS_RANK[from] ?? 0);

/** The status family a badge is coloured by (app.css .badge.s-*). */
export function statusFamily(s) {
  if (s === "payment_pending") return "wait";
  if (s === "preparing" || s === "ready_to_ship") return "prep";
  if (s === "shipping") return "ship";
  if (s === "delivered" || s === "confirmed") return "done";
  if (s === "cancelled" || s === "returned" || s === "exchanged") return "closed";
  return "claim"; // 취소·반품·교환 asked or being collected: needs the operator
}

export const CLAIM_TYPE_KO = { cancel: "취소", return: "반품", exchange: "교환" };

export const PAYMENT_METHOD_KO = {
  card: "신용카드", bank_transfer: "무통장입금", virtual_account: "가상계좌", easy_pay: "간편결제",
  points: "적립금", mobile: "휴대폰결제",
};
export const CHANNEL_KO = { store: "자사몰", naverpay_order: "네이버페이 주문형", kakao_checkout: "톡체크아웃" };

/** Payment gateways and easy-pay brands by their Korean trade names. */
export const PROVIDER_KO = {
  toss: "토스페이먼츠", portone: "포트원", inicis: "KG이니시스", kcp: "NHN KCP", nicepay: "나이스페이",
  naverpay: "네이버페이", kakaopay: "카카오페이", tosspay: "토스페이", payco: "페이코", samsungpay: "삼성페이",
};
export const providerKo = (p) => (p ? PROVIDER_KO[p] || p : "");

/** Who did something, as the API records them ({kind, id, name}). */
export const ACTOR_KO = { admin: "관리자", staff: "직원", buyer: "구매자", system: "시스템", pg: "결제대행사",
  service: "체크아웃", channel: "네이버 동기화" };
const ASCII_ID = /^[\x20-\x7e]+$/;

/**
 * A person by name: the actor's name, else what kind of actor it was — never an account id
 * ("admin-1"). `actor` may be the API's object or a bare string (old memos).
 */
export function personKo(actor) {
  if (!actor) return "";
  if (typeof actor === "string") return ASCII_ID.test(actor) ? "관리자" : actor;
  const kind = ACTOR_KO[actor.kind] || "";
  if (actor.name && !(ASCII_ID.test(actor.name) && actor.name === actor.id)) return actor.name;
  return kind || "관리자";
}

// ------------------------------------------------------------------ the screens' own codes

export const SHIP_METHOD_KO = { parcel: "택배", quick: "퀵서비스", pickup: "방문수령", none: "배송없음" };
export const TRACKING_STATE_KO = {
  pending: ["배송추적 등록 대기", ""], registered: ["배송추적 중", "ok"], polling: ["배송추적 중 (조회)", "ok"],
  rejected: ["배송추적 등록 거절", "bad"], off: ["배송추적 사용 안 함", ""],
};
export const SCAN_KIND_KO = {
  info: "접수", picked_up: "집화", in_transit: "이동중", out_for_delivery: "배송출발", delivered: "배송완료",
  failed_attempt: "배달 실패", exception: "배송 예외",
};
export const PAYMENT_STATUS_KO = { pending: "입금대기", paid: "결제완료", partial_cancelled: "부분취소", cancelled: "취소",
  expired: "기한만료", deposit_error: "입금오류" };
export const RECEIPT_STATUS_KO = { requested: "발급 요청 중", issued: "발급 완료", failed: "발급 실패", cancelled: "취소됨" };
export const ROLE_KO = { buyer: "구매자", recipient: "수령인" };
/** Buyer notifications: the order event a 알림톡 (or its SMS fallback) told the buyer about. */
export const NOTIFY_TRIGGER_KO = { paid: "결제완료", va_issued: "가상계좌 발급", shipped: "배송시작", delivered: "배송완료",
  cancelled: "취소·환불", payment_requested: "결제요청" };
/** Why a preview cannot be sent (its sender_problem code). */
export const SENDER_PROBLEM_KO = {
  NO_VERIFIED_SENDER: "인증된 기본 발신번호가 없습니다. 발신번호를 등록·인증하고 기본으로 지정하세요.",
  SENDER_NOT_VERIFIED: "기본 발신번호가 아직 인증되지 않았습니다. 발신번호 인증 후 다시 시도하세요.",
};
export const REFUND_RESULT_KO = { refunded: ["환불 완료", "ok"], refused: ["환불 거절", "bad"], manual: ["직접 환불 필요", "warn"] };
export const CHANNEL_PUSH_KO = { dispatch: "발송처리", delay: "발송지연", claim: "클레임 처리" };
export const CHANNEL_ACTION_KO = { approve: "승인", reject: "거부", holdback: "보류", release: "보류 해제" };
export const JOB_STATUS_KO = { snapshotting: "주문 모으는 중", running: "진행 중", done: "완료", partial: "일부 완료", failed: "실패", canceled: "취소됨" };
export const IMPORT_STATUS_KO = {
  awaiting_upload: "업로드 대기", queued: "처리 대기", processing: "처리 중", interrupted: "중단됨 · 이어서 처리 대기",
  done: "완료", refused: "파일 거절", failed: "실패",
};
export const BUYER_TYPE_KO = { member: "회원", guest: "비회원" };
export const POINTS_KIND_KO = { accrual: "구매확정 적립", use: "결제 사용", restore: "사용 복원", clawback: "적립 회수", manual: "수동" };
export const MEMBERSHIP_KO = { grant: "지급", revoke: "회수", group_removed: "그룹 제외" };
export const POINTS_BY_KO = { checkout: "주문", payment: "결제", system: "시스템" };

// ------------------------------------------------------------------ particles (조사)

const HANGUL_FIRST = 0xac00;
const HANGUL_LAST = 0xd7a3;
/** Final-consonant state of a digit's Korean reading (영 일 이 삼 사 오 육 칠 팔 구): 0 none, 1 ㄹ, 2 other. */
const DIGIT_FINAL = [2, 1, 0, 2, 0, 0, 2, 1, 1, 0];

function finalOf(word) {
  const s = String(word).replace(/[\s)\]'"’”»>.,!?]+$/u, "");
  const c = s.charCodeAt(s.length - 1);
  if (c >= HANGUL_FIRST && c <= HANGUL_LAST) {
    const jong = (c - HANGUL_FIRST) % 28;
    return jong === 0 ? 0 : jong === 8 ? 1 : 2;
  }
  if (c >= 48 && c <= 57) return DIGIT_FINAL[c - 48];
  return 0; // Latin letters and symbols: read without a final consonant
}

/**
 * The word with its particle: josa("주문", "을/를") → "주문을", josa("배송대기", "으로/로") → "배송대기로",
 * josa("상품준비", "이/가") → "상품준비가". Pairs: 을/를, 이/가, 은/는, 과/와, 으로/로, 이에요/예요.
 */
export function josa(word, pair) {
  const [withFinal, without] = pair.split("/");
  const f = finalOf(word);
  if (withFinal === "으로") return `${word}${f === 2 ? "으로" : "로"}`;
  return `${word}${f === 0 ? without : withFinal}`;
}
