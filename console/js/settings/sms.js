// 문자 템플릿: the site's message templates (GET/POST /admin/messages/templates, PUT/DELETE …/{id})
// with the variables the API answers (#{주문번호} …), insertable at the cursor.
import { api, seg } from "../api.js";
import { h, field, section, busy, confirmDialog, empty, toast, problemBox, showProblem } from "../ui.js";
import { kst } from "../format.js";
import { josa } from "../labels.js";
import { markInvalid } from "./form.js";

function insertAt(textarea, text) {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? start;
  textarea.setRangeText(text, start, end, "end");
  textarea.focus();
}

/** The form for a new template or one being edited (answers the form element). */
function templateForm(variables, template, done) {
  const slot = h("div.slot");
  const name = h("input", { name: "name", maxlength: 40, value: template ? template.name : "" });
  const title = h("input", { name: "title", maxlength: 40, value: template && template.title ? template.title : "",
    placeholder: "LMS일 때만" });
  const text = h("textarea", { name: "text", rows: 5, maxlength: 2000 }, template ? template.text : "");
  const vars = h("div.var-list", { role: "group", "aria-label": "변수 넣기" },
    Object.entries(variables).map(([v, about]) => h("button.btn.var", { type: "button", title: about,
      "aria-label": `#{${v}} 넣기`, onclick: () => insertAt(text, `#{${v}}`) }, `#{${v}}`)));
  const about = h("dl.var-about", {}, Object.entries(variables).map(([v, d]) => [h("dt", {}, `#{${v}}`), h("dd", {}, d)]));
  const submit = h("button.btn.primary", { type: "submit" }, template ? "템플릿 저장" : "템플릿 등록");
  const form = h("form.sms-form", { novalidate: true, "aria-label": template ? `${template.name} 템플릿 수정` : "문자 템플릿 등록",
    onsubmit: (e) => {
      e.preventDefault();
      busy(submit, async () => {
        const body = { name: name.value.trim(), text: text.value, title: title.value.trim() || null };
        try {
          const saved = template
            ? await api.put(`/admin/messages/templates/${seg(template.template_id)}`, body)
            : await api.post("/admin/messages/templates", body);
          markInvalid(form, null);
          await done(saved);
        } catch (err) {
          markInvalid(form, err);
          throw err;
        }
      }, slot);
    } },
  h("h3", {}, template ? `템플릿 수정: ${template.name}` : "새 문자 템플릿"),
  h("div.form-grid", {}, field("템플릿 이름", name), field("제목 (LMS)", title)),
  field("본문", text, { hint: "90바이트를 넘으면 LMS로 보냅니다. 변수는 발송할 때 주문의 값으로 바뀝니다.", wide: true }),
  vars,
  h("details.var-help", {}, h("summary", {}, "변수 설명"), about),
  slot,
  h("div.actions", {}, template ? h("button.btn", { type: "button", onclick: () => done(null) }, "취소") : null, submit));
  return form;
}

function templateRow(t, { edit, remove }) {
  const editBtn = h("button.btn", { type: "button", "aria-label": `${t.name} 수정`, onclick: () => edit(t) }, "수정");
  const del = h("button.btn.danger", { type: "button", "aria-label": `${t.name} 삭제` }, "삭제");
  del.addEventListener("click", () => remove(t, del));
  return h("li.item-row", { dataset: { smsTemplate: t.template_id } },
    h("div.item-main", {},
      h("strong", {}, t.name), t.title ? h("span.muted", {}, ` · ${t.title}`) : null,
      h("p.sms-text", {}, t.text),
      t.updated_at ? h("small.muted", {}, `${kst(t.updated_at)} 저장`) : null),
    h("div.row-actions", {}, editBtn, del));
}

export function smsTemplatesCard() {
  const slot = h("div.slot");
  const list = h("ul.item-list", { "aria-label": "문자 템플릿 목록" });
  const formSlot = h("div");
  let variables = {};
  const showForm = (template) => {
    formSlot.replaceChildren(templateForm(variables, template, async (saved) => {
      if (saved) toast(`문자 템플릿 ${josa(`‘${saved.name}’`, "을/를")} 저장했습니다.`);
      await load();
      showForm(null);
    }));
    if (template) formSlot.querySelector("input").focus();
  };
  const actions = {
    edit: (t) => showForm(t),
    remove: (t, button) => busy(button, async () => {
      if (!(await confirmDialog("문자 템플릿 삭제", `‘${t.name}’ 템플릿을 삭제할까요?`, "삭제"))) return;
      await api.del(`/admin/messages/templates/${seg(t.template_id)}`);
      toast("문자 템플릿을 삭제했습니다.");
      await load();
    }, slot),
  };
  async function load() {
    showProblem(slot, null);
    try {
      const answer = await api.get("/admin/messages/templates");
      variables = answer.variables || {};
      const ts = answer.templates || [];
      list.replaceChildren(...(ts.length ? ts.map((t) => templateRow(t, actions)) : [h("li", {}, empty("등록된 문자 템플릿이 없습니다."))]));
    } catch (err) {
      list.replaceChildren(h("li", {}, problemBox(err)));
    }
  }
  load().then(() => showForm(null));
  return section("문자 템플릿", h("div.stack", {}, slot, list, formSlot), { id: "settings-sms" });
}
