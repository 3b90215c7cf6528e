// The list's file and job actions (송장등록 엑셀, export, print, jobs over the whole search).
// bulkActions(ctx) → buttons for the bulk bar (ctx.selectedIds() → order ids, ctx.showResults(results),
// ctx.refresh()); searchActions(ctx) → controls for "이 검색 결과 전체 선택" (ctx.search() → the list's
// current query: tab, dates, filters, lookups; ctx.total() → how many orders it matches).
export function bulkActions(ctx) { // eslint-disable-line no-unused-vars
  return [];
}

export function searchActions(ctx) { // eslint-disable-line no-unused-vars
  return [];
}
