// 배송 추적 of one parcel in the 배송 section: the tracking state (등록 대기, 추적 중, 등록 거절 + the
// provider's reason), a 배송 이상 (reason, last scan) with 처리 (POST …/shipments/{id}/issue/resolve, a
// note), the courier's scans newest first (time KST, place, the courier's words), and 송장번호 수정
// after shipping (POST …/shipments/{id}/correct: recorded on the timeline, tracking registered again).
import { api } from "../api.js";
import { h, field, badge } from "../ui.js";
import { act, formDialog, input } from "./act.js";
import { kst } from "../format.js";
import { addCourierOptions } from "../couriers.js";
import { TRACKING_STATE_KO, SCAN_KIND_KO, ko } from "../labels.js";


function scansOf(t) {
  return [...(t.scans || [])].sort((a, b) => (a.at < b.at ? 1 : -1));
}

function resolveIssue(ctx, s) {
  return formDialog(ctx, "배송 이상 처리", {
    submitLabel: "처리 완료",
    build() {
      const note = h("textarea", { name: "note", maxlength: 500, rows: 3 });
      return { body: [h("p", {}, `${s.tracking_no}: ${s.tracking.issue.reason_ko}`), field("처리 내용", note)],
        values: () => ({ note: note.value.trim() }) };
    },
    async submit(v) {
      const order = await api.post(`${ctx.path}/shipments/${s.shipment_id}/issue/resolve`, v);
      ctx.show(order);
      return order;
    },
  });
}

function correctNumber(ctx, s) {
  return formDialog(ctx, "송장번호 수정 (발송 후)", {
    submitLabel: "수정하고 다시 추적",
    build() {
      const courier = h("select", { name: "courier" }, h("option", { value: "" }, "택배사 그대로"));
      addCourierOptions(courier).catch(() => {});
      const no = input("tracking_no", { required: true, maxlength: 50, autocomplete: "off", inputmode: "numeric" });
      return {
        body: [h("p.muted", {}, `현재 ${s.tracking_no}. 수정 내역은 타임라인에 남고 새 번호로 배송추적을 다시 등록합니다.`),
          h("div.form-grid", {}, field("택배사", courier), field("새 송장번호", no))],
        values: () => ({ courier: courier.value || undefined, tracking_no: no.value.trim(),
          expected_version: ctx.order.version }),
      };
    },
    async submit(v) {
      const order = await api.post(`${ctx.path}/shipments/${s.shipment_id}/correct`, v);
      ctx.show(order);
      return order;
    },
  });
}

/** The tracking block of shipment `s` (null when the parcel is not tracked); `lines` are its lines. */
export function parcelTracking(s, lines, ctx) {
  const t = s.tracking;
  if (!t) return null;
  const [label, kind] = TRACKING_STATE_KO[t.state] || [t.state, ""];
  const head = h("div.parcel-state", {}, badge(label, kind),
    t.reason_ko ? h("span.muted", {}, ` ${t.reason_ko}`) : null,
    t.delivered_at ? h("span.muted", {}, ` · 배송완료 ${kst(t.delivered_at)}`) : null);
  const slot = h("div.slot");
  const actions = h("div.row-actions");
  if (t.issue) {
    const b = h("button.btn", { type: "button" }, "배송 이상 처리");
    b.addEventListener("click", () => resolveIssue(ctx, s));
    actions.append(h("span.issue", { role: "status" }, badge("배송 이상", "bad"), ` ${t.issue.reason_ko}`,
      t.last_scan ? h("span.muted", {}, ` · 마지막 스캔 ${kst(t.last_scan.at)} ${t.last_scan.text}`) : null), b);
  }
  if (lines.length && lines.every((l) => ["ready_to_ship", "shipping"].includes(l.status))
      && lines.some((l) => l.status === "shipping")) {
    const b = h("button.btn", { type: "button" }, "송장번호 수정");
    b.addEventListener("click", () => act(ctx, b, slot, () => correctNumber(ctx, s)));
    actions.append(b);
  }
  const scans = scansOf(t);
  const table = scans.length ? h("table.scans", {},
    h("caption.sr-only", {}, `${s.tracking_no} 배송 스캔`),
    h("thead", {}, h("tr", {}, h("th", {}, "시각"), h("th", {}, "위치"), h("th", {}, "택배사 상태"))),
    h("tbody", {}, scans.map((x) => h("tr", { "data-kind": x.kind },
      h("td", {}, kst(x.at)), h("td", {}, x.where || "-"), h("td", {}, `${x.text} (${ko(SCAN_KIND_KO, x.kind)})`)))))
    : h("p.muted", {}, "아직 택배사 스캔이 없습니다.");
  return h("div.parcel", {}, head, actions, table, slot);
}
