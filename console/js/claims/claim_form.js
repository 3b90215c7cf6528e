// 클레임 접수: the type, the lines that may take it (their `next` names the request status; a part
// of a line only where that entry is `partial`), the reason from the API's list with the fault it
// implies, how the goods come back and how a return fee is paid, or 즉시 완료 for a cancel; for 교환
// the 교환 옵션 (another option of the same product and its 옵션 추가금액; blank = the same option).
import { api } from "../api.js";
import { h, field, select, busy, dialog, showProblem, toast, nextId } from "../ui.js";
import { won } from "../format.js";
import { productPicker } from "../product_picker.js";
import { CLAIM_TYPES, COLLECTION_KO, FAULT_KO, FEE_PAYMENT_KO, claimMove, focusClaim } from "./labels.js";

/** The claim types some line of the order may take now. */
export function claimableTypes(order) {
  return CLAIM_TYPES.filter(([type]) => order.lines.some((line) => claimMove(line, type)));
}

function lineRow(line, move) {
  const id = nextId("cl");
  const pick = h("input", { type: "checkbox", id, name: "pick", value: line.line_id });
  const qty = h("input", {
    type: "number", name: "quantity", min: "1", max: String(line.quantity), step: "1", value: String(line.quantity),
    disabled: !move.partial, "aria-label": `${line.line_id} 수량`,
  });
  const row = h("li.claim-pick", { dataset: { lineId: line.line_id } },
    h("label.check", { for: id }, pick,
      h("span", {}, `${line.line_id} ${line.product_name}${line.option_text ? ` (${line.option_text})` : ""}`,
        h("span.count", {}, ` ${line.status_ko} · ${line.quantity}개 · ${won(line.paid_amount)}`))),
    h("span.claim-qty", {}, qty, h("span.muted", {}, move.partial ? ` / ${line.quantity}개` : " 개 (전체만)")));
  return { row, pick, qty, line };
}

/** 교환 옵션: one 옵션명/옵션값 row per option of the first line (one row without options) and the
 * 옵션 추가금액 of the new option; `value()` is the API's exchange_option, or undefined when every value is blank. */
function exchangeOptionPart() {
  const rowsBox = h("div.stack");
  const pickerBox = h("div.exchange-picker");
  const price = h("input", { type: "number", name: "exchange_option_price", min: "0", step: "1", value: "0" });
  let pairs = [];
  const part = h("fieldset.claim-exchange-option", {}, h("legend", {}, "교환 옵션"),
    h("small.hint", {}, "같은 상품의 다른 옵션(사이즈·색상)으로 교환할 때 고르거나 입력하세요. 비워 두면 같은 옵션으로 교환합니다."),
    pickerBox, rowsBox, field("옵션 추가금액 (원)", price, { hint: "새 옵션의 추가금액 (원래 옵션과의 차액은 미결금액에 반영)" }));
  /** The same product's SKUs ("code|…"): a pick fills each option row by its name. */
  const picker = (line) => productPicker({ label: "교환할 옵션 찾기", fixedPrefix: `${line.product_code}|`, onPick: (p) => {
    p.options.forEach((o, i) => {
      const row = pairs.find((x) => x.name.value === o.name) || pairs[i];
      if (!row) return;
      row.name.value = o.name;
      row.value.value = o.value;
    });
  } });
  const reset = (line) => {
    pickerBox.replaceChildren(line ? picker(line).el : "");
    const names = line && line.options && line.options.length ? line.options.map((o) => o.name) : [""];
    pairs = names.map((name, i) => ({
      name: h("input", { name: `exchange_option_name_${i}`, maxLength: 50, value: name }),
      value: h("input", { name: `exchange_option_value_${i}`, maxLength: 100, placeholder: "예: L" }),
    }));
    rowsBox.replaceChildren(...pairs.map((p, i) => h("div.form-grid", {},
      field(`옵션명 ${i + 1}`, p.name), field(`교환할 옵션값 ${i + 1}`, p.value))));
  };
  const value = () => {
    const options = pairs.map((p) => ({ name: p.name.value.trim(), value: p.value.value.trim() }));
    if (options.every((o) => !o.value)) return undefined;
    const total = Number(price.value || 0);
    return { options: options.map((o, i) => ({ ...o, price: i === 0 && Number.isInteger(total) ? total : 0 })) };
  };
  return { part, reset, value };
}

/** Open the 접수 dialog; the claim is created there and the page redrawn (ctx.show). */
export async function openClaimForm(order, ctx, reasons) {
  const types = claimableTypes(order);
  const detail = await dialog("클레임 접수", (close) => {
    const slot = h("div.slot");
    const type = select("type", types, types[0][0]);
    const linesBox = h("ul.claim-picks");
    let rows = [];
    const reason = select("reason", reasons.map((r) => [r.code, `${r.ko} (${FAULT_KO[r.fault]})`]), reasons[0] && reasons[0].code);
    const fault = select("fault", [["", "사유대로"], ["buyer", "구매자 귀책"], ["shop", "판매자 귀책"]], "");
    const method = select("collection_method", Object.entries(COLLECTION_KO), "courier");
    const courier = h("input", { name: "courier", maxLength: 30, placeholder: "예: CJGLS" });
    const tracking = h("input", { name: "tracking_no", maxLength: 40, pattern: "[A-Za-z0-9\\- ]+", inputMode: "numeric" });
    const fee = select("fee_payment", [["", "사유대로 (구매자 귀책이면 차감)"], ...Object.entries(FEE_PAYMENT_KO)], "");
    const complete = h("input", { type: "checkbox", name: "complete", id: nextId("cc") });
    const note = h("textarea", { name: "note", rows: 2, maxLength: 500 });
    const faultHint = h("small.hint", { "aria-live": "polite" });
    const returnPart = h("div.form-grid", {},
      field("수거 방법", method), field("수거 택배사", courier), field("수거 송장번호", tracking),
      field("반품비 결제", fee, { hint: "판매자 귀책이면 반품비가 없습니다" }));
    const cancelPart = h("label.check", { for: complete.id }, complete, "취소완료까지 바로 처리");
    const exchange = exchangeOptionPart();

    const showFault = () => {
      const r = reasons.find((x) => x.code === reason.value);
      const blamed = fault.value || (r && r.fault);
      faultHint.textContent = blamed ? `귀책: ${FAULT_KO[blamed]}` : "";
    };
    const redrawLines = () => {
      rows = order.lines.map((line) => [line, claimMove(line, type.value)]).filter(([, m]) => m)
        .map(([line, m]) => lineRow(line, m));
      linesBox.replaceChildren(...rows.map((r) => r.row));
      const isCancel = type.value === "cancel";
      returnPart.hidden = isCancel;
      cancelPart.hidden = !isCancel;
      exchange.part.hidden = type.value !== "exchange";
      exchange.reset(rows[0] && rows[0].line);
    };
    type.addEventListener("change", redrawLines);
    reason.addEventListener("change", showFault);
    fault.addEventListener("change", showFault);
    redrawLines();
    showFault();

    const ok = h("button.btn.primary", { type: "submit" }, "접수");
    return h("form.stack.claim-form", {
      onsubmit: async (e) => {
        e.preventDefault();
        const items = rows.filter((r) => r.pick.checked)
          .map((r) => ({ line_id: r.line.line_id, quantity: Number(r.qty.value || r.line.quantity) }));
        if (!items.length) {
          showProblem(slot, { message: "클레임할 품목을 선택하세요." });
          return;
        }
        const body = { type: type.value, items, reason: reason.value, note: note.value.trim() || undefined };
        if (fault.value) body.fault = fault.value;
        if (type.value === "cancel") body.complete = complete.checked;
        else {
          body.collection = { method: method.value, courier: courier.value.trim() || undefined,
            tracking_no: tracking.value.trim() || undefined };
          if (fee.value) body.fee_payment = fee.value;
          const option = type.value === "exchange" ? exchange.value() : undefined;
          if (option) body.exchange_option = option;
        }
        const answer = await busy(ok, () => api.post(`${ctx.path}/claims`, body), slot);
        if (answer) close(answer);
      },
    },
    h("div.form-grid", {}, field("유형", type), h("div.field", {}, field("사유", reason), faultHint), field("귀책 변경", fault)),
    h("fieldset.claim-lines", {}, h("legend", {}, "품목과 수량"), linesBox),
    returnPart, exchange.part, cancelPart,
    field("메모", note, { wide: true }),
    slot,
    h("div.actions", {}, h("button.btn", { type: "button", onclick: () => close(undefined) }, "취소"), ok));
  }, { wide: true });
  if (detail) {
    const claim = detail.claims[detail.claims.length - 1];
    toast(claim ? `${claim.type_ko} 접수 ${claim.claim_id}` : "클레임이 접수되었습니다.");
    ctx.show(detail);
    if (claim) focusClaim(claim.claim_id);
  }
}
