// 접속기록 (the owner): the personal-data access record — sign-ins, 개인정보 보기, exports and prints,
// permission changes — by period, operator, action or order; 내보내기 (CSV) for the monthly review,
// itself recorded. Never editable.
import { api } from "../api.js";
import { session } from "../auth.js";
import { config } from "../config.js";
import { h, field, busy, problemBox, empty, select, toast } from "../ui.js";
import { kst } from "../format.js";

const kstDay = (d) => new Date(d.getTime() + 9 * 3600e3).toISOString().slice(0, 10);

function table(records) {
  if (!records.length) return empty("기록이 없습니다.");
  return h("table.access-log", { "aria-label": "접속기록" },
    h("thead", {}, h("tr", {}, ["일시", "작업", "운영자", "역할", "IP", "주문", "건수", "사유"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, records.map((r) => h("tr", { dataset: { action: r.action } },
      h("td", {}, kst(r.at)), h("td", {}, r.action_ko), h("td", {}, `${r.operator_name || ""} (${r.operator_id})`),
      h("td", {}, r.role || ""), h("td", {}, r.ip), h("td", {}, (r.order_ids || []).join(", ")),
      h("td", {}, r.size || ""), h("td", {}, r.reason || "")))));
}

export async function render(main) {
  const now = new Date();
  const from = h("input", { type: "date", name: "date_from", value: kstDay(new Date(now.getTime() - 30 * 86400e3)) });
  const to = h("input", { type: "date", name: "date_to", value: kstDay(now) });
  const operator = h("input", { name: "operator_id", maxlength: 64 });
  const action = select("action", [["", "전체"], ["sign_in", "로그인"], ["reveal", "개인정보 보기"], ["export", "엑셀 내보내기"],
    ["print", "주문서 인쇄"], ["permission_change", "권한 변경"], ["access_log_export", "접속기록 내보내기"]], "");
  const order = h("input", { name: "order_id", maxlength: 40 });
  const out = h("div.access-log-slot", { "aria-live": "polite" });
  const search = h("button.btn.primary", { type: "submit" }, "조회");
  const exportBtn = h("button.btn", { type: "button" }, "내보내기 (CSV)");
  const query = () => Object.fromEntries(Object.entries({ date_from: from.value, date_to: to.value,
    operator_id: operator.value.trim(), action: action.value, order_id: order.value.trim() }).filter(([, v]) => v));
  const load = async () => {
    const answer = await api.get(`/admin/access-log?${new URLSearchParams(query())}`);
    out.replaceChildren(table(answer.records), answer.more ? h("p.muted", {}, "기간을 좁히면 나머지 기록을 볼 수 있습니다.") : null);
  };
  exportBtn.addEventListener("click", () => busy(exportBtn, async () => {
    const q = query();
    delete q.order_id;
    const resp = await fetch(`${config().api_base || ""}/admin/access-log/export?${new URLSearchParams(q)}`,
      { headers: { authorization: `Bearer ${session().token}` } });
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    const url = URL.createObjectURL(await resp.blob());
    const a = h("a", { href: url, download: `access-log-${q.date_from}-${q.date_to}.csv` });
    document.body.append(a); a.click(); a.remove();
    toast("접속기록을 내보냈습니다. 내보낸 일도 기록됩니다.");
    await load();
  }, out));
  const form = h("form.filters", { "aria-label": "접속기록 조회", onsubmit: (e) => { e.preventDefault(); busy(search, load, out); } },
    h("div.form-grid", {}, field("시작일", from), field("종료일", to), field("운영자 ID", operator), field("작업", action),
      field("주문번호", order)), h("div.actions", {}, search, exportBtn));
  main.append(h("h1", {}, "개인정보 접속기록"),
    h("p.muted", {}, "로그인, 개인정보 보기, 내보내기·인쇄, 권한 변경이 2년 동안 남습니다. 기록은 고칠 수 없습니다."), form, out);
  try { await load(); } catch (err) { out.replaceChildren(problemBox(err)); }
}
