// The list's file and job actions (송장등록 엑셀, 합배송, export, print, jobs over the whole search).
// bulkActions(ctx) → controls for the bulk bar (ctx.selectedIds() → order ids (≤ 50),
// ctx.showResults(results), ctx.refresh()); searchActions(ctx) → controls for "이 검색 결과 전체 선택"
// (ctx.search() → the list's current query: tab, dates, filters, lookups; ctx.total() → how many
// orders it matches). Each answers an array of nodes; a refusal before a dialog opens shows in the
// slot that comes with them.
import { h } from "../ui.js";
import { invoiceControls } from "./invoices.js";
import { exportButtons } from "./exports.js";
import { searchJob } from "./jobs.js";
import { combinedButton } from "./combined.js";

export function bulkActions(ctx) {
  const slot = h("div.slot.files-slot");
  return [
    h("div.file-actions", { role: "group", "aria-label": "송장·엑셀·주문서" }, invoiceControls(ctx, slot),
      combinedButton(ctx, slot), exportButtons(ctx, slot)),
    slot,
  ];
}

export function searchActions(ctx) {
  return [h("div.search-job", {}, searchJob(ctx))];
}
