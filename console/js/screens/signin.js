// Sign-in. Locally (config sign_in = "dev"): pick a site, the local gateway mints a dev admin token
// (clearly marked, local only). Deployed: the shop builder's sign-in sends the operator back here
// with its JWT (#/signin?access_token=…), or a token can be pasted.
import { config } from "../config.js";
import { signIn, setMe, session } from "../auth.js";
import { api } from "../api.js";
import { h, field, busy, showProblem, confirmDialog } from "../ui.js";
import { ApiError } from "../api.js";

async function done(token, slot) {
  const s = signIn(token);
  if (!s) {
    showProblem(slot, new ApiError(400, { code: "TOKEN_INVALID", message_ko: "사이트 정보가 없는 토큰입니다." }));
    return;
  }
  try {
    setMe(await api.post("/admin/session")); // the sign-in is recorded; the role decides what the console shows
  } catch (err) {
    showProblem(slot, err);
    return;
  }
  location.hash = "#/home";
}

function devForm(slot) {
  const site = h("input", { name: "site_id", value: "demo-shop", required: true, autocomplete: "off",
    pattern: "[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}", list: "known-sites" });
  const name = h("input", { name: "name", value: "로컬 관리자", maxlength: 40 });
  const submit = h("button.btn.primary", { type: "submit" }, "개발용 로그인");
  const form = h("form.stack", {
    onsubmit: (e) => {
      e.preventDefault();
      busy(submit, async () => {
        const resp = await fetch("_local/dev-token", {
          method: "POST", headers: { "content-type": "application/json" },
          body: JSON.stringify({ site_id: site.value.trim(), name: name.value.trim() }),
        });
        const body = await resp.json();
        if (!resp.ok) throw new ApiError(resp.status, body);
        await done(body.access_token, slot);
      }, slot);
    },
  },
  h("p.notice", {}, "로컬 개발 환경 전용 로그인입니다. 배포된 콘솔에서는 쇼핑몰 빌더 계정으로 로그인합니다."),
  field("사이트 ID", site, { hint: "데모 데이터는 demo-shop 에 있습니다." }),
  h("datalist", { id: "known-sites" }, h("option", { value: "demo-shop" })),
  field("관리자 이름", name),
  submit);
  return form;
}

function builderForm(slot) {
  const token = h("textarea", { name: "token", rows: 4, required: true });
  const submit = h("button.btn.primary", { type: "submit" }, "로그인");
  const cfg = config();
  return h("form.stack", { onsubmit: (e) => { e.preventDefault(); done(token.value.trim(), slot); } },
    cfg.sign_in_url
      ? h("a.btn.primary", { href: `${cfg.sign_in_url}?return_to=${encodeURIComponent(location.origin + location.pathname)}` },
        "쇼핑몰 빌더 계정으로 로그인")
      : null,
    field("관리자 토큰 (JWT)", token, { hint: `발급자: ${cfg.issuer}` }),
    submit);
}

export async function render(main, { query }) {
  const slot = h("div.slot");
  if (query.access_token) {
    const token = query.access_token;
    history.replaceState(null, "", "#/signin");
    const now = session();
    // a hand-off in the address never replaces the session of this browser without asking
    if (now && now.token !== token && !(await confirmDialog("다른 계정으로 로그인",
      `이미 ${now.name}(${now.site}) 계정으로 로그인되어 있습니다. 주소에 담긴 계정으로 바꿀까요?`, "바꾸기"))) {
      location.hash = "#/home";
      return;
    }
    main.append(slot);
    await done(token, slot); // recorded, then the role decides what the console shows
    if (location.hash !== "#/signin") return;
    slot.remove();
  }
  const dev = config().sign_in === "dev";
  main.append(h("div.signin", {},
    h("h1", {}, "주문관리 로그인"),
    dev ? h("span.badge.warn", {}, "로컬 개발용") : null,
    query.expired ? h("p.notice", { role: "alert" }, "로그인이 만료되었습니다. 다시 로그인해 주세요.") : null,
    slot,
    dev ? devForm(slot) : builderForm(slot)));
}
