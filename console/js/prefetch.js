// The first screen's requests, started before the rest of the console has loaded. index.html runs this
// module on its own (async) as soon as it arrives, and the boot's graph imports the same instance:
// - config.json at once (config.js takes that answer);
// - the route's screen module (its graph loads meanwhile; the list's is preloaded by index.html);
// - signed in, once config.json is in: the data the screen reads first (the home's counts; the order
//   list's first page; one order and the site's settings), each handed once to the first GET of the same URL (api.js).
// Nothing waits on another here that does not have to, and this module has no static imports (its requests
// start the moment it arrives); no screen is drawn before main.js's boot.

/** The order list's page size (screens/orders.js PAGE_SIZE): the primed first page is that request. */
const LIST_PAGE = 50;
/** The session auth.js keeps (its key and shape): the token, and until when it holds. */
const SESSION_KEY = "oms.console.session";
/** The screens of the home, the order list and one order (router.js ROUTES). */
const HOME = /^\/home$/;
const LIST = /^\/orders$/;
const DETAIL = /^\/orders\/([0-9A-Za-z_-]{1,40})$/;

/** A primed answer older than this is left alone (the screen asks again). */
const FRESH_MS = 10_000;

const primed = new Map();

/** The URL of an API call: `base` + `path`, the query's set values (arrays repeated). */
export function apiUrl(base, path, query) {
  const u = new URL(base + path, window.location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) v.forEach((x) => u.searchParams.append(k, x));
    else u.searchParams.set(k, String(v));
  }
  return u.toString();
}

/** One key per request whatever the order of its query. */
function keyOf(url) {
  const u = new URL(url);
  u.searchParams.sort();
  return u.toString();
}

// index.html preloads it: this request takes that answer (the preload's own request mode, no cache
// mode of its own; the answer says no-store, so no HTTP cache ever keeps it)
let early = fetch("config.json", { priority: "high" }).then(async (resp) => {
  if (!resp.ok) throw new Error(`config.json: HTTP ${resp.status}`);
  return resp.json();
});
early.catch(() => {}); // config.js reports it

/** config.json: the answer asked for at load the first time, a new request after. */
export function fetchConfig() {
  const out = early || fetch("config.json", { cache: "no-store" }).then(async (resp) => {
    if (!resp.ok) throw new Error(`config.json: HTTP ${resp.status}`);
    return resp.json();
  });
  early = null;
  return out;
}

/** The primed answer (a fetch Response promise) of a GET of `url` without headers of its own, once; or null. */
export function takePrimed(url) {
  const key = keyOf(url);
  const found = primed.get(key);
  primed.delete(key);
  return found && performance.now() - found.at < FRESH_MS ? found.response : null;
}

/** After the first screen: what it did not take is dropped. */
export function forgetPrimed() {
  primed.clear();
}

function prime(base, token, path, query) {
  const url = apiUrl(base, path, query);
  const response = fetch(url, { headers: { authorization: `Bearer ${token}` } });
  response.catch(() => {}); // the screen's own call reports it
  primed.set(keyOf(url), { response, at: performance.now() });
}

function token() {
  try {
    const s = JSON.parse(localStorage.getItem(SESSION_KEY) || "null");
    return s && s.token && !(s.exp && s.exp * 1000 < Date.now()) ? s.token : null;
  } catch {
    return null;
  }
}

async function start() {
  // router.js parseHash: "#/orders?tab=…" → path and query
  const [path, qs = ""] = (location.hash.replace(/^#/, "") || "/orders").split("?");
  const detail = DETAIL.exec(path);
  const bearer = token();
  if (bearer && HOME.test(path)) {
    import("./screens/home.js").catch(() => {});
    prime((await early).api_base, bearer, "/admin/home");
    return;
  }
  if (!bearer || (!detail && !LIST.test(path))) return; // signed out: the router shows the sign-in
  // the screen's module graph, meanwhile (the router's import() then finds it loaded or on its way)
  (detail ? import("./screens/order.js") : import("./screens/orders.js")).catch(() => {});
  const search = detail ? null : import("./list/search.js");
  const config = await early;
  if (detail) {
    prime(config.api_base, bearer, `/admin/orders/${encodeURIComponent(detail[1])}`);
    prime(config.api_base, bearer, "/admin/settings");
  } else {
    const { searchOf } = await search;
    const query = Object.fromEntries(new URLSearchParams(qs));
    prime(config.api_base, bearer, "/admin/orders", { ...searchOf(query), limit: LIST_PAGE });
  }
}

start().catch(() => {});
