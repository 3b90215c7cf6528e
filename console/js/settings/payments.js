// 결제: the site's PG, 현금영수증 자동 발행, 뱅크다 matching, and the virtual-account callback URL
// (가상계좌 입금통보): the operator registers the URL in the PG's merchant console, then marks it
// registered here (POST /admin/settings/payments/callback-registration answers the URL to register).
import { api } from "../api.js";
import { config } from "../config.js";
import { h, field, select, busy, badge, toast } from "../ui.js";
import { kst } from "../format.js";
import { checkbox, sectionCard } from "./form.js";

const PROVIDERS = [["", "PG 없음 (무통장입금만)"], ["toss", "토스페이먼츠"], ["portone", "포트원"]];

function expectedUrl(provider) {
  return new URL(`${config().api_base}/webhooks/${provider}`, window.location.origin).toString();
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    toast("URL을 복사했습니다.");
  } catch {
    // no clipboard permission (http, old browser): select the text so the operator copies it
    const out = button.closest(".callback").querySelector("output");
    const range = document.createRange();
    range.selectNodeContents(out);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    toast("URL을 선택했습니다. 복사해 주세요.");
  }
}

/** The callback URL box: the URL, a copy button, the registered state and the register button. */
function callbackBox(ctx) {
  const p = ctx.state.settings.payments;
  const slot = h("div.slot");
  const box = h("div.callback", { "aria-live": "polite" });
  const draw = (url, registeredAt) => {
    const provider = ctx.state.settings.payments.pg_provider;
    if (!provider) {
      box.replaceChildren(h("p.muted", {}, "PG를 선택해 저장하면 가상계좌 입금통보 URL을 등록할 수 있습니다."));
      return;
    }
    const shown = url || expectedUrl(provider);
    const copyBtn = h("button.btn", { type: "button", onclick: (e) => copy(shown, e.currentTarget) }, "URL 복사");
    const register = h("button.btn.primary", { type: "button" }, registeredAt ? "다시 등록 표시" : "등록 완료 표시");
    register.addEventListener("click", () => busy(register, async () => {
      const answer = await api.post("/admin/settings/payments/callback-registration");
      await ctx.refresh(); // the registration saved the payments section: a new version
      draw(answer.callback_url, answer.callback_registered_at);
      toast("입금통보 URL 등록을 기록했습니다.");
    }, slot));
    box.replaceChildren(
      h("h3", {}, "가상계좌 입금통보 URL"),
      h("p.muted", {}, "PG 관리자 화면의 가상계좌 입금통보(웹훅) URL에 아래 주소를 등록한 뒤 ‘등록 완료 표시’를 누르세요. 등록 전의 가상계좌 주문은 수동으로 입금 확인합니다."),
      h("div.url-row", {}, h("output.url", { "aria-label": "입금통보 URL", "data-callback-url": "" }, shown), copyBtn),
      h("p.registered", {}, registeredAt
        ? [badge("등록됨", "ok"), " ", h("span", {}, `${kst(registeredAt)} 등록`)]
        : [badge("미등록", "warn"), " ", h("span.muted", {}, "아직 등록 완료로 표시되지 않았습니다.")]),
      h("div.row-actions", {}, register));
  };
  draw(null, p.callback_registered_at);
  const el = h("div.callback-wrap", {}, box, slot);
  el.redraw = () => draw(null, ctx.state.settings.payments.callback_registered_at);
  return el;
}

export function paymentsCard(ctx) {
  let callback = null;
  const card = sectionCard(ctx, {
    key: "payments", title: "결제", id: "settings-payments",
    build(s) {
      const provider = select("pg_provider", PROVIDERS, s.pg_provider || "");
      const receipt = checkbox("cash_receipt_auto_issue", s.cash_receipt_auto_issue, "현금영수증 자동 발행",
        { hint: "PG가 있어야 합니다. 무통장·가상계좌 입금 확인 시 발행합니다." });
      const matching = checkbox("bank_matching", s.bank_matching, "입금 자동 매칭 (뱅크다)");
      return {
        body: h("div.form-grid", {}, field("PG사", provider), receipt.el, matching.el),
        collect: () => ({
          pg_provider: provider.value || null,
          cash_receipt_auto_issue: receipt.box.checked,
          bank_matching: matching.box.checked,
        }),
      };
    },
    after: () => callback && callback.redraw(),
  });
  callback = callbackBox(ctx);
  card.append(callback);
  return card;
}
