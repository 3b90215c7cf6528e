// 문자 발송 of the order detail: the order's messages (sent / failed with the reason, 재발송 of a failed
// one) and a message to the buyer or the recipient — a site template or free text (+ LMS 제목),
// 미리보기 (final text, SMS/LMS, bytes, the sender; why it cannot go yet) then 보내기 with a client
// message_id, so a second click or a retry never sends twice. Never a number typed in. A send is
// answered 발송중 (the message is queued with its change); the list follows it until the provider answers.
import { api, seg } from "../api.js";
import { h, section, field, select, busy, badge, empty, showProblem, toast } from "../ui.js";
import { kst, maskPhone } from "../format.js";
import { personKo, ROLE_KO, NOTIFY_TRIGGER_KO, SENDER_PROBLEM_KO, ko } from "../labels.js";

const STATUS = { sent: ["발송완료", "ok"], failed: ["발송실패", "bad"], sending: ["발송중", "warn"],
  not_sent: ["미발송", "muted"] };

/** Per order: the draft being written and its message_id (kept across the detail's redraws). */
const drafts = new Map();
const newId = () => `m${(crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}${Math.random()}`).replace(/[^A-Za-z0-9]/g, "").slice(0, 30)}`;

function draftOf(orderId) {
  if (!drafts.has(orderId)) drafts.set(orderId, { role: "buyer", template_id: "", text: "", title: "", messageId: newId() });
  return drafts.get(orderId);
}

function messageRow(m, ctx, reload) {
  const [label, kind] = STATUS[m.status] || [m.status, ""];
  const text = m.text || "";
  const slot = h("div.slot");
  let resend = null;
  if (m.status === "failed" && m.resendable) {
    resend = h("button.btn", { type: "button" }, "재발송");
    resend.addEventListener("click", async () => {
      const again = await busy(resend, () => api.post(`${ctx.path}/messages/${seg(m.message_id)}/resend`, {}), slot);
      if (again) { toast("재발송을 요청했습니다."); reload(); }
    });
  }
  const channel = m.channel === "alimtalk" ? badge("알림톡", "muted") : m.fallback_of ? badge("알림톡 대체 문자", "muted") : null;
  return h("li.message", { dataset: { messageId: m.message_id, status: m.status, channel: m.channel || "sms" } },
    h("div.message-main", {},
      h("div", {}, badge(label, kind), " ", channel, channel ? " " : null, m.channel === "alimtalk" ? null : badge(m.type, "muted"), " ",
        m.trigger ? h("span.muted", {}, `${ko(NOTIFY_TRIGGER_KO, m.trigger)} 알림 · `) : null,
        h("span", {}, `${ko(ROLE_KO, m.role)} ${m.to_masked || ""}`)),
      h("p.excerpt", { title: text }, m.title ? [h("strong", {}, m.title), " "] : null,
        text.length > 60 ? `${text.slice(0, 60)}…` : text),
      (m.status === "failed" || m.status === "not_sent") && m.reason_ko ? h("p.message-reason", {},
        `${m.status === "failed" ? "실패" : "미발송"} 사유: ${m.reason_ko}`) : null,
      h("div.meta", {}, `${personKo(m.created_by)} · ${kst(m.created_at)}`
        + (m.attempt > 1 ? ` · ${m.attempt}회 시도` : "") + (m.sender_display ? ` · 발신 ${m.sender_display}` : ""))),
    resend, slot);
}

function previewBox(p) {
  const over = p.bytes > p.limit;
  return h("div.preview", { "aria-live": "polite", dataset: { type: p.type, sendable: String(p.sendable) } },
    h("h3", {}, "미리보기"),
    p.title ? h("p", {}, h("strong", {}, p.title)) : null,
    h("pre", {}, p.text),
    h("dl", {},
      h("div", {}, h("dt", {}, "유형"), h("dd", {}, p.type)),
      h("div", {}, h("dt", {}, "바이트"), h("dd", { class: over ? "over" : "" }, `${p.bytes} / ${p.limit}`)),
      p.title ? h("div", {}, h("dt", {}, "제목 바이트"), h("dd", {}, `${p.title_bytes} / 40`)) : null,
      h("div", {}, h("dt", {}, "받는 사람"), h("dd", {}, `${ko(ROLE_KO, p.role)} ${p.to}`)),
      h("div", {}, h("dt", {}, "발신번호"), h("dd", {}, p.sender || "없음"))),
    p.sendable ? null : h("div.problem", { role: "alert", dataset: { code: p.sender_problem || "" } },
      h("strong", {}, SENDER_PROBLEM_KO[p.sender_problem] || "지금은 보낼 수 없습니다."),
      " ",
      h("a", { href: "#/settings" }, "설정에서 발신번호 관리")));
}

function compose(order, ctx, templates, afterSend) {
  const d = draftOf(order.order_id);
  const phoneOf = (role) => maskPhone(((role === "buyer" ? order.buyer : order.recipient) || {}).phone || "");
  const role = select("role", [["buyer", `구매자 ${phoneOf("buyer")}`], ["recipient", `수령인 ${phoneOf("recipient")}`]], d.role);
  const tpl = select("template_id", [["", "직접 입력"], ...templates.map((t) => [t.template_id, t.name])], d.template_id);
  const text = h("textarea", { name: "text", rows: 4, maxLength: 2000 });
  text.value = d.text;
  const title = h("input", { name: "title", maxLength: 40, value: d.title });
  const free = h("div.stack", {}, field("내용", text, { hint: "변수: #{주문번호} #{상품명} #{택배사} #{송장번호} #{배송조회} #{미결금액}", wide: true }),
    field("LMS 제목 (선택)", title));
  const slot = h("div.slot");
  const out = h("div.preview-slot");
  let previewed = null; // the body the shown preview is of (보내기 sends exactly that)
  const body = () => (tpl.value ? { role: role.value, template_id: tpl.value }
    : { role: role.value, text: text.value, title: title.value.trim() || undefined });
  const sendBtn = h("button.btn.primary", { type: "button", disabled: true }, "보내기");
  const changed = () => {
    Object.assign(d, { role: role.value, template_id: tpl.value, text: text.value, title: title.value });
    free.hidden = Boolean(tpl.value);
    if (previewed) { previewed = null; sendBtn.disabled = true; out.replaceChildren(h("p.muted", {}, "내용이 바뀌었습니다. 다시 미리보기 하세요.")); }
  };
  [role, tpl, text, title].forEach((el) => el.addEventListener("input", changed));
  free.hidden = Boolean(tpl.value);
  const previewBtn = h("button.btn", { type: "submit" }, "미리보기");
  sendBtn.addEventListener("click", async () => {
    if (!previewed) return;
    const sent = await busy(sendBtn, () => api.post(`${ctx.path}/messages`, { ...previewed, message_id: d.messageId }), slot);
    if (!sent) return;
    drafts.delete(order.order_id);
    if (sent.status === "failed") toast(`발송 실패: ${sent.reason_ko || sent.reason || ""}`, "error");
    else toast(sent.status === "sent" ? "문자를 보냈습니다." : "발송을 요청했습니다. 결과는 목록에 표시됩니다.");
    afterSend();
  });
  return h("form.stack.compose", {
    onsubmit: async (e) => {
      e.preventDefault();
      const b = body();
      const p = await busy(previewBtn, () => api.post(`${ctx.path}/messages/preview`, b), slot);
      if (!p) return;
      previewed = p.sendable ? b : null;
      sendBtn.disabled = !p.sendable;
      out.replaceChildren(previewBox(p));
    },
  },
  h("h3", {}, "문자 보내기"),
  h("div.form-grid", {}, field("받는 사람", role), field("템플릿", tpl)),
  free, out, slot,
  h("div.actions", {}, previewBtn, sendBtn));
}

export function render(order, ctx) {
  const listBox = h("div.messages-box", { "aria-busy": "true" }, h("p.muted", {}, "불러오는 중…"));
  const composeBox = h("div");
  const body = h("div.stack", {}, listBox, composeBox);
  const orderId = order.order_id;
  let follows = 0; // polls while a message is 발송중 (the relay sends it after the commit)
  const reload = async ({ freshDraft = false } = {}) => {
    try {
      const [list, tpls] = await Promise.all([api.get(`${ctx.path}/messages`), api.get("/admin/messages/templates")]);
      if (!ctx.order || ctx.order.order_id !== orderId || !body.isConnected) return;
      const msgs = [...(list.messages || [])].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
      listBox.replaceChildren(msgs.length ? h("ul.messages", {}, msgs.map((m) => messageRow(m, ctx, reload)))
        : empty("보낸 문자가 없습니다."));
      if (msgs.some((m) => m.status === "sending") && follows < 60) {
        follows += 1;
        setTimeout(() => { if (body.isConnected) reload(); }, 700);
      } else if (follows > 0) {
        follows = 0;
        ctx.reload().catch(() => {}); // the provider answered: the timeline shows the result too
        return;
      }
      if (freshDraft || !composeBox.firstChild) {
        // after a send the whole detail redraws (its timeline lists the message too)
        composeBox.replaceChildren(compose(order, ctx, tpls.templates || [],
          () => ctx.reload().catch(() => reload({ freshDraft: true }))));
      }
    } catch (err) {
      showProblem(listBox, err);
    } finally {
      listBox.removeAttribute("aria-busy");
    }
  };
  queueMicrotask(reload);
  return section("문자 발송", body, { id: "messages" });
}

