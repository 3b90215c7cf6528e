// 배송비/도서산간: the base shipping fee, the free-shipping threshold and the remote-area zones
// (postal-code ranges with their extra fee). The fields live in the claims section of the settings;
// this card saves them over the section as it was last read (the 클레임 card saves the others).
// remote_zones null means the default list (GET /admin/settings/claims/remote-zones/default).
import { api } from "../api.js";
import { h, field, busy, empty } from "../ui.js";
import { won } from "../format.js";
import { intInput, readInt, sectionCard } from "./form.js";

const MAX_ZONES = 200;
let defaults = null;

async function defaultZones() {
  if (!defaults) defaults = await api.get("/admin/settings/claims/remote-zones/default");
  return defaults;
}

function zoneRow(zone, index, onRemove) {
  const n = index + 1;
  // the visible caption shows on a phone (a desktop has the header row); the name says which zone
  const input = (name, value, attrs) => h("label.zone-cell", {},
    h("span.zone-label", { "aria-hidden": "true" }, attrs.label),
    h("input", { name, value: value ?? "", "aria-label": `${n}번 구역 ${attrs.label}`,
      dataset: { path: `claims.remote_zones.${index}.${name}` }, ...attrs.extra }));
  const digits = { type: "text", inputmode: "numeric", pattern: "\\d{5}", maxlength: 5, required: true };
  const row = h("li.zone-row", { dataset: { zone: String(n) } },
    input("name_ko", zone.name_ko, { label: "이름", extra: { maxlength: 50, required: true } }),
    input("start", zone.start, { label: "시작 우편번호", extra: digits }),
    input("end", zone.end, { label: "끝 우편번호", extra: digits }),
    input("fee", zone.fee, { label: "추가 배송비", extra: { type: "number", min: 0, max: 1000000, step: 100, inputmode: "numeric", required: true } }),
    h("button.btn.ghost.danger", { type: "button", "aria-label": `${n}번 구역 삭제`, onclick: onRemove }, "삭제"));
  row.read = () => {
    const get = (name) => row.querySelector(`[name="${name}"]`).value.trim();
    const fee = readInt(row.querySelector('[name="fee"]'));
    return { name_ko: get("name_ko"), start: get("start"), end: get("end"), fee };
  };
  return row;
}

/** The zones editor: 기본 목록 or 직접 설정 (a list of rows); answers {el, read()}. */
function zonesEditor(initial) {
  let zones = initial ? initial.map((z) => ({ ...z })) : null;
  const slot = h("div.slot");
  const list = h("ol.zones", { "aria-label": "도서산간 구역" });
  const summary = h("p.muted.zones-summary", { "aria-live": "polite" });
  const useDefault = h("input", { type: "radio", name: "zones_mode", value: "default", checked: zones === null });
  const useOwn = h("input", { type: "radio", name: "zones_mode", value: "own", checked: zones !== null });
  const add = h("button.btn", { type: "button" }, "구역 추가");
  const ownTools = h("div.row-actions.zones-tools", {}, add);

  const collectRows = () => Array.from(list.children).map((row) => row.read());
  const draw = () => {
    const own = zones !== null;
    ownTools.hidden = !own;
    list.hidden = !own;
    if (!own) {
      list.replaceChildren();
      summary.textContent = defaults
        ? `기본 목록 ${defaults.zones.length}개 구역 (${defaults.version}): 제주 ${won(defaults.zones[0].fee)}, 그 밖의 도서산간 ${won(defaults.zones[defaults.zones.length - 1].fee)}`
        : "기본 목록 (제주·도서산간)을 적용합니다.";
      return;
    }
    list.replaceChildren(...zones.map((z, i) => zoneRow(z, i, () => { zones = collectRows(); zones.splice(i, 1); draw(); })));
    summary.textContent = `직접 설정한 구역 ${zones.length}개`;
    if (!zones.length) list.append(h("li", {}, empty("구역이 없습니다. 도서산간 추가 배송비를 받지 않습니다.")));
  };
  add.addEventListener("click", () => {
    zones = collectRows();
    if (zones.length >= MAX_ZONES) return;
    zones.push({ name_ko: "", start: "", end: "", fee: 3000 });
    draw();
    const rows = list.querySelectorAll(".zone-row");
    rows[rows.length - 1].querySelector("input").focus();
  });
  useDefault.addEventListener("change", () => { if (useDefault.checked) { zones = null; draw(); } });
  useOwn.addEventListener("change", () => {
    if (!useOwn.checked) return;
    busy(null, async () => {
      const d = await defaultZones();
      zones = d.zones.map((z) => ({ ...z }));
      draw();
    }, slot);
  });
  defaultZones().then(draw, () => {});
  draw();
  const el = h("fieldset.zones-editor", {},
    h("legend", {}, "도서산간 구역"),
    h("div.row-actions", {},
      h("label.check", {}, useDefault, h("span", {}, "기본 목록 사용")),
      h("label.check", {}, useOwn, h("span", {}, "직접 설정 (기본 목록에서 시작)"))),
    summary, slot,
    h("div.zones-head", { "aria-hidden": "true" }, h("span", {}, "이름"), h("span", {}, "시작 우편번호"),
      h("span", {}, "끝 우편번호"), h("span", {}, "추가 배송비 (원)"), h("span", {})),
    list, ownTools);
  return { el, read: () => (zones === null ? null : collectRows()) };
}

export function shippingCard(ctx) {
  return sectionCard(ctx, {
    key: "claims", title: "배송비 · 도서산간", id: "settings-shipping",
    intro: "주소 변경 시 도서산간 추가 배송비와 반품 시 초기 배송비 계산에 쓰입니다.",
    build(s) {
      const base = intInput("base_shipping_fee", s.base_shipping_fee, { max: 1000000, step: 100 });
      const free = intInput("free_shipping_threshold", s.free_shipping_threshold, { optional: true, step: 1000 });
      const zones = zonesEditor(s.remote_zones);
      return {
        body: h("div.stack", {},
          h("div.form-grid", {},
            field("기본 배송비 (원)", base),
            field("무료배송 기준금액 (원)", free, { hint: "비우면 무료배송 없음. 반품 후 기준 미달이면 초기 배송비를 받습니다." })),
          zones.el),
        collect: () => ({ base_shipping_fee: readInt(base), free_shipping_threshold: readInt(free), remote_zones: zones.read() }),
      };
    },
  });
}
