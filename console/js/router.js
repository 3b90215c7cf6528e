// Hash routes: #/signin, #/home, #/orders?tab=…, #/orders/{order_id}, #/members/{member_id}, #/stock, #/settings, #/deposits.
// Each screen module answers render(main, {params, query}) and may return a cleanup (timers, listeners).
const ROUTES = [
  [/^\/signin$/, () => import("./screens/signin.js"), "signin"],
  [/^\/home$/, () => import("./screens/home.js"), "home"],
  [/^\/orders$/, () => import("./screens/orders.js"), "orders"],
  [/^\/orders\/([0-9A-Za-z_-]{1,40})$/, () => import("./screens/order.js"), "orders"],
  [/^\/members(?:\/([^/]{1,200}))?$/, () => import("./screens/members.js"), "members"],
  [/^\/stock$/, () => import("./screens/stock.js"), "stock"],
  [/^\/settings$/, () => import("./screens/settings.js"), "settings"],
  [/^\/deposits$/, () => import("./screens/deposits.js"), "deposits"],
  [/^\/staff$/, () => import("./screens/staff.js"), "staff"],
  [/^\/access-log$/, () => import("./screens/access_log.js"), "access-log"],
];

/** The screen of a path: {match, load, nav}, or null. */
export function screenOf(path) {
  for (const [re, load, nav] of ROUTES) {
    const match = re.exec(path);
    if (match) return { match, load, nav };
  }
  return null;
}

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, "") || "/orders";
  const [path, qs = ""] = raw.split("?");
  return { path, query: Object.fromEntries(new URLSearchParams(qs)) };
}

/** Change the query of the current route (filters, tabs) without a new history entry per keystroke. */
export function setQuery(query, { replace = false } = {}) {
  const { path } = parseHash();
  const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  const next = `#${path}${qs.toString() ? `?${qs}` : ""}`;
  if (replace) history.replaceState(null, "", next);
  else location.hash = next;
}

let cleanup = null;
let current = 0;

export async function route(main, { isSignedIn }) {
  let { path, query } = parseHash();
  if (!isSignedIn() && path !== "/signin") { // straight to the sign-in, in place of the screen asked for
    history.replaceState(null, "", "#/signin");
    ({ path, query } = parseHash());
  }
  const screen = screenOf(path);
  const found = screen && [screen.match, screen.load, screen.nav];
  if (typeof cleanup === "function") cleanup();
  cleanup = null;
  const mine = ++current;
  document.querySelectorAll("[data-nav]").forEach((a) => {
    if (found && a.dataset.nav === found[2]) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
  if (!found) {
    main.replaceChildren(Object.assign(document.createElement("p"), { className: "empty", textContent: "없는 화면입니다." }));
    return;
  }
  const [match, load] = found;
  const mod = await load();
  if (mine !== current) return; // another route started meanwhile
  // Each screen draws into its own view: a screen still loading when the next route starts keeps
  // drawing into its detached view, never into the new screen.
  const view = document.createElement("div");
  view.className = "view";
  main.replaceChildren(view);
  const done = await mod.render(view, { params: match.slice(1).map((v) => (v === undefined ? undefined : decodeURIComponent(v))), query });
  if (mine === current) cleanup = done;
  else if (typeof done === "function") done();
}
