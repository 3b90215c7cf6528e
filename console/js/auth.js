// The signed-in operator: a bearer token for one site, shared by every tab of this browser for the
// token's life (a Ctrl+click on an order or a typed address stays signed in); signing out in one tab
// signs out all of them (the storage event).
const KEY = "oms.console.session";
const store = window.localStorage;

function decode(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(Array.from(atob(part), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

export function session() {
  const raw = store.getItem(KEY);
  if (!raw) return null;
  const s = JSON.parse(raw);
  if (s.exp && s.exp * 1000 < Date.now()) {
    store.removeItem(KEY);
    return null;
  }
  return s;
}

/** Keep a token; answers the session or null when it is not an admin token with a site. */
export function signIn(token) {
  const claims = decode(token);
  if (!claims || !claims.site_id) return null;
  const s = { token, site: claims.site_id, name: claims.name || claims.sub || "관리자", exp: claims.exp || 0 };
  store.setItem(KEY, JSON.stringify(s));
  return s;
}

export function signOut({ expired = false } = {}) {
  store.removeItem(KEY);
  const back = expired ? "#/signin?expired=1" : "#/signin";
  if (!location.hash.startsWith("#/signin")) location.hash = back;
}

/** Keep who the API says the operator is (role, permissions: GET /admin/me, POST /admin/session). */
export function setMe(me) {
  const s = session();
  if (!s) return;
  store.setItem(KEY, JSON.stringify({ ...s, name: me.name || s.name, role: me.role_name,
    owner: Boolean(me.owner), permissions: me.permissions || [] }));
}

/** Whether the signed-in operator holds `permission` (until /admin/me answered: only what every role has). */
export function can(permission) {
  const s = session();
  if (!s) return false;
  if (!Array.isArray(s.permissions)) return permission === "orders.view";
  return s.permissions.includes(permission);
}

/** Another tab signed out (or in as someone else): follow it. */
export function followOtherTabs(onChange) {
  window.addEventListener("storage", (e) => {
    if (e.key !== KEY && e.key !== null) return;
    if (!session() && !location.hash.startsWith("#/signin")) location.hash = "#/signin";
    onChange();
  });
}
