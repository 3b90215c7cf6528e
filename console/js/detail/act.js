// What the detail's sections share to act on the order: run a call with its button busy and the
// refusal (message_ko) in a slot next to it; when the order changed meanwhile (409
// VERSION_CONFLICT) the slot also offers 새로고침; a refusal the API recorded shows on the timeline.
// formDialog: a dialog with a form whose answer redraws the detail.
import { h, busy, dialog } from "../ui.js";

/** Codes answered when the order changed since the page read it. */
const STALE = new Set(["VERSION_CONFLICT", "PAYMENT_CHANGED", "CASH_RECEIPT_STATE_CHANGED"]);

/**
 * Run `fn` with `button` busy; a refusal lands in `slot` (and 새로고침 when the order is stale).
 * Answers fn's result, or undefined after a refusal.
 */
export async function act(ctx, button, slot, fn) {
  let failed = null;
  const key = focusKey(button); // a busy button loses focus, and a redraw replaces it
  const out = await busy(button, async () => {
    try {
      return await fn();
    } catch (err) {
      failed = err;
      throw err;
    }
  }, slot);
  if (failed) {
    if (STALE.has(failed.code) && slot) {
      slot.append(h("div.row-actions", {},
        h("span.muted", {}, "다른 화면에서 주문이 바뀌었습니다. 새로 불러온 뒤 다시 시도하세요."),
        h("button.btn", { type: "button", onclick: (e) => busy(e.currentTarget, () => ctx.reload(), slot) }, "새로고침")));
    }
    if (ctx.refreshTimeline) ctx.refreshTimeline();
  }
  const now = document.activeElement;
  if (!now || now === document.body || !now.isConnected) {
    const root = document.querySelector(".order");
    if (root) refocus(root, key);
  }
  return out;
}

/**
 * A dialog holding a form: `build()` answers {body: [nodes], values: () => request body};
 * `submit(body)` makes the call and answers the order detail to show (or a value to close with).
 * The dialog stays open with the refusal shown when the call is refused.
 */
export function formDialog(ctx, title, { build, submit, submitLabel = "저장", wide = false, after }) {
  const opener = focusKey(document.activeElement);
  return dialog(title, (close) => {
    const slot = h("div.slot");
    const parts = build();
    const ok = h("button.btn.primary", { type: "submit" }, submitLabel);
    const form = h("form.stack", {
      onsubmit: async (e) => {
        e.preventDefault();
        if (!form.reportValidity()) return;
        const answer = await act(ctx, ok, slot, () => submit(parts.values()));
        if (answer === undefined) return;
        const keep = after ? after(answer, slot) : false;
        if (!keep) close(answer);
      },
    }, parts.body, slot,
    h("div.actions", {},
      h("button.btn", { type: "button", onclick: () => close(undefined) }, "취소"),
      ok));
    return form;
  }, { wide }).then((value) => {
    // the detail may have redrawn behind the dialog: focus goes back to the control that opened it
    const root = document.querySelector(".order");
    if (root && !root.contains(document.activeElement)) refocus(root, opener);
    return value;
  });
}

/** A text/number input with its attributes. */
export function input(name, attrs = {}) {
  return h("input", { name, type: "text", ...attrs });
}

/**
 * Where a control is, in words that survive a redraw: its section, the line/payment/shipment it
 * belongs to, and its name or text. refocus(key) finds the control again after the detail redrew.
 */
export function focusKey(el) {
  if (!el || el === document.body || !el.closest) return null;
  const section = el.closest("section[id]");
  const item = el.closest("[data-line-id],[data-payment-id],[data-shipment-id]");
  return {
    section: section ? section.id : null,
    item: item ? [...item.attributes].filter((a) => a.name.startsWith("data-") && a.name.endsWith("-id"))
      .map((a) => `[${a.name}="${CSS.escape(a.value)}"]`).join("") : "",
    tag: el.tagName,
    name: el.getAttribute("name") || "",
    label: el.getAttribute("aria-label") || (el.textContent || "").trim(),
  };
}

export function refocus(root, key) {
  if (!key || !key.section) return false;
  const scope = root.querySelector(`section#${CSS.escape(key.section)} ${key.item}`.trim());
  if (!scope) return false;
  const same = [...scope.querySelectorAll(key.tag)].find((el) => (el.getAttribute("name") || "") === key.name
    && (el.getAttribute("aria-label") || (el.textContent || "").trim()) === key.label && !el.disabled);
  const shown = (el) => el && el.getClientRects().length > 0;
  const target = [same, scope.querySelector("summary"), scope.querySelector("h2, h3")].find(shown);
  if (!target) return false;
  if (/^H[23]$/.test(target.tagName)) target.setAttribute("tabindex", "-1");
  target.focus();
  return true;
}
