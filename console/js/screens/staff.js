// 직원·권한 (the owner): the site's staff — operator id (their shop builder account), name, role,
// enabled — and its roles: the built-in ones and those the owner composes from the permissions.
// Every change is recorded in the access record.
import { api } from "../api.js";
import { h, field, section, busy, badge, toast, problemBox, confirmDialog, select, empty } from "../ui.js";
import { kst } from "../format.js";

function memberRow(m, roles, reload, slot) {
  const role = select("role_id", roles.map((r) => [r.role_id, r.name_ko]), m.role_id);
  role.setAttribute("aria-label", `${m.name} 역할`);
  const save = h("button.btn", { type: "button" }, "역할 저장");
  save.addEventListener("click", () => busy(save, async () => {
    await api.put(`/admin/staff/${encodeURIComponent(m.operator_id)}`, { name: m.name, role_id: role.value, enabled: m.enabled });
    toast("역할을 바꿨습니다.");
    await reload();
  }, slot));
  const remove = h("button.btn.danger", { type: "button" }, "삭제");
  remove.addEventListener("click", () => busy(remove, async () => {
    if (!(await confirmDialog("직원 삭제", `${m.name} (${m.operator_id})의 접근을 없앱니다.`, "삭제"))) return;
    await api.del(`/admin/staff/${encodeURIComponent(m.operator_id)}`);
    await reload();
  }, slot));
  return h("li.item-row", { dataset: { operator: m.operator_id } },
    h("div.item-main", {}, h("strong", {}, m.name || m.operator_id), " ", h("span.muted", {}, m.operator_id), " ",
      m.enabled ? null : badge("사용 중지", "muted"),
      m.updated_at ? h("div", {}, h("small.muted", {}, `${kst(m.updated_at)} 변경`)) : null),
    h("div.row-actions", {}, role, save, remove));
}

function roleRow(r, perms) {
  return h("li.item-row", { dataset: { role: r.role_id } },
    h("div.item-main", {}, h("strong", {}, r.name_ko), " ", badge(r.builtin ? "기본" : "직접 만든 역할", "muted"),
      h("div", {}, h("small", {}, r.permissions.map((p) => perms[p] || p).join(", ")))));
}

export async function render(main) {
  const slot = h("div.slot");
  const list = h("ul.item-list", { "aria-label": "직원 목록" });
  const roles = h("ul.item-list", { "aria-label": "역할 목록" });
  const operator = h("input", { name: "operator_id", maxlength: 64, autocomplete: "off" });
  const name = h("input", { name: "name", maxlength: 40 });
  const role = h("select", { name: "role_id" });
  const add = h("button.btn.primary", { type: "submit" }, "등록");
  const roleId = h("input", { name: "role_id", maxlength: 31, placeholder: "예: packers" });
  const roleName = h("input", { name: "name_ko", maxlength: 30 });
  const checks = h("fieldset.permissions", {}, h("legend", {}, "권한"));
  const saveRole = h("button.btn", { type: "submit" }, "역할 저장");
  let state = null;
  const load = async () => {
    state = await api.get("/admin/staff");
    const perms = Object.fromEntries(state.permissions.map((p) => [p.permission, p.label_ko]));
    role.replaceChildren(...state.roles.map((r) => h("option", { value: r.role_id }, r.name_ko)));
    if (checks.children.length === 1) {
      checks.append(...state.permissions.filter((p) => p.permission !== "staff").map((p) => h("label.check", {},
        h("input", { type: "checkbox", name: "permissions", value: p.permission }), ` ${p.label_ko}`)));
    }
    list.replaceChildren(...(state.staff.length ? state.staff.map((m) => memberRow(m, state.roles, load, slot))
      : [h("li", {}, empty("등록된 직원이 없습니다. 대표 운영자만 모든 기능을 씁니다."))]));
    roles.replaceChildren(...state.roles.map((r) => roleRow(r, perms)));
  };
  const memberForm = h("form.stack", { "aria-label": "직원 등록", novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    busy(add, async () => {
      await api.put(`/admin/staff/${encodeURIComponent(operator.value.trim())}`, { name: name.value.trim(), role_id: role.value });
      toast("직원을 등록했습니다.");
      operator.value = ""; name.value = "";
      await load();
    }, slot);
  } }, h("h3", {}, "직원 등록"), h("div.form-grid", {}, field("운영자 ID (쇼핑몰 빌더 계정)", operator), field("이름", name),
    field("역할", role)), h("div.actions", {}, add));
  const roleForm = h("form.stack", { "aria-label": "역할 만들기", novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    busy(saveRole, async () => {
      const chosen = [...checks.querySelectorAll("input:checked")].map((i) => i.value);
      await api.put(`/admin/roles/${encodeURIComponent(roleId.value.trim())}`, { name_ko: roleName.value.trim(), permissions: chosen });
      toast("역할을 저장했습니다.");
      await load();
    }, slot);
  } }, h("h3", {}, "역할 만들기"), h("div.form-grid", {}, field("역할 ID", roleId), field("역할 이름", roleName)), checks,
  h("div.actions", {}, saveRole));
  main.append(h("h1", {}, "직원·권한"), slot,
    section("직원", h("div.stack", {}, list, memberForm), { id: "staff" }),
    section("역할", h("div.stack", {}, roles, roleForm), { id: "roles" }));
  try { await load(); } catch (err) { slot.replaceChildren(problemBox(err)); }
}
