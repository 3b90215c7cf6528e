// Small DOM helpers every screen shares: an element builder, form fields with labels, the refusal
// box (the API's message_ko, code and field, always visible), toasts, dialogs, busy buttons.
import { ApiError } from "./api.js";
import { isBackward, statusKo, josa } from "./labels.js";

/** h("button.btn.primary", {onclick, type: "button"}, "저장") — attributes, then children. */
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split(".");
  const el = document.createElement(tag || "div");
  if (classes.length) el.className = classes.join(" ");
  if (attrs === null || typeof attrs !== "object" || attrs instanceof Node || Array.isArray(attrs)) {
    children.unshift(attrs);
    attrs = {};
  }
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = [el.className, v].filter(Boolean).join(" ");
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "style" && typeof v === "object") Object.assign(el.style, v);
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

let uid = 0;
export const nextId = (prefix = "f") => `${prefix}-${++uid}`;

/** A labelled control: field("수량", h("input", {...})) — the label is tied to the control. */
export function field(label, control, { hint, wide = false } = {}) {
  if (!control.id) control.id = nextId();
  const parts = [h("label", { for: control.id }, label), control];
  if (hint) {
    const hid = nextId("hint");
    control.setAttribute("aria-describedby", hid);
    parts.push(h("small.hint", { id: hid }, hint));
  }
  return h(`div.field${wide ? ".wide" : ""}`, {}, parts);
}

export function select(name, options, value) {
  return h("select", { name }, options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)));
}

/**
 * The refusal as the API gave it: its Korean sentence (which names the field in Korean) and each
 * field's own sentence; the stable code stays on the element (data-code) for support, never on screen.
 */
export function problemBox(err) {
  const p = err instanceof ApiError ? err.problem : { message_ko: String(err && err.message ? err.message : err) };
  const main = p.message_ko || "요청을 처리하지 못했습니다.";
  const fields = (p.errors || []).map((e) => e.message_ko).filter((m) => m && m !== main).map((m) => h("li", {}, m));
  const named = p.field || ((p.errors || [])[0] || {}).field || "";
  return h("div.problem", { role: "alert", dataset: { code: p.code || "", field: named } },
    h("strong", {}, main),
    fields.length ? h("ul", {}, fields) : null,
    p.correlation_id ? h("small.muted", {}, ` 문의 번호: ${p.correlation_id}`) : null);
}

/** Put the refusal (or nothing) into a slot element. */
export function showProblem(slot, err) {
  slot.replaceChildren(err ? problemBox(err) : "");
}

let toastTimer = 0;
/** One toast at a time (the newest replaces the last), in its own band: see .toasts in app.css. */
export function toast(message, kind = "ok") {
  const box = document.getElementById("toasts");
  box.replaceChildren(h(`div.toast.${kind}`, { title: message }, message));
  document.documentElement.classList.add("toasting");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    box.replaceChildren();
    document.documentElement.classList.remove("toasting");
  }, kind === "error" ? 8000 : 4000);
}

/**
 * Run `action` while `button` shows it is busy; a refusal lands in `slot` (or a toast) and is
 * re-thrown to nobody: answers the result or undefined.
 */
export async function busy(button, action, slot) {
  if (slot) showProblem(slot, null);
  const label = button ? button.textContent : "";
  if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
  try {
    return await action();
  } catch (err) {
    if (slot) showProblem(slot, err);
    else toast(err instanceof ApiError ? err.message : String(err.message || err), "error");
    return undefined;
  } finally {
    if (button) { button.disabled = false; button.removeAttribute("aria-busy"); button.textContent = label; }
  }
}

/**
 * A modal dialog (native <dialog>: focus moves in, Esc closes, focus returns). `build(close)`
 * answers the body; answers a promise of what `close(value)` was given.
 */
export function dialog(title, build, { wide = false } = {}) {
  return new Promise((resolve) => {
    const titleId = nextId("dlg");
    const dlg = h(`dialog.dialog${wide ? ".wide" : ""}`, { "aria-labelledby": titleId });
    const opener = document.activeElement;
    const close = (value) => { dlg.close(); dlg.remove(); if (opener && opener.focus) opener.focus(); resolve(value); };
    dlg.addEventListener("cancel", (e) => { e.preventDefault(); close(undefined); });
    const head = h("div.dialog-head", {}, h("h2", { id: titleId }, title),
      h("button.btn.ghost.icon", { type: "button", "aria-label": "닫기", onclick: () => close(undefined) }, "✕"));
    dlg.append(head, h("div.dialog-body", {}, build(close)));
    document.body.append(dlg);
    dlg.showModal();
    const first = dlg.querySelector(".dialog-body input, .dialog-body select, .dialog-body textarea, .dialog-body button");
    if (first) first.focus();
  });
}

/** Yes/no question; answers true when confirmed. */
export function confirmDialog(title, message, okLabel = "확인") {
  return dialog(title, (close) => h("div", {},
    h("p", {}, message),
    h("div.actions", {},
      h("button.btn", { type: "button", onclick: () => close(false) }, "취소"),
      h("button.btn.primary", { type: "button", onclick: () => close(true) }, okLabel))));
}

/**
 * Ask before a backward move of `what` (e.g. "선택한 품목 2개를") from `from` to `to`; answers true to
 * go on, at once when the move goes forward.
 */
export function confirmBackward(from, to, what) {
  if (!isBackward(from, to)) return Promise.resolve(true);
  return confirmDialog("이전 단계로 되돌리기",
    `${what} ${statusKo(from)}에서 ${josa(statusKo(to), "으로/로")} 되돌립니다. `
    + "배송·결제 기록은 그대로 남습니다. 되돌릴까요?", "되돌리기");
}

/** A titled card section of a screen. */
export function section(title, body, { actions = [], id } = {}) {
  const hid = nextId("sec");
  return h("section.card", { "aria-labelledby": hid, id },
    h("div.card-head", {}, h("h2", { id: hid }, title), h("div.card-actions", {}, actions)),
    body);
}

export function badge(text, kind = "") {
  return h(`span.badge${kind ? `.${kind}` : ""}`, {}, text);
}

export const empty = (text) => h("p.empty", {}, text);

/** Download a file the API answered (blob) under a file name. */
export async function saveResponse(resp, fallbackName) {
  const blob = await resp.blob();
  const cd = resp.headers.get("content-disposition") || "";
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd) || /filename="?([^";]+)"?/i.exec(cd);
  const name = m ? decodeURIComponent(m[1]) : fallbackName;
  const a = h("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}
