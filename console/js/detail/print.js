// 인쇄: the order sheet (주문서) as the API renders it — HTML fetched with the token and printed from
// a hidden frame (the browser's print dialog), or the PDF downloaded.
import { request } from "../api.js";
import { h, busy, saveResponse } from "../ui.js";

async function printHtml(ctx) {
  const resp = await request("GET", `${ctx.path}/sheet`, { query: { format: "html" }, raw: true });
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
  const resp = await request("GET", `${ctx.path}/sheet`, { query: { format: "pdf" }, raw: true });
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
