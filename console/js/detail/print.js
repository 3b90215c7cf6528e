// 인쇄: the order sheet (주문서) as the API renders it — HTML fetched with the token and printed from
// a hidden frame (the browser's print dialog), or the PDF downloaded.
import { request } from "../api.js";
import { h, busy, saveResponse } from "../ui.js";
import { can } from "../auth.js";

/** The sheet masks the people unless an operator who may see them types why (recorded). */
function personalQuery() {
  if (!can("personal.view")) return {};
  const reason = (window.prompt("개인정보(이름·연락처·주소)를 포함하려면 사유를 입력하세요. 비워 두면 가려서 인쇄합니다.") || "").trim();
  return reason ? { personal: "true", reason } : {};
}

async function printHtml(ctx) {
  const resp = await request("GET", `${ctx.path}/sheet`, { query: { format: "html", ...personalQuery() }, raw: true });
  const url = URL.createObjectURL(await resp.blob());
  document.querySelectorAll("iframe.print-frame").forEach((f) => f.remove());
  const frame = h("iframe.print-frame", { title: `주문서 ${ctx.orderId}`, src: url, tabindex: "-1" });
  frame.addEventListener("load", () => {
    frame.dataset.loaded = "1";
    try {
      frame.contentWindow.focus();
      frame.contentWindow.print();
    } finally {
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    }
  });
  document.body.append(frame);
}

async function downloadPdf(ctx) {
  const resp = await request("GET", `${ctx.path}/sheet`, { query: { format: "pdf", ...personalQuery() }, raw: true });
  await saveResponse(resp, `order-sheet-${ctx.orderId}.pdf`);
}

/** The header's print buttons; a refusal lands in `slot`. */
export function printButtons(ctx, slot) {
  const html = h("button.btn", { type: "button", title: "주문서를 인쇄합니다" }, "주문서 인쇄");
  html.addEventListener("click", () => busy(html, () => printHtml(ctx), slot));
  const pdf = h("button.btn", { type: "button" }, "PDF 저장");
  pdf.addEventListener("click", () => busy(pdf, () => downloadPdf(ctx), slot));
  return [html, pdf];
}
