// The timeline (말풍선): every change, memo and refusal of the order, who and when, newest first;
// a memo is written here. The detail carries the recent entries and a write answers only its own,
// so the entries seen on this page are kept and merged; "더 보기" pages GET …/timeline?cursor=.
import { api } from "../api.js";
import { h, section, busy, field, empty } from "../ui.js";
import { kst } from "../format.js";
import { personKo } from "../labels.js";
const states = new WeakMap(); // ctx → {events, seen, cursor, more, list}

const who = personKo;

const keyOf = (e) => `${e.at}|${e.kind}|${JSON.stringify(e.data || {})}`;

export function entry(e) {
  const d = e.data || {};
  const text = d.text_ko || d.text || d.message_ko || "기록";
  const cls = e.kind === "memo" ? "memo" : e.kind === "refused" || e.kind === "delivery_failed" ? "refused" : "change";
  return h(`li.event.${cls}`, { "data-kind": e.kind },
    h("div.bubble", {},
      cls === "memo" ? h("span.tag", {}, "메모 ") : cls === "refused" ? h("span.tag", {}, e.kind === "delivery_failed" ? "전달 실패 " : "거절 ") : null,
      text,
      d.note ? h("div.note", {}, `메모: ${d.note}`) : null),
    h("div.meta", {}, h("time", { datetime: e.at }, kst(e.at)), " · ", who(e.actor)));
}

/** How many recent entries the detail carries; fewer means the page holds the whole timeline. */
const DETAIL_RECENT = 30;

function state(ctx, order) {
  let s = states.get(ctx);
  if (!s) { // the first render is the detail's GET
    s = { events: [], seen: new Set(), cursor: null, paged: false, list: null, more: null,
      complete: (order.timeline || []).length < DETAIL_RECENT };
    states.set(ctx, s);
  }
  return s;
}

function merge(s, events) {
  for (const e of events || []) {
    const k = keyOf(e);
    if (s.seen.has(k)) continue;
    s.seen.add(k);
    s.events.push(e);
  }
  s.events.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

function draw(s) {
  if (!s.list) return;
  s.list.replaceChildren(...(s.events.length ? s.events.map(entry) : [empty("기록이 없습니다.")]));
  if (s.more) s.more.hidden = s.complete || (s.paged && !s.cursor);
}

async function loadMore(ctx, s) {
  const page = await api.get(`${ctx.path}/timeline`, { limit: 50, cursor: s.cursor || undefined });
  s.paged = true;
  s.cursor = page.next_cursor || null;
  merge(s, page.events);
  draw(s);
}

export function render(order, ctx) {
  const s = state(ctx, order);
  merge(s, order.timeline);
  ctx.refreshTimeline = async () => {
    try {
      const page = await api.get(`${ctx.path}/timeline`, { limit: 20 });
      merge(s, page.events);
      draw(s);
    } catch { /* the refusal itself is shown where it happened */ }
  };
  const text = h("textarea", { name: "memo", rows: 2, maxlength: 2000, required: true });
  const slot = h("div.slot");
  const save = h("button.btn", { type: "submit" }, "메모 저장");
  const form = h("form.memo-form", {
    onsubmit: (e) => {
      e.preventDefault();
      if (!text.value.trim()) return;
      busy(save, async () => {
        await api.post(`${ctx.path}/memos`, { text: text.value.trim() });
        text.value = "";
        await ctx.reload();
      }, slot);
    },
  }, field("메모", text), save, slot);
  s.list = h("ol.timeline", { "aria-label": "타임라인" });
  const moreSlot = h("div.slot");
  s.more = h("button.btn", { type: "button" }, "더 보기");
  s.more.addEventListener("click", () => busy(s.more, () => loadMore(ctx, s), moreSlot));
  draw(s);
  return section("타임라인", h("div", {}, form, s.list, h("div.timeline-more", {}, s.more, moreSlot)), { id: "timeline" });
}
