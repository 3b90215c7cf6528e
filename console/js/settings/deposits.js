// 무통장입금 자동 입금확인: which deposit feed reads the site's bank accounts (its credentials are the
// deployment's SSM parameters, never typed here), the depositor-name rule, and the accounts read
// (one a line: the account number, the bank's code, a label).
import { h, field, select } from "../ui.js";
import { sectionCard } from "./form.js";

const PROVIDERS = [
  ["", "사용 안 함 (수동 입금 확인)"],
  ["bankda", "뱅크다 방식 (계좌별 조회, 5분에 한 번)"],
  ["popbill", "팝빌 계좌조회 방식 (수집 요청)"],
];
const RULES = [
  ["ignore_spaces", "공백 무시 일치 (기본)"],
  ["equal", "일치"],
  ["contains", "포함"],
  ["contains_ignore_spaces", "공백 무시 포함"],
];

const line = (a) => [a.number, a.bank_code, a.label].filter(Boolean).join(" ");

function parse(text) {
  return text.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const [number, bank = "", ...label] = l.split(/\s+/);
    return { number: number.replace(/-/g, ""), bank_code: bank, label: label.join(" ") };
  });
}

export function depositFeedCard(ctx) {
  return sectionCard(ctx, {
    key: "deposit_feed", title: "무통장입금 자동 입금확인", id: "settings-deposit-feed",
    intro: "입금 조회 서비스로 계좌의 입금 내역을 읽어, 금액이 같고 입금자명이 규칙에 맞는 주문 한 건을 자동으로 입금 확인합니다. "
      + "맞는 주문이 없거나 여러 건이면 미확인 입금 목록에 남습니다.",
    build(s) {
      const provider = select("provider", PROVIDERS, s.provider || "");
      const rule = select("rule", RULES, s.rule || "ignore_spaces");
      const accounts = h("textarea", { name: "accounts", rows: 3, "aria-label": "입금 계좌" },
        (s.accounts || []).map(line).join("\n"));
      return {
        body: h("div.form-grid", {}, field("입금 조회 서비스", provider), field("입금자명 규칙", rule),
          field("입금 계좌", accounts, { hint: "한 줄에 하나: 계좌번호 은행코드 이름 (예: 1002123456789 020 우리은행)", wide: true })),
        collect: () => ({ provider: provider.value || null, rule: rule.value, accounts: parse(accounts.value) }),
      };
    },
  });
}
