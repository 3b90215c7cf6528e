// 회원: one member's points ledger (잔액, every entry with its reason and who) with a manual 지급 /
// 차감 with a reason, and their membership pass (남은 일수, 그룹, 이력) with 회원그룹에서 제외.
import { api, ApiError, seg } from "../api.js";
import { h, field, busy, section, problemBox, badge, empty, toast } from "../ui.js";
import { won, kst } from "../format.js";
import { personKo, POINTS_KIND_KO, MEMBERSHIP_KO, POINTS_BY_KO, ko } from "../labels.js";


function lookup(current) {
  const id = h("input", { name: "member_id", value: current || "", required: true, maxlength: 64, autocomplete: "off" });
  return h("form.member-lookup.row-actions", {
    role: "search",
    onsubmit: (e) => { e.preventDefault(); if (id.value.trim()) location.hash = `#/members/${encodeURIComponent(id.value.trim())}`; },
  }, field("회원 ID", id), h("button.btn.primary", { type: "submit" }, "조회"));
}

function by(entry) {
  if (typeof entry.by === "string" && POINTS_BY_KO[entry.by]) return POINTS_BY_KO[entry.by];
  return personKo(entry.by);
}

function ledger(memberId, page, reload) {
  const amount = h("input", { type: "number", name: "amount", inputmode: "numeric", step: 1, required: true });
  const reason = h("input", { name: "reason", maxlength: 200, required: true });
  const slot = h("div.slot");
  const submit = h("button.btn", { type: "submit" }, "적립금 반영");
  const form = h("form.form-grid", {
    "aria-label": "적립금 수동 지급·차감",
    onsubmit: (e) => {
      e.preventDefault();
      busy(submit, async () => {
        const answer = await api.post(`/admin/members/${seg(memberId)}/points`,
          { amount: Number(amount.value), reason: reason.value.trim() });
        toast(`적립금 ${won(Number(amount.value))} 반영 — 잔액 ${won(answer.balance)}`);
        await reload();
      }, slot);
    },
  }, field("금액 (차감은 -)", amount, { hint: "예: 1000 지급, -500 차감" }), field("사유", reason, { wide: true }),
  h("div.field", {}, submit), h("div.field.wide", {}, slot));
  const rows = (page.entries || []).map((e) => h("tr", {},
    h("td", {}, kst(e.at)), h("td", {}, ko(POINTS_KIND_KO, e.kind)),
    h("td.num", { class: e.amount < 0 ? "minus" : "" }, won(e.amount)),
    h("td", {}, e.reason || "", e.order_id ? [" ", h("a", { href: `#/orders/${encodeURIComponent(e.order_id)}` }, e.order_id)] : null),
    h("td", {}, by(e))));
  const table = rows.length
    ? h("div.table-wrap", {}, h("table.grid", {}, h("caption.sr-only", {}, "적립금 내역"),
      h("thead", {}, h("tr", {}, ["일시", "구분", "금액", "사유", "처리"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows)))
    : empty("적립금 내역이 없습니다.");
  return section("적립금", h("div.stack", {},
    h("p", {}, "잔액 ", h("strong", { "data-testid": "points-balance" }, won(page.balance))), form, table),
  { id: "member-points" });
}

function membership(memberId, m, reload) {
  const slot = h("div.slot");
  const reason = h("input", { name: "remove_reason", maxlength: 200, required: true });
  const remove = h("button.btn.danger", { type: "submit" }, "회원그룹에서 제외");
  const form = m.in_group ? h("form.row-actions", {
    "aria-label": "회원그룹에서 제외",
    onsubmit: (e) => {
      e.preventDefault();
      busy(remove, async () => {
        await api.post(`/admin/members/${seg(memberId)}/membership/remove-group`, { reason: reason.value.trim() });
        toast("회원그룹에서 제외했습니다.");
        await reload();
      }, slot);
    },
  }, field("제외 사유", reason), remove) : null;
  const history = (m.history || []).map((x) => h("li", {}, `${kst(x.at)} · ${ko(MEMBERSHIP_KO, x.kind)}`,
    x.days ? ` ${x.days}일` : "", x.order_id ? [" · ", h("a", { href: `#/orders/${encodeURIComponent(x.order_id)}` }, x.order_id)] : null,
    x.reason ? ` · ${x.reason}` : ""));
  return section("회원그룹 이용권", h("div.stack", {},
    h("p", {}, "남은 일수 ", h("strong", { "data-testid": "membership-days" }, `${m.days || 0}일`), " · ",
      m.in_group ? badge("그룹 회원", "ok") : badge("그룹 아님", "muted")),
    form, slot, history.length ? h("ul.plain", {}, history) : empty("이용권 이력이 없습니다.")),
  { id: "member-membership" });
}

export async function render(main, { params }) {
  const [memberId] = params;
  main.append(h("h1", {}, memberId ? `회원 ${memberId}` : "회원"), lookup(memberId));
  if (!memberId) return undefined;
  const body = h("div.member");
  main.append(body);
  const reload = async () => {
    try {
      const [points, pass] = await Promise.all([
        api.get(`/admin/members/${seg(memberId)}/points`, { limit: 50 }),
        // a member who never held a pass has no membership record (404): nothing to show but that
        api.get(`/admin/members/${seg(memberId)}/membership`)
          .catch((err) => { if (err instanceof ApiError && err.status === 404) return { days: 0, in_group: false, history: [] }; throw err; }),
      ]);
      body.replaceChildren(ledger(memberId, points, reload), membership(memberId, pass, reload));
    } catch (err) {
      body.replaceChildren(problemBox(err));
    }
  };
  await reload();
  return undefined;
}
