// 저장한 보기: a bar of view chips above the list's tabs. One click on a chip applies the view's search
// (the hash #/orders?…&view=<id>; a view kept as "최근 N일" gets today's dates from the API) and its
// columns (handed to the list, rows.js applyColumns); the current view is highlighted. "현재 검색 저장" keeps the list's search as a view
// (name, 직원 전체와 공유 with 설정 권한, the columns shown); "보기 관리" renames or deletes one's own.
import { api, seg } from "../api.js";
import { h, field, dialog, busy, confirmDialog, toast, nextId } from "../ui.js";
import { kstDay } from "../format.js";
import { setQuery } from "../router.js";

const hrefOf = (view) => `#/orders?${new URLSearchParams({ ...view.query, view: view.view_id })}`;

/** The list's search as a view keeps it: the last N days (today included) in place of fixed dates, when asked. */
function searchToSave(search, relative) {
  const out = { ...search };
  if (relative && out.date_from && out.date_to === kstDay(0)) {
    out.days = Math.round((Date.parse(out.date_to) - Date.parse(out.date_from)) / 86400000) + 1;
    delete out.date_from;
    delete out.date_to;
  }
  return out;
}


function columnBoxes(catalogue, chosen) {
  const boxes = catalogue.map((c) => h("input", { type: "checkbox", name: "columns", value: c.key,
    checked: chosen.includes(c.key) }));
  const el = h("fieldset.view-columns", {}, h("legend", {}, "보일 열"),
    catalogue.map((c, i) => h("label.check", {}, boxes[i], h("span", {}, c.label_ko))));
  return { el, value: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}

function saveDialog(state, search, current) {
  const today = kstDay(0);
  const range = search.date_from && search.date_to === today;
  return dialog("현재 검색 저장", (close) => {
    const slot = h("div.slot");
    const name = h("input", { name: "view_name", maxlength: 30, required: true, autocomplete: "off" });
    const shared = h("input", { type: "checkbox", name: "shared" });
    const relative = h("input", { type: "checkbox", name: "relative", checked: true });
    const cols = columnBoxes(state.columns, current ? current.columns : state.columns.map((c) => c.key));
    const submit = h("button.btn.primary", { type: "submit" }, "저장");
    return h("form.view-save", { onsubmit: (e) => {
      e.preventDefault();
      busy(submit, async () => {
        const view = await api.post("/admin/views", { name: name.value.trim(), shared: shared.checked,
          search: searchToSave(search, relative.checked), columns: cols.value() });
        toast(`보기 '${view.name}'을(를) 저장했습니다.`);
        close(view);
      }, slot);
    } },
    field("보기 이름", name, { hint: "30자 이내, 같은 이름은 쓸 수 없습니다." }),
    state.canShare ? h("label.check", {}, shared, h("span", {}, "직원 전체와 공유")) : null,
    range ? h("label.check", {}, relative, h("span", {}, "기간을 '오늘까지 최근 며칠'로 저장 (여는 날 기준)")) : null,
    cols.el, slot,
    h("div.actions", {}, h("button.btn", { type: "button", onclick: () => close(undefined) }, "취소"), submit));
  });
}

function renameDialog(view) {
  return dialog("보기 이름 바꾸기", (close) => {
    const slot = h("div.slot");
    const name = h("input", { name: "view_name", maxlength: 30, required: true, value: view.name, autocomplete: "off" });
    const submit = h("button.btn.primary", { type: "submit" }, "바꾸기");
    return h("form", { onsubmit: (e) => {
      e.preventDefault();
      busy(submit, async () => close(await api.put(`/admin/views/${seg(view.view_id)}`,
        { expected_version: view.version, name: name.value.trim() })), slot);
    } },
    field("새 이름", name), slot,
    h("div.actions", {}, h("button.btn", { type: "button", onclick: () => close(undefined) }, "취소"), submit));
  });
}

function manageDialog(state, onChanged) {
  return dialog("보기 관리", (close) => {
    const slot = h("div.slot");
    const rows = state.views.filter((v) => v.editable).map((v) => {
      const rename = h("button.btn", { type: "button", "aria-label": `${v.name} 이름 바꾸기`, onclick: async () => {
        if (await renameDialog(v)) { close(true); onChanged(); }
      } }, "이름 바꾸기");
      const remove = h("button.btn.danger", { type: "button", "aria-label": `${v.name} 삭제`, onclick: async () => {
        if (!(await confirmDialog("보기 삭제", `보기 '${v.name}'을(를) 지울까요?${v.shared ? " 직원 모두의 목록에서 사라집니다." : ""}`, "삭제"))) return;
        const done = await busy(remove, () => api.del(`/admin/views/${seg(v.view_id)}`), slot);
        if (done) { toast(`보기 '${v.name}'을(를) 지웠습니다.`); close(true); onChanged(v); }
      } }, "삭제");
      return h("li.view-manage-row", { dataset: { viewId: v.view_id } },
        h("span.view-name", {}, v.name, v.shared ? h("span.muted", {}, " (공유)") : null), h("span.row-actions", {}, rename, remove));
    });
    return h("div", {}, rows.length ? h("ul.view-manage", { "aria-label": "내가 바꿀 수 있는 보기" }, rows)
      : h("p.empty", {}, "바꿀 수 있는 보기가 없습니다."), slot,
    h("div.actions", {}, h("button.btn", { type: "button", onclick: () => close(undefined) }, "닫기")));
  });
}

/**
 * The bar. `query` = the hash query (its `view` is the current view), `search` = the list's search (what
 * "현재 검색 저장" keeps), `onColumns(keys)` = show only these columns (all of them without a view).
 */
export function viewsBar(query, search, onColumns) {
  const state = { views: [], columns: [], canShare: false };
  const labelId = nextId("views");
  const chips = h("div.view-chips", { role: "list" });
  const el = h("nav.views-bar", { "aria-labelledby": labelId },
    h("span.views-label", { id: labelId }, "저장한 보기"), chips,
    h("div.views-actions", {},
      h("button.btn.save-view", { type: "button", onclick: async () => {
        const current = state.views.find((v) => v.view_id === query.view);
        const view = await saveDialog(state, search, current);
        if (view) setQuery({ ...search, view: view.view_id });
      } }, "현재 검색 저장"),
      h("button.btn.ghost.manage-views", { type: "button", onclick: () => manageDialog(state, (gone) => {
        if (gone && gone.view_id === query.view) setQuery({ ...search });
        else load();
      }) }, "보기 관리")));

  async function load() {
    const page = await api.get("/admin/views");
    state.views = page.views;
    state.columns = page.columns;
    state.canShare = page.can_share;
    const current = state.views.find((v) => v.view_id === query.view);
    onColumns(current ? current.columns : []);
    chips.replaceChildren(...state.views.map((v) => h("span", { role: "listitem" },
      h("a.view-chip", { href: hrefOf(v), dataset: { viewId: v.view_id }, class: v.shared ? "shared" : "",
        "aria-current": v === current ? "true" : undefined, title: v.shared ? `공유 보기 · ${v.owner.name || ""}` : "내 보기" },
      v.shared ? h("span.view-shared", { "aria-label": "공유" }, "공유") : null, v.name))));
    if (!state.views.length) chips.append(h("span.muted.views-empty", {}, "저장한 보기가 없습니다."));
  }
  load().catch(() => chips.replaceChildren(h("span.muted", {}, "저장한 보기를 불러오지 못했습니다.")));
  return el;
}
