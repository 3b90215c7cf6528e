// What the settings cards share: the controls (numbers, money, checkboxes, optional values), and a
// card whose form saves its part of one settings section with PATCH /admin/settings, sending the
// version that was read (expected_version) so a stale form never overwrites another admin's save.
import { api } from "../api.js";
import { h, field, section, showProblem, toast } from "../ui.js";

export const CONFLICT = "SETTINGS_VERSION_CONFLICT";

/** An integer input (empty → null when `optional`). */
export function intInput(name, value, { min = 0, max, step = 1, optional = false } = {}) {
  return h("input", { type: "number", name, inputmode: "numeric", min, max, step,
    value: value === null || value === undefined ? "" : String(value), required: !optional });
}

export function textInput(name, value, { maxlength, placeholder } = {}) {
  return h("input", { type: "text", name, value: value || "", maxlength, placeholder, autocomplete: "off" });
}

/** A checkbox with its label beside it (the label is the control's name). */
export function checkbox(name, checked, label, { hint } = {}) {
  const box = h("input", { type: "checkbox", name, checked: Boolean(checked) });
  const wrap = h("div.field", {}, h("label.check", {}, box, h("span", {}, label)),
    hint ? h("small.hint", {}, hint) : null);
  return { box, el: wrap };
}

/** The number an input holds (null when empty); NaN stays NaN so the API names the field. */
export function readInt(input) {
  const raw = input.value.trim();
  if (raw === "") return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : raw;
}

/** Mark the controls the refusal names (`errors[].field` like "points.rate_bp") as invalid. */
export function markInvalid(form, err) {
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  const problem = err && err.problem ? err.problem : {};
  const fields = [problem.field, ...(problem.errors || []).map((e) => e.field)].filter(Boolean);
  for (const f of fields) {
    const path = String(f).replace(/\[(\d+)\]/g, ".$1"); // columns[1].field and claims.remote_zones.1.fee alike
    const name = path.split(".").pop();
    const el = form.querySelector(`[data-path="${CSS.escape(path)}"]`) || form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (el) el.setAttribute("aria-invalid", "true");
  }
}

/**
 * A refusal in `slot`; a version conflict adds 다시 불러오기 (the whole screen reads the settings again).
 */
export function showRefusal(slot, err, reload) {
  showProblem(slot, err);
  if (err && err.code === CONFLICT && reload) {
    slot.append(h("div.actions.start", {},
      h("button.btn.primary", { type: "button", onclick: () => reload() }, "다시 불러오기")));
  }
}

/**
 * A card with one form saving one settings section.
 * - `key`: the section ("points"); `build(values)` answers {body: Element(s), collect(): partial section}.
 * - the PATCH sends {expected_version, [key]: {...current section, ...collect()}}.
 * ctx: {state: {settings, version}, reload()}.
 */
export function sectionCard(ctx, { key, title, id, intro, build, after }) {
  const slot = h("div.slot", { "aria-live": "polite" });
  const { body, collect } = build(ctx.state.settings[key]);
  const save = h("button.btn.primary", { type: "submit" }, "저장");
  const status = h("span.muted.saved-at", { "aria-live": "polite" });
  const form = h("form.settings-form", {
    "aria-label": `${title} 설정`,
    novalidate: true, // the API decides, and its message_ko names the field
    onsubmit: async (e) => {
      e.preventDefault();
      showProblem(slot, null);
      status.textContent = ""; // "저장했습니다." again only once this save is through
      save.disabled = true;
      save.setAttribute("aria-busy", "true");
      try {
        const section = { ...ctx.state.settings[key], ...collect() };
        const answer = await api.patch("/admin/settings", { expected_version: ctx.state.version, [key]: section });
        ctx.state.version = answer.version;
        ctx.state.settings = answer;
        markInvalid(form, null);
        status.textContent = "저장했습니다.";
        toast(`${title} 설정을 저장했습니다.`);
        if (after) after(answer);
      } catch (err) {
        markInvalid(form, err);
        showRefusal(slot, err, ctx.reload);
        status.textContent = "";
      } finally {
        save.disabled = false;
        save.removeAttribute("aria-busy");
      }
    },
  },
  intro ? h("p.muted.intro", {}, intro) : null,
  body,
  slot,
  h("div.actions", {}, status, save));
  return section(title, form, { id });
}

export { field };
