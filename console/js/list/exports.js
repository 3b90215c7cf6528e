// The bulk bar's 엑셀 다운로드 (POST /admin/exports with a template of the site: 기본, 택배사 업로드
// and its own) and 주문서 인쇄 (POST /admin/orders/sheets, PDF downloaded or HTML opened to print).
import { personalFields } from "../personal.js";
import { api, request } from "../api.js";
import { h, field, select, busy, dialog, showProblem, saveResponse } from "../ui.js";

/** A select of export templates (filled by loadTemplates). */
export function templateSelect() {
  return h("select", { name: "template_id" }, h("option", { value: "" }, "양식을 불러오는 중…"));
}

/** Fill a template select from GET /admin/exports/templates (built-in first, then the site's). */
export async function loadTemplates(sel) {
  const { templates } = await api.get("/admin/exports/templates");
  sel.replaceChildren(...templates.map((t) => h("option", { value: t.template_id },
    t.builtin ? `${t.name} (기본 제공)` : t.name)));
  return templates;
}

/** Download a file at a (presigned) URL: the server names it (Content-Disposition: attachment). */
export function startDownload(url, name) {
  const a = h("a", { href: url, download: name || "", hidden: true });
  document.body.append(a);
  a.click();
  setTimeout(() => a.remove(), 1000);
}

/** Refusal before any call: nothing is selected. */
export function needSelection(ids, slot) {
  if (ids.length) return true;
  showProblem(slot, new Error("주문을 먼저 선택해 주세요."));
  return false;
}

function exportDialog(ids) {
  return dialog("엑셀 다운로드", (close) => {
    const template = templateSelect();
    const slot = h("div.slot");
    const result = h("div.export-result", { "aria-live": "polite" });
    loadTemplates(template).catch((err) => showProblem(slot, err));
    const go = h("button.btn.primary", { type: "submit" }, "다운로드");
    const personal = personalFields();
    return h("form.stack", {
      onsubmit: (e) => {
        e.preventDefault();
        if (!template.value) { showProblem(slot, new Error("엑셀 양식을 불러온 뒤 골라 주세요.")); return; }
        busy(go, async () => {
          const out = await api.post("/admin/exports", { template_id: template.value, order_ids: ids, ...personal.values() });
          result.replaceChildren(h("p", {}, `${out.rows}행을 내보냈습니다. `,
            h("a", { href: out.url, download: out.file_name }, `${out.file_name} 다시 받기`)));
          startDownload(out.url, out.file_name);
        }, slot);
      },
    },
    h("p.muted", {}, `선택한 주문 ${ids.length}건`),
    field("엑셀 양식", template, { hint: "기본·택배사 업로드 양식과 이 사이트의 양식" }),
    personal.element, slot, result,
    h("div.actions", {}, h("button.btn", { type: "button", onclick: () => close() }, "닫기"), go));
  });
}

function printDialog(ids) {
  return dialog("주문서 인쇄", (close) => {
    const format = select("format", [["pdf", "PDF 내려받기"], ["html", "HTML (새 탭에서 인쇄)"]], "pdf");
    const slot = h("div.slot");
    const result = h("div.print-result", { "aria-live": "polite" });
    const go = h("button.btn.primary", { type: "submit" }, "주문서 만들기");
    const personal = personalFields();
    return h("form.stack", {
      onsubmit: (e) => {
        e.preventDefault();
        const fmt = format.value;
        const tab = fmt === "html" ? window.open("", "_blank") : null; // opened in the click, filled after the call
        busy(go, async () => {
          let resp;
          try {
            resp = await request("POST", "/admin/orders/sheets", { body: { order_ids: ids, format: fmt, ...personal.values() }, raw: true });
          } catch (err) {
            if (tab) tab.close();
            throw err;
          }
          if (fmt === "pdf") {
            await saveResponse(resp, "주문서.pdf");
            result.replaceChildren(h("p", {}, `주문서 ${ids.length}건을 PDF로 내려받았습니다.`));
            return;
          }
          const url = URL.createObjectURL(new Blob([await resp.text()], { type: "text/html" }));
          if (tab) tab.location.href = url;
          result.replaceChildren(h("p", {}, tab ? "새 탭에서 주문서를 열었습니다. 그 탭에서 인쇄하세요. " : "",
            h("a", { href: url, target: "_blank", rel: "noopener" }, "주문서 열기 (새 탭)")));
        }, slot);
      },
    },
    h("p.muted", {}, `선택한 주문 ${ids.length}건 · 주문마다 한 쪽`),
    field("형식", format), slot, result,
    h("div.actions", {}, h("button.btn", { type: "button", onclick: () => close() }, "닫기"), go));
  });
}

/** 엑셀 다운로드 and 주문서 인쇄 buttons for the selection; a refusal before the dialog goes to `slot`. */
export function exportButtons(ctx, slot) {
  return [
    h("button.btn", { type: "button", onclick: () => {
      const ids = ctx.selectedIds();
      if (needSelection(ids, slot)) { showProblem(slot, null); exportDialog(ids); }
    } }, "엑셀 다운로드"),
    h("button.btn", { type: "button", onclick: () => {
      const ids = ctx.selectedIds();
      if (needSelection(ids, slot)) { showProblem(slot, null); printDialog(ids); }
    } }, "주문서 인쇄"),
  ];
}
