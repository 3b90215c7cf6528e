// 설정: one card per settings section (each its own form and 저장, saving only that section with the
// version it read), then the cards backed by their own APIs: 엑셀 양식, 발신번호, 문자 템플릿, 알림톡 템플릿, 웹훅.
import { api } from "../api.js";
import { h, problemBox } from "../ui.js";
import { paymentsCard } from "../settings/payments.js";
import { pointsCard, confirmationCard, membershipCard, claimsCard, printingCard } from "../settings/sections.js";
import { shippingCard } from "../settings/shipping.js";
import { trackingCard } from "../settings/tracking.js";
import { depositFeedCard } from "../settings/deposits.js";
import { exportTemplatesCard } from "../settings/exports.js";
import { sendersCard } from "../settings/senders.js";
import { smsTemplatesCard } from "../settings/sms.js";
import { alimtalkSwitchesCard, alimtalkTemplatesCard } from "../settings/alimtalk.js";
import { webhooksCard } from "../settings/webhooks.js";
import { channelsCard } from "../settings/channels.js";

const CARDS = [
  ["결제", paymentsCard],
  ["무통장입금 자동 입금확인", depositFeedCard],
  ["적립금", pointsCard],
  ["배송비·도서산간", shippingCard],
  ["배송 추적", trackingCard],
  ["클레임", claimsCard],
  ["구매확정", confirmationCard],
  ["회원등급", membershipCard],
  ["인쇄", printingCard],
  ["엑셀 양식", exportTemplatesCard],
  ["발신번호", sendersCard],
  ["문자 템플릿", smsTemplatesCard],
  ["알림톡", alimtalkSwitchesCard],
  ["알림톡 템플릿", alimtalkTemplatesCard],
  ["웹훅", webhooksCard],
  ["외부 채널", channelsCard],
];

function jumpNav(cards) {
  return h("nav.settings-nav", { "aria-label": "설정 바로가기" },
    cards.map(([label, card]) => h("button.btn.ghost", {
      type: "button",
      onclick: () => { card.scrollIntoView({ block: "start" }); const f = card.querySelector("h2"); if (f) { f.tabIndex = -1; f.focus(); } },
    }, label)));
}

export async function render(main) {
  const heading = h("h1", {}, "설정");
  const body = h("div.settings", { "aria-busy": "true" });
  main.append(heading, body);
  const ctx = {
    state: { settings: null, version: 0 },
    async refresh() {
      const s = await api.get("/admin/settings");
      ctx.state.settings = s;
      ctx.state.version = s.version;
      return s;
    },
    async reload() {
      body.setAttribute("aria-busy", "true");
      try {
        await ctx.refresh();
      } catch (err) {
        body.replaceChildren(problemBox(err));
        return;
      } finally {
        body.removeAttribute("aria-busy");
      }
      if (!body.isConnected) return; // the operator moved to another screen meanwhile
      const cards = CARDS.map(([label, make]) => [label, make(ctx)]);
      body.replaceChildren(jumpNav(cards), h("div.settings-cards", {}, cards.map(([, card]) => card)));
    },
  };
  await ctx.reload();
}
