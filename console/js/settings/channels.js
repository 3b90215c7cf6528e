// 외부 채널 (네이버 스마트스토어 · 네이버페이 주문형): connect the seller (application id and secret,
// checked with Naver before they are kept; the secret is never shown again), and the 동기화 status —
// the last pull and what it brought, whether changes still wait, the next pull, Naver's last error,
// orders that could not be taken in — with 지금 가져오기 and 연결 해제.
import { api } from "../api.js";
import { h, field, section, busy, badge, toast, problemBox, confirmDialog, empty } from "../ui.js";
import { kst } from "../format.js";

function statusBlock(c) {
  const last = c.last || {};
  const rows = [
    ["상태", c.enabled ? badge("연결됨", "ok") : badge("연결 안 됨", "muted")],
    ["애플리케이션", c.client_id || "-"],
    ["마지막 가져오기", c.pulled_at ? `${kst(c.pulled_at)} · 변경 ${last.rows ?? 0}건, 새 주문 ${last.created ?? 0}건, 갱신 ${last.updated ?? 0}건` : "아직 없음"],
    ["밀린 변경", c.backlog ? badge("남아 있음 (곧 이어서 가져옵니다)", "warn") : "없음"],
    ["다음 가져오기", c.enabled && c.next_at ? kst(c.next_at) : "-"],
    ["네이버 오류", c.last_error ? badge(c.last_error, "bad") : "없음"],
  ];
  return h("dl.kv.channel-status", { "aria-label": "네이버 동기화 상태", dataset: { channel: c.channel, enabled: String(c.enabled) } },
    rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function errorList(errors) {
  if (!errors.length) return null;
  return h("div.channel-errors", {}, h("h3", {}, "가져오지 못한 주문"),
    h("ul.item-list", { "aria-label": "가져오지 못한 네이버 주문" }, errors.map((e) => h("li.item-row", { dataset: { code: e.code } },
      h("div.item-main", {}, h("strong", {}, `네이버 주문 ${e.channel_order_id}`), " ", badge(e.code, "bad"),
        h("div.muted", {}, e.message_ko), h("small.muted", {}, kst(e.at)))))));
}

export function channelsCard() {
  const slot = h("div.slot");
  const status = h("div.channel-status-slot", { "aria-live": "polite" });
  const clientId = h("input", { name: "client_id", maxlength: 100, autocomplete: "off" });
  const secret = h("input", { name: "client_secret", type: "password", maxlength: 29, autocomplete: "new-password" });
  const account = h("input", { name: "account_id", maxlength: 100, autocomplete: "off" });
  const connect = h("button.btn.primary", { type: "submit" }, "연결");
  const sync = h("button.btn", { type: "button" }, "지금 가져오기");
  const test = h("button.btn", { type: "button" }, "연결 확인");
  test.addEventListener("click", () => busy(test, async () => {
    const answer = await api.post("/admin/channels/naver/check");
    toast(`네이버 연결 정상: ${answer.label}`);
  }, slot));
  const off = h("button.btn.danger", { type: "button" }, "연결 해제");
  const load = async () => {
    const answer = await api.get("/admin/channels");
    const c = answer.channels.find((x) => x.channel === "naver") || { channel: "naver", enabled: false, errors: [] };
    status.replaceChildren(statusBlock(c), errorList(c.errors || []) || empty("가져오지 못한 주문이 없습니다."));
    sync.disabled = !c.enabled;
    test.disabled = !c.enabled;
    off.disabled = !c.enabled;
    if (c.client_id && !clientId.value) clientId.value = c.client_id;
  };
  sync.addEventListener("click", () => busy(sync, async () => {
    await api.post("/admin/channels/naver/sync");
    toast("네이버 주문을 가져오는 중입니다. 잠시 후 목록에 나타납니다.");
    setTimeout(() => load().catch(() => {}), 3000);
  }, slot));
  off.addEventListener("click", () => busy(off, async () => {
    if (!(await confirmDialog("연결 해제", "네이버 주문을 더 이상 가져오지 않습니다. 가져온 주문은 그대로 남습니다.", "연결 해제"))) return;
    await api.del("/admin/channels/naver");
    toast("네이버 연결을 해제했습니다.");
    await load();
  }, slot));
  const form = h("form.channel-form", { novalidate: true, "aria-label": "네이버 판매자 연결", onsubmit: (e) => {
    e.preventDefault();
    busy(connect, async () => {
      await api.put("/admin/channels/naver", { client_id: clientId.value.trim(), client_secret: secret.value.trim(),
        account_id: account.value.trim() || null });
      secret.value = "";
      toast("네이버 판매자를 연결했습니다. 최근 3일의 주문부터 가져옵니다.");
      await load();
    }, slot);
  } },
  h("h3", {}, "네이버 커머스API 연결"),
  h("div.form-grid", {},
    field("애플리케이션 ID", clientId),
    field("애플리케이션 시크릿", secret, { hint: "커머스API센터에서 발급한 시크릿 ($2a$로 시작). 네이버에서 확인한 뒤 저장하며 다시 보여주지 않습니다." }),
    field("판매자 ID (선택)", account, { hint: "솔루션 애플리케이션으로 연결할 때만 입력합니다." })),
  h("div.actions", {}, connect, test, sync, off));
  load().catch((err) => status.replaceChildren(problemBox(err)));
  return section("외부 채널 (네이버)", h("div.stack", {},
    h("p.muted", {}, "스마트스토어·네이버페이 주문형 주문을 5분마다 가져와 주문 목록에 함께 보여줍니다. 발송처리, 발송지연, 클레임 처리는 네이버에 바로 전달됩니다."),
    slot, status, form), { id: "settings-channels" });
}
