// 알림톡: the site's KakaoTalk channel and which order events notify the buyer (the settings section
// "notifications", saved like every section), and the 알림톡 templates under Kakao's review
// (GET/POST /admin/alimtalk/templates, POST …/{code}/sync): each with its state (요청, 검수 중, 승인,
// 반려 with the reviewer's reason). Only an approved template sends; otherwise the text goes by SMS.
import { api, seg } from "../api.js";
import { h, field, section, busy, badge, empty, select, toast, problemBox, showProblem } from "../ui.js";
import { kst } from "../format.js";
import { checkbox, markInvalid, sectionCard, textInput } from "./form.js";

const TRIGGERS = [
  ["paid", "결제완료"],
  ["va_issued", "가상계좌 발급"],
  ["shipped", "배송시작"],
  ["delivered", "배송완료"],
  ["cancelled", "취소·환불"],
  ["payment_requested", "결제요청"],
];
const STATE = { TSC01: "warn", TSC02: "warn", TSC03: "ok", TSC04: "bad" };

/** The switches: the KakaoTalk channel, the first-use limit, the order link, one box per event. */
export function alimtalkSwitchesCard(ctx) {
  return sectionCard(ctx, {
    key: "notifications", title: "알림톡 알림", id: "settings-alimtalk",
    intro: "켠 이벤트마다 승인된 알림톡 템플릿으로 구매자에게 알립니다. 카카오톡 사용자가 아니거나 템플릿이 승인되지 않으면 같은 내용을 기본 발신번호로 문자(SMS/LMS) 발송합니다.",
    build(s) {
      const key = textInput("sender_key", s.sender_key, { maxlength: 64, placeholder: "카카오톡 채널 발신 키" });
      const link = textInput("order_link", s.order_link, { maxlength: 300, placeholder: "https://shop.example.com/orders/{order_id}" });
      const limit = checkbox("first_use_limit", s.first_use_limit, "최초 사용자 제한 채널 (변수 값 14자까지)",
        { hint: "제한 중에는 14자를 넘는 변수 값(링크 등)이 있으면 알림톡 대신 문자로 보냅니다." });
      const boxes = TRIGGERS.map(([name, label]) => [name, checkbox(name, s[name], label)]);
      return {
        body: [
          h("div.form-grid", {},
            field("카카오톡 채널 발신 키", key, { hint: "NHN Cloud senderKey / Solapi pfId" }),
            field("주문 링크", link, { hint: "#{결제링크}: {order_id} 자리에 주문번호가 들어갑니다." }),
            limit.el),
          h("fieldset.switches", {}, h("legend", {}, "알림을 보낼 이벤트"), boxes.map(([, b]) => b.el)),
        ],
        collect: () => ({
          sender_key: key.value.trim() || null, order_link: link.value.trim() || null,
          first_use_limit: limit.box.checked,
          ...Object.fromEntries(boxes.map(([name, b]) => [name, b.box.checked])),
        }),
      };
    },
  });
}

function templateRow(t, sync, slot) {
  const refresh = t.state === "TSC03" || t.state === "TSC04" ? null
    : h("button.btn", { type: "button", "aria-label": `${t.code} 검수 상태 확인` }, "상태 확인");
  if (refresh) refresh.addEventListener("click", () => busy(refresh, () => sync(t), slot));
  return h("li.item-row", { dataset: { alimtalkTemplate: t.code, state: t.state } },
    h("div.item-main", {},
      h("strong", {}, t.name), h("span.muted", {}, ` · ${t.code} · ${t.trigger_ko || t.trigger}`), " ",
      badge(t.state_ko, STATE[t.state] || "muted"),
      t.state === "TSC04" && t.reason ? h("div.problem", {}, `반려 사유: ${t.reason}`) : null,
      h("p.sms-text", {}, t.text),
      t.requested_at ? h("small.muted", {}, `${kst(t.requested_at)} 검수 요청`) : null),
    h("div.row-actions", {}, refresh));
}

function registerForm(variables, done) {
  const slot = h("div.slot");
  const code = h("input", { name: "code", maxlength: 20, autocomplete: "off", placeholder: "PAID01" });
  const name = h("input", { name: "name", maxlength: 60 });
  const trigger = select("trigger", TRIGGERS, "paid");
  const text = h("textarea", { name: "text", rows: 5, maxlength: 1000 });
  const vars = h("div.var-list", { role: "group", "aria-label": "변수 넣기" },
    Object.entries(variables).map(([v, about]) => h("button.btn.var", { type: "button", title: about,
      "aria-label": `#{${v}} 넣기`, onclick: () => { text.setRangeText(`#{${v}}`, text.selectionStart, text.selectionEnd, "end"); text.focus(); } },
    `#{${v}}`)));
  const submit = h("button.btn.primary", { type: "submit" }, "검수 요청");
  const form = h("form.sms-form", { novalidate: true, "aria-label": "알림톡 템플릿 등록", onsubmit: (e) => {
    e.preventDefault();
    busy(submit, async () => {
      const body = { code: code.value.trim(), name: name.value.trim(), trigger: trigger.value, text: text.value };
      try {
        const saved = await api.post("/admin/alimtalk/templates", body);
        markInvalid(form, null);
        await done(saved);
      } catch (err) {
        markInvalid(form, err);
        throw err;
      }
    }, slot);
  } },
  h("h3", {}, "새 알림톡 템플릿"),
  h("div.form-grid", {}, field("템플릿 코드", code, { hint: "영문·숫자·-·_ 20자" }), field("템플릿 이름", name),
    field("알림 이벤트", trigger)),
  field("본문", text, { hint: "1,000자, 변수 40개까지. 카카오 검수에서 승인된 뒤에만 발송됩니다.", wide: true }),
  vars, slot, h("div.actions", {}, submit));
  return form;
}

/** The templates and their review states, with the register form. */
export function alimtalkTemplatesCard() {
  const slot = h("div.slot");
  const list = h("ul.item-list", { "aria-label": "알림톡 템플릿 목록" });
  const formSlot = h("div");
  async function load() {
    showProblem(slot, null);
    try {
      const answer = await api.get("/admin/alimtalk/templates");
      const ts = answer.templates || [];
      list.replaceChildren(...(ts.length ? ts.map((t) => templateRow(t, sync, slot))
        : [h("li", {}, empty("등록된 알림톡 템플릿이 없습니다."))]));
      return answer.variables || {};
    } catch (err) {
      list.replaceChildren(h("li", {}, problemBox(err)));
      return {};
    }
  }
  async function sync(t) {
    const got = await api.post(`/admin/alimtalk/templates/${seg(t.code)}/sync`, {});
    toast(`${got.code}: ${got.state_ko}`);
    await load();
  }
  const showForm = (variables) => formSlot.replaceChildren(registerForm(variables, async (saved) => {
    toast(`알림톡 템플릿 ‘${saved.code}’의 검수를 요청했습니다.`);
    showForm(await load());
  }));
  load().then(showForm);
  const refresh = h("button.btn", { type: "button", onclick: () => busy(refresh, load, slot) }, "검수 상태 새로고침");
  return section("알림톡 템플릿", h("div.stack", {}, slot, list, formSlot), { actions: [refresh], id: "settings-alimtalk-templates" });
}
