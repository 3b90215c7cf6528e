// The timeline (말풍선): every change, memo and refusal of the order, who and when, newest first;
// a memo is written here.
import { api } from "../api.js";
import { h, section, busy, field } from "../ui.js";
import { kst } from "../format.js";

const ACTOR_KO = { admin: "관리자", buyer: "구매자", system: "시스템", pg: "PG", service: "체크아웃" };

function who(actor) {
  if (!actor) return "";
  return actor.name ? `${actor.name} (${ACTOR_KO[actor.kind] || actor.kind})` : ACTOR_KO[actor.kind] || actor.kind;
}

export function entry(e) {
  const d = e.data || {};
  const text = d.text_ko || d.text || d.message_ko || e.kind;
  return h(`li.event.${e.kind === "memo" ? "memo" : e.kind === "refused" ? "refused" : "change"}`, { "data-kind": e.kind },
    h("div.bubble", {}, text, d.code ? h("code.code", {}, d.code) : null),
    h("div.meta", {}, h("time", { datetime: e.at }, kst(e.at)), " · ", who(e.actor)));
}

export function render(order, ctx) {
  const text = h("textarea", { name: "memo", rows: 2, maxlength: 2000, required: true });
  const slot = h("div.slot");
  const save = h("button.btn", { type: "submit" }, "메모 저장");
  const form = h("form.memo-form", {
    onsubmit: (e) => {
      e.preventDefault();
      if (!text.value.trim()) return;
      busy(save, async () => {
        await api.post(`${ctx.path}/memos`, { text: text.value.trim() });
        text.value = "";
        await ctx.reload();
      }, slot);
    },
  }, field("메모", text), save, slot);
  const list = h("ol.timeline", { "aria-label": "타임라인" }, (order.timeline || []).map(entry));
  return section("타임라인", h("div", {}, form, list), { id: "timeline" });
}
