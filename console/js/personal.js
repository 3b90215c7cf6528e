// 개인정보 포함: the choice an export or a print offers an operator holding 개인정보 보기 — the file masks
// names, phones and addresses unless they tick it and type the reason (recorded in 접속기록).
import { h, field } from "./ui.js";
import { can } from "./auth.js";

export function personalFields() {
  if (!can("personal.view")) return { element: null, values: () => ({}) };
  const box = h("input", { type: "checkbox", name: "personal" });
  const reason = h("input", { name: "reason", maxlength: 200, placeholder: "예: 택배사 송장 업로드" });
  const element = h("fieldset.personal-choice", {}, h("legend", {}, "개인정보"),
    h("label.check", {}, box, " 개인정보 포함 (이름·연락처·주소; 체크하지 않으면 가려서 만듭니다)"),
    field("사유 (포함할 때 필수, 접속기록에 남음)", reason));
  return { element, values: () => (box.checked ? { personal: true, reason: reason.value.trim() } : {}) };
}
