// 발신번호: the site's sender numbers (GET/POST /admin/messages/senders). A new number waits for the
// provider's verification (인증 대기); listing asks the provider again, so 새로고침 shows a number
// verified since. Only a verified number can become the default (PUT /admin/messages/senders/default).
import { api } from "../api.js";
import { h, field, section, busy, badge, empty, toast, problemBox } from "../ui.js";
import { kst } from "../format.js";

const STATE = {
  pending: ["인증 대기", "warn"],
  verified: ["인증됨", "ok"],
  rejected: ["거절됨", "bad"],
  blocked: ["차단됨", "bad"],
};

function senderRow(s, apply, slot) {
  const [stateKo, kind] = STATE[s.state] || [s.state, "muted"];
  const makeDefault = s.state === "verified" && !s.default
    ? h("button.btn", { type: "button", "aria-label": `${s.display} 기본 발신번호로 지정` }, "기본으로 지정")
    : null;
  if (makeDefault) {
    makeDefault.addEventListener("click", () => busy(makeDefault, async () => {
      apply(await api.put("/admin/messages/senders/default", { number: s.number }));
      toast(`${s.display} 번호를 기본 발신번호로 지정했습니다.`);
    }, slot));
  }
  return h("li.item-row", { dataset: { sender: s.number, state: s.state } },
    h("div.item-main", {},
      h("strong", {}, s.display), " ", badge(stateKo, kind), " ", s.default ? badge("기본 발신번호") : null,
      s.label ? h("div.muted", {}, s.label) : null,
      s.state === "rejected" && s.reason ? h("div.problem", {}, `거절 사유: ${s.reason}`) : null,
      s.state === "pending" ? h("small.muted", {}, "발송사 인증이 끝나면 기본 발신번호로 지정할 수 있습니다.") : null,
      s.requested_at ? h("div", {}, h("small.muted", {}, `${kst(s.requested_at)} 요청`,
        s.verified_at ? ` · ${kst(s.verified_at)} 인증` : "")) : null),
    h("div.row-actions", {}, makeDefault));
}

export function sendersCard() {
  const slot = h("div.slot");
  const list = h("ul.item-list", { "aria-label": "발신번호 목록" });
  const current = h("p.default-sender", { "aria-live": "polite" });
  const apply = (answer) => {
    const senders = answer.senders || [];
    const chosen = senders.find((s) => s.default);
    current.replaceChildren(...(chosen
      ? ["기본 발신번호: ", h("strong", {}, chosen.display)]
      : [h("span.muted", {}, "기본 발신번호가 없습니다. 인증된 번호를 지정해야 문자를 보낼 수 있습니다.")]));
    list.replaceChildren(...(senders.length ? senders.map((s) => senderRow(s, apply, slot)) : [h("li", {}, empty("등록된 발신번호가 없습니다."))]));
  };
  const load = () => api.get("/admin/messages/senders").then(apply, (err) => list.replaceChildren(h("li", {}, problemBox(err))));

  const number = h("input", { name: "number", type: "tel", inputmode: "tel", maxlength: 20, autocomplete: "off", placeholder: "02-1234-5678" });
  const label = h("input", { name: "label", maxlength: 40, placeholder: "예: 고객센터" });
  const submit = h("button.btn.primary", { type: "submit" }, "등록 요청");
  const form = h("form.sender-form", { novalidate: true, "aria-label": "발신번호 등록", onsubmit: (e) => {
    e.preventDefault();
    busy(submit, async () => {
      const s = await api.post("/admin/messages/senders", { number: number.value.trim(), label: label.value.trim() || null });
      number.value = "";
      label.value = "";
      toast(`${s.display} 번호의 인증을 요청했습니다.`);
      await load();
    }, slot);
  } },
  h("h3", {}, "발신번호 등록"),
  h("div.form-grid", {},
    field("발신번호", number, { hint: "숫자와 하이픈. 발송사 인증(사전등록) 후 사용할 수 있습니다." }),
    field("메모 (선택)", label)),
  h("div.actions", {}, submit));
  const refresh = h("button.btn", { type: "button", onclick: () => busy(refresh, load, slot) }, "인증 상태 새로고침");
  load();
  return section("발신번호", h("div.stack", {}, current, slot, list, form), { actions: [refresh], id: "settings-senders" });
}
