// 웹훅: the site's webhook endpoints (GET/POST /admin/webhooks/endpoints) — HTTPS URLs that receive
// the order events they subscribe to, signed with their own secret. The secret is shown once, right
// after registration or a rotation; afterwards only its last characters. Each endpoint can be paused
// (사용 중지), its secret rotated, its delivery log read (전송 기록: newest first) or removed.
import { api } from "../api.js";
import { h, field, section, busy, badge, empty, toast, problemBox, confirmDialog } from "../ui.js";
import { kst } from "../format.js";

const OUTCOME = { delivered: ["전송됨", "ok"], retry: ["재시도 예정", "warn"], failed: ["실패", "bad"] };

function secretBox(answer, what) {
  return h("div.secret-once", { role: "status", dataset: { endpoint: answer.endpoint_id } },
    h("strong", {}, `${what}: 이 서명 비밀키는 지금 한 번만 보입니다. 수신 시스템에 저장하세요.`),
    h("div", {}, h("code.webhook-secret", {}, answer.secret)));
}

function logTable(attempts) {
  if (!attempts.length) return empty("전송 기록이 없습니다.");
  return h("table.webhook-log", { "aria-label": "웹훅 전송 기록" },
    h("thead", {}, h("tr", {}, ["시각", "결과", "응답", "소요", "시도", "주문", "이벤트", "오류"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, attempts.map((a) => {
      const [ko, kind] = OUTCOME[a.outcome] || [a.outcome, "muted"];
      return h("tr", { dataset: { outcome: a.outcome } },
        h("td", {}, kst(a.at)), h("td", {}, badge(ko, kind)), h("td", {}, a.status_code ?? "-"),
        h("td", {}, `${a.duration_ms}ms`), h("td", {}, `${a.attempt}/${a.max_attempts || a.attempt}`),
        h("td", {}, a.order_id), h("td", {}, (a.types || []).join(", ")), h("td", {}, a.error || ""));
    })));
}

function endpointRow(ep, labels, reload, slot) {
  const logSlot = h("div.webhook-log-slot");
  const shown = h("div.secret-slot");
  const toggle = h("button.btn", { type: "button" }, ep.enabled ? "사용 중지" : "다시 사용");
  toggle.addEventListener("click", () => busy(toggle, async () => {
    await api.patch(`/admin/webhooks/endpoints/${ep.endpoint_id}`, { enabled: !ep.enabled });
    toast(ep.enabled ? "웹훅 전송을 중지했습니다." : "웹훅 전송을 다시 시작했습니다.");
    await reload();
  }, slot));
  const rotate = h("button.btn", { type: "button" }, "비밀키 교체");
  rotate.addEventListener("click", () => busy(rotate, async () => {
    if (!(await confirmDialog("비밀키 교체", "새 비밀키를 만듭니다. 이전 비밀키도 24시간 동안 함께 서명합니다.", "교체"))) return;
    const answer = await api.post(`/admin/webhooks/endpoints/${ep.endpoint_id}/rotate-secret`);
    shown.replaceChildren(secretBox(answer, "새 비밀키"));
  }, slot));
  const logs = h("button.btn", { type: "button" }, "전송 기록");
  logs.addEventListener("click", () => busy(logs, async () => {
    const answer = await api.get(`/admin/webhooks/endpoints/${ep.endpoint_id}/attempts`);
    logSlot.replaceChildren(logTable(answer.attempts || []));
  }, slot));
  const remove = h("button.btn.danger", { type: "button" }, "삭제");
  remove.addEventListener("click", () => busy(remove, async () => {
    if (!(await confirmDialog("웹훅 삭제", `${ep.url} 으로 더 이상 보내지 않습니다.`, "삭제"))) return;
    await api.del(`/admin/webhooks/endpoints/${ep.endpoint_id}`);
    toast("웹훅 엔드포인트를 삭제했습니다.");
    await reload();
  }, slot));
  return h("li.item-row", { dataset: { endpoint: ep.endpoint_id, enabled: String(ep.enabled) } },
    h("div.item-main", {},
      h("strong", {}, ep.url), " ", badge(ep.enabled ? "사용" : "중지됨", ep.enabled ? "ok" : "muted"),
      ep.description ? h("div.muted", {}, ep.description) : null,
      h("div", {}, h("small", {}, ep.event_types.map((t) => labels[t] || t).join(", "))),
      h("div", {}, h("small.muted", {}, `비밀키 ${ep.secret_hint} · ${kst(ep.created_at)} 등록`)),
      shown, logSlot),
    h("div.row-actions", {}, toggle, rotate, logs, remove));
}

export function webhooksCard() {
  const slot = h("div.slot");
  const list = h("ul.item-list", { "aria-label": "웹훅 엔드포인트 목록" });
  const created = h("div.secret-slot");
  const types = h("fieldset.event-types", {}, h("legend", {}, "받을 이벤트"));
  const limit = h("p.muted");
  let labels = {};
  const load = async () => {
    const answer = await api.get("/admin/webhooks/endpoints");
    labels = Object.fromEntries(answer.event_types.map((t) => [t.type, t.label_ko]));
    if (types.children.length === 1) {
      types.append(...answer.event_types.map((t) => h("label.check", {},
        h("input", { type: "checkbox", name: "event_types", value: t.type, checked: true }), ` ${t.label_ko} `,
        h("small.muted", {}, t.type))));
    }
    limit.textContent = `사이트당 최대 ${answer.limit}개 (${answer.endpoints.length}개 등록됨)`;
    list.replaceChildren(...(answer.endpoints.length
      ? answer.endpoints.map((ep) => endpointRow(ep, labels, load, slot))
      : [h("li", {}, empty("등록된 웹훅 엔드포인트가 없습니다."))]));
  };
  const url = h("input", { name: "url", type: "url", maxlength: 500, autocomplete: "off", placeholder: "https://erp.example.com/hooks/oms" });
  const description = h("input", { name: "description", maxlength: 100, placeholder: "예: 물류 시스템" });
  const submit = h("button.btn.primary", { type: "submit" }, "등록");
  const form = h("form.webhook-form", { novalidate: true, "aria-label": "웹훅 엔드포인트 등록", onsubmit: (e) => {
    e.preventDefault();
    busy(submit, async () => {
      const chosen = [...types.querySelectorAll("input:checked")].map((i) => i.value);
      const answer = await api.post("/admin/webhooks/endpoints",
        { url: url.value.trim(), event_types: chosen, description: description.value.trim() || null });
      url.value = "";
      description.value = "";
      created.replaceChildren(secretBox(answer, "등록했습니다"));
      await load();
    }, slot);
  } },
  h("h3", {}, "웹훅 엔드포인트 등록"),
  h("div.form-grid", {},
    field("수신 URL", url, { hint: "https:// 주소만 (내부망 주소 불가). 주문 이벤트를 Standard Webhooks 서명과 함께 POST 합니다." }),
    field("메모 (선택)", description)),
  types,
  h("div.actions", {}, submit));
  load().catch((err) => list.replaceChildren(h("li", {}, problemBox(err))));
  return section("웹훅", h("div.stack", {}, limit, created, slot, list, form), { id: "settings-webhooks" });
}
