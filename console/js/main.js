// Boot: configuration, the signed-in operator, the router.
import { loadConfig, config } from "./config.js";
import { session, signOut, can, setMe, followOtherTabs } from "./auth.js";
import { api } from "./api.js";
import { route } from "./router.js";
import { forgetPrimed } from "./prefetch.js";

const main = document.getElementById("main");

function chrome() {
  const s = session();
  const bar = document.getElementById("topbar");
  bar.hidden = !s;
  document.getElementById("site-badge").textContent = s ? `${s.site} · ${s.name}${s.role ? ` (${s.role})` : ""}` : "";
  document.querySelectorAll("[data-perm]").forEach((a) => { a.hidden = !can(a.dataset.perm); });
  document.getElementById("env-badge").hidden = config().environment !== "local";
}

async function go() {
  chrome();
  try {
    await route(main, { isSignedIn: () => Boolean(session()) });
  } catch (err) {
    console.warn("screen failed", err);
    main.replaceChildren(Object.assign(document.createElement("p"), {
      className: "problem", role: "alert", textContent: `화면을 열지 못했습니다: ${err.message || err}`,
    }));
  }
}

// The screen's module and its first data are already on their way (prefetch.js); the operator's
// permissions (GET /admin/me, when the session does not hold them yet) are read meanwhile.
async function boot() {
  await loadConfig();
  const me = session() && !Array.isArray(session().permissions)
    ? api.get("/admin/me").then(setMe, () => { /* the screens show the refusal */ }) : null;
  document.getElementById("sign-out").addEventListener("click", () => signOut());
  window.addEventListener("hashchange", go);
  followOtherTabs(chrome);
  await me;
  await go();
  forgetPrimed();
  document.documentElement.dataset.ready = "1";
}

boot();
