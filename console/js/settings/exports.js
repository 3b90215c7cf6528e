// 엑셀 양식: the export templates (GET/POST /admin/exports/templates, PUT/DELETE …/{id}). Built-in ones
// are read-only (view, or copy into a new one); the editor picks columns from GET /admin/exports/fields
// with an optional header, and the row grain, address and options layouts.
import { api, seg } from "../api.js";
import { h, field, select, section, busy, dialog, confirmDialog, badge, empty, toast, problemBox, showProblem } from "../ui.js";
import { kst } from "../format.js";
import { josa } from "../labels.js";
import { markInvalid } from "./form.js";

const GROUPS = { order: "주문", line: "품목", payment: "결제", buyer: "주문자", recipient: "수령인", shipping: "배송", memo: "메모" };
const ROW_GRAIN = [["line", "품목마다 한 줄"], ["order", "주문마다 한 줄"]];
const ADDRESS = [["combined", "주소 한 칸 (주소+상세주소)"], ["split", "주소·상세주소 나눠서"]];
const OPTIONS = [["newline", "옵션마다 줄바꿈"], ["inline", "한 줄에 ' / ' 로 구분"]];
const label = (pairs, v) => (pairs.find(([k]) => k === v) || [v, v])[1];

let fieldsCache = null;
async function loadFields() {
  if (!fieldsCache) fieldsCache = (await api.get("/admin/exports/fields")).fields;
  return fieldsCache;
}

function fieldSelect(fields, value, n) {
  const groups = {};
  for (const f of fields) (groups[f.group] = groups[f.group] || []).push(f);
  return h("select", { name: "field", "aria-label": `${n}번 열 항목`, dataset: { path: `columns.${n - 1}.field` } },
    Object.entries(groups).map(([g, list]) => h("optgroup", { label: GROUPS[g] || g },
      list.map((f) => h("option", { value: f.field, selected: f.field === value }, f.header)))));
}

/** The editor's body: name, layouts, and the column rows (answers {el, read()}). */
function editor(fields, template, readOnly) {
  const byField = Object.fromEntries(fields.map((f) => [f.field, f]));
  const name = h("input", { name: "name", value: template.name || "", maxlength: 40, required: true, disabled: readOnly });
  const grain = select("row_grain", ROW_GRAIN, template.row_grain || "line");
  const address = select("address", ADDRESS, template.address || "combined");
  const options = select("options_layout", OPTIONS, template.options_layout || "newline");
  [grain, address, options].forEach((s) => { s.disabled = readOnly; });
  let columns = (template.columns || []).map((c) => ({ field: c.field,
    header: c.header && byField[c.field] && c.header === byField[c.field].header ? "" : (c.header || "") }));
  const list = h("ol.columns", { "aria-label": "열" });
  const count = h("span.muted", { "aria-live": "polite" });

  const readRows = () => Array.from(list.querySelectorAll(".column-row")).map((row) => ({
    field: row.querySelector('[name="field"]').value, header: row.querySelector('[name="header"]').value,
  }));
  const draw = (focus) => {
    list.replaceChildren(...columns.map((c, i) => {
      const n = i + 1;
      const pick = fieldSelect(fields, c.field, n);
      const header = h("input", { name: "header", value: c.header, maxlength: 40, "aria-label": `${n}번 열 제목`,
        placeholder: (byField[c.field] || {}).header || "제목", dataset: { path: `columns.${i}.header` } });
      pick.addEventListener("change", () => { header.placeholder = (byField[pick.value] || {}).header || ""; });
      const move = (d) => () => { columns = readRows(); const [c2] = columns.splice(i, 1); columns.splice(i + d, 0, c2); draw(i + d); };
      const tools = readOnly ? [] : [
        h("button.btn.ghost", { type: "button", "aria-label": `${n}번 열 위로`, disabled: i === 0, onclick: move(-1) }, "↑"),
        h("button.btn.ghost", { type: "button", "aria-label": `${n}번 열 아래로`, disabled: i === columns.length - 1, onclick: move(1) }, "↓"),
        h("button.btn.ghost.danger", { type: "button", "aria-label": `${n}번 열 삭제`,
          onclick: () => { columns = readRows(); columns.splice(i, 1); draw(Math.min(i, columns.length - 1)); } }, "삭제"),
      ];
      if (readOnly) { pick.disabled = true; header.disabled = true; }
      return h("li.column-row", { dataset: { column: String(n) } }, h("span.col-no", {}, `${n}`), pick, header,
        h("span.row-actions", {}, tools));
    }));
    count.textContent = `${columns.length}개 열`;
    if (focus !== undefined && focus >= 0) {
      const row = list.querySelectorAll(".column-row")[focus];
      if (row) row.querySelector("select").focus();
    }
  };
  const add = h("button.btn", { type: "button", onclick: () => {
    columns = readRows();
    const used = new Set(columns.map((c) => c.field));
    const next = fields.find((f) => !used.has(f.field)) || fields[0];
    columns.push({ field: next.field, header: "" });
    draw(columns.length - 1);
  } }, "열 추가");
  draw();
  const el = h("div.stack", {},
    h("div.form-grid", {},
      field("양식 이름", name),
      field("행 단위", grain),
      field("주소", address),
      field("옵션 표시", options)),
    h("div.columns-head", {}, h("h3", {}, "열 (파일 순서)"), count),
    h("p.muted", {}, "제목을 비우면 항목의 기본 제목을 씁니다."),
    list,
    readOnly ? null : h("div.row-actions", {}, add));
  const read = () => ({
    name: name.value.trim(), row_grain: grain.value, address: address.value, options_layout: options.value,
    columns: readRows().map((c) => ({ field: c.field, header: c.header.trim() || null })),
  });
  return { el, read };
}

/** Open the editor (create when `template` has no id, copy when it is built in); answers the saved one. */
async function openEditor(template, { readOnly = false } = {}) {
  const fields = await loadFields();
  const editing = template.template_id && !template.builtin;
  const title = readOnly ? `엑셀 양식 보기: ${template.name}` : editing ? `엑셀 양식 수정: ${template.name}` : "새 엑셀 양식";
  return dialog(title, (close) => {
    const ed = editor(fields, template, readOnly);
    const slot = h("div.slot");
    const save = h("button.btn.primary", { type: "submit" }, "저장");
    const form = h("form.template-editor", { novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      busy(save, async () => {
        const body = ed.read();
        try {
          const saved = editing
            ? await api.put(`/admin/exports/templates/${seg(template.template_id)}`, body)
            : await api.post("/admin/exports/templates", body);
          close(saved);
        } catch (err) {
          markInvalid(form, err);
          throw err;
        }
      }, slot);
    } }, ed.el, slot,
    h("div.actions", {},
      h("button.btn", { type: "button", onclick: () => close(undefined) }, readOnly ? "닫기" : "취소"),
      readOnly ? null : save));
    return form;
  }, { wide: true });
}

function templateRow(t, redraw, slot) {
  const view = h("button.btn", { type: "button", onclick: () => busy(view, async () => {
    await openEditor(t, { readOnly: true });
  }, slot) }, "보기");
  const copy = h("button.btn", { type: "button", onclick: () => busy(copy, async () => {
    const saved = await openEditor({ ...t, template_id: null, builtin: false, name: `${t.name} 복사본`.slice(0, 40) });
    if (saved) { toast(`엑셀 양식 ${josa(`‘${saved.name}’`, "을/를")} 만들었습니다.`); await redraw(); }
  }, slot) }, "복사");
  const edit = h("button.btn", { type: "button", onclick: () => busy(edit, async () => {
    const saved = await openEditor(t);
    if (saved) { toast(`엑셀 양식 ${josa(`‘${saved.name}’`, "을/를")} 저장했습니다.`); await redraw(); }
  }, slot) }, "수정");
  const del = h("button.btn.danger", { type: "button", onclick: () => busy(del, async () => {
    if (!(await confirmDialog("엑셀 양식 삭제", `‘${t.name}’ 양식을 삭제할까요?`, "삭제"))) return;
    await api.del(`/admin/exports/templates/${seg(t.template_id)}`);
    toast("엑셀 양식을 삭제했습니다.");
    await redraw();
  }, slot) }, "삭제");
  return h("li.item-row", { dataset: { template: t.template_id } },
    h("div.item-main", {},
      h("strong", {}, t.name), " ", t.builtin ? badge("기본 제공", "muted") : null,
      h("div.muted", {}, `${t.columns.length}개 열 · ${label(ROW_GRAIN, t.row_grain)} · ${label(ADDRESS, t.address)} · ${label(OPTIONS, t.options_layout)}`),
      t.updated_at ? h("small.muted", {}, `${kst(t.updated_at)} 저장`) : null),
    h("div.row-actions", {}, t.builtin ? [view, copy] : [edit, copy, del]));
}

export function exportTemplatesCard() {
  const slot = h("div.slot");
  const list = h("ul.item-list", { "aria-label": "엑셀 양식 목록" });
  const redraw = async () => {
    try {
      const { templates } = await api.get("/admin/exports/templates");
      list.replaceChildren(...(templates.length ? templates.map((t) => templateRow(t, redraw, slot)) : [h("li", {}, empty("양식이 없습니다."))]));
    } catch (err) {
      list.replaceChildren(h("li", {}, problemBox(err)));
    }
  };
  const create = h("button.btn.primary", { type: "button", onclick: () => busy(create, async () => {
    showProblem(slot, null);
    const saved = await openEditor({ name: "", columns: [] });
    if (saved) { toast(`엑셀 양식 ${josa(`‘${saved.name}’`, "을/를")} 만들었습니다.`); await redraw(); }
  }, slot) }, "새 양식");
  redraw();
  return section("엑셀 양식", h("div", {},
    h("p.muted.intro", {}, "주문 목록에서 엑셀로 내보낼 때 고르는 양식입니다. 기본 제공 양식은 복사해서 바꿀 수 있습니다."),
    slot, list), { actions: [create], id: "settings-exports" });
}
