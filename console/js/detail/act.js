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
        h("button.btn", { type: "button", onclick: () => ctx.reload() }, "새로고침")));
    }
    if (ctx.refreshTimeline) ctx.refreshTimeline();
  }
  return out;
}

/**
 * A dialog holding a form: `build()` answers {body: [nodes], values: () => request body};
 * `submit(body)` makes the call and answers the order detail to show (or a value to close with).
 * The dialog stays open with the refusal shown when the call is refused.
 */
export function formDialog(ctx, title, { build, submit, submitLabel = "저장", wide = false, after }) {
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
  }, { wide });
}

/** A text/number input with its attributes. */
export function input(name, attrs = {}) {
  return h("input", { name, type: "text", ...attrs });
}
